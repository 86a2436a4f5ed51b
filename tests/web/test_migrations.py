"""The migrations build the same schema as the models, and can be undone.

Runs on its own SQLite file with its own app (not the `app` fixture, whose schema comes from
create_all), so it needs no PostgreSQL and runs once per suite.
"""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from webapp import create_app
from webapp.extensions import db

# migrations/env.py (Flask-Migrate's template) tries the deprecated db.get_engine() first and
# falls back to db.engine; the warning is about that template, not about the schema.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@pytest.fixture
def migration_app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.sqlite3'}",
        }
    )
    # alembic's env.py calls logging.config.fileConfig, which would silence loggers created
    # before it (the app's among them) for the rest of the test session.
    disabled = {
        name: logger.disabled
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    root_handlers = list(logging.root.handlers)
    root_level = logging.root.level
    yield app
    for name, was_disabled in disabled.items():
        logging.getLogger(name).disabled = was_disabled
    logging.root.handlers[:] = root_handlers
    logging.root.setLevel(root_level)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def tables(app) -> set[str]:
    with app.app_context():
        names = set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
    return names - {"alembic_version"}


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(migration_app):
    run(migration_app, "upgrade")
    model_tables = set(db.metadata.tables)
    assert tables(migration_app) == model_tables

    # `db check` compares the migrated database with the models: no difference allowed.
    run(migration_app, "check")

    run(migration_app, "downgrade", "base")
    assert tables(migration_app) == set()

    run(migration_app, "upgrade")  # and up again: the downgrade left nothing behind
    assert tables(migration_app) == model_tables


def test_check_notices_a_model_without_migration(migration_app):
    """`db check` is not a formality: a table the migrations lack makes it fail."""
    run(migration_app, "upgrade")
    extra = sa.Table("zz_unmigrated", db.metadata, sa.Column("id", sa.Integer, primary_key=True))
    try:
        result = migration_app.test_cli_runner().invoke(args=["db", "check"])
        assert result.exit_code != 0
    finally:
        db.metadata.remove(extra)
