"""The account's history tells everything (issue 12 item 3): every change of every record with a
page, with labels, formatted money and dates, the actor and "X for Y" for deputies."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_login import login_user

from tests.helpers import assert_fragment, text
from tests.web.contract_data import draft_input
from webapp import audit
from webapp.accounts import service as accounts
from webapp.accounts.models import CreditGrade
from webapp.approvals import service as approvals
from webapp.approvals.models import RequestType
from webapp.common.timeutil import local_today
from webapp.complaints import service as complaints
from webapp.contracts import service as contracts
from webapp.extensions import db
from webapp.warnings import service as warnings

HX = {"HX-Request": "true"}


def history_text(login, world, lang="zh_CN") -> str:
    page = login(world.owner, lang=lang).get(f"/accounts/{world.account.id}/history", headers=HX)
    body = assert_fragment(page, "account-history")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def approve_all(request, *people):
    for person in people:
        db.session.refresh(request)
        step = approvals.current_step(request)
        approvals.decide(person, request.id, step.id, "approve", "同意")


def test_an_approved_credit_change_appears_with_labels_and_money(app, world, login):
    world.account.credit_grade, world.account.credit_limit = (
        CreditGrade.YELLOW,
        Decimal("16990000.00"),
    )
    db.session.commit()
    with app.test_request_context():
        request = approvals.file_request(
            world.owner, world.account.id, RequestType.CREDIT,
            {"proposed_grade": "green", "proposed_limit": "20000000", "basis": "回款按期",
             "content": "提高额度"},
        )  # fmt: skip
        approve_all(request, world.supervisor, world.finance, world.head)
    shown = history_text(login, world)
    assert "信用等级 黄·关注 → 绿·良好" in shown, shown
    assert "¥16,990,000.00 → ¥20,000,000.00" in shown
    assert f"审批申请 {request.number}" in shown
    english = history_text(login, world, "en")
    assert "Credit grade Yellow → Green" in english


def test_a_deputy_decision_reads_x_for_y(app, world, login, make_user):
    deputy = world.head  # a role above, same department: may stand in for the supervisor
    today = local_today()
    with app.test_request_context():
        approvals.delegate(world.supervisor, deputy.id, today, today + timedelta(days=2))
        request = approvals.file_request(
            world.owner, world.account.id, RequestType.SUPPORT,
            {"support_kind": "training", "content": "培训"},
        )  # fmt: skip
        approve_all(request, deputy)
    assert f"{deputy.full_name} for {world.supervisor.full_name}" in history_text(
        login, world, "en"
    )


def test_contract_creation_and_edits_list_each_field_and_line(app, world, login):
    with app.test_request_context():
        contract = contracts.create_contract(world.owner, world.account.id, draft_input())
        data = draft_input(delivery_place="宁波北仑港仓库")
        data.rows[0].quantity_text = "12"
        contracts.save_draft(world.owner, contract.id, data, contract.version)
    shown = history_text(login, world)
    assert f"合同 {contract.number} 新建" in shown
    assert "— → —" not in shown  # creation lists what was filled, never a blank field
    assert "收货地点" in shown and "宁波北仑港仓库" in shown
    assert "第 1 行" in shown, shown
    assert "10 吨 × ¥4,500.00 = ¥45,000.00" in shown and "12 吨 × ¥4,500.00 = ¥54,000.00" in shown
    assert "¥47,890.99 → ¥56,890.99" in shown  # the total, formatted
    assert "821965.00" not in shown and "47890.99 " not in shown


def test_complaint_and_warning_states_show_labels_not_codes(app, world, login):
    with app.test_request_context():
        complaint = complaints.record_complaint(
            world.owner, world.account.id, {"subject": "包装破损", "description": "外箱压坏"}
        )
        complaints.advance(world.owner, complaint.id, "investigated", "物流压坏")
        warnings.report_event(
            world.owner, world.account.id, {"kind": "theft", "description": "仓库被盗"}
        )
        warning = warnings.account_warnings(world.owner, world.account)[0]
        warnings.handle_warning(world.supervisor, warning.id, "acknowledge", "已联系客户")
    shown = history_text(login, world, "en")
    assert "Complaint 包装破损" in shown and "物流压坏" in shown
    assert re.search(r"Status Recorded → Investigated", shown), shown
    assert "Major event" in shown and "Theft" in shown and "仓库被盗" in shown
    assert re.search(r"Warning Major event .*Status Open → Acknowledged", shown), shown
    assert "investigated" not in shown and "acknowledged" not in shown


def test_contacts_and_visits_name_their_record(world, login):
    client = login(world.owner)
    client.post(
        f"/accounts/contacts/{world.contact.id}/edit",
        data={"name": "陈总", "buying_role": "decision_maker", "stance": "support",
              "title": "总经理", "version": str(world.contact.version)},
    )  # fmt: skip
    client.post(
        f"/accounts/{world.account.id}/visits",
        data={"kind": "meeting", "visited_on": "2026-03-02", "summary": "面谈采购计划"},
    )
    shown = history_text(login, world, "en")
    assert "Contact 陈总" in shown and "Position" in shown and "总经理" in shown
    assert "Visit 2026-03-02" in shown and "Face-to-face meeting" in shown


def test_the_history_pages_fifty_changes_at_a_time(app, world, login):
    for n in range(60):
        audit.record_event(
            actor=world.owner, entity_type="account", entity_id=world.account.id,
            account_id=world.account.id, action="update", detail=f"第{n}条",
        )  # fmt: skip
    db.session.commit()
    client = login(world.owner)
    first = text(client.get(f"/accounts/{world.account.id}/history", headers=HX))
    assert first.count('class="history-item"') == 50
    older = re.search(r'hx-get="([^"]*before=\d+)"', first).group(1).replace("&amp;", "&")
    rest = client.get(older, headers=HX)
    body = text(rest)
    assert rest.status_code == 200 and "<html" not in body
    assert body.count('class="history-item"') == 10 and "第0条" in body
    assert "before=" not in body  # the last page


def test_personal_file_changes_stay_hidden_from_outside_the_team(app, world, login):
    with app.test_request_context():
        login_user(world.owner)
        accounts.update_contact(
            world.owner, world.contact.id,
            {"name": "陈总", "buying_role": "decision_maker", "stance": "support",
             "hometown": "宁波"}, world.contact.version,
        )  # fmt: skip
    mine = history_text(login, world, "en")
    assert "宁波" in mine
    page = login(world.supervisor, lang="en").get(
        f"/accounts/{world.account.id}/history", headers=HX
    )
    assert "宁波" not in text(page)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(audit.AuditEntry)) >= 1


def test_a_request_filed_returned_and_resubmitted_shows_its_fields_and_changes(app, world, login):
    data = {"proposed_grade": "green", "proposed_limit": "900000", "basis": "回款按期",
            "content": "提高额度"}  # fmt: skip
    with app.test_request_context():
        request = approvals.file_request(world.owner, world.account.id, RequestType.CREDIT, data)
        step = approvals.current_step(request)
        approvals.decide(world.supervisor, request.id, step.id, "return", "请补充依据")
        approvals.resubmit(
            world.owner, request.id, {**data, "proposed_limit": "950000", "basis": "近一年回款"}
        )
    shown = history_text(login, world, "en")
    assert f"Approval request {request.number}" in shown
    assert "Proposed limit (yuan) ¥900,000.00 → ¥950,000.00" in shown, shown
    assert "Basis 回款按期 → 近一年回款" in shown
    assert "Proposed grade Green" in shown  # filed: what it asked for
    assert "请补充依据" in shown  # the return's comment
