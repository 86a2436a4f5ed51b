"""Key-account records, DOMAIN.md "Key account", "People at the client" and "Activities"."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from webapp.auth.models import Department, User
from webapp.common.enums import LabelledEnum, set_labels
from webapp.common.pinyin import KEY_LENGTH, pinyin_key
from webapp.common.timeutil import utcnow
from webapp.common.types import Money, UTCDateTime, enum_column
from webapp.extensions import db


class AccountKind(LabelledEnum):
    ECONOMIC = "economic"  # 经济大客户: ≥ 20 t/month or ≥ ¥5M/year
    IMPORTANT = "important"  # 重要客户: government, military, education, health, media
    GROUP = "group"  # 集团客户: linked in our value chain
    STRATEGIC = "strategic"  # 战略客户: high potential, contested


class Relation(LabelledEnum):
    UPSTREAM = "upstream"
    DOWNSTREAM = "downstream"
    BOTH = "both"


class Channel(LabelledEnum):
    DISTRIBUTION = "distribution"
    TERMINAL = "terminal"


class Ownership(LabelledEnum):
    STATE = "state"
    PRIVATE = "private"


class Loyalty(LabelledEnum):
    LOYAL = "loyal"
    SEMI_LOYAL = "semi_loyal"
    DISLOYAL = "disloyal"


class Stage(LabelledEnum):
    """Seed 001's five development stages, then maintenance after signing."""

    TARGET = "target"  # 1 确定开发对象
    INFORMATION = "information"  # 2 信息收集/样品资料
    EVALUATION = "evaluation"  # 3 价值评估/开发程序
    RELATIONSHIP = "relationship"  # 4 关系建立
    CLOSING = "closing"  # 5 促成成交
    MAINTENANCE = "maintenance"  # 维护/二次开发

    @property
    def number(self) -> int:
        return list(Stage).index(self) + 1


class ValueClass(LabelledEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    INSUFFICIENT = "insufficient"  # 信息不足


class SalesTier(LabelledEnum):
    AAA = "AAA"
    AA = "AA"
    A = "A"
    B_PLUS = "B+"
    B = "B"
    C = "C"


class CreditGrade(LabelledEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class BuyingRole(LabelledEnum):
    DECISION_MAKER = "decision_maker"
    TECHNICAL = "technical"
    FINANCIAL = "financial"
    USER = "user"
    INFLUENCER = "influencer"
    COACH = "coach"


class Personality(LabelledEnum):
    TIGER = "tiger"
    PEACOCK = "peacock"
    OWL = "owl"
    KOALA = "koala"


class DecisionStyle(LabelledEnum):
    LEADER = "leader"
    INFLUENCING = "influencing"
    FOLLOWER = "follower"
    CHECKER = "checker"


class Stance(LabelledEnum):
    SUPPORT = "support"
    NEUTRAL = "neutral"
    OPPOSE = "oppose"


class Ladder(LabelledEnum):
    ACQUAINTED = "acquainted"
    DATING = "dating"
    ENDORSING = "endorsing"
    TRUSTING = "trusting"
    ALLIED = "allied"


class VisitKind(LabelledEnum):
    VISIT = "visit"
    CALL = "call"
    MEETING = "meeting"


LABELS = {
    AccountKind.ECONOMIC: _l("Economic key account"),
    AccountKind.IMPORTANT: _l("Important client"),
    AccountKind.GROUP: _l("Group client"),
    AccountKind.STRATEGIC: _l("Strategic client"),
    Relation.UPSTREAM: _l("Upstream supply"),
    Relation.DOWNSTREAM: _l("Downstream sales"),
    Relation.BOTH: _l("Supply and sales"),
    Channel.DISTRIBUTION: _l("Distribution client"),
    Channel.TERMINAL: _l("Terminal client"),
    Ownership.STATE: _l("State-owned"),
    Ownership.PRIVATE: _l("Private"),
    Loyalty.LOYAL: _l("Loyal"),
    Loyalty.SEMI_LOYAL: _l("Semi-loyal"),
    Loyalty.DISLOYAL: _l("Disloyal"),
    Stage.TARGET: _l("1 Identify target"),
    Stage.INFORMATION: _l("2 Gather information"),
    Stage.EVALUATION: _l("3 Assess value"),
    Stage.RELATIONSHIP: _l("4 Build relationship"),
    Stage.CLOSING: _l("5 Close the deal"),
    Stage.MAINTENANCE: _l("Maintenance"),
    ValueClass.A: _l("A all-in"),
    ValueClass.B: _l("B limit time"),
    ValueClass.C: _l("C watch"),
    ValueClass.D: _l("D pause"),
    ValueClass.INSUFFICIENT: _l("Insufficient information"),
    SalesTier.AAA: "AAA",
    SalesTier.AA: "AA",
    SalesTier.A: "A",
    SalesTier.B_PLUS: "B+",
    SalesTier.B: "B",
    SalesTier.C: "C",
    CreditGrade.GREEN: _l("Green"),
    CreditGrade.YELLOW: _l("Yellow"),
    CreditGrade.RED: _l("Red"),
    BuyingRole.DECISION_MAKER: _l("Decision maker"),
    BuyingRole.TECHNICAL: _l("Technical gatekeeper"),
    BuyingRole.FINANCIAL: _l("Financial gatekeeper"),
    BuyingRole.USER: _l("User"),
    BuyingRole.INFLUENCER: _l("Influencer"),
    BuyingRole.COACH: _l("Coach"),
    Personality.TIGER: _l("Tiger"),
    Personality.PEACOCK: _l("Peacock"),
    Personality.OWL: _l("Owl"),
    Personality.KOALA: _l("Koala"),
    DecisionStyle.LEADER: _l("Leading"),
    DecisionStyle.INFLUENCING: _l("Influencing"),
    DecisionStyle.FOLLOWER: _l("Following"),
    DecisionStyle.CHECKER: _l("Checker"),
    Stance.SUPPORT: _l("Supportive"),
    Stance.NEUTRAL: _l("Neutral"),
    Stance.OPPOSE: _l("Opposed"),
    Ladder.ACQUAINTED: _l("Acquainted"),
    Ladder.DATING: _l("Meeting"),
    Ladder.ENDORSING: _l("Endorsing"),
    Ladder.TRUSTING: _l("Trusting"),
    Ladder.ALLIED: _l("Allied"),
    VisitKind.VISIT: _l("Visit"),
    VisitKind.CALL: _l("Call"),
    VisitKind.MEETING: _l("Face-to-face meeting"),
}

set_labels(LABELS)

# Which enum a field's stored code belongs to (forms, services and the history read it).
ENUM_BY_FIELD = {
    "kind": AccountKind,
    "relation": Relation,
    "channel": Channel,
    "ownership": Ownership,
    "loyalty": Loyalty,
    "stage": Stage,
    "value_class": ValueClass,
    "tier": SalesTier,
    "credit_grade": CreditGrade,
    "buying_role": BuyingRole,
    "personality": Personality,
    "decision_style": DecisionStyle,
    "stance": Stance,
    "ladder": Ladder,
}


class Account(db.Model):
    __tablename__ = "accounts"
    # the pipeline board asks for one department's accounts of one stage at a time
    __table_args__ = (sa.Index("ix_accounts_department_stage", "department_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)  # 标准名称
    short_name: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    # 统一社会信用代码; a lead captured in the field may not have it yet (required for contracts)
    tax_number: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    legal_representative: Mapped[str | None] = mapped_column(sa.String(40))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    bank_name: Mapped[str | None] = mapped_column(sa.String(80))
    bank_account: Mapped[str | None] = mapped_column(sa.String(40))
    phone: Mapped[str | None] = mapped_column(sa.String(30))

    kind: Mapped[AccountKind] = mapped_column(enum_column(AccountKind), index=True)
    relation: Mapped[Relation] = mapped_column(enum_column(Relation))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    ownership: Mapped[Ownership] = mapped_column(enum_column(Ownership))
    loyalty: Mapped[Loyalty] = mapped_column(enum_column(Loyalty))

    stage: Mapped[Stage] = mapped_column(enum_column(Stage), index=True)
    abandoned: Mapped[bool] = mapped_column(default=False)
    abandon_reason: Mapped[str | None] = mapped_column(sa.String(200))
    # MAN rule (seed 001): None = not yet known, False = veto.
    man_money: Mapped[bool | None] = mapped_column()
    man_authority: Mapped[bool | None] = mapped_column()
    man_need: Mapped[bool | None] = mapped_column()

    value_class: Mapped[ValueClass] = mapped_column(
        enum_column(ValueClass), index=True, default=ValueClass.INSUFFICIENT
    )
    tier: Mapped[SalesTier | None] = mapped_column(enum_column(SalesTier), index=True)
    # Grade and limit change only through an approved credit adjustment (DOMAIN.md "Credit").
    credit_grade: Mapped[CreditGrade] = mapped_column(
        enum_column(CreditGrade), index=True, default=CreditGrade.YELLOW
    )
    credit_limit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))

    notes: Mapped[str | None] = mapped_column(sa.Text)
    # pinyin of name and short name, full and initials (global search: `hdjt` finds 华东集团)
    search_key: Mapped[str] = mapped_column(sa.String(KEY_LENGTH), default="", index=True)

    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    department: Mapped[Department] = relationship()
    members: Mapped[list[AccountMember]] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.short_name or self.name

    @validates("name", "short_name")
    def _refresh_search_key(self, field: str, value: str | None) -> str | None:
        texts = {"name": self.name, "short_name": self.short_name, field: value}
        self.search_key = pinyin_key(texts["name"], texts["short_name"])
        return value


class AccountMember(db.Model):
    """A colleague on the account's team besides the owner."""

    __tablename__ = "account_members"

    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True, index=True)

    account: Mapped[Account] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class CreditChange(db.Model):
    """The account's credit history: every grade or limit it has had, and why."""

    __tablename__ = "credit_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    old_grade: Mapped[CreditGrade | None] = mapped_column(enum_column(CreditGrade))
    new_grade: Mapped[CreditGrade] = mapped_column(enum_column(CreditGrade))
    old_limit: Mapped[Decimal | None] = mapped_column(Money)
    new_limit: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(sa.String(200))
    # The approval request that made the change, once approvals exist (no FK: a higher area).
    request_id: Mapped[int | None] = mapped_column()

    actor: Mapped[User | None] = relationship()


class Contact(db.Model):
    """A person at the client, with their buying role and our relationship to them."""

    __tablename__ = "contacts"
    __table_args__ = (sa.Index("ix_contacts_account_name", "account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str | None] = mapped_column(sa.String(60))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    email: Mapped[str | None] = mapped_column(sa.String(120))
    buying_role: Mapped[BuyingRole] = mapped_column(enum_column(BuyingRole))
    personality: Mapped[Personality | None] = mapped_column(enum_column(Personality))
    decision_style: Mapped[DecisionStyle | None] = mapped_column(enum_column(DecisionStyle))
    stance: Mapped[Stance] = mapped_column(enum_column(Stance), default=Stance.NEUTRAL)
    ladder: Mapped[Ladder | None] = mapped_column(enum_column(Ladder))
    reports_to_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="SET NULL")
    )
    # Personal file: visible to the account's team only.
    birthday: Mapped[date | None] = mapped_column()
    hometown: Mapped[str | None] = mapped_column(sa.String(60))
    interests: Mapped[str | None] = mapped_column(sa.String(200))
    tenure: Mapped[str | None] = mapped_column(sa.String(60))
    authority: Mapped[str | None] = mapped_column(sa.String(200))
    personal_notes: Mapped[str | None] = mapped_column(sa.Text)
    search_key: Mapped[str] = mapped_column(sa.String(200), default="", index=True)  # pinyin

    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship()
    reports_to: Mapped[Contact | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}

    @validates("name")
    def _refresh_search_key(self, field: str, value: str | None) -> str | None:
        self.search_key = pinyin_key(value)[:200]
        return value


PERSONAL_FIELDS = frozenset(
    {"birthday", "hometown", "interests", "tenure", "authority", "personal_notes"}
)


class Visit(db.Model):
    """A visit or call record with the agreed next step (拜访记录)."""

    __tablename__ = "visits"
    __table_args__ = (
        sa.Index("ix_visits_account_date", "account_id", "visited_on"),
        # home pages count the next steps due on the accounts a user sees from this index alone
        sa.Index("ix_visits_account_next", "account_id", "next_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="SET NULL")
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[VisitKind] = mapped_column(enum_column(VisitKind))
    visited_on: Mapped[date] = mapped_column()
    summary: Mapped[str] = mapped_column(sa.Text)
    next_step: Mapped[str | None] = mapped_column(sa.String(200))
    next_date: Mapped[date | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    contact: Mapped[Contact | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
