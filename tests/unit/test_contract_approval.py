"""Contract approval through the approval engine: submitting files the request, the higher
chain for flagged contracts, outcomes back on the contract, resubmission as a second round,
withdrawal from either side; and the support task an approved application leaves behind."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.web.contract_data import draft_input
from webapp.approvals import service
from webapp.approvals.models import (
    ApprovalRequest,
    RequestStatus,
    RequestType,
    SupportTask,
    TaskStatus,
)
from webapp.auth.models import Role
from webapp.common.errors import Forbidden, NotFound
from webapp.common.timeutil import local_today
from webapp.contracts import service as contracts
from webapp.contracts.models import ClauseKey, Contract, ContractStatus
from webapp.extensions import db


@pytest.fixture
def people(app, make_department, make_user, make_account):
    east = make_department("华东大客户部")
    p = {
        "manager": make_user(Role.ACCOUNT_MANAGER, east),
        "supervisor": make_user(Role.SUPERVISOR, east),
        "head": make_user(Role.DEPARTMENT_HEAD, east),
        "executive": make_user(Role.EXECUTIVE),
        "finance": make_user(Role.FINANCE),
    }
    p["account"] = make_account(p["manager"], credit_limit=Decimal("500000.00"))
    return p


def submitted(people, account=None, user=None, **kw) -> Contract:
    user = user or people["manager"]
    contract = contracts.create_contract(user, (account or people["account"]).id, draft_input(**kw))
    return contracts.submit(user, contract.id)


def request_of(contract) -> ApprovalRequest:
    db.session.expire_all()
    return service.request_for_contract(contract.id)


def fresh(contract) -> Contract:
    db.session.expire_all()
    return db.session.get(Contract, contract.id)


def decide(user, request, decision="approve", comment=None):
    db.session.refresh(request)
    step = service.current_step(request)
    return service.decide(user, request.id, step.id, decision, comment)


def test_submitting_a_contract_files_its_approval_request(people):
    contract = submitted(people)
    request = request_of(contract)
    assert request.type is RequestType.CONTRACT
    assert request.status is RequestStatus.PENDING
    assert request.applicant_id == people["manager"].id
    assert request.amount == contract.total
    assert contract.number in request.title
    assert [s.role for s in request.steps] == [Role.DEPARTMENT_HEAD]
    assert service.waiting_count(people["head"]) == 1
    assert service.waiting_count(people["executive"]) == 0


@pytest.mark.parametrize("flag", ["deviates", "over_credit"])
def test_a_flagged_contract_goes_on_to_the_executive(people, make_account, flag):
    if flag == "deviates":
        contract = submitted(people, clauses={ClauseKey.SETTLEMENT: "货到付款。"})
    else:
        tight = make_account(people["manager"], credit_limit=Decimal("1000.00"))
        contract = submitted(people, account=tight)
    request = request_of(contract)
    assert [s.role for s in request.steps] == [Role.DEPARTMENT_HEAD, Role.EXECUTIVE]
    decide(people["head"], request, comment="同意，报常务副总")
    assert fresh(contract).status is ContractStatus.IN_APPROVAL  # not yet
    decide(people["executive"], request)
    assert fresh(contract).status is ContractStatus.APPROVED
    assert request_of(contract).status is RequestStatus.APPROVED


def test_head_approval_of_a_plain_contract_approves_it(people):
    contract = submitted(people)
    decide(people["head"], request_of(contract), comment="同意签订")
    stored = fresh(contract)
    assert stored.status is ContractStatus.APPROVED
    events = contracts.events(stored)
    assert (events[-1].action, events[-1].actor_id, events[-1].comment) == (
        "approve",
        people["head"].id,
        "同意签订",
    )


def test_nobody_decides_the_contract_they_submitted(people):
    """A department head who owns the account submits; the head step is not theirs."""
    account = people["account"]
    account.owner_id = people["head"].id
    db.session.commit()
    contract = submitted(people, user=people["head"])
    request = request_of(contract)
    assert service.waiting_count(people["head"]) == 0
    with pytest.raises(Forbidden):
        decide(people["head"], request)
    db.session.rollback()
    assert fresh(contract).status is ContractStatus.IN_APPROVAL


@pytest.mark.parametrize("who", ["supervisor", "finance", "executive"])
def test_only_the_department_head_decides_a_plain_contract(people, who):
    contract = submitted(people)
    with pytest.raises(Forbidden):
        decide(people[who], request_of(contract))
    db.session.rollback()
    assert fresh(contract).status is ContractStatus.IN_APPROVAL


@pytest.mark.parametrize("decision", ["return", "reject"])
def test_return_or_rejection_puts_the_comment_on_the_draft(people, decision):
    contract = submitted(people)
    decide(people["head"], request_of(contract), decision, "返利比例过高，请改为0.5%")
    stored = fresh(contract)
    assert stored.status is ContractStatus.DRAFT
    assert stored.return_comment == "返利比例过高，请改为0.5%"


def test_resubmitting_a_returned_contract_is_the_second_round_of_the_same_request(people):
    contract = submitted(people)
    first = request_of(contract)
    decide(people["head"], first, "return", "请补充交货地点")
    contracts.submit(people["manager"], contract.id)
    again = request_of(contract)
    assert again.id == first.id
    assert (again.round, again.status) == (2, RequestStatus.PENDING)
    assert [e.action for e in service.events(again)] == ["file", "return", "resubmit"]
    decide(people["head"], again)
    assert fresh(contract).status is ContractStatus.APPROVED


def test_after_a_rejection_submitting_again_files_a_new_request(people):
    contract = submitted(people)
    first = request_of(contract)
    decide(people["head"], first, "reject", "价格不符合政策")
    contracts.submit(people["manager"], contract.id)
    second = request_of(contract)
    assert second.id != first.id
    assert db.session.get(ApprovalRequest, first.id).status is RequestStatus.REJECTED


def test_withdrawing_the_contract_withdraws_its_request(people):
    contract = submitted(people)
    contracts.withdraw(people["manager"], contract.id)
    request = request_of(contract)
    assert request.status is RequestStatus.WITHDRAWN
    assert service.waiting_count(people["head"]) == 0


def test_withdrawing_the_request_returns_the_contract_to_draft(people):
    contract = submitted(people)
    service.withdraw(people["manager"], request_of(contract).id)
    assert fresh(contract).status is ContractStatus.DRAFT


def test_contract_requests_are_not_filed_from_the_request_form(people):
    from webapp.common.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        service.file_request(people["manager"], people["account"].id, RequestType.CONTRACT, {})


# --- support tasks ----------------------------------------------------------------------------


def approved_support(people, **overrides):
    data = {
        "support_kind": "seminar",
        "content": "在客户总部举办新产品技术研讨会",
        "amount": "12000",
        "starts_on": local_today(),
        "ends_on": local_today() + timedelta(days=1),
        **overrides,
    }
    request = service.file_request(
        people["manager"], people["account"].id, RequestType.SUPPORT, data
    )
    decide(people["supervisor"], request)
    decide(people["head"], request)
    return request


def test_an_approved_support_application_becomes_a_task_on_the_account(people):
    request = approved_support(people)
    tasks = service.support_tasks(people["manager"], people["account"].id)
    assert [(t.request_id, t.kind.value, t.budget, t.status) for t in tasks] == [
        (request.id, "seminar", Decimal("12000.00"), TaskStatus.OPEN)
    ]


def test_a_rejected_application_leaves_no_task(people):
    request = service.file_request(
        people["manager"],
        people["account"].id,
        RequestType.SUPPORT,
        {"support_kind": "sales", "content": "陪同拜访"},
    )
    decide(people["supervisor"], request, "reject", "本季度预算已用完")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupportTask)) == 0


def test_the_team_marks_a_task_delivered_once_and_it_counts(people):
    approved_support(people)
    task = service.support_tasks(people["manager"], people["account"].id)[0]
    service.deliver_task(people["manager"], task.id, "研讨会已举办，到场 40 人")
    db.session.expire_all()
    task = db.session.get(SupportTask, task.id)
    assert (task.status, task.delivered_by_id, task.delivery_note) == (
        TaskStatus.DELIVERED,
        people["manager"].id,
        "研讨会已举办，到场 40 人",
    )
    today = local_today()
    assert service.delivered_support_count(people["account"].id, today, today) == 1
    assert (
        service.delivered_support_count(
            people["account"].id, today - timedelta(30), today - timedelta(1)
        )
        == 0
    )
    with pytest.raises(service.AlreadyDecided):
        service.deliver_task(people["supervisor"], task.id, None)


def test_finance_cannot_mark_a_task_delivered(people):
    approved_support(people)
    task = service.support_tasks(people["manager"], people["account"].id)[0]
    with pytest.raises(Forbidden):
        service.deliver_task(people["finance"], task.id, None)
    with pytest.raises(NotFound):
        service.deliver_task(people["manager"], 999999, None)


# --- the printed request form -----------------------------------------------------------------


def test_a_request_prints_as_its_standard_form_in_pdf_and_docx(people):
    from tests.unit.documents_support import docx_body_text, pdf_text, squeeze
    from webapp.documents import service as documents

    request = service.file_request(
        people["manager"],
        people["account"].id,
        RequestType.CREDIT,
        {
            "proposed_grade": "green",
            "proposed_limit": "800000",
            "basis": "近 12 个月采购 420 万元，回款均按期",
            "content": "业务量增长 <script>需提高额度</script>",
        },
    )
    decide(people["supervisor"], request, comment="属实")
    pdf = documents.generate(people["manager"], "request", request.id, "pdf")
    word = documents.generate(people["manager"], "request", request.id, "docx")
    for text in (
        squeeze(pdf_text(documents.read_bytes(pdf))),
        squeeze(docx_body_text(documents.read_bytes(word))),
    ):
        assert "大客户信用调整申请表" in text
        assert request.number in text
        assert "¥800,000.00" in text
        assert squeeze("业务量增长 <script>需提高额度</script>") in text  # literally
        assert "属实" in text  # the supervisor's opinion, with who gave it
        assert people["supervisor"].full_name in text


def test_someone_who_cannot_see_the_request_cannot_print_it(people, make_department, make_user):
    from webapp.documents import service as documents

    outsider = make_user(Role.ACCOUNT_MANAGER, make_department("华南大客户部"))
    request = service.file_request(
        people["manager"],
        people["account"].id,
        RequestType.SUPPORT,
        {"support_kind": "sales", "content": "陪同拜访"},
    )
    with pytest.raises(NotFound):
        documents.generate(outsider, "request", request.id, "pdf")


def test_a_submit_that_fails_at_commit_announces_nothing_later(people, monkeypatch):
    """A submit that fails after its request was filed (a concurrent save makes the commit
    stale) is rolled back, and its announcement with it: the next submit, by anyone, announces
    only its own request."""
    from sqlalchemy.orm.exc import StaleDataError

    from webapp.approvals.signals import step_opened
    from webapp.common.errors import DomainError

    first = contracts.create_contract(people["manager"], people["account"].id, draft_input())
    second = contracts.create_contract(people["manager"], people["account"].id, draft_input())
    announced = []

    def listener(sender, **_kw):
        announced.append(sender.contract_id)

    step_opened.connect(listener)
    real_commit = db.session.commit
    calls = {"n": 0}

    def stale_once():
        calls["n"] += 1
        if calls["n"] == 1:
            raise StaleDataError("contract changed meanwhile")
        return real_commit()

    try:
        monkeypatch.setattr(db.session, "commit", stale_once)
        with pytest.raises(DomainError):
            contracts.submit(people["manager"], first.id)
        assert announced == []
        assert fresh(first).status is ContractStatus.DRAFT
        assert request_of(first) is None

        contracts.submit(people["manager"], second.id)
        assert announced == [second.id]
    finally:
        step_opened.disconnect(listener)
