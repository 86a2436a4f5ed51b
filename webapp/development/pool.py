"""The customer pool (公海): accounts nobody works on return to their department's pool, where
colleagues claim them.

The rule (`run_rule`, run with the warnings job and by `flask pool run`) returns an account in
development (stages 1–5, not given up) when its lead failed the MAN qualification more than
`unqualified_days` ago, or when it had no visit for more days than its tier allows
(`neglect_days`). Account managers of the department claim from the pool, at most
`claim_limit` a calendar month; a supervisor or head assigns to a manager of the department
without limit. Claiming is one conditional UPDATE, so of two colleagues claiming at once
exactly one wins. Every move is kept (PoolEvent, the account's history) and the previous owner
is notified."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from webapp import audit
from webapp.accounts.models import Account, SalesTier, Stage, Visit
from webapp.auth.models import Role, User
from webapp.common.errors import DomainError, Forbidden, NotFound, ValidationFailed
from webapp.common.timeutil import SHANGHAI, local_today, to_local, utcnow
from webapp.development.models import (
    DevelopmentProfile,
    ManQualification,
    PoolEvent,
    PoolEventKind,
    PoolReason,
    Qualification,
)
from webapp.development.profiles import ensure_profiles
from webapp.development.settings import get_setting
from webapp.extensions import db
from webapp.notifications.service import notify

IN_DEVELOPMENT = [s for s in Stage if s is not Stage.MAINTENANCE]
POOL_ROLES = frozenset(
    {Role.ACCOUNT_MANAGER, Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.EXECUTIVE}
)
ASSIGNERS = frozenset({Role.SUPERVISOR, Role.DEPARTMENT_HEAD})


# --- the rule -------------------------------------------------------------------------------


@dataclass
class RunResult:
    returned: int
    unqualified: int
    neglected: int


def _cutoff_by_tier(today: date) -> sa.Case:
    days = get_setting("neglect_days")
    whens = {
        t.value: today - timedelta(days=int(days.get(t.value, days.get("", 14)))) for t in SalesTier
    }
    default = today - timedelta(days=int(days.get("", 14)))
    return sa.case(whens, value=sa.type_coerce(Account.tier, sa.String), else_=default)


def candidates(today: date) -> list[tuple[int, int, PoolReason]]:
    """(account id, owner id, reason) of the accounts the rule returns, set-based."""
    last_visit = (
        sa.select(Visit.account_id, sa.func.max(Visit.visited_on).label("last"))
        .group_by(Visit.account_id)
        .subquery()
    )
    last_qualified = (
        sa.select(ManQualification.account_id, sa.func.max(ManQualification.at).label("at"))
        .group_by(ManQualification.account_id)
        .subquery()
    )
    unqualified_before = datetime.combine(
        today - timedelta(days=int(get_setting("unqualified_days"))), datetime.min.time(), SHANGHAI
    )
    visit, touched = last_visit.c.last, DevelopmentProfile.last_contact_on
    contact = sa.case(  # the later of the last visit and the last claim/capture; NULL if neither
        (visit.is_(None), touched),
        (touched.is_(None), visit),
        (visit > touched, visit),
        else_=touched,
    )
    neglected = sa.or_(contact.is_(None), contact < _cutoff_by_tier(today))
    unqualified = sa.and_(
        DevelopmentProfile.qualification == Qualification.UNQUALIFIED,
        last_qualified.c.at < unqualified_before,
    )
    stmt = (
        sa.select(
            Account.id, Account.owner_id, unqualified.label("unqualified"), Account.created_at
        )
        .join(DevelopmentProfile, DevelopmentProfile.account_id == Account.id)
        .outerjoin(last_visit, last_visit.c.account_id == Account.id)
        .outerjoin(last_qualified, last_qualified.c.account_id == Account.id)
        .where(
            DevelopmentProfile.in_pool.is_(False),
            Account.abandoned.is_(False),
            Account.stage.in_(IN_DEVELOPMENT),
            sa.or_(unqualified, neglected),
        )
    )
    found = []
    grace = today - timedelta(days=int(get_setting("neglect_days").get("", 14)))
    for account_id, owner_id, is_unqualified, created_at in db.session.execute(stmt):
        if not is_unqualified and to_local(created_at).date() > grace:
            continue  # a brand-new account without visits is not neglected yet
        found.append(
            (
                account_id,
                owner_id,
                PoolReason.UNQUALIFIED if is_unqualified else PoolReason.NEGLECTED,
            )
        )
    return found


def run_rule(now: datetime | None = None) -> RunResult:
    """Return what the rule finds to the pool (module docstring); one transaction."""
    now = now or utcnow()
    today = to_local(now).date()
    ensure_profiles()
    found = candidates(today)
    if not found:
        db.session.commit()
        return RunResult(0, 0, 0)
    by_reason: dict[PoolReason, list[int]] = {}
    for account_id, _owner, reason in found:
        by_reason.setdefault(reason, []).append(account_id)
    for reason, ids in by_reason.items():
        for start in range(0, len(ids), 500):
            db.session.execute(
                sa.update(DevelopmentProfile)
                .where(
                    DevelopmentProfile.account_id.in_(ids[start : start + 500]),
                    DevelopmentProfile.in_pool.is_(False),
                )
                .values(
                    in_pool=True,
                    pooled_at=now,
                    pool_reason=reason,
                    previous_owner_id=sa.select(Account.owner_id)
                    .where(Account.id == DevelopmentProfile.account_id)
                    .scalar_subquery(),
                )
            )
    db.session.execute(
        sa.insert(PoolEvent),
        [
            {
                "account_id": a,
                "at": now,
                "kind": PoolEventKind.RETURNED,
                "reason": r,
                "actor_id": None,
                "from_user_id": o,
                "to_user_id": None,
            }
            for a, o, r in found
        ],
    )
    db.session.execute(
        sa.insert(audit.AuditEntry),
        [
            {
                "at": now,
                "actor_id": None,
                "entity_type": "development",
                "entity_id": a,
                "account_id": a,
                "action": "update",
                "field": "development.pool",
                "old_value": None,
                "new_value": r.value,
                "sensitive": False,
                "version": None,
            }
            for a, _o, r in found
        ],
    )
    per_owner: dict[int, int] = {}
    for _a, owner_id, _r in found:
        per_owner[owner_id] = per_owner.get(owner_id, 0) + 1
    owners = db.session.scalars(sa.select(User).where(User.id.in_(per_owner))).all()
    for owner in owners:
        notify(
            owner,
            _(
                "%(count)s of your accounts returned to the customer pool",
                count=per_owner[owner.id],
            ),
            _("No visit for too long, or the lead failed its qualification."),
            link=_pool_path(),
            kind="pool.returned",
            key=f"pool.returned.{owner.id}.{today.isoformat()}",
            commit=False,
        )
    db.session.commit()
    counts = {r: len(ids) for r, ids in by_reason.items()}
    return RunResult(
        len(found), counts.get(PoolReason.UNQUALIFIED, 0), counts.get(PoolReason.NEGLECTED, 0)
    )


def _pool_path() -> str:
    try:
        return url_for("development.pool_index")
    except RuntimeError:  # the CLI has no request; the path is fixed
        return "/pool"


# --- listing, claiming, assigning -----------------------------------------------------------


def pool_scope(user: User) -> sa.ColumnElement[bool]:
    """Who sees which pool: the department's for its people, all of it for executives."""
    if user.role is Role.EXECUTIVE:
        return sa.true()
    if user.role in POOL_ROLES and user.department_id is not None:
        return Account.department_id == user.department_id
    return sa.false()


def pool_accounts(user: User, limit: int = 200) -> list[tuple[Account, DevelopmentProfile]]:
    stmt = (
        sa.select(Account, DevelopmentProfile)
        .join(DevelopmentProfile, DevelopmentProfile.account_id == Account.id)
        .where(DevelopmentProfile.in_pool.is_(True), pool_scope(user))
        .options(joinedload(Account.owner))
        .order_by(DevelopmentProfile.pooled_at.desc(), Account.id)
        .limit(limit)
    )
    return list(db.session.execute(stmt).tuples())


def _month_start_utc(today: date) -> datetime:
    return datetime.combine(today.replace(day=1), datetime.min.time(), SHANGHAI)


def claims_this_month(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            PoolEvent.to_user_id == user.id,
            PoolEvent.kind == PoolEventKind.CLAIMED,
            PoolEvent.at >= _month_start_utc(local_today()),
        )
    )


def claim_allowance(user: User) -> tuple[int, int]:
    """(claims made this month, the limit)."""
    return claims_this_month(user), int(get_setting("claim_limit"))


def can_claim(user: User) -> bool:
    return user.role is Role.ACCOUNT_MANAGER and user.department_id is not None


def can_assign(user: User) -> bool:
    return user.role in ASSIGNERS and user.department_id is not None


def _pooled(user: User, account_id: int) -> Account:
    account = db.session.get(Account, account_id)
    if account is None or not db.session.scalar(
        sa.select(sa.literal(True)).where(Account.id == account_id, pool_scope(user))
    ):
        raise NotFound(_("No such account in your department's pool."))
    return account


def _take(actor: User, account: Account, to: User, kind: PoolEventKind) -> Account:
    """The conditional UPDATE that makes one claim win, then the owner change and the record."""
    taken = db.session.execute(
        sa.update(DevelopmentProfile)
        .where(DevelopmentProfile.account_id == account.id, DevelopmentProfile.in_pool.is_(True))
        .values(in_pool=False, pool_reason=None, last_contact_on=local_today())
    ).rowcount
    if taken != 1:
        db.session.rollback()
        raise DomainError(_("This account left the pool a moment ago; someone else took it."))
    previous = account.owner_id
    db.session.execute(
        sa.update(Account)
        .where(Account.id == account.id)
        .values(owner_id=to.id, version=Account.version + 1, updated_at=utcnow())
    )
    db.session.add(
        PoolEvent(
            account_id=account.id,
            kind=kind,
            actor_id=actor.id,
            from_user_id=previous,
            to_user_id=to.id,
        )
    )
    previous_user = db.session.get(User, previous)
    audit.record_changes(
        actor=actor,
        entity_type="development",
        entity_id=account.id,
        account_id=account.id,
        before={"development.owner_id": previous_user.full_name if previous_user else None},
        after={"development.owner_id": to.full_name},
        version=None,
    )
    if previous_user is not None and previous_user.id != to.id:
        notify(
            previous_user,
            _(
                "%(name)s took %(account)s from the customer pool",
                name=to.full_name,
                account=account.name,
            ),
            link=_pool_path(),
            kind="pool.claimed",
            commit=False,
        )
    if kind is PoolEventKind.ASSIGNED and to.id != actor.id:
        notify(
            to,
            _(
                "%(name)s assigned %(account)s to you from the customer pool",
                name=actor.full_name,
                account=account.name,
            ),
            link=url_for("accounts.detail", account_id=account.id),
            kind="pool.assigned",
            commit=False,
        )
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Account, account.id)


def claim(actor: User, account_id: int) -> Account:
    if not can_claim(actor):
        raise Forbidden(_("Only account managers claim accounts from the pool."))
    account = _pooled(actor, account_id)
    made, limit = claim_allowance(actor)
    if made >= limit:
        raise DomainError(
            _(
                "You have claimed %(made)s accounts this month; the limit is %(limit)s.",
                made=made,
                limit=limit,
            )
        )
    return _take(actor, account, actor, PoolEventKind.CLAIMED)


def assign(actor: User, account_id: int, user_id: int | None) -> Account:
    if not can_assign(actor):
        raise Forbidden(_("Only a supervisor or head assigns accounts from the pool."))
    account = _pooled(actor, account_id)
    target = db.session.get(User, user_id) if user_id else None
    if (
        target is None
        or not target.active
        or target.role is not Role.ACCOUNT_MANAGER
        or target.department_id != account.department_id
    ):
        raise ValidationFailed(
            {"user_id": _("Choose an account manager of the account's department.")}
        )
    return _take(actor, account, target, PoolEventKind.ASSIGNED)


def assignees(actor: User) -> list[User]:
    if not can_assign(actor):
        return []
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.role == Role.ACCOUNT_MANAGER,
                User.active.is_(True),
                User.department_id == actor.department_id,
            )
            .order_by(User.full_name)
        )
    )


def pool_history(account: Account) -> list[PoolEvent]:
    return list(
        db.session.scalars(
            sa.select(PoolEvent)
            .where(PoolEvent.account_id == account.id)
            .options(joinedload(PoolEvent.from_user), joinedload(PoolEvent.to_user))
            .order_by(PoolEvent.at.desc(), PoolEvent.id.desc())
        )
    )
