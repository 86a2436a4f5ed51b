"""Exactly-once decisions under real concurrency: the app served by a threaded WSGI server on
127.0.0.1, and several HTTP clients (two approvers, one double click, two tabs) posting the same
step's decision at the same moment. One decision is recorded; everyone else is told who won.
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
import sqlalchemy as sa
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
from webapp.approvals import service
from webapp.approvals.models import (
    ApprovalEvent,
    ApprovalStep,
    Delegation,
    RequestType,
    StepStatus,
)
from webapp.auth.models import Department, Role, User
from webapp.common.timeutil import local_today
from webapp.extensions import db


@pytest.fixture(params=BACKENDS)
def server(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    else:
        request.getfixturevalue("_pg_schema")
        url = _pg_url()
    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "race-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
        }
    )
    with app.app_context():
        if request.param == "sqlite":
            db.create_all()
        else:
            _truncate_all()
        ids = _seed(app)
        db.session.remove()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", app, ids
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()
        with app.app_context():
            db.engine.dispose()


def _seed(app) -> dict:
    east = Department(name="华东大客户部")
    db.session.add(east)
    db.session.flush()
    people = {}
    for username, role, dept in (
        ("manager", Role.ACCOUNT_MANAGER, east.id),
        ("supervisor", Role.SUPERVISOR, east.id),
        ("supervisor2", Role.SUPERVISOR, east.id),
        ("deputy", Role.SUPERVISOR, east.id),
        ("head", Role.DEPARTMENT_HEAD, east.id),
    ):
        user = User(
            username=username,
            full_name=f"{username}-名",
            role=role,
            department_id=dept,
            password_hash=PASSWORD_HASH,
        )
        db.session.add(user)
        people[username] = user
    db.session.flush()
    account = Account(
        name="上海并发测试有限公司",
        short_name="并发测试",
        tax_number=make_uscc("91310000000000099"),
        kind=AccountKind.ECONOMIC,
        relation=Relation.DOWNSTREAM,
        channel=Channel.TERMINAL,
        ownership=Ownership.PRIVATE,
        loyalty=Loyalty.LOYAL,
        stage=Stage.INFORMATION,
        credit_grade=CreditGrade.GREEN,
        owner_id=people["manager"].id,
        department_id=east.id,
    )
    db.session.add(account)
    db.session.add(
        Delegation(
            user_id=people["supervisor"].id,
            deputy_id=people["deputy"].id,
            starts_on=local_today() - timedelta(days=1),
            ends_on=local_today() + timedelta(days=1),
        )
    )
    db.session.commit()
    with app.test_request_context():
        item = service.file_request(
            people["manager"],
            account.id,
            RequestType.CREDIT,
            {
                "proposed_grade": "green",
                "proposed_limit": "900000",
                "basis": "回款按期",
                "content": "提高额度",
            },
        )
    return {"request_id": item.id, "step_id": item.steps[0].id}


class Client:
    """One browser: its own cookie jar, signed in as `username`."""

    def __init__(self, base: str, username: str):
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
        )
        status, _body = self.post("/login", {"username": username, "password": PASSWORD})
        assert status == 303, status

    def post(self, path: str, data: dict, headers: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_simultaneous_decisions_on_one_step_record_exactly_one(server):
    base, app, ids = server
    # two approvers of the same role, a deputy, and the first approver twice (double click or
    # a second tab): five clients at the same moment
    clients = [Client(base, name) for name in ("supervisor", "supervisor2", "deputy", "supervisor")]
    clients.append(clients[0])  # the same session clicking twice
    path = f"/approvals/{ids['request_id']}/steps/{ids['step_id']}"
    barrier = threading.Barrier(len(clients))
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def click(client: Client, n: int) -> None:
        barrier.wait(timeout=30)
        outcome = client.post(
            path, {"decision": "approve", "comment": f"同意 {n}"}, {"HX-Request": "true"}
        )
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=click, args=(c, n)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _body in results)
    # the losers are told who decided, as a conflict (409), not as bad input of theirs
    assert statuses == [200, 409, 409, 409, 409], results
    for status, body in results:
        if status == 409:
            assert "Already decided by" in body or "已由" in body, body

    with app.app_context():
        step = db.session.get(ApprovalStep, ids["step_id"])
        assert step.status is StepStatus.APPROVED
        decisions = db.session.scalars(
            sa.select(ApprovalEvent).where(
                ApprovalEvent.request_id == ids["request_id"], ApprovalEvent.action == "approve"
            )
        ).all()
        assert len(decisions) == 1
        assert decisions[0].actor_id == step.decided_by_id
        # the next step (finance) is open exactly once
        current = db.session.scalars(
            sa.select(ApprovalStep).where(
                ApprovalStep.request_id == ids["request_id"], ApprovalStep.current.is_(True)
            )
        ).all()
        assert [s.role for s in current] == [Role.FINANCE]
        db.session.remove()
