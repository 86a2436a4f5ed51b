"""Contract numbers HT-YYYY-NNNNN: unique and gap-free per year.

The counter row is incremented with a single UPDATE inside the transaction that inserts the
contract. On PostgreSQL the row lock holds a second creator until the first commits or rolls
back; SQLite serialises writers itself. A rolled-back creation therefore never consumes a number.
"""

from __future__ import annotations

import sqlalchemy as sa

from webapp.contracts.models import ContractCounter
from webapp.extensions import db


def allocate_number(year: int) -> str:
    table = ContractCounter.__table__
    bump = (
        sa.update(table)
        .where(table.c.year == year)
        .values(last=table.c.last + 1)
        .returning(table.c.last)
    )
    last = db.session.execute(bump).scalar_one_or_none()
    if last is None:
        # First contract of the year: create the row; a racing creator's insert fails on the
        # primary key, so we re-run the increment against the row it made.
        try:
            with db.session.begin_nested():
                db.session.execute(sa.insert(table).values(year=year, last=1))
            last = 1
        except sa.exc.IntegrityError:
            last = db.session.execute(bump).scalar_one()
    return f"HT-{year}-{last:05d}"
