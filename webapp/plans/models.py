"""Role service plans (ISUNOR 角色服务计划, seed 001 stage 2–4), the account's monthly review
(月度检讨), each user's calendar feed, and the monthly progress review of an attack plan
(月大客户项目进度检讨会). The attack plan itself is an approval request (approvals.models)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import Account, Contact
from webapp.approvals.models import AttackPlan
from webapp.auth.models import User
from webapp.common.enums import LabelledEnum, set_labels
from webapp.common.timeutil import local_today, utcnow
from webapp.common.types import UTCDateTime, enum_column
from webapp.extensions import db


class Frequency(LabelledEnum):
    ONCE = "once"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


set_labels(
    {
        Frequency.ONCE: _l("Once"),
        Frequency.WEEKLY: _l("Weekly"),
        Frequency.MONTHLY: _l("Monthly"),
        Frequency.QUARTERLY: _l("Quarterly"),
    }
)


class ServicePlanItem(db.Model):
    """One line of a contact's role service plan: goal, method, action, when (the next due
    date), how often, and our team member who does it. Marking a repeating item done moves
    its due date on by its frequency; a one-off item is closed."""

    __tablename__ = "service_plan_items"
    __table_args__ = (
        # the owner's due items (home page, calendar feed)
        sa.Index("ix_service_plan_owner_due", "owner_id", "closed", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    goal: Mapped[str] = mapped_column(sa.String(200))
    method: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(200))
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency))
    due_on: Mapped[date] = mapped_column()
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    closed: Mapped[bool] = mapped_column(default=False)
    last_done_on: Mapped[date | None] = mapped_column()
    times_done: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    account: Mapped[Account] = relationship()
    contact: Mapped[Contact] = relationship()
    owner: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_overdue(self) -> bool:
        return not self.closed and self.due_on < local_today()

    @property
    def repeats(self) -> bool:
        return self.frequency is not Frequency.ONCE


class AccountReview(db.Model):
    """月度检讨: the account team's monthly review of the plan (and, for a hot account, the
    review after a visit): when, who attended, notes and decisions."""

    __tablename__ = "account_reviews"
    __table_args__ = (sa.Index("ix_account_reviews_account_held", "account_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column()
    attendees: Mapped[str] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    decisions: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User] = relationship()


class AttackReview(db.Model):
    """月度进度检讨 of one attack plan: when, who attended, where it stands, what was decided."""

    __tablename__ = "attack_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attack_plans.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column()
    attendees: Mapped[str] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    decisions: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[AttackPlan] = relationship()
    created_by: Mapped[User] = relationship()


class CalendarFeed(db.Model):
    """A user's calendar subscription: the SHA-256 of the secret in its address, and the feed
    as last built. A new address replaces the row (the old one stops); deleting the row turns
    the feed off."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the feed as last built and the digest of what it says (plans/calendar.py: feed_ics)
    body: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    body_key: Mapped[str | None] = mapped_column(sa.String(64))

    user: Mapped[User] = relationship()
