"""Extension objects, created unbound and initialised by the app factory with init_app."""

from __future__ import annotations

import click
from flask_babel import Babel
from flask_login import LoginManager
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
htmx = Htmx()


class LazyMigrate:
    """Flask-Migrate, imported only when `flask db …` runs. Importing it imports alembic, a
    tenth of a second that every other command (`flask render` of one document, a worker's
    start) paid for nothing. `init_app` registers a `db` group that sets up the real
    `flask_migrate.Migrate` (app.extensions["migrate"], which migrations/env.py reads) and
    hands over to its commands when one is asked for."""

    def init_app(self, app, db, **options) -> None:
        class DbGroup(click.Group):
            def _real(self) -> click.Group:
                from flask_migrate import Migrate
                from flask_migrate.cli import db as real

                if "migrate" not in app.extensions:
                    Migrate().init_app(app, db, **options)
                return real

            def make_context(self, info_name, args, parent=None, **extra):
                # the real group parses the arguments and runs (its own --directory, -x)
                return self._real().make_context(info_name, args, parent=parent, **extra)

            def list_commands(self, ctx):
                return self._real().list_commands(ctx)

            def get_command(self, ctx, name):
                return self._real().get_command(ctx, name)

        app.cli.add_command(DbGroup("db", help="Perform database migrations."))


migrate = LazyMigrate()
