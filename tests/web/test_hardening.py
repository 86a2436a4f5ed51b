"""Hardening of every request (issue 13, must haves 4 and 5): security headers, ids beyond what
the database stores, control characters, and objects outside the user's scope answered exactly
like missing ones."""

from __future__ import annotations

import pytest

from tests.helpers import sign_in, text
from webapp.accounts.models import Account
from webapp.auth.models import User
from webapp.extensions import db


def error_section(response) -> str:
    """The error page's message (the rest of the page names the address itself)."""
    body = text(response)
    return body[body.index('<section class="error-page"') : body.index("</section>")]


@pytest.fixture
def owner_client(client, world):
    sign_in(client, world.owner)
    return client


# --- headers ----------------------------------------------------------------------------------


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d for d in (part.strip() for part in policy.split(";")) if d}


def test_pages_send_a_strict_content_security_policy(owner_client):
    response = owner_client.get("/accounts/")
    csp = _csp(response)
    assert csp["default-src"] == "default-src 'self'"
    assert csp["script-src"] == "script-src 'self'"  # no unsafe-inline, no unsafe-eval
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_sign_in_form_cannot_be_framed(client):
    response = client.get("/login")
    assert _csp(response)["frame-ancestors"] == "frame-ancestors 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_signed_in_pages_and_fragments_are_not_stored(owner_client, hx, world):
    for response in (
        owner_client.get("/accounts/"),
        owner_client.get(f"/accounts/{world.account.id}/contacts", headers=hx),
    ):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/app.css")
    response.close()
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_over_https_or_when_cookies_are_secure(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers  # plain-HTTP setup
    secure = client.get("/login", base_url="https://keydesk.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    app.config["SESSION_COOKIE_SECURE"] = True  # the default: HTTPS at a proxy in front
    assert "Strict-Transport-Security" in client.get("/login").headers


def test_no_template_has_an_inline_handler_or_script():
    """The policy forbids inline scripts; a template that needs one would silently break."""
    import re
    from pathlib import Path

    handler = re.compile(r"\son[a-z]+\s*=|<script(?![^>]*\ssrc=)|javascript:", re.I)
    offenders = [
        str(path)
        for path in Path("templates").rglob("*.html")
        if handler.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# --- ids out of range ---------------------------------------------------------------------------

HUGE_IDS = ["2147483648", "9223372036854775808", "99999999999999999999999", str(2**64)]


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_ids_beyond_the_id_columns_answer_404_on_get_and_post(owner_client, huge):
    for method, url in (
        ("GET", f"/accounts/{huge}"),
        ("GET", f"/contracts/{huge}"),
        ("GET", f"/approvals/{huge}"),
        ("POST", f"/accounts/{huge}/edit"),
        ("POST", f"/complaints/{huge}/steps"),
        ("GET", f"/documents/{huge}/download"),
    ):
        response = owner_client.open(url, method=method)
        assert response.status_code == 404, (method, url, response.status_code)


def test_the_largest_id_is_still_a_route(owner_client):
    assert owner_client.get(f"/accounts/{2**31 - 1}").status_code == 404  # missing, not refused


# --- control characters -------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["a\x00b", "\x1b[31m", "x\x7f", "\x08"])
def test_control_characters_in_a_search_are_refused_with_a_message(owner_client, bad):
    response = owner_client.get("/accounts/", query_string={"q": bad})
    assert response.status_code == 422
    assert "NUL" in text(response)


def test_control_characters_in_a_form_are_refused_and_nothing_is_written(owner_client, world):
    before = world.account.version
    response = owner_client.post(
        f"/accounts/{world.account.id}/visits", data={"summary": "拜访\x00纪要"}
    )
    assert response.status_code == 422
    assert "NUL" in text(response)
    db.session.expire_all()
    assert db.session.get(Account, world.account.id).version == before


def test_the_sign_in_form_refuses_nul_before_looking_anything_up(client, world):
    response = client.post("/login", data={"username": "owner\x00", "password": "x"})
    assert response.status_code == 422
    assert "NUL" in text(response)


def test_htmx_gets_the_refusal_as_a_fragment(owner_client, hx):
    response = owner_client.get("/accounts/", query_string={"q": "\x00"}, headers=hx)
    assert response.status_code == 422
    assert "<html" not in text(response)
    assert 'id="error-page"' in text(response)


def test_tabs_and_line_breaks_are_ordinary_text(owner_client, world):
    response = owner_client.get("/accounts/", query_string={"q": "宝钢\t测试\r\n"})
    assert response.status_code == 200


# --- another team's objects answer like missing ones ----------------------------------------------


def test_another_teams_account_answers_exactly_like_a_missing_one(login, world):
    stranger = login(world.other_manager)
    hidden = stranger.get(f"/accounts/{world.account.id}")
    missing = stranger.get("/accounts/987654")
    assert hidden.status_code == missing.status_code == 404
    assert error_section(hidden) == error_section(missing)
    assert world.account.name not in text(hidden)


def test_a_record_on_another_teams_account_answers_like_a_missing_record(login, world):
    """The record's own 'No such …' wording both times, never the account's."""
    from webapp.common.timeutil import local_today
    from webapp.complaints.models import Complaint

    complaint = Complaint(
        account_id=world.account.id,
        subject="质量投诉",
        description="d",
        received_on=local_today(),
        recorded_by_id=world.owner.id,
    )
    db.session.add(complaint)
    db.session.commit()
    stranger = login(world.other_manager)
    for hidden_url, missing_url in (
        (f"/complaints/{complaint.id}", "/complaints/987654"),
        (f"/accounts/contacts/{world.contact.id}/edit", "/accounts/contacts/987654/edit"),
    ):
        hidden, missing = stranger.get(hidden_url), stranger.get(missing_url)
        assert hidden.status_code == missing.status_code == 404
        assert error_section(hidden) == error_section(missing)


def test_a_users_own_pages_still_work(owner_client, world):
    assert owner_client.get(f"/accounts/{world.account.id}").status_code == 200
    assert db.session.get(User, world.owner.id) is not None


def test_document_downloads_are_attachments_and_never_stored(app, login, world):
    from tests.unit.documents_support import make_contract

    with app.test_request_context():
        contract = make_contract(world.owner, world.account)
    session = login(world.owner)
    for url in (f"/documents/contract/{contract.id}.docx", "/documents/1/download"):
        response = session.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "ETag" not in response.headers


# --- found by the fuzz test's sweep ---------------------------------------------------------------


def test_a_superscript_digit_in_a_warning_threshold_is_refused_not_a_500(login, world):
    """'²'.isdigit() is true but int('²') fails: a threshold like that was a 500."""
    response = login(world.admin).post("/warnings/rules", data={"churn-threshold": "²"})
    assert response.status_code == 422


@pytest.mark.parametrize("selected", ["²:1", "1:²", "99999999999999999999999:1", "x"])
def test_bulk_decisions_ignore_ids_that_are_no_ids(login, world, selected):
    response = login(world.supervisor).post(
        "/approvals/bulk", data={"selected": selected, "decision": "approve"}
    )
    assert response.status_code < 500
