"""Rules for proposals (合作方案书): who sees and edits which proposal, what a proposal must
contain, exact quotation amounts, frozen versions, and the client links (expiry, revocation, the
record of each open).

DOMAIN.md "Generated documents" (合作方案书) and "Who uses it" (the client never logs in).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from webapp import audit
from webapp.accounts.models import Account
from webapp.accounts.service import account_scope, can_edit, get_account
from webapp.auth.models import User
from webapp.common import decimals
from webapp.common.decimals import DecimalRefused, refusal_message
from webapp.common.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from webapp.common.money import amount_in_words
from webapp.common.timeutil import local_today, to_local, utcnow
from webapp.contracts import lines as line_rules
from webapp.extensions import db
from webapp.proposals import history as proposal_history
from webapp.proposals import links as tokens
from webapp.proposals.models import (
    TEAM_FIELDS,
    Proposal,
    ProposalLine,
    ProposalLink,
    ProposalLinkOpen,
    ProposalVersion,
)

TEXT_LIMITS = {
    "title": 120,
    "client_needs": 5000,
    "solution": 5000,
    "implementation_plan": 5000,
    "timeline": 3000,
    "reference_clients": 2000,
    **{name: 100 for name in TEAM_FIELDS},
}
REQUIRED = ("title", "client_needs", "solution")
TEXT_FIELDS = tuple(TEXT_LIMITS)
LINK_DAYS_DEFAULT = 14
LINK_DAYS_MAX = 90
DEFAULT_VALIDITY_DAYS = 30
MAX_OPENS_RECORDED = 1000  # per link: a client refreshing a page cannot fill the database


# --- visibility -------------------------------------------------------------------------------


def proposal_scope(user: User) -> sa.ColumnElement[bool]:
    """A proposal is visible exactly when its account is (DOMAIN.md "Who uses it")."""
    return Proposal.account_id.in_(sa.select(Account.id).where(account_scope(user)))


def get_proposal(user: User, proposal_id: int, *, for_edit: bool = False) -> Proposal:
    """The proposal if `user` may see (or edit) its account: NotFound for one they cannot see
    (as for a missing one), Forbidden for one they see but may not change."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(_("No such proposal."))
    get_account(user, proposal.account_id, missing=_("No such proposal."))
    if for_edit and not can_edit(user, proposal.account):
        raise Forbidden(_("You may view this proposal but not change it."))
    return proposal


def can_edit_proposal(user: User, proposal: Proposal) -> bool:
    return can_edit(user, proposal.account)


@dataclass
class ProposalRow:
    proposal: Proposal
    active_links: int
    opens: int
    last_open: datetime | None


def list_for_account(user: User, account_id: int) -> list[ProposalRow]:
    """The account's proposals, newest first, with their links' activity."""
    account = get_account(user, account_id)
    now = utcnow()
    active = (
        sa.select(sa.func.count(ProposalLink.id))
        .where(
            ProposalLink.proposal_id == Proposal.id,
            ProposalLink.revoked_at.is_(None),
            ProposalLink.expires_at > now,
        )
        .scalar_subquery()
    )
    opens = (
        sa.select(sa.func.count(ProposalLinkOpen.id), sa.func.max(ProposalLinkOpen.at))
        .join(ProposalLink, ProposalLinkOpen.link_id == ProposalLink.id)
        .where(ProposalLink.proposal_id == Proposal.id)
    )
    count = opens.with_only_columns(sa.func.count(ProposalLinkOpen.id)).scalar_subquery()
    last = opens.with_only_columns(sa.func.max(ProposalLinkOpen.at)).scalar_subquery()
    rows = db.session.execute(
        sa.select(Proposal, active, count, last)
        .where(Proposal.account_id == account.id)
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    ).all()
    result = []
    for proposal, n_active, n_opens, last_open in rows:
        if isinstance(last_open, str):  # SQLite hands back an aggregate's datetime as text
            last_open = datetime.fromisoformat(last_open)
        if last_open is not None and last_open.tzinfo is None:
            last_open = last_open.replace(tzinfo=now.tzinfo)
        result.append(ProposalRow(proposal, n_active or 0, n_opens or 0, last_open))
    return result


# --- input and its rules ----------------------------------------------------------------------


@dataclass
class ProposalInput:
    """What the editor sent: text values (stripped, None when empty), the validity date and
    the quotation rows as typed."""

    values: dict
    valid_until: date | None
    rows: list[line_rules.LineInput]


def parse_amount(
    text: str, *, maximum: Decimal, label: str, allow_zero: bool
) -> tuple[Decimal | None, str | None]:
    """A non-negative amount with at most two decimals; commas and ¥ are tolerated (the parser
    is common.decimals). Zero only where allowed: a free item in a quotation has a price of 0,
    never a quantity of 0."""
    try:
        return decimals.parse_decimal(text, maximum=maximum, allow_zero=allow_zero), None
    except DecimalRefused as refused:
        return None, refusal_message(refused.problem, label)


def validate_quote_line(row: line_rules.LineInput) -> None:
    """Fill row.errors and the parsed numbers; a blank row is left alone (it is dropped)."""
    if row.is_blank:
        return
    if not row.product:
        row.errors["product"] = _("Name the product.")
    if not row.unit:
        row.errors["unit"] = _("Give the unit, e.g. 吨, 件, 台.")
    for name, limit in line_rules.TEXT_LIMITS.items():
        if len(getattr(row, name)) > limit:
            row.errors[name] = _("At most %(n)d characters.", n=limit)
    row.quantity, error = parse_amount(
        row.quantity_text,
        maximum=line_rules.MAX_QUANTITY,
        label=_("Quantity"),
        allow_zero=False,
    )
    if error:
        row.errors["quantity"] = error
    row.unit_price, error = parse_amount(
        row.unit_price_text,
        maximum=line_rules.MAX_UNIT_PRICE,
        label=_("Unit price"),
        allow_zero=True,
    )
    if error:
        row.errors["unit_price"] = error


def quote_rows(rows: list[line_rules.LineInput]) -> tuple[list[line_rules.LineInput], Decimal]:
    """Validate every row; return the non-blank ones and their total."""
    for row in rows:
        row.errors.clear()
        validate_quote_line(row)
    kept = [r for r in rows if not r.is_blank]
    return kept, line_rules.total_of(kept)


def validate(data: ProposalInput, today: date | None = None) -> dict[str, str]:
    """Required parts, lengths, the validity date (today or later) and the quotation."""
    today = today or local_today()
    errors: dict[str, str] = {}
    for name in REQUIRED:
        if not data.values.get(name):
            errors[name] = _("This field is required.")
    for name, limit in TEXT_LIMITS.items():
        value = data.values.get(name) or ""
        if len(value) > limit:
            errors[name] = _("At most %(n)d characters.", n=limit)
    if data.valid_until is None:
        errors["valid_until"] = _("Give the date until which the offer is valid.")
    elif data.valid_until < today:
        errors["valid_until"] = _("The validity date cannot be in the past.")
    elif data.valid_until > today + timedelta(days=3 * 366):
        errors["valid_until"] = _("An offer valid for more than three years is unrealistic.")
    rows, total = quote_rows(data.rows)
    if len(rows) > line_rules.MAX_LINES:
        errors["lines"] = _("At most %(n)d line items.", n=line_rules.MAX_LINES)
    elif any(r.errors for r in rows):
        errors["lines"] = _("Some line items need correcting.")
    elif total > line_rules.MAX_TOTAL:
        errors["lines"] = _("The total is unrealistically large.")
    return errors


def defaults(user: User, account: Account) -> dict:
    """A new proposal's starting values: the title names the client, the author leads the team."""
    return {
        "title": _("Cooperation proposal for %(name)s", name=account.name),
        "team_manager": user.full_name,
        "valid_until": local_today() + timedelta(days=DEFAULT_VALIDITY_DAYS),
    }


def _apply(proposal: Proposal, data: ProposalInput) -> None:
    rows, total = quote_rows(data.rows)
    with db.session.no_autoflush:  # one flush by the caller, where StaleDataError is caught
        for name in TEXT_FIELDS:
            setattr(proposal, name, data.values.get(name))
        proposal.valid_until = data.valid_until
        proposal.lines = [
            ProposalLine(
                position=i,
                product=r.product,
                brand=r.brand or None,
                spec=r.spec or None,
                unit=r.unit,
                quantity=r.quantity,
                unit_price=r.unit_price,
                amount=r.amount,
            )
            for i, r in enumerate(rows, start=1)
        ]
        proposal.total = total
    proposal.updated_at = utcnow()


def create_proposal(user: User, account_id: int, data: ProposalInput) -> Proposal:
    """A new proposal for an account the user may edit; nothing is stored if input is wrong."""
    account = get_account(user, account_id, for_edit=True)
    errors = validate(data)
    if errors:
        raise ValidationFailed(errors)
    proposal = Proposal(account=account, owner_id=user.id)
    db.session.add(proposal)
    _apply(proposal, data)
    db.session.flush()
    proposal_history.record_save(proposal, user, {}, action="create")
    db.session.commit()
    return proposal


def save_proposal(user: User, proposal_id: int, data: ProposalInput, expected_version) -> Proposal:
    """Store the edit, unless someone else saved since the form was loaded (a conflict)."""
    proposal = get_proposal(user, proposal_id, for_edit=True)
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationFailed({"version": _("The form is incomplete; reload the page.")}) from None
    if proposal.version != expected:
        raise _conflict(proposal, expected)
    errors = validate(data)
    if errors:
        raise ValidationFailed(errors)
    before = proposal_history.snapshot(proposal)
    try:
        _apply(proposal, data)
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise _conflict(db.session.get(Proposal, proposal_id), expected) from None
    proposal_history.record_save(proposal, user, before)
    db.session.commit()
    return proposal


def _conflict(proposal: Proposal, expected: int) -> Conflict:
    return Conflict(
        _(
            "Someone else saved this proposal while you were editing it. Your input is kept "
            "below; review it and save again to replace their version."
        ),
        current_version=proposal.version,
        changes=[e for e in audit.entries_since("proposal", proposal.id, expected) if e.field],
    )


def load_for_edit(proposal_id: int) -> Proposal:
    return db.session.scalar(
        sa.select(Proposal).where(Proposal.id == proposal_id).options(selectinload(Proposal.lines))
    )


# --- content: what the page, the client link and the documents show ---------------------------


def lines_of(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def proposal_content(proposal: Proposal, company: dict) -> dict:
    """Everything a rendering of the proposal needs, as plain JSON values (money as strings),
    so a version can be frozen and rendered the same way years later."""
    owner = proposal.owner
    return {
        "title": proposal.title,
        "client_name": proposal.account.name,
        "client_short_name": proposal.account.short_name,
        "client_needs": proposal.client_needs,
        "solution": proposal.solution,
        "implementation_plan": proposal.implementation_plan or "",
        "timeline": lines_of(proposal.timeline),
        "reference_clients": lines_of(proposal.reference_clients),
        "team": {name.removeprefix("team_"): getattr(proposal, name) or "" for name in TEAM_FIELDS},
        "lines": [
            {
                "product": line.product,
                "brand": line.brand or "",
                "spec": line.spec or "",
                "unit": line.unit,
                "quantity": f"{line.quantity:.2f}",
                "unit_price": f"{line.unit_price:.2f}",
                "amount": f"{line.amount:.2f}",
            }
            for line in proposal.lines
        ],
        "total": f"{proposal.total:.2f}",
        "total_words": amount_in_words(proposal.total),
        "valid_until": proposal.valid_until.isoformat(),
        "prepared_by": owner.full_name if owner else "",
        "prepared_on": to_local(proposal.updated_at).date().isoformat(),
        "company": {"name": company.get("name") or "", "color": company.get("color") or ""},
    }


# --- versions and client links ----------------------------------------------------------------


def _latest_version(proposal_id: int) -> ProposalVersion | None:
    return db.session.scalar(
        sa.select(ProposalVersion)
        .where(ProposalVersion.proposal_id == proposal_id)
        .order_by(ProposalVersion.number.desc())
        .limit(1)
    )


def _freeze(user: User, proposal: Proposal, company: dict) -> ProposalVersion:
    """The frozen version of the proposal as it is now; reused while the proposal is unchanged.
    Two people sending at the same moment get the same number; the second reuses the first's
    version when it says the same, and is asked to try again otherwise."""
    content = proposal_content(proposal, company)
    latest = _latest_version(proposal.id)
    if latest is not None and json.loads(latest.content) == content:
        return latest
    version = ProposalVersion(
        proposal_id=proposal.id,
        number=(latest.number + 1) if latest else 1,
        record_version=proposal.version,
        content=json.dumps(content, ensure_ascii=False),
        created_by_id=user.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(version)
    except IntegrityError:
        latest = _latest_version(proposal.id)
        if latest is not None and json.loads(latest.content) == content:
            return latest
        raise DomainError(
            _("The proposal changed while the link was made; please try again.")
        ) from None
    return version


def version_content(version: ProposalVersion) -> dict:
    return json.loads(version.content)


def send_problems(proposal: Proposal, today: date | None = None) -> list[str]:
    """A proposal goes to the client only with a quotation and an offer still valid."""
    today = today or local_today()
    problems = []
    if not proposal.lines:
        problems.append(_("Add at least one quoted product before sending."))
    if proposal.valid_until < today:
        problems.append(_("The offer has expired; set a new validity date before sending."))
    return problems


def create_link(
    user: User,
    proposal_id: int,
    company: dict,
    days: int | None = None,
    email: str | None = None,
) -> ProposalLink:
    """ "Send to client": freeze the current content as a version and make a link to it that
    expires after `days` (14 by default, at most 90)."""
    proposal = get_proposal(user, proposal_id, for_edit=True)
    days = LINK_DAYS_DEFAULT if days is None else days
    errors = {}
    if not 1 <= days <= LINK_DAYS_MAX:
        errors["days"] = _("A link lasts between 1 and %(n)d days.", n=LINK_DAYS_MAX)
    if email and len(email) > 254:
        errors["email"] = _("At most %(n)d characters.", n=254)
    problems = send_problems(proposal)
    if problems:
        errors["proposal"] = " ".join(problems)
    if errors:
        raise ValidationFailed(errors)
    version = _freeze(user, proposal, company)
    link = ProposalLink(
        proposal_id=proposal.id,
        version_id=version.id,
        key=tokens.new_key(),
        recipient_email=email or None,
        created_by_id=user.id,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    audit.record_changes(
        actor=user,
        entity_type="proposal",
        entity_id=proposal.id,
        account_id=proposal.account_id,
        before={},
        after={
            "proposal.link_version": str(version.number),
            "proposal.link_email": link.recipient_email,
            "proposal.link_expires": audit.display_value(link.expires_at),
        },
        version=proposal.version,
        action="send",
        subject=proposal.title,
    )
    db.session.commit()
    return link


def revoke_link(user: User, link_id: int) -> ProposalLink:
    """The account team can withdraw a link at any time; it answers "no longer valid" after.
    Revoking an already revoked link changes nothing."""
    link = db.session.get(ProposalLink, link_id)
    if link is None:
        raise NotFound(_("No such link."))
    proposal = get_proposal(user, link.proposal_id, for_edit=True)
    if link.revoked_at is not None:
        return link  # revoking twice (two clicks, two tabs) changes nothing
    link.revoked_at = utcnow()
    link.revoked_by_id = user.id
    audit.record_event(
        actor=user,
        entity_type="proposal",
        entity_id=proposal.id,
        account_id=proposal.account_id,
        action="revoke",
        subject=proposal.title,
        detail=link.recipient_email,
    )
    db.session.commit()
    return link


def link_state(link: ProposalLink, now: datetime | None = None) -> str:
    """active | expired | revoked"""
    now = now or utcnow()
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= now:
        return "expired"
    return "active"


@dataclass(frozen=True)
class LinkRow:
    """A client link as the proposal page lists it."""

    link: ProposalLink
    state: str  # active | expired | revoked (`link_state`)
    url: str | None  # an active link's address, for its team to copy (and to revoke it)

    @property
    def is_active(self) -> bool:
        return self.state == "active"

    @property
    def is_expired(self) -> bool:
        return self.state == "expired"


def link_rows(
    links: list[ProposalLink], can_edit: bool, public_url: Callable[[ProposalLink], str]
) -> list[LinkRow]:
    """Each link with its state; the address only while it is active, and only to the team."""
    rows = []
    for link in links:
        state = link_state(link)
        shared = state == "active" and can_edit
        rows.append(LinkRow(link, state, public_url(link) if shared else None))
    return rows


def links_of(proposal: Proposal) -> list[ProposalLink]:
    return list(
        db.session.scalars(
            sa.select(ProposalLink)
            .where(ProposalLink.proposal_id == proposal.id)
            .options(selectinload(ProposalLink.opens), selectinload(ProposalLink.version))
            .order_by(ProposalLink.id.desc())
        )
    )


class LinkInvalid(Exception):
    """The client link cannot be served. 404 when it never existed (or was changed), 410 when
    it existed and expired or was revoked; the page says the same in both cases, and for a
    link that existed it names whom to ask for a new one (`link`)."""

    def __init__(self, status: int, link: ProposalLink | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.link = link


@dataclass(frozen=True)
class LinkContact:
    """Whom a client asks for a new link: the account manager, as the client knows him."""

    name: str
    phone: str | None
    email: str | None


def link_contact(link: ProposalLink | None) -> LinkContact | None:
    """The account's manager (owner) if still active, else whoever made the link; None for a
    link that never existed (a made-up address learns nothing)."""
    if link is None:
        return None
    proposal = db.session.get(Proposal, link.proposal_id)
    people = [proposal.account.owner if proposal else None, link.created_by]
    person = next((p for p in people if p is not None and p.active), None)
    if person is None:
        return None
    return LinkContact(name=person.full_name, phone=person.phone, email=person.email)


def resolve_link(token: str) -> ProposalLink:
    key = tokens.key_from(token)
    if key is None:
        raise LinkInvalid(404)
    link = db.session.scalar(sa.select(ProposalLink).where(ProposalLink.key == key))
    if link is None:
        raise LinkInvalid(404)
    if link_state(link) != "active":
        raise LinkInvalid(410, link)
    return link


def record_open(link: ProposalLink, kind: str, ip: str | None, user_agent: str | None) -> None:
    """Each open of a client link: time, IP address and browser, for the account manager."""
    recorded = db.session.scalar(
        sa.select(sa.func.count(ProposalLinkOpen.id)).where(ProposalLinkOpen.link_id == link.id)
    )
    if recorded >= MAX_OPENS_RECORDED:
        return
    db.session.add(
        ProposalLinkOpen(
            link_id=link.id,
            kind=kind,
            ip=(ip or "")[:45] or None,
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    db.session.commit()
