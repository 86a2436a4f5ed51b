"""End-to-end harness: the app served on 127.0.0.1 by a real WSGI server in a thread, driven by
Debian's headless Chromium through Playwright.

Each test gets its own server over a fresh database seeded with a small known world, so a
journey that adds a contact cannot change what the next journey sees. The journeys run on
SQLite: what differs between the databases is covered by the request and unit tests, which run
on both; KEYDESK_BROWSER_PG=1 (with TEST_DATABASE_URL) runs the journeys on PostgreSQL too. The
browser is started once per session; every test gets a fresh context (cookies, storage) in zh-CN.

Playwright never downloads a browser here: it drives /usr/bin/chromium (`make test` installs the
Debian package). Without it the tests fail in CI and are skipped elsewhere, with the reason.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import BACKENDS, PASSWORD, PASSWORD_HASH, _pg_url, _truncate_all
from webapp import create_app
from webapp.accounts.models import (
    Account,
    AccountKind,
    Channel,
    CreditGrade,
    Loyalty,
    Ownership,
    Relation,
    Stage,
)
from webapp.accounts.uscc import make_uscc
from webapp.auth.models import Department, Role, User
from webapp.extensions import db

CHROMIUM = "/usr/bin/chromium"
# Root in a container, no GPU, no internet: without the networking flags Chromium keeps
# reaching out for updates and component downloads and local connections get refused.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "screenshots"


def _unavailable(reason: str):
    """In CI a missing browser is a broken machine, not a reason to skip the journeys."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


# --- the known world each journey starts from ---------------------------------------------------


@dataclass(frozen=True)
class World:
    """Ids and names of what the seed created; read after the app context has closed."""

    east_manager: str  # owns both east accounts
    north_manager: str  # another department's manager
    east_supervisor: str
    east_head: str
    finance: str
    password: str
    pujiang_id: int
    pujiang_name: str
    pujiang_short: str
    xihu_id: int
    xihu_short: str
    north_account_short: str


def _account(n: int, name: str, short: str, owner: User, **values) -> Account:
    fields = dict(
        name=name,
        short_name=short,
        tax_number=make_uscc(f"91310000{n:09d}"),
        kind=AccountKind.ECONOMIC,
        relation=Relation.DOWNSTREAM,
        channel=Channel.TERMINAL,
        ownership=Ownership.PRIVATE,
        loyalty=Loyalty.SEMI_LOYAL,
        stage=Stage.INFORMATION,
        credit_grade=CreditGrade.GREEN,
        credit_limit=Decimal("800000.00"),
        owner_id=owner.id,
        department_id=owner.department_id,
    )
    fields.update(values)
    return Account(**fields)


def seed_world() -> World:
    """Two departments, a manager in each, a supervisor, and three accounts. Call in an app
    context on an empty database."""
    east = Department(name="华东大客户部")
    north = Department(name="华北大客户部")
    db.session.add_all([east, north])
    db.session.flush()

    def user(username, full_name, role, department):
        u = User(
            username=username,
            full_name=full_name,
            role=role,
            department_id=department.id,
            password_hash=PASSWORD_HASH,
        )
        db.session.add(u)
        return u

    zhang = user("zhangwei", "张伟", Role.ACCOUNT_MANAGER, east)
    li = user("lina", "李娜", Role.SUPERVISOR, east)
    sun = user("sunli", "孙丽", Role.ACCOUNT_MANAGER, north)
    wang = user("wangqiang", "王强", Role.DEPARTMENT_HEAD, east)
    chen = User(
        username="chenjing", full_name="陈静", role=Role.FINANCE, password_hash=PASSWORD_HASH
    )
    db.session.add(chen)
    db.session.flush()

    pujiang = _account(101, "上海浦江精密机械有限公司", "浦江精密", zhang)
    xihu = _account(102, "杭州西湖新材料股份有限公司", "西湖新材", zhang, stage=Stage.EVALUATION)
    jingjin = _account(201, "天津京津港口物流有限公司", "京津物流", sun)
    db.session.add_all([pujiang, xihu, jingjin])
    db.session.commit()
    return World(
        east_manager=zhang.username,
        north_manager=sun.username,
        east_supervisor=li.username,
        east_head=wang.username,
        finance=chen.username,
        password=PASSWORD,
        pujiang_id=pujiang.id,
        pujiang_name=pujiang.name,
        pujiang_short=pujiang.short_name,
        xihu_id=xihu.id,
        xihu_short=xihu.short_name,
        north_account_short=jingjin.short_name,
    )


# --- the server --------------------------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    app: object
    world: World

    def __call__(self, path: str) -> str:
        return self.url + path


BROWSER_BACKENDS = [
    b for b in BACKENDS if b == "sqlite" or os.environ.get("KEYDESK_BROWSER_PG") == "1"
]


@pytest.fixture(params=BROWSER_BACKENDS)
def live_server(request, tmp_path):
    """The app over a fresh database (a new SQLite file, or emptied PostgreSQL tables when
    TEST_DATABASE_URL is set), served on 127.0.0.1 at a free port, for one test."""
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    else:
        request.getfixturevalue("_pg_schema")
        database_url = _pg_url()
    app = create_app(
        {
            "TESTING": False,  # errors go through the real error pages, as users see them
            "QUEUE": "thread",  # background work in this process: no worker to start
            "SECRET_KEY": "browser-test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
        }
    )
    with app.app_context():
        if request.param == "sqlite":
            db.create_all()
        else:
            _truncate_all()
        world = seed_world()
        db.session.remove()

    in_flight = _InFlight(app)
    server = make_server("127.0.0.1", 0, in_flight, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, world=world)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        # The page may still be polling (badge, bell): let requests already inside the app
        # finish before the pool is disposed, or their connection outlives it unclosed.
        in_flight.wait_idle(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


class _InFlight:
    """WSGI wrapper counting the requests inside the app (Flask pops its context, and so gives
    the database connection back, before it returns the response).

    It also reads each body here and closes it. Werkzeug's development server (3.1) closes the
    body only after draining the request socket; when the browser resets the connection during
    that drain (a page left while its favicon loads), the close is skipped and the open static
    file surfaces as a ResourceWarning in whichever test runs next."""

    def __init__(self, app):
        self.app = app
        self.count = 0
        self.idle = threading.Condition()

    def __call__(self, environ, start_response):
        with self.idle:
            self.count += 1
        try:
            body = self.app(environ, start_response)
            try:
                return list(body)
            finally:
                if hasattr(body, "close"):
                    body.close()
        finally:
            with self.idle:
                self.count -= 1
                self.idle.notify_all()

    def wait_idle(self, timeout: float) -> None:
        with self.idle:
            self.idle.wait_for(lambda: self.count == 0, timeout=timeout)


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing; install it with: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing; install it with: pip install -e '.[dev]'")

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as error:
        playwright.stop()
        _unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser, live_server):
    """A fresh zh-CN browser context. It asks for the live server so that it closes first: a
    page left open would go on polling a server that is shutting down."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "name") saves screenshots/name.png when KEYDESK_SCREENSHOTS=1."""
    enabled = os.environ.get("KEYDESK_SCREENSHOTS") == "1"
    if enabled:
        SCREENSHOT_DIR.mkdir(exist_ok=True)

    def take(page, name: str) -> None:
        if enabled:
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def login(page, live_server):
    """Sign in through the form as `username`; returns once the sign-in page is left behind."""

    def sign_in(username: str, password: str | None = None) -> None:
        page.goto(live_server("/login"))
        form = page.locator("form:has(input[name=password])")
        form.locator("input[name=username]").fill(username)
        form.locator("input[name=password]").fill(password or live_server.world.password)
        form.locator("button[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)

    return sign_in
