"""Extension objects, created unbound and initialised by the app factory with init_app."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from webapp.database import Session

# Named constraints make migrations reversible and identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# db.session is webapp.database.Session: it sends what was queued with after_commit.
db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
migrate = Migrate()
htmx = Htmx()
