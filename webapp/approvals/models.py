"""Requests, their materialised steps, the trail of events, and approvers' deputies.

DOMAIN.md "Approval requests": every request has a number, type, account, applicant, date,
content, amount where relevant, status and a full trail of who did what when.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import Account, CreditGrade
from webapp.auth.models import Role, User
from webapp.common.enums import LabelledEnum, set_labels
from webapp.common.timeutil import local_today, to_local, utcnow
from webapp.common.types import Money, UTCDateTime, enum_column
from webapp.contracts.models import Contract
from webapp.extensions import db


class RequestType(LabelledEnum):
    SUPPORT = "support"  # 服务与支持申请
    CREDIT = "credit"  # 信用调整申请
    CONTRACT = "contract"  # 合同审批
    ATTACK = "attack"  # 项目攻关方案 with its 费用计划 (seed 001)


class RequestStatus(LabelledEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"  # back with the applicant for revision
    WITHDRAWN = "withdrawn"


class StepStatus(LabelledEnum):
    WAITING = "waiting"  # not reached yet, or the current step
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    SKIPPED = "skipped"  # closed because the request ended before reaching it


class TaskStatus(LabelledEnum):
    OPEN = "open"
    DELIVERED = "delivered"


class SupportKind(LabelledEnum):
    SALES = "sales"
    MARKET = "market"
    AFTER_SALES = "after_sales"
    FINANCE = "finance"
    TRAINING = "training"
    SEMINAR = "seminar"  # 产品技术研讨会
    STAFF_VEHICLE = "staff_vehicle"
    ADVERTISING = "advertising"  # budget required (seed 004)


set_labels(
    {
        RequestType.SUPPORT: _l("Service & support application"),
        RequestType.CREDIT: _l("Credit adjustment"),
        RequestType.CONTRACT: _l("Contract approval"),
        RequestType.ATTACK: _l("Attack plan"),
        RequestStatus.PENDING: _l("In approval"),
        RequestStatus.APPROVED: _l("Approved"),
        RequestStatus.REJECTED: _l("Rejected"),
        RequestStatus.RETURNED: _l("Returned for revision"),
        RequestStatus.WITHDRAWN: _l("Withdrawn"),
        StepStatus.WAITING: _l("Waiting"),
        StepStatus.APPROVED: _l("Approved"),
        StepStatus.REJECTED: _l("Rejected"),
        StepStatus.RETURNED: _l("Returned for revision"),
        StepStatus.SKIPPED: _l("Not needed"),
        TaskStatus.OPEN: _l("To deliver"),
        TaskStatus.DELIVERED: _l("Delivered"),
        SupportKind.SALES: _l("Sales support"),
        SupportKind.MARKET: _l("Market support"),
        SupportKind.AFTER_SALES: _l("After-sales support"),
        SupportKind.FINANCE: _l("Finance support"),
        SupportKind.TRAINING: _l("Training support"),
        SupportKind.SEMINAR: _l("Product technical seminar"),
        SupportKind.STAFF_VEHICLE: _l("Staff and vehicle support"),
        SupportKind.ADVERTISING: _l("Advertising and promotion"),
    }
)


class ApprovalSettings(db.Model):
    """One version of the administrator's approval settings (DOMAIN.md: thresholds are the
    administrator's). A change adds a row, never updates one; a request records the version it
    was filed under, so a change applies to requests filed after it."""

    __tablename__ = "approval_settings"

    id: Mapped[int] = mapped_column(primary_key=True)  # the version number
    # a service & support budget above this also needs the executive
    support_executive_threshold: Mapped[Decimal] = mapped_column(Money)
    # a contract total above this also needs the executive (None: only over-credit/deviation)
    contract_executive_threshold: Mapped[Decimal | None] = mapped_column(Money)
    support_step_days: Mapped[int] = mapped_column()
    credit_step_days: Mapped[int] = mapped_column()
    contract_step_days: Mapped[int] = mapped_column()
    # an attack plan's expense total above this also needs the executive (None: never)
    attack_executive_threshold: Mapped[Decimal | None] = mapped_column(Money)
    # days before the 10-day credit deadline on which its approvers are reminded, e.g. "3,1"
    credit_reminder_days: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship()

    @property
    def reminder_days(self) -> list[int]:
        return [int(x) for x in self.credit_reminder_days.split(",") if x.strip()]

    def step_days(self, type_: RequestType) -> int:
        return {
            RequestType.SUPPORT: self.support_step_days,
            RequestType.CREDIT: self.credit_step_days,
            RequestType.CONTRACT: self.contract_step_days,
            RequestType.ATTACK: self.support_step_days,  # an attack plan steps like support
        }[type_]


class ApprovalRequest(db.Model):
    __tablename__ = "approval_requests"
    __table_args__ = (
        sa.Index("ix_approval_requests_status_type", "status", "type"),
        # "filed by me", newest first
        sa.Index("ix_approval_requests_applicant_filed", "applicant_id", "filed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(16), unique=True)  # SP-YYYY-NNNNN
    type: Mapped[RequestType] = mapped_column(enum_column(RequestType))
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus), default=RequestStatus.PENDING
    )
    round: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(sa.String(120))
    content: Mapped[str | None] = mapped_column(sa.Text)
    amount: Mapped[Decimal | None] = mapped_column(Money)  # budget, or contract total
    # service & support
    support_kind: Mapped[SupportKind | None] = mapped_column(enum_column(SupportKind))
    starts_on: Mapped[date | None] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()
    # credit adjustment: what the account had when filed, and what is asked for
    current_grade: Mapped[CreditGrade | None] = mapped_column(enum_column(CreditGrade))
    current_limit: Mapped[Decimal | None] = mapped_column(Money)
    proposed_grade: Mapped[CreditGrade | None] = mapped_column(enum_column(CreditGrade))
    proposed_limit: Mapped[Decimal | None] = mapped_column(Money)
    basis: Mapped[str | None] = mapped_column(sa.String(400))
    # contract approval
    contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    # the approval settings version in force when filed (None: filed before any was saved)
    settings_id: Mapped[int | None] = mapped_column(sa.ForeignKey("approval_settings.id"))

    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    account: Mapped[Account] = relationship()
    applicant: Mapped[User] = relationship()
    contract: Mapped[Contract | None] = relationship()
    # an attack plan's substance (None for the other types)
    attack_plan: Mapped[AttackPlan | None] = relationship(
        back_populates="request", uselist=False, cascade="all, delete-orphan"
    )
    steps: Mapped[list[ApprovalStep]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="(ApprovalStep.round, ApprovalStep.position)",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_credit(self) -> bool:
        """A credit adjustment (信用调整申请): its page shows the current and proposed credit."""
        return self.type is RequestType.CREDIT

    @property
    def is_attack(self) -> bool:
        """An attack plan (项目攻关方案): its page shows goals, forces, actions and expenses."""
        return self.type is RequestType.ATTACK

    @property
    def is_support(self) -> bool:
        """A service & support application (服务与支持申请)."""
        return self.type is RequestType.SUPPORT

    @property
    def is_approved(self) -> bool:
        return self.status is RequestStatus.APPROVED

    @property
    def age_days(self) -> int:
        """Whole days since the request was filed."""
        return max((utcnow() - self.filed_at).days, 0)

    @property
    def days_left(self) -> int | None:
        """Calendar days (Asia/Shanghai) to the deadline while the request is pending: 10 on
        the day a credit adjustment is filed, 0 on its last day, negative once past it."""
        if self.deadline_at is None or self.status is not RequestStatus.PENDING:
            return None
        return (to_local(self.deadline_at).date() - local_today()).days

    @property
    def overdue_days(self) -> int:
        """Calendar days past the deadline (0 while there is time left)."""
        return max(-(self.days_left or 0), 0)


class ApprovalStep(db.Model):
    """One step of one round, materialised when the request is filed, so the inbox is a plain
    query and a decision is a single conditional UPDATE (decided exactly once)."""

    __tablename__ = "approval_steps"
    __table_args__ = (
        sa.UniqueConstraint("request_id", "round", "position", name="uq_approval_steps_slot"),
        # the inbox: open steps of a role (and department)
        sa.Index("ix_approval_steps_open", "status", "current", "role", "department_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("approval_requests.id", ondelete="CASCADE")
    )
    round: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column()
    # no index of its own: two values over many rows, and SQLite would pick it for the join
    # from a request to its current step instead of the (request_id, round, position) key
    current: Mapped[bool] = mapped_column(default=False)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    action_name: Mapped[str] = mapped_column(sa.String(16))  # 审核 / 会签 / 审批
    # the department whose supervisor/head acts; None for company-wide roles
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    # reassigned; indexed so the inbox's "mine or my role's" OR can use an index on each side
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[StepStatus] = mapped_column(enum_column(StepStatus), default=StepStatus.WAITING)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    on_behalf_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(sa.Text)

    request: Mapped[ApprovalRequest] = relationship(back_populates="steps")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    on_behalf_of: Mapped[User | None] = relationship(foreign_keys=[on_behalf_of_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])

    @property
    def is_overdue(self) -> bool:
        """The current step is past its due time (DOMAIN.md: overdue steps are flagged)."""
        return self.current and self.due_at is not None and self.due_at < utcnow()

    @property
    def overdue_days(self) -> int:
        """Calendar days (Asia/Shanghai) since the day the current step was due; 0 when it is
        not overdue or fell due earlier today."""
        if not self.is_overdue:
            return 0
        return max((local_today() - to_local(self.due_at).date()).days, 0)


class ApprovalEvent(db.Model):
    """The trail: filing, each decision, comments, withdrawal, resubmission, reassignment."""

    __tablename__ = "approval_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("approval_requests.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    role: Mapped[Role | None] = mapped_column(enum_column(Role))
    action: Mapped[str] = mapped_column(sa.String(16))
    round: Mapped[int] = mapped_column()
    comment: Mapped[str | None] = mapped_column(sa.Text)
    # the request's fields as filed in this round, so a resubmission can be compared
    snapshot: Mapped[dict | None] = mapped_column(sa.JSON)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    on_behalf_of: Mapped[User | None] = relationship(foreign_keys=[on_behalf_of_id])


class Delegation(db.Model):
    """An approver names a deputy who may decide in their place for a date range."""

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    deputy_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    deputy: Mapped[User] = relationship(foreign_keys=[deputy_id])


class SupportTask(db.Model):
    """What an approved service & support application promises the client; the account team
    marks it delivered, and the cooperation-evaluation report counts the delivered ones."""

    __tablename__ = "support_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("approval_requests.id", ondelete="CASCADE"), unique=True
    )
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"), index=True)
    kind: Mapped[SupportKind] = mapped_column(enum_column(SupportKind))
    title: Mapped[str] = mapped_column(sa.String(120))
    budget: Mapped[Decimal | None] = mapped_column(Money)
    starts_on: Mapped[date | None] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus), default=TaskStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    delivery_note: Mapped[str | None] = mapped_column(sa.String(500))
    version: Mapped[int] = mapped_column(default=1)

    request: Mapped[ApprovalRequest] = relationship()
    delivered_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        """Not delivered yet: the account team can still mark it delivered."""
        return self.status is TaskStatus.OPEN


class RequestCounter(db.Model):
    __tablename__ = "request_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


# --- the attack plan (项目攻关方案), seed 001 stages 4–5 --------------------------------------


class ForceSide(LabelledEnum):
    """渗透力量评估: a person or force at the client for us or against us."""

    FOR = "for"
    AGAINST = "against"


class ForceStrength(LabelledEnum):
    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"


set_labels(
    {
        ForceSide.FOR: _l("Supports us"),
        ForceSide.AGAINST: _l("Opposes us"),
        ForceStrength.STRONG: _l("Strong"),
        ForceStrength.MEDIUM: _l("Medium"),
        ForceStrength.WEAK: _l("Weak"),
    }
)


class AttackPlan(db.Model):
    """What an attack plan request asks for beyond the request's own columns (title, goals in
    `content`, the expense total in `amount`): the decision simulation, the expected close, and
    its forces, actions (攻关进度表) and expense items (费用计划). Replaced as a whole when the
    applicant revises a returned plan; `approved_at` is set by the final approval, from when
    its actions are tasks."""

    __tablename__ = "attack_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("approval_requests.id", ondelete="CASCADE"), unique=True
    )
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"), index=True)
    simulation: Mapped[str] = mapped_column(sa.Text)  # 决策模拟: why the client should choose us
    close_on: Mapped[date | None] = mapped_column()  # expected close
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[ApprovalRequest] = relationship(back_populates="attack_plan")
    forces: Mapped[list[AttackForce]] = relationship(
        cascade="all, delete-orphan", order_by="AttackForce.position"
    )
    actions: Mapped[list[AttackAction]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="AttackAction.position"
    )
    expenses: Mapped[list[AttackExpense]] = relationship(
        cascade="all, delete-orphan", order_by="AttackExpense.position"
    )

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def total(self) -> Decimal:
        return sum((e.amount for e in self.expenses), Decimal("0.00"))

    @property
    def progress(self) -> int:
        """The actions' mean percent done (0 with no actions)."""
        if not self.actions:
            return 0
        return round(sum(a.percent for a in self.actions) / len(self.actions))


class AttackForce(db.Model):
    __tablename__ = "attack_forces"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attack_plans.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    person: Mapped[str] = mapped_column(sa.String(80))
    side: Mapped[ForceSide] = mapped_column(enum_column(ForceSide))
    strength: Mapped[ForceStrength] = mapped_column(enum_column(ForceStrength))
    note: Mapped[str | None] = mapped_column(sa.String(200))

    @property
    def supports(self) -> bool:
        return self.side is ForceSide.FOR


class AttackAction(db.Model):
    """One line of the 攻关进度表; once the plan is approved, a task its owner moves on."""

    __tablename__ = "attack_actions"
    __table_args__ = (sa.Index("ix_attack_actions_owner_due", "owner_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attack_plans.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(200))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    due_on: Mapped[date] = mapped_column()
    percent: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    owner: Mapped[User] = relationship()
    plan: Mapped[AttackPlan] = relationship(back_populates="actions")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on < local_today()


class AttackExpense(db.Model):
    """One item of the 费用计划: what, how much (≥ 0, Decimal), and a note."""

    __tablename__ = "attack_expenses"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attack_plans.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    item: Mapped[str] = mapped_column(sa.String(120))
    amount: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str | None] = mapped_column(sa.String(200))
