"""Deciding safely and informed (issue 11): a decision is only ever the button pressed, a
refusal keeps the inbox row usable, bulk decisions are confirmed first, the approver sees the
figures a decision rests on, the resubmit page shows why a request came back, and deadlines
read in calendar days."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import text
from tests.web.contract_data import draft_input
from webapp.approvals import service
from webapp.approvals.models import ApprovalRequest, RequestStatus, RequestType, StepStatus
from webapp.common.timeutil import local_today, utcnow
from webapp.contracts import service as contracts
from webapp.contracts.models import ClauseKey
from webapp.extensions import db

SUPPORT = {"support_kind": "seminar", "content": "举办产品技术研讨会", "amount": "12000"}
CREDIT = {
    "proposed_grade": "green",
    "proposed_limit": "900000",
    "basis": "回款良好",
    "content": "c",
}


def file(app, world, type_=RequestType.SUPPORT, **data):
    base = SUPPORT if type_ is RequestType.SUPPORT else CREDIT
    with app.test_request_context():
        return service.file_request(world.owner, world.account.id, type_, {**base, **data})


def stored(item) -> ApprovalRequest:
    db.session.expire_all()
    return db.session.get(ApprovalRequest, item.id)


def decide_url(item) -> str:
    return f"/approvals/{item.id}/steps/{item.steps[0].id}"


# --- a decision is the button pressed ---------------------------------------------------------


def test_the_inbox_never_lets_enter_in_a_comment_decide(app, world, login):
    """Enter in a text box submits with the form's default button (HTML implicit submission):
    in every decision form that is a disabled, hidden button, and comments are text areas."""
    item = file(app, world)
    page = text(login(world.supervisor).get("/approvals/"))
    forms = re.findall(r"<form[^>]*(?:inline-decision|bulk-bar)[^>]*>(.*?)</form>", page, re.S)
    assert len(forms) == 2  # the row's and the bulk bar's
    for form in forms:
        first_button = re.search(r"<button[^>]*>", form).group(0)
        assert "disabled" in first_button and 'name="decision"' not in first_button
        assert "<textarea" in form and '<input name="comment"' not in form
    assert f'aria-label="Pass review {item.number}"' in page  # the button says what it does


@pytest.mark.parametrize("decision", ["", "delete", "approve_all"])
def test_a_decision_without_an_explicit_allowed_action_changes_nothing(
    app, world, login, hx, decision
):
    item = file(app, world)
    client = login(world.supervisor)
    response = client.post(
        decide_url(item), data={"decision": decision, "comment": "同意"}, headers=hx
    )
    assert response.status_code == 422
    body = text(response)
    assert "Choose a decision" in body or "cannot be decided that way" in body
    assert f'id="request-row-{item.id}"' in body and "<textarea" in body  # still usable
    assert stored(item).steps[0].status is StepStatus.WAITING
    assert [e.action for e in service.events(stored(item))] == ["file"]


def test_an_approval_with_a_negative_sounding_comment_is_still_an_approval(app, world, login, hx):
    item = file(app, world)
    response = login(world.supervisor).post(
        decide_url(item), data={"decision": "approve", "comment": "回款不足，不同意"}, headers=hx
    )
    assert response.status_code == 200
    assert "Approved" in text(response) and "data-just-decided" in text(response)
    assert stored(item).steps[0].status is StepStatus.APPROVED


def test_reject_without_a_reason_keeps_the_row_then_rejects_with_it(app, world, login, hx):
    item = file(app, world)
    client = login(world.supervisor)
    refused = client.post(
        decide_url(item), data={"decision": "reject", "comment": "  "}, headers=hx
    )
    assert refused.status_code == 422
    row = text(refused)
    assert "<html" not in row and f'id="request-row-{item.id}"' in row
    assert "Give a reason." in row and 'aria-invalid="true"' in row
    assert row.count('name="decision"') == 3  # every button is still there
    assert stored(item).status is RequestStatus.PENDING
    done = client.post(
        decide_url(item), data={"decision": "reject", "comment": "预算超标"}, headers=hx
    )
    assert done.status_code == 200 and "Rejected" in text(done)
    assert stored(item).status is RequestStatus.REJECTED


def test_bulk_reject_is_confirmed_with_count_and_type_first(app, world, login):
    first, second = file(app, world), file(app, world, amount="300")
    pairs = [f"{r.id}:{r.steps[0].id}" for r in (first, second)]
    client = login(world.supervisor)
    data = {"selected": pairs, "decision": "reject", "comment": "预算不明"}
    asked = text(client.post("/approvals/bulk", data=data))
    assert "Reject 2 requests of type" in asked and "Reject these 2" in asked
    assert stored(first).status is RequestStatus.PENDING
    client.post("/approvals/bulk", data={**data, "confirmed": "yes"})
    assert stored(first).status is stored(second).status is RequestStatus.REJECTED


# --- the substance in front of the approver ---------------------------------------------------


def test_inbox_rows_show_each_types_key_figures(app, world, login):
    file(app, world)
    file(app, world, RequestType.CREDIT)
    page = text(login(world.supervisor).get("/approvals/"))
    assert "Product technical seminar · Budget ¥12,000.00" in page
    grade = world.account.credit_grade.label
    assert re.search(
        rf"{grade}</span> ¥[\d,.]+\s*→ <strong>.*?Green</span> ¥900,000.00", page, re.S
    )
    assert "Arrears ¥0.00" in page


def test_a_contract_request_shows_lines_deviating_clauses_and_credit(app, world, login):
    with app.test_request_context():
        texts = {ClauseKey.BREACH: "违约方支付合同总额百分之五十的违约金。"}
        contract = contracts.create_contract(
            world.owner, world.account.id, draft_input(clauses=texts)
        )
        contracts.submit(world.owner, contract.id)
    item = db.session.scalar(
        sa.select(ApprovalRequest).where(ApprovalRequest.contract_id == contract.id)
    )
    head = login(world.head)
    inbox = text(head.get("/approvals/"))
    assert "Contract total ¥47,890.99" in inbox and "Clauses differ from standard" in inbox
    page = text(head.get(f"/approvals/{item.id}"))
    assert "Contract total" in page and "Budget" not in page
    assert "冷轧钢板" in page and "镀锌卷" in page  # line items
    assert "<ins>" in page and "Breach and disputes" in page  # the deviating clause's diff
    assert "Available credit" in page and "肆万柒仟捌佰玖拾元零玖角玖分" in page


def test_waiting_steps_name_the_people_and_their_deputies(app, world, login):
    item = file(app, world)
    with app.test_request_context():
        service.delegate(world.supervisor, world.head.id, local_today(), local_today())
    page = text(login(world.owner).get(f"/approvals/{item.id}"))
    steps = page[page.index('class="steps-list"') :]
    assert re.search(
        rf"Can act: {world.supervisor.full_name} \(deputy: {world.head.full_name}\)", steps
    )


# --- the resubmit page and deadlines ----------------------------------------------------------


def test_resubmit_page_shows_every_comment_of_the_last_round(app, world, login):
    item = file(app, world, RequestType.CREDIT)
    with app.test_request_context():
        service.add_comment(world.supervisor, item.id, "请补充近三个月回款凭证")
        service.decide(world.supervisor, item.id, item.steps[0].id, "return", "凭证不全")
    page = text(login(world.owner).get(f"/approvals/{item.id}/resubmit"))
    assert "请补充近三个月回款凭证" in page and "凭证不全" in page
    assert 'value="900,000.00"' in page and "¥900,000.00" in page


def test_a_credit_adjustment_filed_today_has_ten_days_and_an_overdue_one_says_so(app, world, login):
    item = file(app, world, RequestType.CREDIT)
    client = login(world.supervisor)
    assert "10 days left to decide" in text(client.get(f"/approvals/{item.id}"))
    item.deadline_at = utcnow() - timedelta(days=3)
    db.session.commit()
    page = text(client.get(f"/approvals/{item.id}"))
    assert re.search(r'class="badge badge-red deadline-overdue">Overdue by 3 days', page)
    assert "-3 days" not in page and "days left" not in page
