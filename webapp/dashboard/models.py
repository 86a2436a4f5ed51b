"""A monthly analysis report's subject: which month, which department, and (for an account
manager's own report) whom. The stored PDF/DOCX are the documents area's GeneratedDocument rows
of kind ``monthly-report`` with this row's id as their source."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Department, User
from webapp.common.timeutil import utcnow
from webapp.common.types import Money, UTCDateTime
from webapp.extensions import db


class MonthlyReport(db.Model):
    __tablename__ = "monthly_reports"
    __table_args__ = (
        sa.UniqueConstraint("month", "department_id", "subject", name="uq_monthly_report"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column()  # first day of the month
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    # "department", or "user:<id>" for one account manager's report
    subject: Mapped[str] = mapped_column(sa.String(20), default="department")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department] = relationship()
    user: Mapped[User | None] = relationship()


class SalesMonthlyTotal(db.Model):
    """What each client bought per month and product, summed from its purchases: the
    dashboard's sales figures (80/20, plan attainment, churn) and the ageing of old arrears read
    these rows instead of every purchase.

    Derived data, never edited: `dashboard.totals` recomputes an account's rows inside the
    transaction that changes its purchases (the sales area's `records_changed` signal for imports,
    a flush listener for purchases written through the ORM), and `flask dashboard rebuild-totals`
    recomputes them all."""

    __tablename__ = "sales_monthly_totals"
    # On SQLite the table is its primary key's b-tree (no rowid): the figures read it in key
    # order, a client's products one after the other, without a second lookup per row.
    __table_args__ = {"sqlite_with_rowid": False}

    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    product: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)  # first day of the month
    amount: Mapped[Decimal] = mapped_column(Money)  # Σ amount
    quantity: Mapped[Decimal] = mapped_column(Money)  # Σ quantity
    # Σ (amount − settled) of the purchases not settled when recorded: the arrears before payments
    unsettled: Mapped[Decimal] = mapped_column(Money)
    purchases: Mapped[int] = mapped_column()  # how many purchases
