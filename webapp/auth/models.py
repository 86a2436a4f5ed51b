from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.common.timeutil import utcnow
from webapp.common.types import UTCDateTime, enum_column
from webapp.extensions import db


class Role(enum.Enum):
    """The roles of DOMAIN.md "Who uses it"; values are the names the CLI and config use."""

    ACCOUNT_MANAGER = "account_manager"
    SUPERVISOR = "supervisor"
    DEPARTMENT_HEAD = "department_head"
    EXECUTIVE = "executive"
    FINANCE = "finance"
    CUSTODIAN = "custodian"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ACCOUNT_MANAGER: _l("Account manager"),
    Role.SUPERVISOR: _l("Department supervisor"),
    Role.DEPARTMENT_HEAD: _l("Department head"),
    Role.EXECUTIVE: _l("Executive"),
    Role.FINANCE: _l("Finance"),
    Role.CUSTODIAN: _l("Contract custodian"),
    Role.ADMIN: _l("Administrator"),
}


class Department(db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="department")

    def __str__(self) -> str:
        return self.name


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(64))
    email: Mapped[str | None] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(32))  # for clients and colleagues
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role), index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    version: Mapped[int] = mapped_column(default=1)
    # Part of every session cookie's user id; raising it ends all the user's sessions at once
    # (sign-out, password change or reset, role change, deactivation, "sign out everywhere").
    session_generation: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department | None] = relationship(back_populates="users")

    __mapper_args__ = {"version_id_col": version}

    def get_id(self) -> str:
        """What the session cookie remembers: the id and the session generation; a cookie of an
        earlier generation no longer signs anyone in (`auth.views.load_user`)."""
        return f"{self.id}.{self.session_generation}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # flask-login: a deactivated user cannot sign in
        return self.active

    def __str__(self) -> str:
        return self.full_name


class LoginThrottle(db.Model):
    """Failed sign-ins per username, kept in the database so every app server sees them."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
