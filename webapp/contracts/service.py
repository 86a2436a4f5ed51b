"""Rules for contracts: who sees and edits which contract, drafting from the account and the
standard wording, exact totals, clause deviations, credit exposure, and the lifecycle.

DOMAIN.md "Contracts" and "Approval requests" (3. 合同审批).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from webapp import audit
from webapp.accounts.models import Account, Relation
from webapp.accounts.service import account_scope, can_edit, get_account
from webapp.auth.models import Role, User
from webapp.common.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from webapp.common.events import after_commit
from webapp.common.timeutil import local_today, utcnow
from webapp.contracts import history as contract_history
from webapp.contracts import lines as line_rules
from webapp.contracts.clauses import ClauseView as ClauseView
from webapp.contracts.clauses import char_diff as char_diff
from webapp.contracts.clauses import clause_views as clause_views
from webapp.contracts.clauses import current_standards as current_standards
from webapp.contracts.clauses import save_standard_clause as save_standard_clause
from webapp.contracts.clauses import standard_history as standard_history
from webapp.contracts.clauses import standard_text as standard_text
from webapp.contracts.credit import arrears_of as arrears_of
from webapp.contracts.credit import arrears_of_many as arrears_of_many
from webapp.contracts.credit import available_credit as available_credit
from webapp.contracts.credit import open_contract_amount as open_contract_amount
from webapp.contracts.credit import register_arrears_provider as register_arrears_provider
from webapp.contracts.lifecycle import EXPIRY_WINDOW_DAYS as EXPIRY_WINDOW_DAYS
from webapp.contracts.lifecycle import expiry_window as expiry_window
from webapp.contracts.lifecycle import lifecycle as lifecycle
from webapp.contracts.lifecycle import lifecycle_clause as lifecycle_clause
from webapp.contracts.lifecycle import stages_of as stages_of
from webapp.contracts.models import (
    PARTY_FIELDS,
    ClauseKey,
    CompanyProfile,
    Contract,
    ContractClause,
    ContractEvent,
    ContractLine,
    ContractStatus,
    DistributionLevel,
    FreightPayer,
    SignedScan,
    Transport,
)
from webapp.contracts.numbering import allocate_number
from webapp.contracts.signals import (
    contract_submitted,
    contract_withdrawn,
    status_changed,
    submission_checked,
)
from webapp.extensions import db

SCAN_TYPES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
SCAN_MAX_BYTES = 10 * 1024 * 1024

TEXT_FIELDS = (
    "title",
    "delivery_time",
    "delivery_place",
    "dist_territory",
    "dist_products",
    "dist_term",
    "settlement_method",
    "policy_rebate",
    "policy_annual_bonus",
    "policy_promotion",
    "policy_advertising",
    "policy_staff",
    "signing_place",
    *(f"client_{f}" for f in PARTY_FIELDS),
    *(f"our_{f}" for f in PARTY_FIELDS),
)
ENUM_FIELDS = {
    "transport": Transport,
    "freight_payer": FreightPayer,
    "dist_level": DistributionLevel,
}
DATE_FIELDS = ("signing_date", "effective_on", "expires_on")

# Fields each clause group needs before the contract may be submitted (DOMAIN.md: all required).
REQUIRED_FOR_SUBMIT = {
    "delivery": ("delivery_time", "delivery_place", "transport", "freight_payer"),
    "distribution": ("dist_level", "dist_territory", "dist_products", "dist_term"),
    "settlement": ("settlement_method",),
    "policy": (
        "policy_rebate",
        "policy_annual_bonus",
        "policy_promotion",
        "policy_advertising",
        "policy_staff",
    ),
    "signing": ("signing_place", "signing_date", "effective_on", "expires_on"),
    "parties": tuple(
        f"{side}_{f}"
        for side in ("client", "our")
        for f in (
            "name",
            "address",
            "legal_rep",
            "signing_rep",
            "phone",
            "bank",
            "account_no",
            "tax_number",
        )
    ),
}


# --- visibility -------------------------------------------------------------------------------


def contract_scope(user: User) -> sa.ColumnElement[bool]:
    """A contract is visible exactly when its account is (DOMAIN.md "Who uses it")."""
    return Contract.account_id.in_(sa.select(Account.id).where(account_scope(user)))


def get_contract(user: User, contract_id: int) -> Contract:
    contract = db.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(_("No such contract."))
    get_account(user, contract.account_id, missing=_("No such contract."))
    return contract


def _editable(user: User, contract_id: int) -> Contract:
    contract = get_contract(user, contract_id)
    if (refusal := _edit_refusal(user, contract)) is not None:
        raise refusal
    return contract


# --- who may act on a contract ----------------------------------------------------------------
# Each rule is written once, as the refusal the service raises; `can_*` asks the same rule for
# the page, which shows only the buttons that would work.


def _edit_refusal(user: User, contract: Contract) -> DomainError | None:
    if contract.status is not ContractStatus.DRAFT:
        return DomainError(
            _(
                "Only a draft can be edited; this contract is %(status)s.",
                status=contract.status.label,
            )
        )
    if not can_edit(user, contract.account):
        return Forbidden(_("You may view this contract but not change it."))
    return None


def can_edit_contract(user: User, contract: Contract) -> bool:
    """Only a draft is edited, and only by the account's team."""
    return _edit_refusal(user, contract) is None


def can_submit(user: User, contract: Contract) -> bool:
    """Whoever may edit the draft submits it; whether it is complete is told on submitting
    (`submission_problems`)."""
    return can_edit_contract(user, contract)


def _withdraw_refusal(user: User, contract: Contract) -> DomainError | None:
    if contract.status is not ContractStatus.IN_APPROVAL:
        return DomainError(_("Only a contract in approval can be withdrawn."))
    if not can_edit(user, contract.account):
        return Forbidden(_("Only the account team can withdraw the contract."))
    return None


def can_withdraw(user: User, contract: Contract) -> bool:
    """The account's team takes a contract in approval back to draft."""
    return _withdraw_refusal(user, contract) is None


def _archive_refusal(user: User, contract: Contract) -> DomainError | None:
    if user.role is not Role.CUSTODIAN:
        return Forbidden(_("Only the contract custodian archives signed contracts."))
    if contract.status is not ContractStatus.APPROVED:
        return DomainError(_("Only an approved contract can be archived as signed."))
    return None


def can_archive(user: User, contract: Contract) -> bool:
    """The custodian archives the signed scan of an approved contract (seed 004: 合同必须由专人
    保管)."""
    return _archive_refusal(user, contract) is None


def _terminate_refusal(user: User, contract: Contract) -> DomainError | None:
    allowed = user.role is Role.CUSTODIAN or (
        user.role is Role.DEPARTMENT_HEAD and user.department_id == contract.department_id
    )
    if not allowed:
        return Forbidden(_("Only the department head or the custodian terminates contracts."))
    if contract.status is not ContractStatus.SIGNED:
        return DomainError(_("Only a signed contract can be terminated."))
    return None


def can_terminate(user: User, contract: Contract) -> bool:
    """A signed contract is terminated by the custodian or the head of its department."""
    return _terminate_refusal(user, contract) is None


# --- drafting ---------------------------------------------------------------------------------


def company_profile() -> CompanyProfile | None:
    return db.session.scalar(sa.select(CompanyProfile).order_by(CompanyProfile.id).limit(1))


def draft_defaults(user: User, account: Account) -> dict:
    """A new draft's values: the client's block from the account, ours from the company
    profile, standard commercial defaults."""
    company = company_profile()
    today = local_today()
    values = {
        "title": _("Purchase and sale contract"),
        "tax_rate": line_rules.DEFAULT_VAT_RATE,
        "client_name": account.name,
        "client_address": account.address,
        "client_legal_rep": account.legal_representative,
        "client_phone": account.phone,
        "client_bank": account.bank_name,
        "client_account_no": account.bank_account,
        "client_tax_number": account.tax_number,
        "our_signing_rep": user.full_name,
        "our_contact": user.full_name,
        "signing_date": today,
        "effective_on": today,
        "expires_on": date(today.year, 12, 31)
        if today.month < 10
        else date(today.year + 1, 12, 31),
        "freight_payer": FreightPayer.SELLER,
        "transport": Transport.ROAD,
    }
    if company is not None:
        values.update(
            our_name=company.name,
            our_address=company.address,
            our_legal_rep=company.legal_rep,
            our_phone=company.phone,
            our_bank=company.bank,
            our_account_no=company.account_no,
            our_tax_number=company.tax_number,
        )
    return values


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


@dataclass
class DraftInput:
    """What the edit form sent, parsed: scalar values, line rows and clause texts."""

    values: dict
    rows: list[line_rules.LineInput]
    clauses: dict[ClauseKey, str]


def validate_draft(contract: Contract | None, data: DraftInput) -> dict[str, str]:
    """Format rules that hold even for a draft: numbers, decimals, dates in order, lengths."""
    errors: dict[str, str] = {}
    for row in data.rows:
        line_rules.validate_line(row)
    rows = [r for r in data.rows if not r.is_blank]
    if len(rows) > line_rules.MAX_LINES:
        errors["lines"] = _("At most %(n)d line items.", n=line_rules.MAX_LINES)
    if any(r.errors for r in rows):
        errors["lines"] = _("Some line items need correcting.")
    elif line_rules.total_of(rows) > line_rules.MAX_TOTAL:
        errors["lines"] = _("The total is unrealistically large.")
    rate = data.values.get("tax_rate")
    if rate is None or not (Decimal("0") <= rate <= Decimal("100")):
        errors["tax_rate"] = _("Give the VAT rate in percent, between 0 and 100.")
    effective, expires = data.values.get("effective_on"), data.values.get("expires_on")
    if effective and expires and expires < effective:
        errors["expires_on"] = _("The contract cannot expire before it takes effect.")
    for key, text in data.clauses.items():
        if len(text) > 5000:
            errors[f"clause_{key.value}"] = _("At most %(n)d characters.", n=5000)
    return errors


def submission_problems(contract: Contract) -> dict[str, str]:
    """Every clause group must be complete before the contract leaves draft."""
    problems: dict[str, str] = {}
    if not contract.lines:
        problems["lines"] = _("Add at least one line item (clause 1, subject).")
    for group, names in REQUIRED_FOR_SUBMIT.items():
        missing = [n for n in names if getattr(contract, n) in (None, "")]
        for name in missing:
            problems[name] = _("Required before submitting.")
        if missing and group == "parties":
            problems.setdefault(
                "parties", _("Both parties' identification blocks must be complete (clause 11).")
            )
    for clause in contract.clauses:
        if not clause.text.strip():
            problems[f"clause_{clause.key.value}"] = _("Required before submitting.")
    return problems


def _apply(contract: Contract, data: DraftInput) -> None:
    """Copy checked input onto the contract; amounts, total and flags are computed here."""
    # Loading the old lines and the lookups below must not flush a half-applied contract: the
    # caller flushes once, where a concurrent save (StaleDataError) is caught, and the version
    # goes up once per save.
    with db.session.no_autoflush:
        for name, value in data.values.items():
            setattr(contract, name, value)
        rows = [r for r in data.rows if not r.is_blank]
        contract.lines = [
            ContractLine(
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
        contract.total = line_rules.total_of(rows)
        by_key = {c.key: c for c in contract.clauses}
        for key, text in data.clauses.items():
            if key in by_key:
                by_key[key].text = text
        contract.deviates = any(v.deviates for v in clause_views(contract))
        contract.over_credit = contract.total > available_credit(contract.account, contract.id)
    contract.updated_at = utcnow()


def create_contract(
    user: User, account_id: int, data: DraftInput, *, submit: bool = False
) -> Contract:
    """Save a first draft for the account: it gets the year's next number, and its clauses
    remember the standard version they began from. Nothing is stored if the input is wrong.

    With `submit` ("save and submit"), a draft complete at once goes to approval in the same
    transaction. One that a rule refuses is kept as a draft and the refusal raised; one that
    lacks fields is kept as a draft for the edit page to list them."""
    account = get_account(user, account_id, for_edit=True)
    errors = validate_draft(None, data)
    if errors:
        raise ValidationFailed(errors)
    contract = Contract(
        number=allocate_number(local_today().year),
        account=account,
        owner_id=user.id if user.role is Role.ACCOUNT_MANAGER else account.owner_id,
        department_id=account.department_id,
        we_sell=account.relation is not Relation.UPSTREAM,
        title=_("Purchase and sale contract"),
    )
    for key, (version, text) in current_standards().items():
        contract.clauses.append(ContractClause(key=key, text=text, standard_version=version))
    db.session.add(contract)
    _apply(contract, data)
    db.session.flush()
    _event(contract, user, "create", None, ContractStatus.DRAFT, None)
    contract_history.record_save(contract, user, {}, action="create")
    if submit and not submission_problems(contract):
        try:
            # `_apply` has just worked out the flags, in this transaction
            return _submit(user, contract, flags_fresh=True)
        except ValidationFailed:
            db.session.commit()  # the draft is kept: the page says what refused it
            raise
    db.session.commit()
    return contract


def save_company_profile(actor: User, data: dict, expected_version) -> CompanyProfile:
    """Our own block in every new contract (clause 11); the administrator keeps it."""
    if actor.role is not Role.ADMIN:
        raise Forbidden(_("Only the administrator edits the company profile."))
    profile = company_profile()
    if profile is None:
        profile = CompanyProfile(name=data["name"])
        db.session.add(profile)
    elif str(profile.version) != str(expected_version):
        raise Conflict(
            _("Someone else saved the profile meanwhile; the form shows theirs."),
            current_version=profile.version,
            changes=[],
        )
    for name in ("name", "address", "legal_rep", "phone", "bank", "account_no", "tax_number"):
        setattr(profile, name, _clean(data.get(name)))
    db.session.commit()
    return profile


def save_draft(user: User, contract_id: int, data: DraftInput, expected_version) -> Contract:
    """Store the draft as typed (after format checks); amounts and total computed here."""
    contract = _editable(user, contract_id)
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationFailed({"version": _("The form is incomplete; reload the page.")}) from None
    if contract.version != expected:
        raise _conflict(contract, expected)
    errors = validate_draft(contract, data)
    if errors:
        raise ValidationFailed(errors)
    before = contract_history.snapshot(contract)
    try:
        _apply(contract, data)
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise _conflict(db.session.get(Contract, contract_id), expected) from None
    contract_history.record_save(contract, user, before)
    db.session.commit()
    return contract


def _conflict(contract: Contract, expected: int) -> Conflict:
    return Conflict(
        _(
            "Someone else saved this contract while you were editing it. Your input is kept "
            "below; review it and save again to replace their version."
        ),
        current_version=contract.version,
        changes=audit.entries_since("contract", contract.id, expected),
    )


# --- lifecycle transitions --------------------------------------------------------------------


def _event(contract, actor, action, from_status, to_status, comment):
    db.session.add(
        ContractEvent(
            contract_id=contract.id,
            actor_id=actor.id if actor else None,
            action=action,
            from_status=from_status.value if from_status else None,
            to_status=to_status.value if to_status else None,
            comment=comment,
        )
    )


def _transition(
    contract: Contract,
    actor: User,
    to: ContractStatus,
    action: str,
    comment: str | None = None,
    *,
    commit: bool = True,
) -> Contract:
    before = contract.status
    contract.status = to
    contract.updated_at = utcnow()
    _event(contract, actor, action, before, to, comment)
    after_commit(status_changed, contract.id, status=to)
    audit.record_changes(
        actor=actor,
        entity_type="contract",
        entity_id=contract.id,
        account_id=contract.account_id,
        before={"contract.status": before.value},
        after={"contract.status": to.value},
        version=contract.version + 1,
        subject=contract.number,
    )
    if not commit:
        return contract
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise DomainError(_("The contract changed meanwhile; reload the page.")) from None
    return contract


# --- submitting to approval ---------------------------------------------------------------


def needs_higher_chain(contract: Contract) -> bool:
    return contract.over_credit or contract.deviates


def submit(user: User, contract_id: int) -> Contract:
    """Draft → in approval, only when every clause group is complete. The flags for the
    higher approval chain are fixed at this moment, and the contract approval request is
    filed (or, after a return, resubmitted) in the same transaction."""
    return _submit(user, _editable(user, contract_id))


def _submit(user: User, contract: Contract, *, flags_fresh: bool = False) -> Contract:
    problems = submission_problems(contract)
    for _receiver, found in submission_checked.send(contract):
        problems.update(found or {})
    if problems:
        raise ValidationFailed(problems)
    if not flags_fresh:
        with db.session.no_autoflush:  # one UPDATE, at the commit where StaleDataError is caught
            contract.deviates = any(v.deviates for v in clause_views(contract))
            contract.over_credit = contract.total > available_credit(contract.account, contract.id)
    contract.return_comment = None
    _transition(contract, user, ContractStatus.IN_APPROVAL, "submit", commit=False)
    contract_submitted.send(contract, user=user)  # files the approval request, same transaction
    return _commit(contract)


def withdraw(user: User, contract_id: int) -> Contract:
    """In approval → draft (`can_withdraw`); the approval request is withdrawn with it."""
    contract = get_contract(user, contract_id)
    if (refusal := _withdraw_refusal(user, contract)) is not None:
        raise refusal
    _transition(contract, user, ContractStatus.DRAFT, "withdraw", commit=False)
    contract_withdrawn.send(contract, user=user)  # withdraws the approval request
    return _commit(contract)


def _commit(contract: Contract) -> Contract:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise DomainError(_("The contract changed meanwhile; reload the page.")) from None
    return contract


OUTCOMES = {
    "approve": ContractStatus.APPROVED,
    "return": ContractStatus.DRAFT,
    "reject": ContractStatus.DRAFT,
    "withdraw": ContractStatus.DRAFT,
}


def record_outcome(
    contract: Contract, actor: User, outcome: str, comment: str | None = None
) -> Contract:
    """The approval engine's decision on a contract in approval, inside the engine's
    transaction (no commit here): approval moves it to approved; a rejection or a return sends
    it back to draft with the approver's comment shown on the contract (DOMAIN.md 合同审批).
    Who may decide is the engine's rule, not this function's."""
    if contract.status is not ContractStatus.IN_APPROVAL:
        raise DomainError(_("The contract is no longer in approval."))
    if outcome in ("return", "reject"):
        contract.return_comment = comment
    return _transition(contract, actor, OUTCOMES[outcome], outcome, _clean(comment), commit=False)


def sniff_scan(data: bytes) -> str | None:
    for magic, mime in SCAN_TYPES.items():
        if data.startswith(magic):
            return mime
    return None


def archive_signed(user: User, contract_id: int, filename: str, data: bytes) -> Contract:
    """The custodian archives the signed scan (PDF, JPEG or PNG, checked by content, at most
    10 MB); the contract becomes signed (seed 004: 合同必须由专人保管)."""
    contract = get_contract(user, contract_id)
    if (refusal := _archive_refusal(user, contract)) is not None:
        raise refusal
    if not data:
        raise ValidationFailed({"scan": _("Choose the scan of the signed contract.")})
    if len(data) > SCAN_MAX_BYTES:
        raise ValidationFailed({"scan": _("The scan may be at most 10 MB.")})
    mime = sniff_scan(data)
    if mime is None:
        raise ValidationFailed({"scan": _("The scan must be a PDF, JPEG or PNG file.")})
    db.session.add(
        SignedScan(
            contract_id=contract.id,
            filename=(filename or "scan")[-200:],
            mime=mime,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by_id=user.id,
        )
    )
    return _transition(contract, user, ContractStatus.SIGNED, "archive")


def terminate(user: User, contract_id: int, reason: str) -> Contract:
    """Signed → terminated, with the reason (`can_terminate`)."""
    contract = get_contract(user, contract_id)
    if (refusal := _terminate_refusal(user, contract)) is not None:
        raise refusal
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give the reason for terminating.")})
    contract.termination_reason = reason[:200]
    return _transition(contract, user, ContractStatus.TERMINATED, "terminate", reason)


def latest_scan(contract: Contract) -> SignedScan | None:
    return db.session.scalar(
        sa.select(SignedScan)
        .where(SignedScan.contract_id == contract.id)
        .order_by(SignedScan.id.desc())
        .limit(1)
    )


def events(contract: Contract) -> list[ContractEvent]:
    return list(
        db.session.scalars(
            sa.select(ContractEvent)
            .where(ContractEvent.contract_id == contract.id)
            .options(joinedload(ContractEvent.actor))
            .order_by(ContractEvent.id)
        )
    )


# --- the contract page's link to its approval request -----------------------------------------


class ApprovalLink(NamedTuple):
    url: str
    label: str  # the request's number
    status: str  # the request's status, in the reader's language


_APPROVAL_LOOKUP = "keydesk.contract_approval_lookup"


def register_approval_lookup(app, lookup) -> None:
    """The approvals area (above this one) tells the contract page where its request is:
    lookup(contract) -> ApprovalLink | None. Called from that area's init_app."""
    app.extensions[_APPROVAL_LOOKUP] = lookup


def approval_link_for(contract: Contract) -> ApprovalLink | None:
    """The contract's latest approval request as its page links to it; None when it has none
    (or no approvals area is installed)."""
    lookup = current_app.extensions.get(_APPROVAL_LOOKUP)
    return lookup(contract) if lookup is not None else None
