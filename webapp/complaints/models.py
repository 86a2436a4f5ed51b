"""A complaint and the trail of its steps, each with who and when."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import Account
from webapp.auth.models import User
from webapp.common.enums import LabelledEnum, set_labels
from webapp.common.timeutil import utcnow
from webapp.common.types import UTCDateTime, enum_column
from webapp.extensions import db


class ComplaintStatus(LabelledEnum):
    """The steps in their only order; the status is the last step taken."""

    RECORDED = "recorded"
    INVESTIGATED = "investigated"
    INSTRUCTED = "instructed"  # a leader's instruction on how to settle it
    CLIENT_TOLD = "client_told"
    ARCHIVED = "archived"

    @property
    def next(self) -> ComplaintStatus | None:
        members = list(ComplaintStatus)
        index = members.index(self)
        return members[index + 1] if index + 1 < len(members) else None


set_labels(
    {
        ComplaintStatus.RECORDED: _l("Recorded"),
        ComplaintStatus.INVESTIGATED: _l("Investigated"),
        ComplaintStatus.INSTRUCTED: _l("Leader's instruction given"),
        ComplaintStatus.CLIENT_TOLD: _l("Client told of the result"),
        ComplaintStatus.ARCHIVED: _l("Archived"),
    }
)


class Complaint(db.Model):
    __tablename__ = "complaints"
    __table_args__ = (sa.Index("ix_complaints_account_status", "account_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text)
    received_on: Mapped[date] = mapped_column()
    status: Mapped[ComplaintStatus] = mapped_column(
        enum_column(ComplaintStatus), default=ComplaintStatus.RECORDED
    )
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # archived
    version: Mapped[int] = mapped_column(default=1)

    account: Mapped[Account] = relationship()
    recorded_by: Mapped[User] = relationship()
    steps: Mapped[list[ComplaintStep]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintStep.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_archived(self) -> bool:
        """The last step is taken: nothing more is waited for."""
        return self.status is ComplaintStatus.ARCHIVED

    @property
    def days_to_close(self) -> float | None:
        if self.closed_at is None:
            return None
        return round((self.closed_at - self.recorded_at).total_seconds() / 86400, 1)


class ComplaintStep(db.Model):
    __tablename__ = "complaint_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[ComplaintStatus] = mapped_column(enum_column(ComplaintStatus))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(sa.Text)

    complaint: Mapped[Complaint] = relationship(back_populates="steps")
    actor: Mapped[User] = relationship()
