"""Key-account development records (DOMAIN.md "Key account", seed 001 大客户开发流程, seed 004
tables 4-1/4-2): the development profile of an account, MAN qualifications, value assessments,
sales-tier tables and figures, stage checklists and moves, the customer pool and the settings an
administrator edits. Every assessment, qualification, move and pool event is kept."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import Account, CreditGrade, SalesTier, Stage, ValueClass
from webapp.auth.models import User
from webapp.common.enums import LabelledEnum, set_labels
from webapp.common.timeutil import utcnow
from webapp.common.types import Money, UTCDateTime, enum_column
from webapp.extensions import db

PERCENT = sa.Numeric(6, 2)
SCORE = sa.Numeric(5, 2)


class Qualification(LabelledEnum):
    PENDING = "pending"  # not assessed yet
    QUALIFIED = "qualified"
    UNQUALIFIED = "unqualified"  # a veto indicator failed


class TierTable(LabelledEnum):
    WHOLESALE = "wholesale"  # 表4-1 批发、连锁类
    RETAIL = "retail"  # 表4-2 零售、医疗机构


class MoveKind(LabelledEnum):
    FORWARD = "forward"
    BACKWARD = "backward"
    ABANDON = "abandon"
    REOPEN = "reopen"


class PoolEventKind(LabelledEnum):
    RETURNED = "returned"  # the rule (or a supervisor) put the account back in the pool
    CLAIMED = "claimed"
    ASSIGNED = "assigned"


class PoolReason(LabelledEnum):
    UNQUALIFIED = "unqualified"
    NEGLECTED = "neglected"
    RELEASED = "released"


set_labels(
    {
        Qualification.PENDING: _l("Not qualified yet"),
        Qualification.QUALIFIED: _l("Qualified"),
        Qualification.UNQUALIFIED: _l("Unqualified (veto)"),
        TierTable.WHOLESALE: _l("Table 4-1 wholesale & chain"),
        TierTable.RETAIL: _l("Table 4-2 retail & medical"),
        MoveKind.FORWARD: _l("moved forward"),
        MoveKind.BACKWARD: _l("moved back"),
        MoveKind.ABANDON: _l("given up"),
        MoveKind.REOPEN: _l("reopened"),
        PoolEventKind.RETURNED: _l("returned to the pool"),
        PoolEventKind.CLAIMED: _l("claimed from the pool"),
        PoolEventKind.ASSIGNED: _l("assigned from the pool"),
        PoolReason.UNQUALIFIED: _l("unqualified lead"),
        PoolReason.NEGLECTED: _l("no visit for too long"),
        PoolReason.RELEASED: _l("released by a supervisor"),
    }
)


class DevelopmentProfile(db.Model):
    """One per account: where its development stands beyond the account's own columns.

    `in_pool` marks an account returned to its department's pool (公海); `last_contact_on` is
    kept up to date from visits so the pool rule and the board need no aggregate per request.
    """

    __tablename__ = "development_profiles"
    __table_args__ = (
        sa.Index("ix_devprofile_pool", "in_pool", "last_contact_on"),
        sa.Index("ix_devprofile_filed", "filed_by_id", "filed_on"),
    )

    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    qualification: Mapped[Qualification] = mapped_column(
        enum_column(Qualification), default=Qualification.PENDING, index=True
    )
    qualification_reason: Mapped[str | None] = mapped_column(sa.String(300))
    expected_value: Mapped[Decimal | None] = mapped_column(Money)  # 预计年销售额
    expected_close: Mapped[date | None] = mapped_column()  # first day of the expected month
    stage_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # lead capture and project filing (项目备案)
    source: Mapped[str | None] = mapped_column(sa.String(60))
    need: Mapped[str | None] = mapped_column(sa.String(500))
    contact_name: Mapped[str | None] = mapped_column(sa.String(40))
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    filed_on: Mapped[date | None] = mapped_column()  # local date, for the daily lead count
    # the customer pool
    in_pool: Mapped[bool] = mapped_column(default=False)
    pooled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pool_reason: Mapped[PoolReason | None] = mapped_column(enum_column(PoolReason))
    previous_owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    last_contact_on: Mapped[date | None] = mapped_column()
    # search keys for the duplicate check (leads.normalise_name / normalise_phone)
    name_key: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    short_key: Mapped[str | None] = mapped_column(sa.String(60), index=True)
    phone_key: Mapped[str | None] = mapped_column(sa.String(30), index=True)

    account: Mapped[Account] = relationship()
    filed_by: Mapped[User | None] = relationship(foreign_keys=[filed_by_id])
    previous_owner: Mapped[User | None] = relationship(foreign_keys=[previous_owner_id])


class ManQualification(db.Model):
    """One MAN assessment (seed 001): each indicator with its evidence and date. A failed
    indicator vetoes the lead (关键指标一票否决)."""

    __tablename__ = "man_qualifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    money: Mapped[bool] = mapped_column()
    money_evidence: Mapped[str] = mapped_column(sa.String(300))
    money_on: Mapped[date] = mapped_column()
    authority: Mapped[bool] = mapped_column()
    authority_evidence: Mapped[str] = mapped_column(sa.String(300))
    authority_on: Mapped[date] = mapped_column()
    need: Mapped[bool] = mapped_column()
    need_evidence: Mapped[str] = mapped_column(sa.String(300))
    need_on: Mapped[date] = mapped_column()
    result: Mapped[Qualification] = mapped_column(enum_column(Qualification))
    reason: Mapped[str | None] = mapped_column(sa.String(300))

    by: Mapped[User] = relationship()


class ValueWeight(db.Model):
    """The administrator's weight (percent) of one value criterion A–G; they sum to 100."""

    __tablename__ = "value_weights"

    criterion: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    weight: Mapped[int] = mapped_column()


class ValueAssessment(db.Model):
    """A stage-3 value assessment: seven scores 1–5 with notes, the weights used, the class."""

    __tablename__ = "value_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    scores: Mapped[dict] = mapped_column(sa.JSON)  # {"A": 4, …}; a missing key = not scored
    notes: Mapped[dict] = mapped_column(sa.JSON)  # {"A": "…"}
    weights: Mapped[dict] = mapped_column(sa.JSON)  # the weights in force when assessed
    total: Mapped[Decimal | None] = mapped_column(SCORE)
    result: Mapped[ValueClass] = mapped_column(enum_column(ValueClass))
    previous: Mapped[ValueClass | None] = mapped_column(enum_column(ValueClass))

    by: Mapped[User] = relationship()


class TierBand(db.Model):
    """One row of table 4-1 or 4-2: average monthly sales in [sales_min, sales_max) 万元 gives
    `tier` (None: below C); a gross margin above `margin_norm` lifts the client one tier."""

    __tablename__ = "tier_bands"
    __table_args__ = (sa.UniqueConstraint("table", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table: Mapped[TierTable] = mapped_column(enum_column(TierTable))
    position: Mapped[int] = mapped_column()
    tier: Mapped[SalesTier | None] = mapped_column(enum_column(SalesTier))
    sales_min: Mapped[Decimal] = mapped_column(Money)
    sales_max: Mapped[Decimal | None] = mapped_column(Money)
    margin_norm: Mapped[Decimal | None] = mapped_column(PERCENT)


class TierFigures(db.Model):
    """The figures behind an account's tier, recomputed whenever its sales records change."""

    __tablename__ = "tier_figures"

    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    table: Mapped[TierTable] = mapped_column(enum_column(TierTable))
    months: Mapped[int] = mapped_column()
    monthly_sales: Mapped[Decimal] = mapped_column(Money)  # 元 per month
    gross_margin: Mapped[Decimal | None] = mapped_column(PERCENT)
    base_tier: Mapped[SalesTier | None] = mapped_column(enum_column(SalesTier))
    tier: Mapped[SalesTier | None] = mapped_column(enum_column(SalesTier))
    lifted: Mapped[bool] = mapped_column(default=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StageCheck(db.Model):
    """A ticked item of a stage's checklist."""

    __tablename__ = "stage_checks"

    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    item: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StageMove(db.Model):
    """Who moved the account from which stage to which, with the reason and what was left
    unchecked."""

    __tablename__ = "stage_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[MoveKind] = mapped_column(enum_column(MoveKind))
    from_stage: Mapped[Stage] = mapped_column(enum_column(Stage))
    to_stage: Mapped[Stage] = mapped_column(enum_column(Stage))
    reason: Mapped[str | None] = mapped_column(sa.String(300))
    unchecked: Mapped[list | None] = mapped_column(sa.JSON)

    by: Mapped[User] = relationship()


class PoolEvent(db.Model):
    __tablename__ = "pool_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[PoolEventKind] = mapped_column(enum_column(PoolEventKind))
    reason: Mapped[PoolReason | None] = mapped_column(enum_column(PoolReason))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    from_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    to_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    from_user: Mapped[User | None] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User | None] = relationship(foreign_keys=[to_user_id])


class DevelopmentSetting(db.Model):
    """An administrator's setting (claim limit, days before the pool takes an account back,
    the working calendar of the daily-lead rule); code defaults apply while a key is absent."""

    __tablename__ = "development_settings"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[dict | list | int | str] = mapped_column(sa.JSON)


class CreditScoring(db.Model):
    """A credit grading (资信评估): the figures read from the sales records, the score of each
    criterion, the weighted total and the grade and limit it suggests. Every one is kept."""

    __tablename__ = "credit_scorings"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    figures: Mapped[dict] = mapped_column(sa.JSON)
    scores: Mapped[dict] = mapped_column(sa.JSON)
    weights: Mapped[dict] = mapped_column(sa.JSON)
    total: Mapped[Decimal] = mapped_column(SCORE)
    grade: Mapped[CreditGrade] = mapped_column(enum_column(CreditGrade))
    suggested_limit: Mapped[Decimal] = mapped_column(Money)

    by: Mapped[User | None] = relationship()
