"""Who decides at the client and who we compete with (issue 15; DOMAIN.md "People at the
client", "Activities" competitor intelligence): influence lines beside the reporting lines,
our colleague who owns each relationship, competitors per account, whitespace estimates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import Account, Contact
from webapp.auth.models import User
from webapp.common.timeutil import utcnow
from webapp.common.types import Money, UTCDateTime
from webapp.extensions import db


class InfluenceLine(db.Model):
    """An informal line: `to` listens to `source` outside the reporting line (who listens to
    whom). Rules in `rolemap.py`: same client, never to oneself, never twice, no cycle."""

    __tablename__ = "influence_lines"
    __table_args__ = (
        sa.UniqueConstraint("from_contact_id", "to_contact_id", name="uq_influence_pair"),
        sa.CheckConstraint("from_contact_id <> to_contact_id", name="ck_influence_not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    from_contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    to_contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str | None] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    source: Mapped[Contact] = relationship(foreign_keys=[from_contact_id])
    target: Mapped[Contact] = relationship(foreign_keys=[to_contact_id])


class RelationshipOwner(db.Model):
    """Our team member who owns the relationship with one person at the client."""

    __tablename__ = "relationship_owners"

    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)

    user: Mapped[User] = relationship()


class Competitor(db.Model):
    """A competing company, one record company-wide (the same rival seen at many clients)."""

    __tablename__ = "competitors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccountCompetitor(db.Model):
    """What we know of one competitor at one client (seed 000, 004 竞争对手)."""

    __tablename__ = "account_competitors"
    __table_args__ = (
        sa.UniqueConstraint("account_id", "competitor_id", name="uq_account_competitor"),
        sa.CheckConstraint("share IS NULL OR (share >= 0 AND share <= 100)", name="ck_share"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    competitor_id: Mapped[int] = mapped_column(sa.ForeignKey("competitors.id"), index=True)
    products: Mapped[str | None] = mapped_column(sa.String(200))
    price: Mapped[Decimal | None] = mapped_column(Money)
    share: Mapped[int | None] = mapped_column()  # % of the client's purchases, 0–100
    strengths: Mapped[str | None] = mapped_column(sa.String(500))
    weaknesses: Mapped[str | None] = mapped_column(sa.String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    competitor: Mapped[Competitor] = relationship()
    account: Mapped[Account] = relationship()
    updated_by: Mapped[User | None] = relationship()


class WhitespaceEstimate(db.Model):
    """The manager's estimate of what one unit/site (or need) of the client could buy of one
    of our product lines in a year."""

    __tablename__ = "whitespace_estimates"
    __table_args__ = (
        sa.UniqueConstraint("account_id", "product", "unit", name="uq_whitespace_cell"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    product: Mapped[str] = mapped_column(sa.String(80))
    unit: Mapped[str] = mapped_column(sa.String(80))
    potential: Mapped[Decimal] = mapped_column(Money)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
