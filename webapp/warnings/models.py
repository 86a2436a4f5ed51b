"""Warning rules (with their thresholds), the warnings they raise, and major events reported on
an account by its salespeople."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import Account
from webapp.auth.models import Role, User
from webapp.common.enums import LabelledEnum, set_labels
from webapp.common.timeutil import utcnow
from webapp.common.types import UTCDateTime, enum_column
from webapp.extensions import db


class RuleKey(LabelledEnum):
    ARREARS_OVER_LIMIT = "arrears_over_limit"
    BEHIND_PLAN = "behind_plan"
    BEHIND_LAST_YEAR = "behind_last_year"
    LESS_FREQUENT = "less_frequent"
    EXPENSES_OVER_BUDGET = "expenses_over_budget"
    CHURN = "churn"
    MAJOR_EVENT = "major_event"
    APPROVAL_OVERDUE = "approval_overdue"
    CREDIT_OVERDUE = "credit_overdue"
    CONTRACT_EXPIRING = "contract_expiring"


class WarningStatus(LabelledEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"  # closed by a person
    CLEARED = "cleared"  # closed by the evaluation: the condition no longer holds


class EventKind(LabelledEnum):
    THEFT = "theft"
    ACCIDENT = "accident"
    SPLIT = "split"
    ILLNESS = "illness"
    OTHER = "other"


set_labels(
    {
        RuleKey.ARREARS_OVER_LIMIT: _l("Arrears above the credit limit"),
        RuleKey.BEHIND_PLAN: _l("Purchases behind plan"),
        RuleKey.BEHIND_LAST_YEAR: _l("Purchases behind the same period last year"),
        RuleKey.LESS_FREQUENT: _l("Purchases less frequent than usual"),
        RuleKey.EXPENSES_OVER_BUDGET: _l("Sales expenses above budget"),
        RuleKey.CHURN: _l("No purchase for a long time (churn)"),
        RuleKey.MAJOR_EVENT: _l("Major event at the client"),
        RuleKey.APPROVAL_OVERDUE: _l("Approval step past its deadline"),
        RuleKey.CREDIT_OVERDUE: _l("Credit adjustment past its deadline"),
        RuleKey.CONTRACT_EXPIRING: _l("Contract about to expire"),
        WarningStatus.OPEN: _l("Open"),
        WarningStatus.ACKNOWLEDGED: _l("Acknowledged"),
        WarningStatus.RESOLVED: _l("Resolved"),
        WarningStatus.CLEARED: _l("Cleared by itself"),
        EventKind.THEFT: _l("Theft"),
        EventKind.ACCIDENT: _l("Accident"),
        EventKind.SPLIT: _l("Split of the business"),
        EventKind.ILLNESS: _l("Serious illness"),
        EventKind.OTHER: _l("Other"),
    }
)


class WarningRule(db.Model):
    """A rule's switch and thresholds; rows are created with defaults on first evaluation."""

    __tablename__ = "warning_rules"

    key: Mapped[RuleKey] = mapped_column(enum_column(RuleKey), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    threshold: Mapped[int] = mapped_column()  # percent or days, see rules.RULES
    window_days: Mapped[int | None] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EarlyWarning(db.Model):
    """One warning: which rule, which account, about what (`subject`, e.g. a contract), the
    figures that triggered it, and who must act (a user, or a role in a department).

    `holding` is true while the rule still finds the condition; at most one warning per
    (rule, account, subject) holds at a time, so re-running the evaluation never duplicates.
    """

    __tablename__ = "early_warnings"
    __table_args__ = (
        sa.Index("ix_early_warnings_rule_holding", "rule", "holding"),
        sa.Index("ix_early_warnings_assignee_status", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[RuleKey] = mapped_column(enum_column(RuleKey))
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(sa.String(40), default="")
    figures: Mapped[dict] = mapped_column(sa.JSON)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    assignee_role: Mapped[Role | None] = mapped_column(enum_column(Role))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    status: Mapped[WarningStatus] = mapped_column(
        enum_column(WarningStatus), default=WarningStatus.OPEN, index=True
    )
    holding: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str | None] = mapped_column(sa.Text)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])

    @property
    def is_open(self) -> bool:
        return self.status in (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED)

    @property
    def is_unacknowledged(self) -> bool:
        """Raised and nobody has said "I am on it" yet."""
        return self.status is WarningStatus.OPEN


class MajorEvent(db.Model):
    """A major event at the client (被盗、车祸、分家、重病…) reported by a salesperson."""

    __tablename__ = "major_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    occurred_on: Mapped[date] = mapped_column()
    description: Mapped[str] = mapped_column(sa.Text)
    reported_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reported_by: Mapped[User] = relationship()
