"""Create forms never duplicate: every create form carries a one-time submission key, and a
repeated POST of one key answers with the first result and creates nothing (issue 12)."""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from tests.helpers import assert_fragment, text
from tests.web import test_approval_race as race
from tests.web.contract_data import contract_form
from tests.web.formdata import contact_form, visit_form
from tests.web.test_proposals_views import proposal_form
from webapp.accounts.models import Account, Contact, Visit
from webapp.approvals.models import ApprovalRequest
from webapp.audit import AuditEntry
from webapp.common.timeutil import local_today
from webapp.complaints.models import Complaint
from webapp.contracts.models import Contract
from webapp.extensions import db
from webapp.proposals.models import Proposal
from webapp.submissions import SubmissionKey

HX = {"HX-Request": "true"}
server = race.server  # the threaded app server of the approval race tests
_KEY = re.compile(
    r'<input[^>]*name="submission_key"[^>]*value="([^"]+)"|'
    r'<input[^>]*value="([^"]+)"[^>]*name="submission_key"'
)


def key_in(html: str) -> str:
    found = _KEY.search(html)
    assert found, "the form carries no submission key"
    return found.group(1) or found.group(2)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_double_submitting_a_visit_records_one_visit_and_one_history_entry(world, login):
    client = login(world.owner)
    page = text(client.get(f"/accounts/{world.account.id}/activities", headers=HX))
    data = {**visit_form(), "submission_key": key_in(page)}
    url = f"/accounts/{world.account.id}/visits"
    first = client.post(url, data=data, headers=HX)
    second = client.post(url, data=data, headers=HX)
    assert first.status_code == second.status_code == 200
    assert count(Visit) == 1
    fields = db.session.scalars(
        sa.select(AuditEntry.field).where(AuditEntry.entity_type == "visit")
    ).all()
    assert len(fields) == len(set(fields))  # one visit's fields, each once
    body = assert_fragment(second, "account-activities")
    assert "already saved; nothing new was created" in body
    assert "Visit recorded." not in body


def test_after_an_htmx_save_the_visit_form_is_empty_with_a_new_key_and_todays_date(world, login):
    client = login(world.owner)
    page = text(client.get(f"/accounts/{world.account.id}/activities", headers=HX))
    key = key_in(page)
    assert f'value="{local_today().isoformat()}"' in page  # the visit date defaults to today
    saved = text(
        client.post(
            f"/accounts/{world.account.id}/visits",
            data={**visit_form(summary="第一次拜访记录"), "submission_key": key},
            headers=HX,
        )
    )
    form = saved[saved.index('id="visit-form"') : saved.index("</form>")]
    assert "第一次拜访记录" not in form and "寄样品" not in form
    assert key_in(form) != key
    assert f'value="{local_today().isoformat()}"' in form


def test_double_submitting_new_contract_makes_one_draft_and_one_number(world, login):
    client = login(world.owner)
    page = text(client.get(f"/accounts/{world.account.id}/contracts/new"))
    data = {**contract_form(), "submission_key": key_in(page)}
    url = f"/accounts/{world.account.id}/contracts/new"
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Contract) == 1
    follow = text(client.get(second.headers["Location"]))
    assert "already saved; nothing new was created" in follow
    # the next contract takes the next number: the replay used none
    page = text(client.get(url))
    client.post(url, data={**contract_form(title="第二份"), "submission_key": key_in(page)})
    numbers = sorted(db.session.scalars(sa.select(Contract.number)))
    assert [int(n[-5:]) for n in numbers] == [1, 2]


@pytest.mark.parametrize(
    ("model", "path", "form"),
    [
        (Contact, "contacts/new", lambda: contact_form()),
        (Complaint, "complaints", lambda: {"subject": "到货延迟", "description": "晚到三天"}),
        (
            ApprovalRequest,
            "requests/new/credit",
            lambda: {
                "proposed_grade": "green",
                "proposed_limit": "900000",
                "basis": "回款良好",
                "content": "增加额度",
            },
        ),
        (Proposal, "proposals/new", lambda: proposal_form()),
    ],
)
def test_every_create_form_answers_a_replay_with_the_first_record(world, login, model, path, form):
    client = login(world.owner)
    page_path = {"complaints": "complaints"}.get(path, path)
    page = text(client.get(f"/accounts/{world.account.id}/{page_path}"))
    data = {**form(), "submission_key": key_in(page)}
    url = f"/accounts/{world.account.id}/{path}"
    before = count(model)
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    assert first.status_code == second.status_code == 303, text(second)
    assert first.headers["Location"] == second.headers["Location"]
    assert count(model) == before + 1
    assert count(SubmissionKey) == 1


@pytest.mark.parametrize(
    "key",
    ["forged-by-hand", "WzEsICJ4Il0.not-a-signature"],
)
def test_a_forged_submission_key_creates_nothing_and_says_so(world, login, key):
    client = login(world.owner)
    response = client.post(
        f"/accounts/{world.account.id}/visits", data={**visit_form(), "submission_key": key}
    )
    assert response.status_code == 422
    assert "submission key is not valid" in text(response)
    assert count(Visit) == 0


def test_a_colleagues_key_is_refused(world, login):
    colleague = login(world.supervisor)
    page = text(colleague.get(f"/accounts/{world.account.id}/activities", headers=HX))
    response = login(world.owner).post(
        f"/accounts/{world.account.id}/visits",
        data={**visit_form(), "submission_key": key_in(page)},
    )
    assert response.status_code == 422 and count(Visit) == 0


def test_a_refused_post_keeps_its_key_so_the_corrected_form_saves_once(world, login):
    client = login(world.owner)
    page = text(client.get(f"/accounts/{world.account.id}/activities", headers=HX))
    key = key_in(page)
    url = f"/accounts/{world.account.id}/visits"
    refused = client.post(url, data={**visit_form(summary=""), "submission_key": key})
    assert refused.status_code == 422 and key_in(text(refused)) == key
    client.post(url, data={**visit_form(), "submission_key": key})
    client.post(url, data={**visit_form(), "submission_key": key})
    assert count(Visit) == 1


# --- under real concurrency: a threaded server and several posts of one key at once ----------


def test_simultaneous_posts_of_one_key_create_one_contract(server):
    base, app, _ids = server
    browser = race.Client(base, "manager")
    with app.app_context():
        account_id = db.session.scalar(sa.select(Account.id))
        data = contract_form()
        db.session.remove()
    path = f"/accounts/{account_id}/contracts/new"
    with browser.opener.open(base + path, timeout=30) as page:
        data["submission_key"] = key_in(page.read().decode())
    barrier = threading.Barrier(4)
    results: list[tuple[int, str]] = []

    def click() -> None:
        barrier.wait(timeout=30)
        results.append(browser.post(path, data))

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _body in results) == [303] * 4, results
    with app.app_context():
        contracts = db.session.scalars(sa.select(Contract)).all()
        assert len(contracts) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SubmissionKey)) == 1
        db.session.remove()
