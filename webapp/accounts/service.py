"""Rules for key accounts: who sees and edits which account, validation beyond field checks,
saving with conflict detection and an audit trail.

Every function that reads accounts applies `account_scope(user)`; views never build their own
account queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from webapp import audit
from webapp.accounts.contact_checks import reporting_problem
from webapp.accounts.models import (
    ENUM_BY_FIELD,
    PERSONAL_FIELDS,
    Account,
    AccountKind,
    AccountMember,
    Contact,
    CreditChange,
    CreditGrade,
    Loyalty,
    Ownership,
    SalesTier,
    Stage,
    ValueClass,
    Visit,
    VisitKind,
)
from webapp.accounts.signals import account_saved
from webapp.auth.models import Role, User
from webapp.auth.permissions import ACCOUNT_EDITORS, ACCOUNT_VISIBILITY, Visibility
from webapp.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from webapp.common.ids import parse_id
from webapp.common.timeutil import utcnow
from webapp.extensions import db

ACCOUNT_FIELDS = (
    "name",
    "short_name",
    "tax_number",
    "legal_representative",
    "address",
    "bank_name",
    "bank_account",
    "phone",
    "kind",
    "relation",
    "channel",
    "ownership",
    "loyalty",
    "notes",
    "owner_id",
)
ENUM_FIELDS = ENUM_BY_FIELD
# Stage, MAN answers, value class and tier are not edited here: they follow from the development
# area's qualifications, assessments, stage moves and the sales records (DOMAIN.md "Key account").
CONTACT_FIELDS = (
    "name",
    "title",
    "phone",
    "email",
    "buying_role",
    "personality",
    "decision_style",
    "stance",
    "ladder",
    "reports_to_id",
    *sorted(PERSONAL_FIELDS),
)


def _declared_order(column, enum_cls) -> sa.Case:
    """Sort by the enum's declared order (stage 1 → 5, tier AAA → C), not by its stored code;
    a missing value sorts last on every database."""
    codes = sa.type_coerce(column, sa.String)
    return sa.case({m.value: i for i, m in enumerate(enum_cls)}, value=codes, else_=len(enum_cls))


SORTS = {
    "name": Account.name,
    "updated": Account.updated_at.desc(),
    "stage": _declared_order(Account.stage, Stage),
    "credit_limit": Account.credit_limit.desc(),
    "tier": _declared_order(Account.tier, SalesTier),
}


# --- visibility -------------------------------------------------------------------------------


def account_scope(user: User) -> sa.ColumnElement[bool]:
    """The WHERE clause that limits any account query to what `user` may see."""
    visibility = ACCOUNT_VISIBILITY[user.role]
    if visibility is Visibility.COMPANY:
        return sa.true()
    if visibility is Visibility.DEPARTMENT and user.department_id is not None:
        return Account.department_id == user.department_id
    if visibility is Visibility.TEAM:
        member = sa.select(AccountMember.account_id).where(AccountMember.user_id == user.id)
        return sa.or_(Account.owner_id == user.id, Account.id.in_(member))
    return sa.false()


def is_on_team(user: User, account: Account) -> bool:
    """The account's team: its owner and the colleagues added to it (DOMAIN.md personal files)."""
    if account.owner_id == user.id:
        return True
    return any(m.user_id == user.id for m in account.members)


def can_edit(user: User, account: Account) -> bool:
    if user.role not in ACCOUNT_EDITORS:
        return False
    if user.role is Role.ACCOUNT_MANAGER:
        return is_on_team(user, account)
    return account.department_id == user.department_id


def can_see_personal(user: User, account: Account) -> bool:
    return is_on_team(user, account)


def get_account(
    user: User, account_id: int, *, for_edit: bool = False, missing: str | None = None
) -> Account:
    """The account if `user` may see (or edit) it. An account outside the user's scope answers
    exactly like one that does not exist (NotFound with `missing`, by default "No such
    account."), so ids cannot be probed; Forbidden only for one they see but may not change.
    Getters of records on an account pass their own `missing` wording."""
    not_found = NotFound(missing or _("No such account."))
    account = db.session.get(Account, account_id)
    if account is None:
        raise not_found
    visible = db.session.scalar(
        sa.select(sa.literal(True)).where(Account.id == account_id, account_scope(user))
    )
    if not visible:
        raise not_found
    if for_edit and not can_edit(user, account):
        raise Forbidden(_("You may view this account but not change it."))
    return account


# --- listing ----------------------------------------------------------------------------------


@dataclass
class AccountQuery:
    """Search, filters, sort and page of the account list, parsed from request args."""

    q: str = ""
    owner_id: int | None = None
    kind: AccountKind | None = None
    stage: Stage | None = None
    value_class: ValueClass | None = None
    tier: SalesTier | None = None
    credit_grade: CreditGrade | None = None
    sort: str = "updated"
    page: int = 1
    filters: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> AccountQuery:
        """Unknown or malformed values are ignored, so a hand-edited URL never fails."""
        query = cls(q=(args.get("q") or "").strip()[:60])
        for name in ("kind", "stage", "value_class", "tier", "credit_grade"):
            raw = args.get(name) or ""
            try:
                value = ENUM_FIELDS[name](raw) if raw else None
            except ValueError:
                value = None
            setattr(query, name, value)
            if value is not None:
                query.filters[name] = value.value
        owner = parse_id(args.get("owner_id"))
        if owner is not None:
            query.owner_id = owner
            query.filters["owner_id"] = str(owner)
        sort = args.get("sort") or "updated"
        query.sort = sort if sort in SORTS else "updated"
        page = parse_id(args.get("page"), default=1)
        query.page = page if page < 100000 else 1
        return query

    def url_args(self, **overrides) -> dict[str, str]:
        args = {"q": self.q, **self.filters, "sort": self.sort, "page": str(self.page)}
        args.update({k: str(v) for k, v in overrides.items()})
        return {k: v for k, v in args.items() if v not in ("", None)}


def list_accounts(user: User, query: AccountQuery, per_page: int = 25):
    stmt = accounts_statement(user, query)
    return db.paginate(stmt, page=query.page, per_page=per_page, error_out=False, count=True)


def accounts_statement(user: User, query: AccountQuery) -> sa.Select:
    """The account list's query: the user's scope, the search, the filters and the sort (the
    page and its export read the same rows)."""
    stmt = sa.select(Account).where(account_scope(user)).options(joinedload(Account.owner))
    if query.q:
        like = f"%{query.q}%"
        stmt = stmt.where(
            sa.or_(
                Account.name.ilike(like),
                Account.short_name.ilike(like),
                Account.tax_number.ilike(like),
            )
        )
    for name in ("kind", "stage", "value_class", "tier", "credit_grade"):
        value = getattr(query, name)
        if value is not None:
            stmt = stmt.where(getattr(Account, name) == value)
    if query.owner_id is not None:
        stmt = stmt.where(Account.owner_id == query.owner_id)
    return stmt.order_by(SORTS[query.sort], Account.id)


def owner_choices(user: User) -> list[User]:
    """The people whose accounts `user` may filter by or assign: themselves or their department."""
    visibility = ACCOUNT_VISIBILITY[user.role]
    stmt = sa.select(User).where(User.role == Role.ACCOUNT_MANAGER, User.active.is_(True))
    if visibility is Visibility.DEPARTMENT:
        stmt = stmt.where(User.department_id == user.department_id)
    elif visibility is not Visibility.COMPANY:
        return [user] if user.role is Role.ACCOUNT_MANAGER else []
    return list(db.session.scalars(stmt.order_by(User.full_name)))


def can_create(user: User) -> bool:
    return user.role in ACCOUNT_EDITORS and user.department_id is not None


# --- saving accounts --------------------------------------------------------------------------


def _coerce(name: str, value):
    if name in ENUM_FIELDS:
        return ENUM_FIELDS[name](value) if value else None
    if name.startswith("man_"):
        return {"yes": True, "no": False}.get(value)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _check_unique(data: dict, account_id: int | None) -> None:
    errors = {}
    for name, message in (
        ("name", _("Another account already has this legal name.")),
        ("tax_number", _("Another account already has this credit code.")),
    ):
        stmt = sa.select(Account.id).where(getattr(Account, name) == data[name])
        if account_id is not None:
            stmt = stmt.where(Account.id != account_id)
        if data.get(name) and db.session.scalar(stmt.limit(1)) is not None:
            errors[name] = message
    if errors:
        raise ValidationFailed(errors)


def _resolve_owner(actor: User, owner_id: int | None, current: Account | None) -> User:
    if owner_id is None:
        return current.owner if current else actor
    if current is not None and owner_id == current.owner_id:
        return current.owner
    if actor.role is Role.ACCOUNT_MANAGER and current is not None:
        # Handing an account over is the supervisor's call, not a team member's.
        raise ValidationFailed({"owner_id": _("Only a supervisor or head reassigns accounts.")})
    allowed = {u.id: u for u in owner_choices(actor)}
    if owner_id not in allowed:
        raise ValidationFailed({"owner_id": _("Choose an account manager of your department.")})
    return allowed[owner_id]


def create_account(actor: User, data: dict) -> Account:
    """Create an account owned by the actor (or, for a supervisor, by a chosen manager).

    A new account starts with a yellow credit grade and no credit limit; both change only
    through a credit adjustment (DOMAIN.md "Credit").
    """
    if not can_create(actor):
        raise Forbidden(_("Your role cannot create accounts."))
    values = {n: _coerce(n, data.get(n)) for n in ACCOUNT_FIELDS if n != "owner_id"}
    _check_unique(values, None)
    owner = _resolve_owner(actor, data.get("owner_id"), None)
    account = Account(
        **values,
        owner_id=owner.id,
        department_id=owner.department_id or actor.department_id,
        stage=Stage.TARGET,
        credit_grade=CreditGrade.YELLOW,
        credit_limit=Decimal("0.00"),
    )
    db.session.add(account)
    db.session.flush()
    _announce_saved(account, actor, created=True)
    audit.record_changes(
        actor=actor,
        entity_type="account",
        entity_id=account.id,
        account_id=account.id,
        before={},
        after=audit.snapshot(account, ACCOUNT_FIELDS),
        version=account.version,
        action="create",
    )
    db.session.add(
        CreditChange(
            account_id=account.id,
            actor_id=actor.id,
            new_grade=account.credit_grade,
            new_limit=account.credit_limit,
            reason=_("Initial grade when the account was created"),
        )
    )
    db.session.commit()
    return account


def _announce_saved(account: Account, actor: User, *, created: bool) -> None:
    """Tell the areas above (same transaction); a receiver's refusal undoes the save."""
    try:
        account_saved.send(account, user=actor, created=created)
    except ValidationFailed:
        db.session.rollback()
        raise


def _conflict(
    entity_type: str, obj, expected_version: int, *, hide_sensitive: bool = False
) -> Conflict:
    changes = audit.entries_since(entity_type, obj.id, expected_version)
    if hide_sensitive:  # personal-file changes show to the account's team only
        changes = [c for c in changes if not c.sensitive]
    return Conflict(
        _(
            "Someone else saved this record while you were editing it. Their changes are listed "
            "below; your input is kept — review it and save again to apply it."
        ),
        current_version=obj.version,
        changes=changes,
    )


def _parse_version(raw) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed({"version": _("The form is incomplete; reload the page.")}) from None


def update_account(actor: User, account_id: int, data: dict, expected_version) -> Account:
    """Save an edit, refusing a stale form (its version is older than the stored one)."""
    account = get_account(actor, account_id, for_edit=True)
    expected = _parse_version(expected_version)
    if account.version != expected:
        raise _conflict("account", account, expected)
    before = audit.snapshot(account, ACCOUNT_FIELDS)
    values = {n: _coerce(n, data.get(n)) for n in ACCOUNT_FIELDS if n != "owner_id"}
    _check_unique(values, account.id)
    owner = _resolve_owner(actor, data.get("owner_id"), account)
    for name, value in values.items():
        setattr(account, name, value)
    account.owner_id = owner.id
    after = audit.snapshot(account, ACCOUNT_FIELDS)
    if after == before:
        return account
    account.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        account = db.session.get(Account, account_id)
        raise _conflict("account", account, expected) from None
    _announce_saved(account, actor, created=False)
    audit.record_changes(
        actor=actor,
        entity_type="account",
        entity_id=account.id,
        account_id=account.id,
        before=before,
        after=after,
        version=account.version,
    )
    db.session.commit()
    return account


def credit_history(user: User, account: Account) -> list[CreditChange]:
    return list(
        db.session.scalars(
            sa.select(CreditChange)
            .where(CreditChange.account_id == account.id)
            .order_by(CreditChange.at.desc(), CreditChange.id.desc())
        )
    )


def history(
    user: User, account: Account, limit: int = 200, before: int | None = None
) -> list[audit.AuditEntry]:
    """The account's audit trail as `user` may read it, newest first, below entry id `before`:
    personal-file changes only for the team (DOMAIN.md)."""
    entry = audit.AuditEntry
    stmt = (
        sa.select(entry)
        .where(entry.account_id == account.id)
        .options(joinedload(entry.actor), joinedload(entry.on_behalf_of))
        .order_by(entry.id.desc())
        .limit(limit)
    )
    if before is not None:
        stmt = stmt.where(entry.id < before)
    if not can_see_personal(user, account):
        stmt = stmt.where(entry.sensitive.is_(False))
    return list(db.session.scalars(stmt))


# --- team -------------------------------------------------------------------------------------


def team(account: Account) -> list[User]:
    return [account.owner, *[m.user for m in account.members]]


def member_candidates(actor: User, account: Account) -> list[User]:
    """Colleagues of the account's department who are not on the team yet."""
    on_team = {u.id for u in team(account)}
    stmt = sa.select(User).where(
        User.department_id == account.department_id,
        User.active.is_(True),
        User.role.in_([Role.ACCOUNT_MANAGER, Role.SUPERVISOR, Role.DEPARTMENT_HEAD]),
    )
    return [u for u in db.session.scalars(stmt.order_by(User.full_name)) if u.id not in on_team]


def add_member(actor: User, account_id: int, user_id: int) -> Account:
    account = get_account(actor, account_id, for_edit=True)
    candidates = {u.id: u for u in member_candidates(actor, account)}
    if user_id not in candidates:
        raise ValidationFailed({"user_id": _("Choose a colleague of the account's department.")})
    account.members.append(AccountMember(user_id=user_id))
    audit.record_changes(
        actor=actor,
        entity_type="account",
        entity_id=account.id,
        account_id=account.id,
        before={},
        after={"team": candidates[user_id].full_name},
        version=account.version,
        action="add",
    )
    db.session.commit()
    return account


def remove_member(actor: User, account_id: int, user_id: int) -> Account:
    account = get_account(actor, account_id, for_edit=True)
    member = next((m for m in account.members if m.user_id == user_id), None)
    if member is None:
        raise NotFound(_("That colleague is not on the team."))
    name = member.user.full_name
    account.members.remove(member)
    audit.record_changes(
        actor=actor,
        entity_type="account",
        entity_id=account.id,
        account_id=account.id,
        before={"team": name},
        after={"team": None},
        version=account.version,
        action="remove",
    )
    db.session.commit()
    return account


# --- contacts ---------------------------------------------------------------------------------


def contacts(user: User, account: Account) -> list[Contact]:
    return list(
        db.session.scalars(
            sa.select(Contact)
            .where(Contact.account_id == account.id)
            .options(joinedload(Contact.reports_to))
            .order_by(Contact.buying_role, Contact.name)
        )
    )


def get_contact(user: User, contact_id: int, *, for_edit: bool = False) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(_("No such contact."))
    get_account(user, contact.account_id, for_edit=for_edit, missing=_("No such contact."))
    return contact


def _contact_values(user: User, account: Account, data: dict, contact: Contact | None) -> dict:
    fields = (
        CONTACT_FIELDS
        if can_see_personal(user, account)
        else [f for f in CONTACT_FIELDS if f not in PERSONAL_FIELDS]
    )
    values = {n: _coerce(n, data.get(n)) for n in fields}
    reports_to = values.get("reports_to_id")
    if reports_to is not None:
        try:
            reports_to = int(reports_to)
        except (TypeError, ValueError):
            raise ValidationFailed({"reports_to_id": _("Choose a colleague.")}) from None
        boss = db.session.get(Contact, reports_to)
        if boss is None or boss.account_id != account.id:
            raise ValidationFailed({"reports_to_id": _("Choose a colleague at the same client.")})
        if contact is not None and _reports_chain_reaches(boss, contact.id):
            raise ValidationFailed(
                {"reports_to_id": _("That would make a circle in the org chart.")}
            )
        problem = reporting_problem(contact, boss)  # the areas' lines (contact_checks.py)
        if problem:
            raise ValidationFailed({"reports_to_id": problem})
        values["reports_to_id"] = reports_to
    return values


def _reports_chain_reaches(start: Contact, target_id: int) -> bool:
    seen = set()
    node: Contact | None = start
    while node is not None and node.id not in seen:
        if node.id == target_id:
            return True
        seen.add(node.id)
        node = node.reports_to
    return False


def add_contact(actor: User, account_id: int, data: dict) -> Contact:
    account = get_account(actor, account_id, for_edit=True)
    values = _contact_values(actor, account, data, None)
    contact = Contact(account_id=account.id, **values)
    db.session.add(contact)
    db.session.flush()
    audit.record_changes(
        actor=actor,
        entity_type="contact",
        entity_id=contact.id,
        account_id=account.id,
        before={},
        after={f"contact.{k}": v for k, v in audit.snapshot(contact, values).items()},
        version=contact.version,
        sensitive_fields=frozenset(f"contact.{f}" for f in PERSONAL_FIELDS),
        action="create",
        subject=contact.name,
    )
    db.session.commit()
    return contact


def update_contact(actor: User, contact_id: int, data: dict, expected_version) -> Contact:
    contact = get_contact(actor, contact_id, for_edit=True)
    account = contact.account
    expected = _parse_version(expected_version)
    hide_sensitive = not can_see_personal(actor, account)
    if contact.version != expected:
        raise _conflict("contact", contact, expected, hide_sensitive=hide_sensitive)
    values = _contact_values(actor, account, data, contact)
    before = audit.snapshot(contact, values)
    for name, value in values.items():
        setattr(contact, name, value)
    after = audit.snapshot(contact, values)
    if before == after:
        return contact
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        contact = db.session.get(Contact, contact_id)
        raise _conflict("contact", contact, expected, hide_sensitive=hide_sensitive) from None
    audit.record_changes(
        actor=actor,
        entity_type="contact",
        entity_id=contact.id,
        account_id=account.id,
        before={f"contact.{k}": v for k, v in before.items()},
        after={f"contact.{k}": v for k, v in after.items()},
        version=contact.version,
        sensitive_fields=frozenset(f"contact.{f}" for f in PERSONAL_FIELDS),
        subject=contact.name,
    )
    db.session.commit()
    return contact


def delete_contact(actor: User, contact_id: int) -> Account:
    contact = get_contact(actor, contact_id, for_edit=True)
    account = contact.account
    audit.record_changes(
        actor=actor,
        entity_type="contact",
        entity_id=contact.id,
        account_id=account.id,
        before={"contact.name": contact.name},
        after={"contact.name": None},
        version=contact.version,
        action="delete",
        subject=contact.name,
    )
    db.session.delete(contact)
    db.session.commit()
    return account


# --- visits -----------------------------------------------------------------------------------


def visits(user: User, account: Account, limit: int = 100) -> list[Visit]:
    return list(
        db.session.scalars(
            sa.select(Visit)
            .where(Visit.account_id == account.id)
            .options(joinedload(Visit.user), joinedload(Visit.contact))
            .order_by(Visit.visited_on.desc(), Visit.id.desc())
            .limit(limit)
        )
    )


VISIT_FIELDS = ("kind", "visited_on", "contact_id", "summary", "next_step", "next_date")


def get_visit(user: User, visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(_("No such visit."))
    get_account(user, visit.account_id)
    return visit


def add_visit(actor: User, account_id: int, data: dict) -> Visit:
    account = get_account(actor, account_id, for_edit=True)
    contact_id = data.get("contact_id") or None
    if contact_id is not None:
        contact = db.session.get(Contact, int(contact_id))
        if contact is None or contact.account_id != account.id:
            raise ValidationFailed({"contact_id": _("Choose a contact of this client.")})
        contact_id = contact.id
    visited_on: date = data["visited_on"]
    next_date: date | None = data.get("next_date")
    if next_date is not None and next_date < visited_on:
        raise ValidationFailed({"next_date": _("The next date cannot be before the visit.")})
    visit = Visit(
        account_id=account.id,
        contact_id=contact_id,
        user_id=actor.id,
        kind=VisitKind(data["kind"]),
        visited_on=visited_on,
        summary=data["summary"].strip(),
        next_step=(data.get("next_step") or "").strip() or None,
        next_date=next_date,
    )
    db.session.add(visit)
    db.session.flush()
    audit.record_changes(
        actor=actor,
        entity_type="visit",
        entity_id=visit.id,
        account_id=account.id,
        before={},
        after={
            f"visit.{name}": value for name, value in audit.snapshot(visit, VISIT_FIELDS).items()
        },
        version=visit.version,
        action="create",
        subject=visit.visited_on.isoformat(),
    )
    account.updated_at = utcnow()
    db.session.commit()
    return visit


# --- derived facts shown on the profile -------------------------------------------------------


def man_verdict(account: Account) -> str:
    """MAN rule (seed 001): all three known and true qualifies; any one false vetoes the lead."""
    answers = (account.man_money, account.man_authority, account.man_need)
    if any(a is False for a in answers):
        return "veto"
    if all(a is True for a in answers):
        return "qualified"
    return "unknown"


SERVICE_FOCUS = {
    Ownership.STATE: "service",
    Ownership.PRIVATE: "value",
}
LOYALTY_FOCUS = {
    Loyalty.LOYAL: "long_term",
    Loyalty.SEMI_LOYAL: "mixed",
    Loyalty.DISLOYAL: "short_term",
}


def service_focus(account: Account) -> tuple[str, str]:
    """Seed 004: state-owned clients want service, private ones value; loyal ones long-term
    added value, disloyal ones short-term gain."""
    return SERVICE_FOCUS[account.ownership], LOYALTY_FOCUS[account.loyalty]
