"""Contracts, their line items and clauses; the company's own profile and standard clauses.

DOMAIN.md "Contracts": eleven clause groups, exact amounts, a lifecycle from draft to archive,
numbers unique and sequential per year.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import Account
from webapp.auth.models import User
from webapp.common.enums import LabelledEnum, set_labels
from webapp.common.timeutil import utcnow
from webapp.common.types import Money, UTCDateTime, enum_column
from webapp.contracts.lines import DEFAULT_VAT_RATE
from webapp.extensions import db


class ContractStatus(LabelledEnum):
    """Stored states; in force / expiring / expired are read from the dates of a signed one."""

    DRAFT = "draft"
    IN_APPROVAL = "in_approval"
    APPROVED = "approved"
    SIGNED = "signed"
    TERMINATED = "terminated"


class Lifecycle(LabelledEnum):
    """What a person sees: the stored state refined by today's date."""

    DRAFT = "draft"
    RETURNED = "returned"
    IN_APPROVAL = "in_approval"
    APPROVED = "approved"
    SIGNED = "signed"
    IN_FORCE = "in_force"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class FreightPayer(LabelledEnum):
    SELLER = "seller"
    BUYER = "buyer"


class Transport(LabelledEnum):
    ROAD = "road"
    RAIL = "rail"
    WATER = "water"
    AIR = "air"
    EXPRESS = "express"
    PICKUP = "pickup"


class DistributionLevel(LabelledEnum):
    GENERAL_AGENT = "general_agent"  # 总经销
    FIRST_LEVEL = "first_level"  # 一级经销
    SECOND_LEVEL = "second_level"  # 二级分销
    END_USER = "end_user"  # 终端直供


class ClauseKey(LabelledEnum):
    """The clause groups that carry standard wording (subject, signing and parties are data)."""

    QUALITY = "quality"
    DELIVERY = "delivery"
    ACCEPTANCE = "acceptance"
    DISTRIBUTION = "distribution"
    SETTLEMENT = "settlement"
    POLICY = "policy"
    ORDERING = "ordering"
    BREACH = "breach"


set_labels(
    {
        ContractStatus.DRAFT: _l("Draft"),
        ContractStatus.IN_APPROVAL: _l("In approval"),
        ContractStatus.APPROVED: _l("Approved"),
        ContractStatus.SIGNED: _l("Signed"),
        ContractStatus.TERMINATED: _l("Terminated"),
        Lifecycle.DRAFT: _l("Draft"),
        Lifecycle.RETURNED: _l("Returned for revision"),
        Lifecycle.IN_APPROVAL: _l("In approval"),
        Lifecycle.APPROVED: _l("Approved"),
        Lifecycle.SIGNED: _l("Signed"),
        Lifecycle.IN_FORCE: _l("In force"),
        Lifecycle.EXPIRING: _l("Expiring"),
        Lifecycle.EXPIRED: _l("Expired"),
        Lifecycle.TERMINATED: _l("Terminated"),
        FreightPayer.SELLER: _l("Seller pays freight"),
        FreightPayer.BUYER: _l("Buyer pays freight"),
        Transport.ROAD: _l("Road"),
        Transport.RAIL: _l("Rail"),
        Transport.WATER: _l("Water"),
        Transport.AIR: _l("Air"),
        Transport.EXPRESS: _l("Express"),
        Transport.PICKUP: _l("Buyer collects"),
        DistributionLevel.GENERAL_AGENT: _l("General distributor"),
        DistributionLevel.FIRST_LEVEL: _l("First-level distributor"),
        DistributionLevel.SECOND_LEVEL: _l("Second-level distributor"),
        DistributionLevel.END_USER: _l("End user (direct supply)"),
        ClauseKey.QUALITY: _l("Quality requirements"),
        ClauseKey.DELIVERY: _l("Delivery"),
        ClauseKey.ACCEPTANCE: _l("Acceptance"),
        ClauseKey.DISTRIBUTION: _l("Distribution rights"),
        ClauseKey.SETTLEMENT: _l("Settlement"),
        ClauseKey.POLICY: _l("Dealer policy"),
        ClauseKey.ORDERING: _l("Ordering and returns"),
        ClauseKey.BREACH: _l("Breach and disputes"),
    }
)

PARTY_FIELDS = (
    "name",
    "address",
    "legal_rep",
    "signing_rep",
    "contact",
    "phone",
    "bank",
    "account_no",
    "tax_number",
)


def _party_columns(prefix: str) -> dict:
    lengths = {"name": 120, "address": 200, "bank": 80, "account_no": 40, "tax_number": 18}
    return {
        f"{prefix}_{name}": mapped_column(sa.String(lengths.get(name, 60)), nullable=True)
        for name in PARTY_FIELDS
    }


class CompanyProfile(db.Model):
    """Our own company as it appears in contracts; one row, kept by the administrator."""

    __tablename__ = "company_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    legal_rep: Mapped[str | None] = mapped_column(sa.String(60))
    phone: Mapped[str | None] = mapped_column(sa.String(60))
    bank: Mapped[str | None] = mapped_column(sa.String(80))
    account_no: Mapped[str | None] = mapped_column(sa.String(40))
    tax_number: Mapped[str | None] = mapped_column(sa.String(18))
    # Branding of client-facing documents (proposals), set on /admin/branding. The logo is
    # deferred: contracts read this row often and never need the image.
    brand_color: Mapped[str | None] = mapped_column(sa.String(7))  # #RRGGBB
    logo_mime: Mapped[str | None] = mapped_column(sa.String(16))
    logo: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class StandardClause(db.Model):
    """One version of the company's standard wording for a clause group. Rows are never
    changed: an edit adds the next version, and contracts remember the version they began from."""

    __tablename__ = "standard_clauses"
    __table_args__ = (
        sa.UniqueConstraint("key", "version", name="uq_standard_clauses_key_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[ClauseKey] = mapped_column(enum_column(ClauseKey))
    version: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship()


class ContractCounter(db.Model):
    """The last number given out per year; incremented inside the creating transaction so
    numbers are gap-free and never reused."""

    __tablename__ = "contract_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Contract(db.Model):
    __tablename__ = "contracts"
    __table_args__ = (
        sa.Index("ix_contracts_account_status", "account_id", "status"),
        sa.Index("ix_contracts_status_expires", "status", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(16), unique=True)  # HT-YYYY-NNNNN
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    status: Mapped[ContractStatus] = mapped_column(
        enum_column(ContractStatus), default=ContractStatus.DRAFT
    )
    we_sell: Mapped[bool] = mapped_column(default=True)  # we are the seller (供方)
    title: Mapped[str] = mapped_column(sa.String(120))

    tax_rate: Mapped[Decimal] = mapped_column(Money, default=DEFAULT_VAT_RATE)  # percent
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"), index=True)

    # 3 delivery
    delivery_time: Mapped[str | None] = mapped_column(sa.String(200))
    delivery_place: Mapped[str | None] = mapped_column(sa.String(200))
    transport: Mapped[Transport | None] = mapped_column(enum_column(Transport))
    freight_payer: Mapped[FreightPayer | None] = mapped_column(enum_column(FreightPayer))
    # 5 distribution rights
    dist_level: Mapped[DistributionLevel | None] = mapped_column(enum_column(DistributionLevel))
    dist_exclusive: Mapped[bool] = mapped_column(default=False)
    dist_territory: Mapped[str | None] = mapped_column(sa.String(200))
    dist_products: Mapped[str | None] = mapped_column(sa.String(200))
    dist_term: Mapped[str | None] = mapped_column(sa.String(100))
    # 6 settlement
    settlement_method: Mapped[str | None] = mapped_column(sa.String(200))
    # 7 dealer policy
    policy_rebate: Mapped[str | None] = mapped_column(sa.String(200))
    policy_annual_bonus: Mapped[str | None] = mapped_column(sa.String(200))
    policy_promotion: Mapped[str | None] = mapped_column(sa.String(200))
    policy_advertising: Mapped[str | None] = mapped_column(sa.String(200))
    policy_staff: Mapped[str | None] = mapped_column(sa.String(200))
    # 10 signing
    signing_place: Mapped[str | None] = mapped_column(sa.String(100))
    signing_date: Mapped[date | None] = mapped_column()
    effective_on: Mapped[date | None] = mapped_column()
    expires_on: Mapped[date | None] = mapped_column()

    # flags that send the contract up the higher approval chain (DOMAIN.md 合同审批)
    over_credit: Mapped[bool] = mapped_column(default=False)
    deviates: Mapped[bool] = mapped_column(default=False)
    return_comment: Mapped[str | None] = mapped_column(sa.Text)
    termination_reason: Mapped[str | None] = mapped_column(sa.String(200))

    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Clause 11, both parties' identification blocks: client_name … client_tax_number and
    # our_name … our_tax_number, generated from PARTY_FIELDS so the two blocks never drift.
    locals().update(_party_columns("client"))
    locals().update(_party_columns("our"))

    account: Mapped[Account] = relationship()
    owner: Mapped[User] = relationship()
    lines: Mapped[list[ContractLine]] = relationship(
        back_populates="contract",
        cascade="all, delete-orphan",
        order_by="ContractLine.position",
    )
    clauses: Mapped[list[ContractClause]] = relationship(
        back_populates="contract", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_returned(self) -> bool:
        """A draft again because an approver returned or rejected it (their comment is kept)."""
        return self.status is ContractStatus.DRAFT and bool(self.return_comment)

    @property
    def is_in_approval(self) -> bool:
        return self.status is ContractStatus.IN_APPROVAL

    @property
    def is_unapproved(self) -> bool:
        """Draft or in approval: its document carries the 草稿 watermark and has no PDF/A copy
        for the archive yet."""
        return self.status in (ContractStatus.DRAFT, ContractStatus.IN_APPROVAL)


class ContractLine(db.Model):
    """A line of the subject (标的): product, brand, specification, quantity and price."""

    __tablename__ = "contract_lines"
    __table_args__ = (sa.Index("ix_contract_lines_contract_position", "contract_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    product: Mapped[str] = mapped_column(sa.String(100))
    brand: Mapped[str | None] = mapped_column(sa.String(60))
    spec: Mapped[str | None] = mapped_column(sa.String(100))
    unit: Mapped[str] = mapped_column(sa.String(10))
    quantity: Mapped[Decimal] = mapped_column(Money)  # two places, like money
    unit_price: Mapped[Decimal] = mapped_column(Money)  # tax included
    amount: Mapped[Decimal] = mapped_column(Money)  # quantity × unit price, computed here

    contract: Mapped[Contract] = relationship(back_populates="lines")


class ContractClause(db.Model):
    """The wording one contract uses for a clause group, and the standard version it began as."""

    __tablename__ = "contract_clauses"
    __table_args__ = (sa.UniqueConstraint("contract_id", "key", name="uq_contract_clauses_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id", ondelete="CASCADE"))
    key: Mapped[ClauseKey] = mapped_column(enum_column(ClauseKey))
    text: Mapped[str] = mapped_column(sa.Text)
    standard_version: Mapped[int] = mapped_column()

    contract: Mapped[Contract] = relationship(back_populates="clauses")


class ContractEvent(db.Model):
    """Every change of state, with who, when and their comment."""

    __tablename__ = "contract_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(24))
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str | None] = mapped_column(sa.String(16))
    comment: Mapped[str | None] = mapped_column(sa.Text)

    actor: Mapped[User | None] = relationship()


class SignedScan(db.Model):
    """The scan of the signed paper contract, archived by the custodian. Kept in the database
    so every app server can serve it without shared disk."""

    __tablename__ = "signed_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(200))
    mime: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    uploaded_by: Mapped[User | None] = relationship()


EVENT_LABELS = {
    "create": _l("Drafted"),
    "submit": _l("Submitted for approval"),
    "withdraw": _l("Withdrawn"),
    "approve": _l("Approved"),
    "return": _l("Returned for revision"),
    "reject": _l("Rejected (back to draft)"),
    "archive": _l("Signed copy archived"),
    "terminate": _l("Terminated"),
}
