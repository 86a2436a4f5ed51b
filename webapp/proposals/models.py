"""Proposals for the client (合作方案书), the frozen versions sent out, and the client links.

DOMAIN.md "Generated documents": cover, understanding of the client's needs, our solution and
products, quotation table, implementation plan and timeline, the service team, reference
clients (标杆客户), validity. Sent through a link that can expire and be revoked, and shows when
it was opened.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import Account
from webapp.auth.models import User
from webapp.common.timeutil import utcnow
from webapp.common.types import Money, UTCDateTime
from webapp.documents.models import GeneratedDocument
from webapp.extensions import db

# The service team of DOMAIN.md: the key-account manager and five kinds of support.
TEAM_FIELDS = (
    "team_manager",
    "team_sales",
    "team_market",
    "team_after_sales",
    "team_finance",
    "team_training",
)


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (sa.Index("ix_proposals_account_updated", "account_id", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    client_needs: Mapped[str] = mapped_column(sa.Text)
    solution: Mapped[str] = mapped_column(sa.Text)
    implementation_plan: Mapped[str | None] = mapped_column(sa.Text)
    timeline: Mapped[str | None] = mapped_column(sa.Text)  # one step per line
    reference_clients: Mapped[str | None] = mapped_column(sa.Text)  # one client per line
    team_manager: Mapped[str | None] = mapped_column(sa.String(100))
    team_sales: Mapped[str | None] = mapped_column(sa.String(100))
    team_market: Mapped[str | None] = mapped_column(sa.String(100))
    team_after_sales: Mapped[str | None] = mapped_column(sa.String(100))
    team_finance: Mapped[str | None] = mapped_column(sa.String(100))
    team_training: Mapped[str | None] = mapped_column(sa.String(100))
    valid_until: Mapped[date] = mapped_column()
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))

    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship()
    owner: Mapped[User] = relationship()
    lines: Mapped[list[ProposalLine]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        order_by="ProposalLine.position",
    )

    __mapper_args__ = {"version_id_col": version}


class ProposalLine(db.Model):
    """A quoted product: quantity × unit price (tax included) = amount, computed on the server."""

    __tablename__ = "proposal_lines"
    __table_args__ = (sa.Index("ix_proposal_lines_proposal_position", "proposal_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    product: Mapped[str] = mapped_column(sa.String(100))
    brand: Mapped[str | None] = mapped_column(sa.String(60))
    spec: Mapped[str | None] = mapped_column(sa.String(100))
    unit: Mapped[str] = mapped_column(sa.String(10))
    quantity: Mapped[Decimal] = mapped_column(Money)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)

    proposal: Mapped[Proposal] = relationship(back_populates="lines")


class ProposalVersion(db.Model):
    """What the client was sent: the proposal's content frozen as JSON when a link is made.
    Never changed afterwards, so a link always shows exactly the version it was made for."""

    __tablename__ = "proposal_versions"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "number", name="uq_proposal_versions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()  # 1, 2, … per proposal
    record_version: Mapped[int] = mapped_column()  # Proposal.version it was frozen from
    content: Mapped[str] = mapped_column(sa.Text)  # JSON, see service.proposal_content
    # The stored PDF of this version (the document generator's immutable file), when one could
    # be made; the client link serves exactly these bytes.
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("generated_documents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship()
    document: Mapped[GeneratedDocument | None] = relationship()


class ProposalLink(db.Model):
    """A link for the client to one frozen version. The URL carries the key signed with the
    app's secret, so the key alone (e.g. from a database copy) does not make a working link."""

    __tablename__ = "proposal_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal_versions.id"))
    key: Mapped[str] = mapped_column(sa.String(43), unique=True)
    recipient_email: Mapped[str | None] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    version: Mapped[ProposalVersion] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    opens: Mapped[list[ProposalLinkOpen]] = relationship(
        back_populates="link",
        cascade="all, delete-orphan",
        order_by="ProposalLinkOpen.id.desc()",
    )


class ProposalLinkOpen(db.Model):
    """One visit of the client link (a page view or a download): when, from where, with what."""

    __tablename__ = "proposal_link_opens"
    __table_args__ = (sa.Index("ix_proposal_link_opens_link", "link_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal_links.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(sa.String(12))  # view | download
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))

    link: Mapped[ProposalLink] = relationship(back_populates="opens")

    @property
    def is_download(self) -> bool:
        """The client downloaded the PDF (otherwise they viewed the page)."""
        return self.kind == "download"
