"""Sign-in with throttling, and the administration of users and departments."""

from __future__ import annotations

import math
import re
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.auth.models import Department, LoginThrottle, Role, User
from webapp.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from webapp.common.timeutil import utcnow
from webapp.extensions import db

MIN_PASSWORD = 8
_DUMMY_HASH = generate_password_hash("no such user")


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
        check_password_hash(_DUMMY_HASH, password)
    elif user.active and user.check_password(password):
        if throttle is not None:
            db.session.delete(throttle)
            db.session.commit()
        return user

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
    user.full_name = full_name.strip() or user.username
    user.role = role
    user.department_id = department_id
    user.email = email or None
    if phone is not UNCHANGED:
        user.phone = _phone(phone)
    user.active = active
    db.session.commit()
    return user


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
