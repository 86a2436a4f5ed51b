"""Property-based fuzzing of every form and filter (issue 13, "Bad input").

Every form the app shows is found by reading the pages themselves (so a new form is fuzzed
without touching this file): each role's pages are fetched once, and each <form> gives its
method, action and fields. Hypothesis then posts (or, for filters, gets) random Unicode with
NUL, control characters and lone surrogates (sent as the invalid UTF-8 a browser could send),
huge strings, numbers in every wrong form and missing fields, as a random role, and asserts:

- no answer is a server error (5xx);
- a refused request (4xx) wrote nothing: every table's row count and every record's version
  are what they were (sign-in bookkeeping aside: throttles and sign-in events).

The run is bounded by a wall-clock budget per database (FUZZ_SECONDS, default 20) as well as
an example count, so CI stays fast on both SQLite and PostgreSQL (discovery takes 10–20 s)."""

from __future__ import annotations

import io
import os
import random
import time
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote_from_bytes, urlsplit

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD_HASH
from tests.web.test_routes_by_role import EXPECTED, SKIPPED_ENDPOINTS, _reset, _url
from webapp.auth.models import User
from webapp.extensions import db

BUDGET_SECONDS = float(os.environ.get("FUZZ_SECONDS", "20"))
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "400"))

# Pages not worth fetching for forms: generated files, the client's public pages, sign-out.
NOT_FETCHED = ("documents.", "proposals.public", "contracts.scan", "evaluations.period_report")
# Forms not fuzzed: signing out (it ends the session the fuzzer uses) and the language switch.
NOT_FUZZED = ("/logout", "/language/")
# Between them these see every form: the account team's, a decider's, finance's, the admin's.
ACTORS = ("owner", "supervisor", "finance", "admin")


class FormParser(HTMLParser):
    """The <form>s of a page: method, action, and fields (name → example values)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or a.get("hx-post") or a.get("hx-get") or "",
                "fields": {},
                "files": [],
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            name = a["name"]
            if a.get("type") == "file":
                self._form["files"].append(name)
                return
            self._form["fields"].setdefault(name, [])
            if a.get("value"):
                self._form["fields"][name].append(a["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select and self._form is not None:
            self._form["fields"][self._select].append(a.get("value") or "")
        elif tag == "a" and "?" in (a.get("href") or "") and a["href"].startswith("/"):
            # a link with a query string is a filter too (pages, sorting, tabs of a list)
            parts = urlsplit(a["href"])
            fields: dict[str, list[str]] = {}
            for key, value in parse_qsl(parts.query, keep_blank_values=True):
                fields.setdefault(key, []).append(value)
            self.forms.append(
                {"method": "get", "action": parts.path, "fields": fields, "files": []}
            )

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _discover(app, login, world) -> list[tuple[str, dict]]:
    """(actor, form) for every form on every page each actor can open."""
    ids = _reset(world)
    found: dict[tuple, tuple[str, dict]] = {}
    for actor in ACTORS:
        client = login(getattr(world, actor))
        for rule in app.url_map.iter_rules():
            if rule.endpoint in SKIPPED_ENDPOINTS or rule.endpoint.startswith(NOT_FETCHED):
                continue
            if "GET" not in rule.methods or (rule.endpoint, "GET") not in EXPECTED:
                continue
            page_url = _url(app, rule, ids)
            response = client.get(page_url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            parser = FormParser()
            parser.feed(response.get_data(as_text=True))
            for form in parser.forms:
                path = urlsplit(form["action"]).path or urlsplit(page_url).path
                if not path.startswith("/") or path.startswith(NOT_FUZZED):
                    continue
                key = (actor, form["method"], path, tuple(sorted(form["fields"])))
                found.setdefault(key, (actor, {**form, "action": path}))
    return sorted(found.values(), key=lambda item: (item[0], item[1]["action"]))


NUMBERS = st.one_of(
    st.integers().map(str),
    st.integers(min_value=2**62, max_value=2**70).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["²", "٣", "1_000", " 7 ", "+5", "-0", "1,000.00", "¥1,000", "1e5", "0x1F"]),
)
HOSTILE_TEXT = st.one_of(
    NUMBERS,
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None, categories=["Cc", "Cs", "Co", "Cn"]), max_size=8),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "\ud800",
            "\udfff\ud800",
            "x" * 100_000,
            "9" * 400,
            "-1",
            "0",
            "9223372036854775808",
            "-9223372036854775809",
            "1e309",
            "NaN",
            "Infinity",
            "０．５",
            "１２３",
            "2026-02-30",
            "9999-99-99",
            "0000-00-00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            '=HYPERLINK("http://x")',
            "../../etc/passwd",
            "𠀀𪚥",
            " ",
            "",
        ]
    ),
)


def _value_strategy(examples: list[str]):
    if examples:
        return st.one_of(st.sampled_from(examples), HOSTILE_TEXT)
    return HOSTILE_TEXT


def _encode(pairs: list[tuple[str, str]]) -> str:
    """application/x-www-form-urlencoded, lone surrogates sent as the invalid bytes they are."""
    return "&".join(
        quote_from_bytes(k.encode("utf-8", "surrogatepass"))
        + "="
        + quote_from_bytes(v.encode("utf-8", "surrogatepass"))
        for k, v in pairs
    )


def _fingerprint() -> tuple:
    """Row counts of every table and the sum of record versions; sign-in bookkeeping aside."""
    parts = []
    for table in db.metadata.sorted_tables:
        if table.name == "login_throttles":
            continue
        stmt = sa.select(sa.func.count()).select_from(table)
        if table.name == "audit_entries":
            stmt = stmt.where(table.c.entity_type != "user")
        parts.append(stmt.scalar_subquery())
        if "version" in table.c:
            parts.append(
                sa.select(sa.func.coalesce(sa.func.sum(table.c.version), 0)).scalar_subquery()
            )
    return tuple(db.session.execute(sa.select(*parts)).one())


def _restore(world, actor: str) -> None:
    """Whatever a fuzzed admin form did to the actor, they can sign in again."""
    original = getattr(world, actor)
    db.session.rollback()
    db.session.execute(
        sa.update(User)
        .where(User.id == original.id)
        .values(
            password_hash=PASSWORD_HASH,
            active=True,
            role=original.role,
            department_id=original.department_id,
        )
    )
    db.session.commit()


def test_no_form_or_filter_answers_5xx_or_writes_half(app, client, world, login):
    started = time.monotonic()
    forms = _discover(app, login, world)
    print(f"{len(forms)} forms found in {time.monotonic() - started:.1f} s")
    assert len(forms) >= 30, f"only {len(forms)} forms found: discovery broke"
    deadline = time.monotonic() + BUDGET_SECONDS
    sessions: dict[str, object] = {}
    failures: list[str] = []
    sent = [0]

    def session_of(actor: str):
        if actor not in sessions:
            _restore(world, actor)
            sessions[actor] = login(getattr(world, actor))
        return sessions[actor]

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def fuzz(data):
        actor, form = data.draw(st.sampled_from(forms), label="form")
        pairs = []
        for name, examples in form["fields"].items():
            if data.draw(st.integers(0, 9), label=f"omit {name}") == 0:
                continue  # a missing field
            pairs.append((name, data.draw(_value_strategy(examples), label=name)))
        if form["method"] == "get" and data.draw(st.booleans(), label="extra args"):
            pairs += [("page", data.draw(HOSTILE_TEXT, label="page")), ("sort", "-" * 3)]
        blob = data.draw(st.binary(max_size=2000), label="file") if form["files"] else b""
        if blob and data.draw(st.booleans(), label="zip"):
            blob = b"PK\x03\x04" + blob
        if time.monotonic() > deadline:
            return  # out of time: the remaining examples only draw
        session = session_of(actor)
        sent[0] += 1
        before = _fingerprint()
        db.session.rollback()
        if form["method"] == "get":
            response = session.get(form["action"] + "?" + _encode(pairs))
        elif form["files"]:
            payload = {k: v.encode("utf-8", "replace").decode("utf-8") for k, v in pairs}
            payload.update({name: (io.BytesIO(blob), "f.xlsx") for name in form["files"]})
            response = session.post(
                form["action"], data=payload, content_type="multipart/form-data"
            )
        else:
            response = session.post(
                form["action"],
                data=_encode(pairs),
                content_type="application/x-www-form-urlencoded",
            )
        status = response.status_code
        db.session.rollback()
        where = f"{actor} {form['method'].upper()} {form['action']} {pairs!r:.300}"
        if status >= 500:
            failures.append(f"{status}: {where}")
        elif 400 <= status < 500 and _fingerprint() != before:
            failures.append(f"{status} but something was written: {where}")
        if status in (302, 303) and "/login" in response.headers.get("Location", ""):
            sessions.pop(actor, None)  # signed out by the form (e.g. own role changed)
        assert not failures, failures[-1]

    random.seed(13)
    fuzz()
    print(f"{sent[0]} requests in {BUDGET_SECONDS:.0f} s or less")
    assert not failures
