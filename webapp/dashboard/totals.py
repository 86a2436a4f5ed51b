"""The monthly sales totals (`sales_monthly_totals`): per client, month and product, the sum of
its purchases, so the dashboard's sales figures read a few rows per client instead of every
purchase.

How they stay correct: they are derived, and recomputed for every account whose purchases
change, in the same transaction as the change:
- imports (new and updated purchases, written in bulk) send the sales area's
  `records_changed(kind, account_ids=…)`; `on_records_changed` recomputes those accounts;
- purchases written through the ORM (added, edited, deleted: a form, a script, a test) are seen
  by `on_flush`, a listener on the session's flush, which recomputes their accounts (old and new
  account when a purchase moves);
- deleting an account deletes its rows (foreign key ON DELETE CASCADE), as it does its purchases;
- `flask dashboard rebuild-totals` (`rebuild`) recomputes every row: the migration that made the
  table and the demo data call it, and so does anything that bulk-writes purchases without the
  signal (benchmarks/dashboard.py).
An account is recomputed whole (all its months), so an edit that moves a purchase to another
month or product leaves no stale row behind.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from webapp.dashboard.models import SalesMonthlyTotal
from webapp.extensions import db
from webapp.sales.models import ImportKind, Purchase

CHUNK = 500  # account ids per statement


def month_of(column, dialect_name: str) -> sa.ColumnElement:
    """The first day of the month of a date column, in SQL."""
    if dialect_name == "sqlite":
        return sa.func.date(column, "start of month")
    return sa.cast(sa.func.date_trunc("month", sa.cast(column, sa.DateTime)), sa.Date)


def _fen(column) -> sa.ColumnElement:
    return sa.type_coerce(column, sa.BigInteger)


def totals_select(dialect_name: str) -> sa.Select:
    """The totals as one grouped query over purchases (what the table must always equal)."""
    month = month_of(Purchase.purchased_on, dialect_name)
    owed = _fen(Purchase.amount) - _fen(Purchase.settled)
    return sa.select(
        Purchase.account_id,
        month,
        Purchase.product,
        sa.func.sum(_fen(Purchase.amount)),
        sa.func.sum(_fen(Purchase.quantity)),
        sa.func.sum(sa.case((owed > 0, owed), else_=0)),
        sa.func.count(),
    ).group_by(Purchase.account_id, month, Purchase.product)


COLUMNS = ["account_id", "month", "product", "amount", "quantity", "unsettled", "purchases"]


def refresh(connection: sa.Connection, account_ids: Iterable[int]) -> None:
    """Recompute every row of these accounts from their purchases (the caller's transaction)."""
    ids = sorted({int(i) for i in account_ids if i is not None})
    table = SalesMonthlyTotal.__table__
    select = totals_select(connection.dialect.name)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        connection.execute(sa.delete(table).where(table.c.account_id.in_(chunk)))
        connection.execute(
            sa.insert(table).from_select(COLUMNS, select.where(Purchase.account_id.in_(chunk)))
        )


def rebuild(connection: sa.Connection | None = None) -> int:
    """Recompute the whole table from the purchases; answers how many rows it now holds. The
    caller commits."""
    connection = connection or db.session.connection()
    table = SalesMonthlyTotal.__table__
    connection.execute(sa.delete(table))
    connection.execute(
        sa.insert(table).from_select(COLUMNS, totals_select(connection.dialect.name))
    )
    return connection.scalar(sa.select(sa.func.count()).select_from(table))


def on_records_changed(kind, account_ids=(), **_kw) -> None:
    """`sales.signals.records_changed`: an import wrote purchases of these accounts; recompute
    their totals in the import's own transaction."""
    if kind is ImportKind.PURCHASE and account_ids:
        refresh(db.session.connection(), account_ids)


# what a purchase's totals depend on; a change to anything else (a note, the batch) is no change
TRACKED = ("account_id", "purchased_on", "product", "amount", "quantity", "settled")


def _accounts_touched(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in session.new:
        if isinstance(obj, Purchase):
            ids.add(obj.account_id)
    for obj in session.deleted:
        if isinstance(obj, Purchase):
            ids.update(sa.inspect(obj).attrs.account_id.history.non_added() or [obj.account_id])
    for obj in session.dirty:
        if not isinstance(obj, Purchase):
            continue
        attrs = sa.inspect(obj).attrs
        if any(getattr(attrs, name).history.has_changes() for name in TRACKED):
            ids.update(attrs.account_id.history.sum())
    return ids


def on_flush(session: Session, _flush_context) -> None:
    """After a flush (the rows are written, the transaction still open): recompute the totals
    of the accounts whose purchases the ORM added, changed or deleted."""
    ids = _accounts_touched(session)
    if ids:
        refresh(session.connection(), ids)
