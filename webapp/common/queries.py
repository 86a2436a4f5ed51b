"""Query shapes several areas share."""

from __future__ import annotations

import sqlalchemy as sa

from webapp.extensions import db


def first_and_total(stmt: sa.Select, limit: int) -> tuple[list, int]:
    """The first `limit` records of `stmt` (ordered as it says) and how many it holds, in one
    round trip: `count(*) OVER ()` is worked out before the LIMIT. A box of a home page shows
    a few rows and the total behind "all N"; two queries each made the page's longest part.
    Eager loads must be many-to-one (they add no rows); the records are the first column."""
    total = sa.func.count().over().label("total")
    rows = db.session.execute(stmt.add_columns(total).limit(limit)).all()
    return [row[0] for row in rows], (rows[0].total if rows else 0)
