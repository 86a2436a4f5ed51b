"""Request views: filing from the account, the inbox with in-place decisions and its badge,
the request page, and refusals."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.helpers import text
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
    assert client.get(f"/accounts/{world.account.id}/requests/new/support").status_code == 404
    assert client.get(f"/approvals/{item.id}").status_code == 404


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
    assert again.status_code == 409  # a conflict with what was decided, not bad input
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


def buttons(page: str, item) -> tuple[bool, bool]:
    """(resubmit shown, withdraw shown) on a request page."""
    return 'id="resubmit"' in page, f'action="/approvals/{item.id}/withdraw"' in page


def test_applicant_sees_resubmit_only_on_a_returned_request(app, world, login):
    item = file_support(app, world)
    owner = login(world.owner)
    assert buttons(text(owner.get(f"/approvals/{item.id}")), item) == (False, True)
    decide_now(app, world.supervisor, item, "return", "预算请细化")
    assert buttons(text(owner.get(f"/approvals/{item.id}")), item) == (True, True)
    owner.post(f"/approvals/{item.id}/withdraw")
    assert buttons(text(owner.get(f"/approvals/{item.id}")), item) == (False, False)


def test_supervisor_sees_no_withdraw_or_resubmit_on_someone_elses_request(app, world, login):
    item = file_support(app, world)
    supervisor = login(world.supervisor)
    assert buttons(text(supervisor.get(f"/approvals/{item.id}")), item) == (False, False)
    decide_now(app, world.supervisor, item, "return", "预算请细化")
    assert buttons(text(supervisor.get(f"/approvals/{item.id}")), item) == (False, False)
    assert supervisor.post(f"/approvals/{item.id}/withdraw").status_code == 403
    db.session.expire_all()
    assert db.session.get(ApprovalRequest, item.id).status is RequestStatus.RETURNED


def test_script_in_request_content_shows_as_text(app, world, login):
    item = file_support(app, world, content="<script>alert(1)</script>")
    body = text(login(world.supervisor).get(f"/approvals/{item.id}"))
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- resubmission, bulk decisions, deputies, reassignment, support tasks ----------------------


def decide_now(app, user, item, decision="approve", comment=None):
    db.session.refresh(item)
    with app.test_request_context():
        return service.decide(user, item.id, service.current_step(item).id, decision, comment)


def test_applicant_revises_a_returned_request_and_the_approver_sees_what_changed(app, world, login):
    item = file_support(app, world)
    decide_now(app, world.supervisor, item, "return", "预算请细化")
    owner = login(world.owner)
    form = owner.get(f"/approvals/{item.id}/resubmit")
    assert form.status_code == 200
    assert 'value="12,000.00"' in text(form)  # what was filed is prefilled, formatted
    assert "预算请细化" in text(form)  # the approver's reason is on the page being revised
    response = owner.post(
        f"/approvals/{item.id}/resubmit",
        data={**SUPPORT, "amount": "9500", "content": "举办产品技术研讨会（两场）"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    stored = db.session.get(ApprovalRequest, item.id)
    assert (stored.round, stored.status, str(stored.amount)) == (
        2,
        RequestStatus.PENDING,
        "9500.00",
    )
    page = text(login(world.supervisor).get(f"/approvals/{item.id}"))
    assert "Changed since the last round" in page
    assert "<del>¥12,000.00</del> → <ins>¥9,500.00</ins>" in page
    assert "预算请细化" in page  # the first round's return stays in the trail


def test_resubmitting_bad_input_keeps_the_request_returned(app, world, login):
    item = file_support(app, world)
    decide_now(app, world.supervisor, item, "return", "预算请细化")
    response = login(world.owner).post(
        f"/approvals/{item.id}/resubmit", data={**SUPPORT, "amount": "abc"}
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(ApprovalRequest, item.id).status is RequestStatus.RETURNED


def test_only_the_applicant_resubmits(app, world, login):
    item = file_support(app, world)
    decide_now(app, world.supervisor, item, "return", "预算请细化")
    response = login(world.supervisor).post(f"/approvals/{item.id}/resubmit", data=SUPPORT)
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ApprovalRequest, item.id).round == 1


def test_bulk_approval_decides_each_selected_request_separately(app, world, login):
    first, second = file_support(app, world), file_support(app, world, amount="300")
    pairs = [f"{r.id}:{r.steps[0].id}" for r in (first, second)]
    client = login(world.supervisor)
    data = {"selected": pairs, "decision": "approve", "comment": "同意"}
    asked = client.post("/approvals/bulk", data=data)
    assert asked.status_code == 200
    assert "Approve 2 requests of type “Service &amp; support application”?" in text(asked)
    assert service.waiting_count(world.supervisor) == 2  # nothing decided before confirming
    response = client.post("/approvals/bulk", data={**data, "confirmed": "yes"})
    assert response.status_code == 303
    assert response.headers["HX-Trigger"] == "approvals-changed"
    page = text(client.get(response.headers["Location"]))
    assert first.number in page and second.number in page
    for item in (first, second):
        db.session.refresh(item)
        events = [(e.action, e.actor_id, e.comment) for e in service.events(item)]
        assert ("approve", world.supervisor.id, "同意") in events
        assert service.current_step(item).role.value == "department_head"


def test_bulk_decision_refuses_mixed_types_and_changes_nothing(app, world, login):
    support_item = file_support(app, world)
    with app.test_request_context():
        credit_item = service.file_request(
            world.owner,
            world.account.id,
            RequestType.CREDIT,
            {"proposed_grade": "green", "proposed_limit": "1", "basis": "b", "content": "c"},
        )
    pairs = [f"{r.id}:{r.steps[0].id}" for r in (support_item, credit_item)]
    client = login(world.supervisor)
    response = client.post("/approvals/bulk", data={"selected": pairs, "decision": "approve"})
    assert "Select requests of one type only." in text(client.get(response.headers["Location"]))
    assert service.waiting_count(world.supervisor) == 2


def test_bulk_rejection_without_a_reason_decides_nothing(app, world, login):
    item = file_support(app, world)
    client = login(world.supervisor)
    response = client.post(
        "/approvals/bulk",
        data={"selected": [f"{item.id}:{item.steps[0].id}"], "decision": "reject"},
    )
    assert "Give a reason." in text(client.get(response.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(ApprovalRequest, item.id).status is RequestStatus.PENDING


def test_approver_names_a_deputy_who_then_sees_the_step(app, world, login):
    from webapp.common.timeutil import local_today

    item = file_support(app, world)
    client = login(world.supervisor)
    today = local_today().isoformat()
    response = client.post(
        "/approvals/deputies",
        data={"deputy_id": world.head.id, "starts_on": today, "ends_on": today},
    )
    assert response.status_code == 303
    assert world.head.full_name in text(client.get("/approvals/deputies"))
    assert service.waiting_count(world.head) == 1
    page = text(login(world.head).get(f"/approvals/{item.id}"))
    assert "You decide as deputy for 王主管." in page


def test_a_delegation_ending_before_it_starts_is_refused_inline(world, login):
    response = login(world.supervisor).post(
        "/approvals/deputies",
        data={"deputy_id": world.head.id, "starts_on": "2026-12-10", "ends_on": "2026-12-01"},
    )
    assert response.status_code == 422
    assert "The end cannot be before the start." in text(response)


def test_admin_sees_a_stranded_step_and_hands_it_on(app, world, login):
    item = file_support(app, world)
    world.supervisor.active = False  # the supervisor left the company
    db.session.commit()
    admin = login(world.admin)
    page = text(admin.get("/approvals/admin/steps"))
    assert item.number in page and "stranded" in page
    step_id = item.steps[0].id
    response = admin.post(f"/approvals/steps/{step_id}/reassign", data={"user_id": world.head.id})
    assert response.status_code == 303
    assert service.waiting_count(world.head) == 1
    trail = text(login(world.owner).get(f"/approvals/{item.id}"))
    assert "Step reassigned to" in trail


def test_the_team_marks_a_support_task_delivered_from_the_requests_tab(app, world, login):
    item = file_support(app, world)
    decide_now(app, world.supervisor, item)
    decide_now(app, world.head, item)
    client = login(world.owner)
    tab = text(client.get(f"/accounts/{world.account.id}/requests", headers={"HX-Request": "1"}))
    assert 'id="support-tasks"' in tab and "Mark delivered" in tab
    with app.test_request_context():
        task = service.support_tasks(world.owner, world.account.id)[0]
    response = client.post(
        f"/accounts/{world.account.id}/tasks/{task.id}/deliver", data={"note": "已举办"}
    )
    assert response.status_code == 303
    tab = text(client.get(f"/accounts/{world.account.id}/requests", headers={"HX-Request": "1"}))
    assert "Delivered" in tab and "已举办" in tab and "Mark delivered" not in tab


def test_inbox_filters_overdue_steps_and_shows_age(app, world, login):
    from datetime import timedelta

    from webapp.common.timeutil import utcnow

    late, fresh_one = file_support(app, world), file_support(app, world)
    late.steps[0].due_at = utcnow() - timedelta(days=1)
    late.filed_at = utcnow() - timedelta(days=4)
    db.session.commit()
    client = login(world.supervisor)
    page = text(client.get("/approvals/?overdue=1"))
    assert late.number in page and fresh_one.number not in page
    assert re.search(rf"{late.number}.*?Overdue by 1 days.*?4 days ago", page, re.S)


def test_an_overdue_step_is_flagged_to_the_approvers_superior(app, world, login):
    from datetime import timedelta

    from webapp.common.timeutil import utcnow

    late, on_time = file_support(app, world), file_support(app, world)
    late.steps[0].due_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    head = login(world.head)
    assert "Overdue below me" in text(head.get("/approvals/"))
    page = text(head.get("/approvals/?box=overdue_below"))
    assert late.number in page and on_time.number not in page
    # the supervisor holding it sees it flagged in their own inbox, and has no such box
    own = text(login(world.supervisor).get("/approvals/"))
    assert "Overdue below me" not in own
    assert re.search(rf"{late.number}.*?overdue", own, re.S | re.I)
    # another department's head is not told
    other_head = make_other_head(world)
    assert late.number not in text(login(other_head).get("/approvals/?box=overdue_below"))


def make_other_head(world):
    from tests.conftest import PASSWORD_HASH
    from webapp.auth.models import Role, User

    user = User(
        username="head_b",
        full_name="二部经理",
        role=Role.DEPARTMENT_HEAD,
        department_id=world.dept_b.id,
        password_hash=PASSWORD_HASH,
    )
    db.session.add(user)
    db.session.commit()
    return user
