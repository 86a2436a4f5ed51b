"""A database that goes away (issue 13, must have 4): signed-in pages, htmx calls and the
sign-in form answer a friendly 503 with Retry-After while PostgreSQL is down, the outage is
logged once, and the app works again by itself once it is back.

The test starts a throw-away PostgreSQL cluster of its own (initdb into a temporary directory,
on a free port) and stops and restarts that one, never the machine's shared server. It is
skipped, saying why, where the PostgreSQL server binaries are not installed."""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from tests.helpers import PASSWORD, sign_in, text
from webapp import create_app
from webapp.auth.models import Role, User
from webapp.extensions import db


def _pg_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnPostgres:
    """A private PostgreSQL cluster: initdb, start, stop, restart, remove."""

    def __init__(self, directory: str) -> None:
        self.initdb, self.pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
        self.directory = directory
        self.data = os.path.join(directory, "data")
        self.port = _free_port()
        # PostgreSQL refuses to run as root; the test then runs it as the postgres user.
        self.prefix = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                pytest.skip("running as root without runuser: cannot start a PostgreSQL")
            self.prefix = [runuser, "-u", "postgres", "--"]
            shutil.chown(directory, "postgres")

    def _run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        self._run(self.initdb, "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        log = os.path.join(self.directory, "server.log")
        self._run(self.pg_ctl, "-D", self.data, "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run(self.pg_ctl, "-D", self.data, "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def own_postgres():
    if _pg_binary("initdb") is None or _pg_binary("pg_ctl") is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    # Not pytest's tmp_path: under root its parents are private to root, and the server runs
    # as the postgres user.
    directory = tempfile.mkdtemp(prefix="keydesk-own-pg-")
    server = OwnPostgres(directory)
    server.create()
    server.start()
    yield server
    with contextlib.suppress(subprocess.CalledProcessError):  # already stopped by the test
        server.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def outage_app(own_postgres):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "outage",
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "SQLALCHEMY_DATABASE_URI": own_postgres.url,
        }
    )
    with app.app_context():
        db.create_all()
        user = User(username="zhang", full_name="张经理", role=Role.EXECUTIVE)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def _outage_logs(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "database" in r.getMessage()]


def test_a_stopped_database_answers_503_and_the_app_recovers_by_itself(
    outage_app, own_postgres, caplog
):
    caplog.set_level(logging.INFO)
    browser = outage_app.test_client()
    assert sign_in(browser, "zhang").status_code == 303
    assert browser.get("/accounts/").status_code == 200

    own_postgres.stop()

    page = browser.get("/accounts/")
    assert page.status_code == 503
    assert page.headers["Retry-After"].isdigit()
    assert "Internal Server Error" not in text(page)
    assert 'id="error-page"' in text(page) and "<html" in text(page)

    fragment = browser.get("/accounts/", headers={"HX-Request": "true"})
    assert fragment.status_code == 503
    assert "<html" not in text(fragment) and 'id="error-page"' in text(fragment)
    assert fragment.headers["Retry-After"]

    stranger = outage_app.test_client()
    sign_in_form = sign_in(stranger, "zhang")
    assert sign_in_form.status_code == 503
    assert sign_in_form.headers["Retry-After"]

    logged = _outage_logs(caplog)
    assert len(logged) == 1 and "unavailable" in logged[0]  # once, not per request

    own_postgres.start()
    deadline = time.monotonic() + 20
    status = None
    while time.monotonic() < deadline:
        status = browser.get("/accounts/").status_code
        if status == 200:
            break
        time.sleep(0.5)
    assert status == 200  # still signed in, nothing to restart
    assert sign_in(stranger, "zhang").status_code == 303
    assert "database available again" in _outage_logs(caplog)[-1]


def test_a_statement_that_runs_too_long_answers_503(app_config, backend, monkeypatch):
    """A database that answers too slowly is cancelled by its statement timeout (PostgreSQL)
    and the user gets the same friendly 503, not a hung request or a 500."""
    if backend != "postgresql":
        pytest.skip("statement timeouts are PostgreSQL's (set TEST_DATABASE_URL)")
    import sqlalchemy as sa

    from webapp.accounts import service as accounts

    app = create_app({**app_config, "DB_STATEMENT_TIMEOUT_MS": 200})
    with app.app_context():
        user = User(username="slow", full_name="慢", role=Role.EXECUTIVE)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()

        def slow(*args, **kwargs):
            db.session.execute(sa.text("SELECT pg_sleep(2)"))

        monkeypatch.setattr(accounts, "list_accounts", slow)
        browser = app.test_client()
        assert sign_in(browser, "slow").status_code == 303
        started = time.monotonic()
        response = browser.get("/accounts/")
        assert response.status_code == 503 and response.headers["Retry-After"]
        assert time.monotonic() - started < 1.5
        db.session.remove()
        db.engine.dispose()
