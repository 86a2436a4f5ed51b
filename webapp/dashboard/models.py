"""A monthly analysis report's subject: which month, which department, and (for an account
manager's own report) whom. The stored PDF/DOCX are the documents area's GeneratedDocument rows
of kind ``monthly-report`` with this row's id as their source."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Department, User
from webapp.common.timeutil import utcnow
from webapp.common.types import UTCDateTime
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
