"""Lead capture and project filing (项目备案, seed 001 §3.2): a salesperson files a client with
its contact, phone, source and need; sales management checks whether someone already follows
it. The duplicate check compares the legal name, short name, tax number and phone, also fuzzily
(with or without 有限公司, full- or half-width), and names who follows each match; a lead a
colleague filed cannot be taken silently: capture is refused and points to the colleague (or
to the pool, when the account sits there)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from webapp import audit
from webapp.accounts.models import (
    Account,
    AccountKind,
    BuyingRole,
    Channel,
    Contact,
    Loyalty,
    Ownership,
    Relation,
    Stage,
)
from webapp.accounts.service import can_create
from webapp.accounts.uscc import normalise as normalise_uscc
from webapp.auth.models import Role, User
from webapp.common.errors import Forbidden, ValidationFailed
from webapp.common.timeutil import local_today, to_local
from webapp.development import pool
from webapp.development.models import DevelopmentProfile
from webapp.development.profiles import normalise_name, normalise_phone, profile_for
from webapp.development.settings import all_settings
from webapp.extensions import db
from webapp.notifications.service import notify


@dataclass
class Match:
    account: Account
    owner_name: str
    fields: list[str]  # which of name / short name / tax number / phone matched
    in_pool: bool
    mine: bool


def find_duplicates(
    user: User | None,
    *,
    name: str | None = None,
    short_name: str | None = None,
    tax_number: str | None = None,
    phone: str | None = None,
    exclude_id: int | None = None,
    limit: int = 10,
) -> list[Match]:
    """Accounts that may be the same company, whoever follows them (the point of the check is
    to see colleagues' accounts; only the name and who follows it are shown). Indexed equality
    on normalised keys, so it stays fast with many accounts."""
    keys = {k for k in (normalise_name(name), normalise_name(short_name)) if k}
    tax = normalise_uscc(tax_number or "") or None
    phone_key = normalise_phone(phone)
    # one indexed lookup per key, united: no scan of the accounts whatever their number
    lookups = []
    if keys:
        lookups.append(
            sa.select(DevelopmentProfile.account_id).where(DevelopmentProfile.name_key.in_(keys))
        )
        lookups.append(
            sa.select(DevelopmentProfile.account_id).where(DevelopmentProfile.short_key.in_(keys))
        )
    if phone_key:
        lookups.append(
            sa.select(DevelopmentProfile.account_id).where(
                DevelopmentProfile.phone_key == phone_key
            )
        )
    if tax:
        lookups.append(sa.select(Account.id).where(Account.tax_number == tax))
    if not lookups:
        return []
    ids = set(db.session.scalars(sa.union(*lookups)))
    ids.discard(exclude_id)
    if not ids:
        return []
    stmt = (
        sa.select(Account, DevelopmentProfile)
        .outerjoin(DevelopmentProfile, DevelopmentProfile.account_id == Account.id)
        .where(Account.id.in_(sorted(ids)[:limit]))
        .options(joinedload(Account.owner))
        .order_by(Account.id)
    )
    matches = []
    for account, profile in db.session.execute(stmt):
        fields = []
        if profile is not None and keys & {profile.name_key, profile.short_key}:
            fields.append(_("name"))
        if tax and account.tax_number == tax:
            fields.append(_("tax number"))
        if profile is not None and phone_key and profile.phone_key == phone_key:
            fields.append(_("phone"))
        in_pool = bool(profile and profile.in_pool)
        matches.append(
            Match(
                account=account,
                owner_name=account.owner.full_name,
                fields=fields,
                in_pool=in_pool,
                mine=user is not None and account.owner_id == user.id and not in_pool,
            )
        )
    return matches


def duplicate_message(matches: list[Match]) -> str:
    parts = []
    for m in matches:
        who = (
            _("in the customer pool") if m.in_pool else _("followed by %(name)s", name=m.owner_name)
        )
        parts.append(
            _(
                "%(account)s (%(who)s; same %(fields)s)",
                account=m.account.name,
                who=who,
                fields="、".join(m.fields),
            )
        )
    return _("Already filed: %(list)s.", list="；".join(parts))


def on_account_saved(account: Account, created: bool = False, **_kw) -> None:
    """`accounts.signals.account_saved`: a new account that duplicates one already filed is
    refused (ValidationFailed rolls the save back), whoever follows the other one."""
    if not created:
        return
    matches = find_duplicates(
        None,
        name=account.name,
        short_name=account.short_name,
        tax_number=account.tax_number,
        phone=account.phone,
        exclude_id=account.id,
    )
    if matches:
        raise ValidationFailed({"name": duplicate_message(matches)})


def capture(actor: User, data: dict) -> Account:
    """File a lead: a new account in stage 1 owned by the actor, its contact, source and need.
    Refused when the duplicate check finds the company already filed (module docstring)."""
    if not can_create(actor):
        raise Forbidden(_("Your role cannot file leads."))
    name = (data.get("name") or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Enter the company's name.")
    if not (data.get("contact_name") or "").strip():
        errors["contact_name"] = _("Enter the contact's name.")
    if errors:
        raise ValidationFailed(errors)
    matches = find_duplicates(
        actor,
        name=name,
        short_name=data.get("short_name"),
        tax_number=data.get("tax_number"),
        phone=data.get("phone"),
    )
    if matches:
        raise ValidationFailed({"name": duplicate_message(matches)})
    channel = Channel(data.get("channel") or Channel.TERMINAL.value)
    account = Account(
        name=name[:120],
        short_name=(data.get("short_name") or "").strip()[:40] or None,
        tax_number=normalise_uscc(data.get("tax_number") or "") or None,
        phone=(data.get("phone") or "").strip()[:30] or None,
        kind=AccountKind(data.get("kind") or AccountKind.ECONOMIC.value),
        relation=Relation.DOWNSTREAM,
        channel=channel,
        ownership=Ownership(data.get("ownership") or Ownership.PRIVATE.value),
        loyalty=Loyalty.SEMI_LOYAL,
        stage=Stage.TARGET,
        owner_id=actor.id,
        department_id=actor.department_id,
    )
    db.session.add(account)
    db.session.flush()
    profile = profile_for(account)
    profile.source = (data.get("source") or "").strip()[:60] or None
    profile.need = (data.get("need") or "").strip()[:500] or None
    profile.contact_name = (data.get("contact_name") or "").strip()[:40]
    profile.phone_key = normalise_phone(account.phone)
    profile.filed_by_id = actor.id
    profile.filed_on = local_today()
    profile.last_contact_on = local_today()
    db.session.add(
        Contact(
            account_id=account.id,
            name=profile.contact_name,
            phone=account.phone,
            buying_role=BuyingRole(data.get("buying_role") or BuyingRole.INFLUENCER.value),
        )
    )
    audit.record_changes(
        actor=actor,
        entity_type="account",
        entity_id=account.id,
        account_id=account.id,
        before={},
        after={"name": account.name, "stage": Stage.TARGET.value, "lead_source": profile.source},
        version=account.version,
        action="create",
    )
    db.session.commit()
    return account


# --- the daily lead count (seed 000 EMS guide: at least one new lead a day) -----------------


def lead_counts(user_ids: list[int], start: date, end: date) -> dict[tuple[int, date], int]:
    """New leads filed per salesperson per day, start..end inclusive."""
    rows = db.session.execute(
        sa.select(DevelopmentProfile.filed_by_id, DevelopmentProfile.filed_on, sa.func.count())
        .where(
            DevelopmentProfile.filed_by_id.in_(user_ids),
            DevelopmentProfile.filed_on.between(start, end),
        )
        .group_by(DevelopmentProfile.filed_by_id, DevelopmentProfile.filed_on)
    )
    return {(uid, day): n for uid, day, n in rows}


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def working_days_before(today: date, count: int, settings: dict) -> list[date]:
    """The `count` working days before `today`, newest first, by the configured calendar
    (weekdays, holidays, weekend days worked)."""
    weekdays = set(settings["working_weekdays"])
    holidays = set(settings["holidays"])
    extra = set(settings["extra_workdays"])
    found, day = [], today
    for _step in range(366):
        day -= timedelta(days=1)
        iso = day.isoformat()
        if iso in extra or (day.weekday() in weekdays and iso not in holidays):
            found.append(day)
            if len(found) == count:
                break
    return found


@dataclass
class LeadRow:
    user: User
    counts: list[int]  # per day of `days`, oldest first
    today: int
    flagged: bool  # no lead on any of the last `gap` working days


def salespeople(user: User) -> list[User]:
    """Whose lead counts `user` sees: their own (manager), the department's (leaders), all
    (executives)."""
    stmt = sa.select(User).where(User.role == Role.ACCOUNT_MANAGER, User.active.is_(True))
    if user.role in (Role.SUPERVISOR, Role.DEPARTMENT_HEAD):
        stmt = stmt.where(User.department_id == user.department_id)
    elif user.role is Role.ACCOUNT_MANAGER:
        stmt = stmt.where(User.id == user.id)
    elif user.role is not Role.EXECUTIVE:
        return []
    return list(db.session.scalars(stmt.order_by(User.full_name)))


def lead_table(
    user: User, today: date | None = None, shown: int = 10
) -> tuple[list[date], list[LeadRow]]:
    """Each visible salesperson's new leads on the last `shown` working days and today, and
    whether the daily-lead rule flags them."""
    today = today or local_today()
    settings = all_settings()
    gap = int(settings["lead_gap_days"])
    days = sorted(working_days_before(today, max(shown, gap), settings))
    people = salespeople(user)
    counts = lead_counts([p.id for p in people], days[0], today) if people else {}
    recent = set(days[-gap:])
    rows = [
        LeadRow(
            user=p,
            counts=[counts.get((p.id, d), 0) for d in days[-shown:]],
            today=counts.get((p.id, today), 0),
            flagged=all(counts.get((p.id, d), 0) == 0 for d in recent),
        )
        for p in people
    ]
    return days[-shown:], rows


def flag_lead_gaps(now=None) -> int:
    """The daily-lead rule (seed 000 EMS guide): a salesperson without a new lead on each of the
    last `lead_gap_days` working days is reported to the supervisors of their department, once
    per gap. Returns how many salespeople were reported."""
    today = to_local(now).date() if now else local_today()
    settings = all_settings()
    gap = int(settings["lead_gap_days"])
    days = working_days_before(today, gap, settings)
    if len(days) < gap:
        return 0
    managers = list(
        db.session.scalars(
            sa.select(User).where(User.role == Role.ACCOUNT_MANAGER, User.active.is_(True))
        )
    )
    counts = lead_counts([m.id for m in managers], min(days), max(days)) if managers else {}
    supervisors: dict[int, list[User]] = {}
    for s in db.session.scalars(
        sa.select(User).where(User.role == Role.SUPERVISOR, User.active.is_(True))
    ):
        supervisors.setdefault(s.department_id, []).append(s)
    flagged = 0
    for manager in managers:
        if any(counts.get((manager.id, d), 0) for d in days):
            continue
        flagged += 1
        for supervisor in supervisors.get(manager.department_id, []):
            notify(
                supervisor,
                _(
                    "%(name)s filed no new lead in the last %(days)s working days",
                    name=manager.full_name,
                    days=gap,
                ),
                _("At least one new lead a day is the target (EMS guide)."),
                link="/leads",
                kind="leads.gap",
                key=f"leads.gap.{manager.id}.{max(days).isoformat()}",
                commit=False,
            )
    db.session.commit()
    return flagged


def on_job_ran(_sender, now=None, **_kw) -> None:
    """`warnings.signals.job_ran`: the pool rule and the daily-lead check run with the job."""
    pool.run_rule(now)
    flag_lead_gaps(now)
