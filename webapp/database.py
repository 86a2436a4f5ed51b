"""The database session and connection settings, wired by `init_app`.

- `Session` is the class of `db.session`. Announcements queued with
  `webapp.common.events.after_commit` go out once the transaction commits; a rollback, a failed
  commit or closing the session drops them, so nobody hears of work that was undone. The queue
  lives on the session (one per app context), never in the process.
- SQLite connections get WAL (readers never block the writer), enforced foreign keys and a busy
  timeout instead of an immediate 'database is locked'.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event

_QUEUE = "keydesk.after_commit"


class Session(FlaskSession):
    def queue_after_commit(self, signal: Any, sender: Any, kwargs: dict) -> None:
        self.info.setdefault(_QUEUE, []).append((signal, sender, kwargs))

    def commit(self) -> None:
        try:
            super().commit()
        except BaseException:
            self._drop_queued()
            raise
        # Listeners may write and commit in their turn; what they queue goes out after theirs.
        queued = self.info.pop(_QUEUE, [])
        for signal, sender, kwargs in queued:
            signal.send(sender, **kwargs)

    def rollback(self) -> None:
        self._drop_queued()
        super().rollback()

    def close(self) -> None:
        self._drop_queued()
        super().close()

    def _drop_queued(self) -> None:
        self.info.pop(_QUEUE, None)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask, db) -> None:
    """Apply the SQLite settings to this app's engines (after `db.init_app(app)`)."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite" and not event.contains(
                engine, "connect", _sqlite_pragmas
            ):
                event.listen(engine, "connect", _sqlite_pragmas)


def refresh_statistics(db) -> None:
    """ANALYZE every table, after a bulk load (the demo data, a restore).

    The query planner chooses by its statistics of each table. Right after thousands of rows
    went in it still has none (or an empty table's), and guesses: on PostgreSQL the load run of
    issue 18 saw 10 visits estimated where 2,538 matched and pages planned accordingly.
    Autovacuum gathers them eventually where it runs (it may be off: this machine's is); a
    restored or freshly loaded database should not wait for it. `pg_restore` does not do it."""
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
