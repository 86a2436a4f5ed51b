"""Request views: filing from the account, the inbox with in-place decisions and its badge,
the request page, and refusals."""

from __future__ import annotations

import sqlalchemy as sa

from webapp.accounts.models import CreditGrade
from webapp.approvals import service
from webapp.approvals.models import ApprovalRequest, RequestStatus, RequestType
from webapp.extensions import db

SUPPORT = {"support_kind": "seminar", "content": "举办产品技术研讨会", "amount": "12000"}


def file_support(app, world, **data):
    with app.test_request_context():
        return service.file_request(
            world.owner, world.account.id, RequestType.SUPPORT, {**SUPPORT, **data}
        )


def text(response):
    return response.get_data(as_text=True)


def test_manager_files_a_credit_adjustment_from_the_account(world, login):
    client = login(world.owner)
    response = client.post(
        f"/accounts/{world.account.id}/requests/new/credit",
        data={
            "proposed_grade": "green",
            "proposed_limit": "900000",
            "basis": "回款良好",
            "content": "增加额度",
        },
    )
    assert response.status_code == 303
    item = db.session.scalar(sa.select(ApprovalRequest))
    assert response.headers["Location"] == f"/approvals/{item.id}"
    assert (item.type, item.proposed_grade, str(item.proposed_limit)) == (
        RequestType.CREDIT,
        CreditGrade.GREEN,
        "900000.00",
    )
    assert item.number in text(client.get(response.headers["Location"]))


def test_bad_request_input_is_refused_inline_and_keeps_what_was_typed(world, login):
    client = login(world.owner)
    response = client.post(
        f"/accounts/{world.account.id}/requests/new/credit",
        data={
            "proposed_grade": "green",
            "proposed_limit": "-5",
            "basis": "回款良好",
            "content": "增加额度",
        },
    )
    assert response.status_code == 422
    assert "greater than zero" in text(response) and "回款良好" in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApprovalRequest)) == 0


def test_another_teams_manager_cannot_file_or_see(app, world, login):
    item = file_support(app, world)
    client = login(world.other_manager)
    assert client.get(f"/accounts/{world.account.id}/requests/new/support").status_code == 403
    assert client.get(f"/approvals/{item.id}").status_code == 403


def test_supervisor_decides_in_place_from_the_inbox(app, world, login, hx):
    item = file_support(app, world)
    client = login(world.supervisor)
    inbox = text(client.get("/approvals/"))
    assert item.number in inbox
    assert text(client.get("/approvals/badge", headers=hx)).count(">1<") == 1
    step = item.steps[0]
    response = client.post(
        f"/approvals/{item.id}/steps/{step.id}",
        data={"decision": "approve", "comment": "同意"},
        headers=hx,
    )
    assert response.status_code == 200
    assert "<html" not in text(response) and 'class="decided"' in text(response)
    assert response.headers["HX-Trigger"] == "approvals-changed"
    db.session.expire_all()
    assert (
        service.current_step(db.session.get(ApprovalRequest, item.id)).role.value
        == "department_head"
    )
    assert ">0<" in text(client.get("/approvals/badge", headers=hx))


def test_second_decision_on_the_same_step_is_told_who_decided(app, world, login, hx):
    item = file_support(app, world)
    step_id = item.steps[0].id
    first = login(world.supervisor)
    first.post(f"/approvals/{item.id}/steps/{step_id}", data={"decision": "approve"})
    again = first.post(
        f"/approvals/{item.id}/steps/{step_id}", data={"decision": "approve"}, headers=hx
    )
    assert again.status_code == 422
    assert world.supervisor.full_name in text(again)


def test_reject_without_reason_is_refused(app, world, login):
    item = file_support(app, world)
    client = login(world.supervisor)
    response = client.post(
        f"/approvals/{item.id}/steps/{item.steps[0].id}", data={"decision": "reject"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ApprovalRequest, item.id).status is RequestStatus.PENDING


def test_applicant_cannot_decide_and_can_withdraw(app, world, login):
    item = file_support(app, world)
    client = login(world.owner)
    refused = client.post(
        f"/approvals/{item.id}/steps/{item.steps[0].id}", data={"decision": "approve"}
    )
    assert refused.status_code == 403
    assert client.post(f"/approvals/{item.id}/withdraw").status_code == 303
    db.session.expire_all()
    assert db.session.get(ApprovalRequest, item.id).status is RequestStatus.WITHDRAWN


def test_script_in_request_content_shows_as_text(app, world, login):
    item = file_support(app, world, content="<script>alert(1)</script>")
    body = text(login(world.supervisor).get(f"/approvals/{item.id}"))
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
