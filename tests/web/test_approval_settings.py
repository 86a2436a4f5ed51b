"""The administrator's approval settings (issue 11): validated, audited, versioned, and in force
for requests filed after the change only; delegation within the rules; credit reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import text
from webapp.approvals import service
from webapp.approvals.models import ApprovalSettings, RequestType
from webapp.audit import AuditEntry
from webapp.auth.models import Role
from webapp.common.timeutil import utcnow
from webapp.extensions import db
from webapp.notifications.models import Notification

GOOD = {
    "support_executive_threshold": "20,000",
    "contract_executive_threshold": "",
    "support_step_days": "2",
    "credit_step_days": "3",
    "contract_step_days": "5",
    "credit_reminder_days": "3、1",
}


def file_support(app, world, amount: str):
    with app.test_request_context():
        return service.file_request(
            world.owner,
            world.account.id,
            RequestType.SUPPORT,
            {"support_kind": "seminar", "content": "研讨会", "amount": amount},
        )


def test_a_new_threshold_applies_to_requests_filed_after_it(app, world, login):
    before = file_support(app, world, "30000")  # under the default 50,000: no executive
    admin = login(world.admin)
    assert "50,000.00" in text(admin.get("/approvals/admin/settings"))
    response = admin.post("/approvals/admin/settings", data=GOOD)
    assert response.status_code == 303
    form = text(login(world.owner).get(f"/accounts/{world.account.id}/requests/new/support"))
    assert "A budget above ¥20,000.00 is also approved by the executive." in form
    after = file_support(app, world, "30000")
    assert [s.role for s in before.steps] == [Role.SUPERVISOR, Role.DEPARTMENT_HEAD]
    assert [s.role for s in after.steps][-1] is Role.EXECUTIVE
    assert after.settings_id == db.session.scalar(sa.select(ApprovalSettings.id))
    due = after.steps[0].due_at - after.filed_at
    assert abs(due - timedelta(days=2)) < timedelta(minutes=1)
    # the old request decides under its own settings: approving both steps ends it
    with app.test_request_context():
        service.decide(world.supervisor, before.id, before.steps[0].id, "approve")
        service.decide(world.head, before.id, before.steps[1].id, "approve")
    assert before.is_approved
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.entity_type == "approval_settings")
    ).all()
    changed = {(e.field, e.old_value, e.new_value) for e in entries}
    assert ("support_executive_threshold", "50000.00", "20000.00") in changed
    assert ("support_step_days", "3", "2") in changed
    assert all(e.actor_id == world.admin.id for e in entries)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("support_executive_threshold", "-5", "greater than zero"),
        ("support_executive_threshold", "abc", "Support budget"),
        ("support_step_days", "0", "A whole number of days from 1 to 30."),
        ("credit_step_days", "2.5", "A whole number of days from 1 to 30."),
        ("credit_reminder_days", "12", "Reminder days are whole numbers from 1 to 9"),
        ("credit_reminder_days", "3,x", "Reminder days are whole numbers from 1 to 9"),
    ],
)
def test_bad_settings_are_refused_inline_and_store_nothing(world, login, field, value, message):
    response = login(world.admin).post("/approvals/admin/settings", data={**GOOD, field: value})
    assert response.status_code == 422
    assert message in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApprovalSettings)) == 0


def test_saving_unchanged_settings_adds_no_version(world, login):
    admin = login(world.admin)
    assert admin.post("/approvals/admin/settings", data=GOOD).status_code == 303
    again = admin.post("/approvals/admin/settings", data=GOOD)
    assert again.status_code == 422 and "Nothing was changed." in text(again)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApprovalSettings)) == 1


def test_only_the_administrator_changes_settings(world, login):
    assert login(world.head).post("/approvals/admin/settings", data=GOOD).status_code == 403


def test_credit_approvers_are_reminded_on_the_reminder_days_once(app, world, login, runner):
    with app.test_request_context():
        item = service.file_request(
            world.owner,
            world.account.id,
            RequestType.CREDIT,
            {"proposed_grade": "green", "proposed_limit": "1", "basis": "b", "content": "c"},
        )
    item.deadline_at = utcnow() + timedelta(days=3)  # 3 calendar days left: a default reminder
    db.session.commit()
    for _ in range(2):
        result = runner.invoke(args=["approvals", "remind"])
        assert result.exit_code == 0, result.output
    notes = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "approval.reminder")
    ).all()
    assert [n.user_id for n in notes] == [world.supervisor.id]
    assert "3" in notes[0].title


def test_the_deputy_form_offers_only_colleagues_who_could_take_the_step(world, login):
    page = text(login(world.supervisor).get("/approvals/deputies"))
    options = page[page.index('id="deputy_id"') : page.index("</select>")]
    assert world.head.full_name in options and world.executive.full_name in options
    assert world.colleague.full_name not in options  # an account manager
    assert world.other_manager.full_name not in options
    refused = login(world.supervisor).post(
        "/approvals/deputies",
        data={"deputy_id": world.colleague.id, "starts_on": "2026-12-01", "ends_on": "2026-12-02"},
    )
    assert refused.status_code == 422
    manager_page = text(login(world.owner).get("/approvals/deputies"))
    assert "You decide no approval steps" in manager_page
