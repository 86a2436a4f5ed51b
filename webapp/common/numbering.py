"""Yearly sequences for document numbers (contracts HT-…, requests SP-…): unique and gap-free.

The counter row is incremented with a single UPDATE inside the transaction that inserts the
numbered record. On PostgreSQL the row lock holds a second creator until the first commits or
rolls back; SQLite serialises writers itself. A rolled-back creation never consumes a number.
"""

from __future__ import annotations

import sqlalchemy as sa

from webapp.extensions import db


def next_in_sequence(table: sa.Table, year: int) -> int:
    """The next number of `year` in a counter table with columns (year, last)."""
    bump = (
        sa.update(table)
        .where(table.c.year == year)
        .values(last=table.c.last + 1)
        .returning(table.c.last)
    )
    last = db.session.execute(bump).scalar_one_or_none()
    if last is None:
        # First number of the year: create the row; a racing creator's insert fails on the
        # primary key, so we re-run the increment against the row it made.
        try:
            with db.session.begin_nested():
                db.session.execute(sa.insert(table).values(year=year, last=1))
            last = 1
        except sa.exc.IntegrityError:
            last = db.session.execute(bump).scalar_one()
    return last
