"""Sign-in with throttling, and the administration of users and departments."""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from webapp import audit
from webapp.auth.models import Department, LoginThrottle, Role, User
from webapp.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from webapp.common.timeutil import utcnow
from webapp.extensions import db

MIN_PASSWORD = 8


@cache
def _dummy_hash() -> str:
    """A hash to check unknown names against, made on the first sign-in rather than at import
    (scrypt costs a third of a second, which every `flask` command paid)."""
    return generate_password_hash("no such user")


class LoginLocked(DomainError):
    pass


def _throttle_key(username: str) -> str:
    return "user:" + username.strip().lower()[:100]


def authenticate(
    username: str,
    password: str,
    *,
    max_failures: int = 5,
    window_minutes: int = 15,
    lock_minutes: int = 15,
) -> User | None:
    """The user when the password matches; None otherwise.

    Failures are counted per username in the database (so every app server counts together);
    `max_failures` inside the window lock the name for `lock_minutes`, and even the right
    password is refused with a message that says how long to wait.
    """
    now = utcnow()
    key = _throttle_key(username)
    throttle = db.session.get(LoginThrottle, key)
    if throttle and throttle.locked_until and throttle.locked_until > now:
        _record_auth_event(None, AuthEvent.REFUSED_LOCKED, username=username)
        db.session.commit()
        minutes = math.ceil((throttle.locked_until - now).total_seconds() / 60)
        raise LoginLocked(
            _(
                "Too many wrong passwords. Sign-in for this name is locked for %(minutes)d more "
                "minutes.",
                minutes=minutes,
            )
        )
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if user is None:
        # Hash anyway, so the response time does not tell which usernames exist.
        check_password_hash(_dummy_hash(), password)
    elif user.active and user.check_password(password):
        if throttle is not None:
            db.session.delete(throttle)
            db.session.commit()
        return user

    _record_auth_event(user, AuthEvent.FAILED, username=username)
    if throttle is None or now - throttle.first_failure_at > timedelta(minutes=window_minutes):
        if throttle is None:
            throttle = LoginThrottle(key=key)
            db.session.add(throttle)
        throttle.failures = 0
        throttle.first_failure_at = now
        throttle.locked_until = None
    throttle.failures += 1
    if throttle.failures >= max_failures:
        throttle.locked_until = now + timedelta(minutes=lock_minutes)
        _record_auth_event(user, AuthEvent.LOCKED_OUT, username=username)
    try:
        db.session.commit()
    except IntegrityError:  # another worker counted the first failure at the same moment
        db.session.rollback()
    if throttle.locked_until:
        raise LoginLocked(
            _(
                "Too many wrong passwords. Sign-in for this name is locked for %(minutes)d "
                "minutes.",
                minutes=lock_minutes,
            )
        )
    return None


class AuthEvent(enum.StrEnum):
    """The audit log's action names of sign-in events (entity type "user"; the entity is the
    user, 0 for a name that belongs to nobody, whose text is kept as the entry's new value)."""

    SIGNED_IN = "sign_in"
    FAILED = "sign_in_failed"
    LOCKED_OUT = "locked_out"
    REFUSED_LOCKED = "refused_locked"
    SIGNED_OUT = "sign_out"
    SIGNED_OUT_EVERYWHERE = "sign_out_all"
    PASSWORD_RESET = "password_reset"
    PASSWORD_CHANGED = "password_change"
    ROLE_CHANGED = "role_change"
    DEACTIVATED = "deactivated"
    REACTIVATED = "reactivated"


AUTH_EVENT_LABELS = {
    AuthEvent.SIGNED_IN: _l("Signed in"),
    AuthEvent.FAILED: _l("Wrong password"),
    AuthEvent.LOCKED_OUT: _l("Locked after repeated wrong passwords"),
    AuthEvent.REFUSED_LOCKED: _l("Sign-in refused while locked"),
    AuthEvent.SIGNED_OUT: _l("Signed out (all sessions ended)"),
    AuthEvent.SIGNED_OUT_EVERYWHERE: _l("Signed out everywhere by an administrator"),
    AuthEvent.PASSWORD_RESET: _l("Password reset (all sessions ended)"),
    AuthEvent.PASSWORD_CHANGED: _l("Password changed by the user (other sessions ended)"),
    AuthEvent.ROLE_CHANGED: _l("Role changed (all sessions ended)"),
    AuthEvent.DEACTIVATED: _l("Deactivated (all sessions ended)"),
    AuthEvent.REACTIVATED: _l("Reactivated"),
}


@dataclass(frozen=True)
class AuthEventRow:
    """One line of a user's sign-in events, in words."""

    at: datetime
    what: str
    by: str | None  # who acted, when not the user themselves


def _record_auth_event(
    user: User | None,
    action: str,
    *,
    actor: User | None = None,
    username: str | None = None,
    old: str | None = None,
    new: str | None = None,
) -> None:
    """One audit entry for a sign-in event; the caller commits. `actor` is who acted: the user
    signing in or out, the administrator, or nobody known (a failed attempt)."""
    db.session.add(
        audit.AuditEntry(
            actor_id=actor.id if actor else None,
            entity_type="user",
            entity_id=user.id if user else 0,
            account_id=None,
            action=action,
            field="username" if username is not None else ("role" if old or new else None),
            old_value=old,
            new_value=username.strip()[:64] if username is not None else new,
        )
    )


def record_sign_in(user: User) -> None:
    _record_auth_event(user, AuthEvent.SIGNED_IN, actor=user)
    db.session.commit()


def _end_sessions(user_id: int) -> None:
    """Every session cookie of the user stops working (see `auth.views.load_user`). An UPDATE,
    so an administrator's open form of this user does not turn stale."""
    db.session.execute(
        sa.update(User)
        .where(User.id == user_id)
        .values(session_generation=User.session_generation + 1)
        .execution_options(synchronize_session=False)
    )


def sign_out(user: User) -> None:
    """Signing out ends every session of the user, not only this browser's: a copied cookie
    stops working too."""
    _end_sessions(user.id)
    _record_auth_event(user, AuthEvent.SIGNED_OUT, actor=user)
    db.session.commit()


def change_own_password(user: User, current: str, new: str) -> User:
    """A user changes their own password, knowing the current one. Every session of theirs
    ends; the caller signs this browser in again under the new generation."""
    if not user.check_password(current):
        raise ValidationFailed({"current_password": _("This is not your current password.")})
    if len(new) < MIN_PASSWORD:
        raise ValidationFailed(
            {"new_password": _("Use at least %(n)d characters.", n=MIN_PASSWORD)}
        )
    if new == current:
        raise ValidationFailed({"new_password": _("Choose a password other than the current one.")})
    db.session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(
            password_hash=generate_password_hash(new),
            session_generation=User.session_generation + 1,
        )
        .execution_options(synchronize_session=False)
    )
    _record_auth_event(user, AuthEvent.PASSWORD_CHANGED, actor=user)
    db.session.commit()
    db.session.refresh(user)
    return user


def sign_out_everywhere(user_id: int, actor: User) -> User:
    """An administrator ends every session of a user (a lost phone, a leaver)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    _end_sessions(user.id)
    _record_auth_event(user, AuthEvent.SIGNED_OUT_EVERYWHERE, actor=actor)
    db.session.commit()
    return user


def auth_events(user: User, limit: int = 20) -> list[AuthEventRow]:
    """The user's latest sign-in events, newest first (the administrator's user page)."""
    entries = db.session.scalars(
        sa.select(audit.AuditEntry)
        .where(audit.AuditEntry.entity_type == "user", audit.AuditEntry.entity_id == user.id)
        .order_by(audit.AuditEntry.id.desc())
        .limit(limit)
    )
    rows = []
    for entry in entries:
        what = str(AUTH_EVENT_LABELS.get(entry.action, entry.action))
        if entry.action == AuthEvent.ROLE_CHANGED and entry.old_value and entry.new_value:
            what += f": {_role_label(entry.old_value)} → {_role_label(entry.new_value)}"
        by = entry.actor.full_name if entry.actor and entry.actor_id != user.id else None
        rows.append(AuthEventRow(at=entry.at, what=what, by=by))
    return rows


def _role_label(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return value


def get_or_create_department(name: str) -> Department:
    department = db.session.scalar(sa.select(Department).where(Department.name == name))
    if department is None:
        department = Department(name=name)
        db.session.add(department)
        db.session.flush()
    return department


def _validate_user(username: str, role: Role, department_id: int | None, user_id=None) -> None:
    errors = {}
    clash = sa.select(User.id).where(sa.func.lower(User.username) == username.lower())
    if user_id is not None:
        clash = clash.where(User.id != user_id)
    if db.session.scalar(clash) is not None:
        errors["username"] = _("This username is taken.")
    needs_department = role in (Role.ACCOUNT_MANAGER, Role.SUPERVISOR, Role.DEPARTMENT_HEAD)
    if needs_department and department_id is None:
        errors["department_id"] = _("This role works inside a department; choose one.")
    if department_id is not None and db.session.get(Department, department_id) is None:
        errors["department_id"] = _("No such department.")
    if errors:
        raise ValidationFailed(errors)


UNCHANGED = object()  # update_user(phone=…) left out: the number stays as it is
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()\-]{4,30}$")


def _phone(raw: str | None) -> str | None:
    """A telephone number as typed (spaces tidied), or None; anything else is refused."""
    phone = " ".join((raw or "").split())
    if not phone:
        return None
    if len(phone) > 32 or not PHONE_PATTERN.match(phone):
        raise ValidationFailed(
            {"phone": _("Digits, spaces, dashes and brackets only (e.g. 0571-8888 6666).")}
        )
    return phone


def create_user(
    *,
    username: str,
    full_name: str,
    role: Role,
    password: str,
    department_id: int | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> User:
    if not password:
        raise ValidationFailed({"password": _("A new user needs a password.")})
    username = username.strip()
    _validate_user(username, role, department_id)
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed({"password": _("Use at least %(n)d characters.", n=MIN_PASSWORD)})
    user = User(
        username=username,
        full_name=full_name.strip() or username,
        role=role,
        department_id=department_id,
        email=email or None,
        phone=_phone(phone),
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def update_user(
    user_id: int,
    *,
    full_name: str,
    role: Role,
    department_id: int | None,
    email: str | None,
    active: bool,
    password: str | None,
    expected_version,
    actor: User,
    phone=UNCHANGED,
) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    if str(user.version) != str(expected_version):
        raise Conflict(
            _("Someone else changed this user meanwhile; the form now shows their version."),
            current_version=user.version,
            changes=[],
        )
    _validate_user(user.username, role, department_id, user_id=user.id)
    if user.id == actor.id and (not active or role is not Role.ADMIN):
        raise ValidationFailed({"role": _("You cannot remove your own administrator access.")})
    if password:
        if len(password) < MIN_PASSWORD:
            raise ValidationFailed(
                {"password": _("Use at least %(n)d characters.", n=MIN_PASSWORD)}
            )
        user.set_password(password)
    _end_sessions_on_change(user, actor, password=bool(password), role=role, active=active)
    user.full_name = full_name.strip() or user.username
    user.role = role
    user.department_id = department_id
    user.email = email or None
    if phone is not UNCHANGED:
        user.phone = _phone(phone)
    user.active = active
    db.session.commit()
    return user


def _end_sessions_on_change(
    user: User, actor: User, *, password: bool, role: Role, active: bool
) -> None:
    """A password reset, a role change or a deactivation ends the user's sessions: whoever holds
    one must sign in again (with the new password, under the new role, or not at all)."""
    events = []
    if password:
        events.append((AuthEvent.PASSWORD_RESET, None, None))
    if role is not user.role:
        events.append((AuthEvent.ROLE_CHANGED, user.role.value, role.value))
    if active != user.active:
        events.append((AuthEvent.REACTIVATED if active else AuthEvent.DEACTIVATED, None, None))
    for action, old, new in events:
        _record_auth_event(user, action, actor=actor, old=old, new=new)
    if events:
        user.session_generation = user.session_generation + 1


def list_users(q: str = "") -> list[User]:
    stmt = sa.select(User).order_by(User.department_id, User.role, User.username)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(sa.or_(User.username.ilike(like), User.full_name.ilike(like)))
    return list(db.session.scalars(stmt))


def list_departments() -> list[Department]:
    return list(db.session.scalars(sa.select(Department).order_by(Department.name)))


def create_department(name: str) -> Department:
    name = name.strip()
    if db.session.scalar(sa.select(Department.id).where(Department.name == name)) is not None:
        raise ValidationFailed({"name": _("A department with this name exists.")})
    department = Department(name=name)
    db.session.add(department)
    db.session.commit()
    return department


def set_locale(user: User | None, locale: str) -> None:
    """A preference, not an edit: written without bumping the version an admin's form holds."""
    if user is not None:
        db.session.execute(sa.update(User).where(User.id == user.id).values(locale=locale))
        db.session.commit()
