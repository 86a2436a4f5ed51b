"""The approval engine: steps as data, decisions exactly once, the credit effect in the same
transaction, returns and resubmission, withdrawal, delegation, reassignment, deadlines."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from webapp.accounts.models import Account, CreditChange, CreditGrade
from webapp.approvals import service
from webapp.approvals.models import (
    ApprovalRequest,
    ApprovalStep,
    RequestStatus,
    RequestType,
    StepStatus,
)
from webapp.auth.models import Role, User
from webapp.common.errors import Forbidden, NotFound, ValidationFailed
from webapp.common.timeutil import local_today, utcnow
from webapp.extensions import db


@pytest.fixture
def people(app, make_department, make_user, make_account):
    east = make_department("华东大客户部")
    west = make_department("华西大客户部")
    p = {
        "manager": make_user(Role.ACCOUNT_MANAGER, east),
        "supervisor": make_user(Role.SUPERVISOR, east),
        "head": make_user(Role.DEPARTMENT_HEAD, east),
        "other_supervisor": make_user(Role.SUPERVISOR, west),
        "finance": make_user(Role.FINANCE),
        "executive": make_user(Role.EXECUTIVE),
        "admin": make_user(Role.ADMIN),
    }
    p["account"] = make_account(
        p["manager"], credit_grade=CreditGrade.YELLOW, credit_limit=Decimal("300000.00")
    )
    return p


def support(people, **overrides):
    data = {
        "support_kind": "training",
        "content": "为客户设备部开展两天操作培训",
        "amount": "8000",
        **overrides,
    }
    return service.file_request(people["manager"], people["account"].id, RequestType.SUPPORT, data)


def credit(people, **overrides):
    data = {
        "proposed_grade": "green",
        "proposed_limit": "800000.50",
        "basis": "近 12 个月采购 420 万元，回款均按期",
        "content": "业务量增长，需提高额度",
        **overrides,
    }
    return service.file_request(people["manager"], people["account"].id, RequestType.CREDIT, data)


def step_now(request):
    db.session.refresh(request)
    return service.current_step(request)


def approve(user, request, comment=None):
    return service.decide(user, request.id, step_now(request).id, "approve", comment)


def test_support_request_goes_supervisor_then_head(people):
    request = support(people)
    assert request.number.startswith(f"SP-{local_today().year}-")
    assert [(s.role, s.action_name) for s in request.steps] == [
        (Role.SUPERVISOR, "review"),
        (Role.DEPARTMENT_HEAD, "approve"),
    ]
    approve(people["supervisor"], request, "同意")
    assert step_now(request).role is Role.DEPARTMENT_HEAD
    approve(people["head"], request)
    assert request.status is RequestStatus.APPROVED


def test_support_budget_above_threshold_adds_the_executive(app, people):
    app.config["SUPPORT_EXECUTIVE_THRESHOLD"] = Decimal("50000")
    request = support(people, amount="50000.01")
    assert [s.role for s in request.steps][-1] is Role.EXECUTIVE
    assert [s.role for s in support(people, amount="50000").steps][-1] is Role.DEPARTMENT_HEAD


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"support_kind": "advertising", "amount": ""}, "amount"),
        ({"support_kind": "bogus"}, "support_kind"),
        ({"content": "  "}, "content"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": "abc"}, "amount"),
    ],
)
def test_bad_support_input_is_refused_and_nothing_is_stored(people, overrides, field):
    with pytest.raises(ValidationFailed) as refused:
        support(people, **overrides)
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApprovalRequest)) == 0


@pytest.mark.parametrize("limit", ["-1", "abc", "1e20"])
def test_credit_proposal_must_be_a_sensible_limit(people, limit):
    with pytest.raises(ValidationFailed) as refused:
        credit(people, proposed_limit=limit)
    assert "proposed_limit" in refused.value.errors


def test_credit_adjustment_changes_grade_and_limit_on_final_approval(people):
    request = credit(people)
    assert [s.role for s in request.steps] == [Role.SUPERVISOR, Role.FINANCE, Role.DEPARTMENT_HEAD]
    assert request.current_grade is CreditGrade.YELLOW
    approve(people["supervisor"], request)
    approve(people["finance"], request, "回款记录核实")
    account = db.session.get(Account, people["account"].id)
    assert account.credit_limit == Decimal("300000.00")  # unchanged until the final step
    approve(people["head"], request)
    db.session.refresh(account)
    assert (account.credit_grade, account.credit_limit) == (CreditGrade.GREEN, Decimal("800000.50"))
    change = db.session.scalar(sa.select(CreditChange).where(CreditChange.request_id == request.id))
    assert (change.old_limit, change.new_limit) == (Decimal("300000.00"), Decimal("800000.50"))


def test_credit_adjustment_has_a_ten_day_deadline(people):
    request = credit(people)
    assert (
        timedelta(days=9, hours=23) < request.deadline_at - request.filed_at <= timedelta(days=10)
    )
    assert request.days_left == 10  # filed today: ten calendar days left (seed 001)
    first = step_now(request)
    assert first.due_at <= request.deadline_at
    first.due_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert first.is_overdue


def test_nobody_decides_their_own_request(people, make_user):
    request = credit(people)
    # even a supervisor filing on the department's account cannot review it
    own = service.file_request(
        people["supervisor"],
        people["account"].id,
        RequestType.SUPPORT,
        {"support_kind": "sales", "content": "联合拜访"},
    )
    with pytest.raises(Forbidden):
        service.decide(people["supervisor"], own.id, step_now(own).id, "approve")
    assert step_now(request).status is StepStatus.WAITING


def test_only_the_steps_role_and_department_may_decide(people):
    request = credit(people)
    step = step_now(request)
    for outsider in ("other_supervisor", "finance", "head", "executive"):
        with pytest.raises((Forbidden, NotFound)):  # NotFound for who cannot even see it
            service.decide(people[outsider], request.id, step.id, "approve")
    assert step_now(request).id == step.id


def test_reject_needs_a_reason_and_ends_the_request(people):
    request = support(people)
    with pytest.raises(ValidationFailed):
        service.decide(people["supervisor"], request.id, step_now(request).id, "reject", " ")
    service.decide(people["supervisor"], request.id, step_now(request).id, "reject", "预算不足")
    assert request.status is RequestStatus.REJECTED
    assert {s.status for s in request.steps} == {StepStatus.REJECTED, StepStatus.SKIPPED}


def test_deciding_a_decided_step_names_who_decided(people):
    request = support(people)
    step = step_now(request)
    approve(people["supervisor"], request)
    with pytest.raises(service.AlreadyDecided, match=people["supervisor"].full_name):
        service.decide(people["supervisor"], request.id, step.id, "approve")


def test_return_then_resubmit_starts_a_new_round_and_shows_the_changes(people):
    request = support(people)
    service.decide(
        people["supervisor"], request.id, step_now(request).id, "return", "请补充培训人数"
    )
    assert request.status is RequestStatus.RETURNED
    service.resubmit(
        people["manager"],
        request.id,
        {
            "support_kind": "training",
            "content": "为客户设备部 20 人开展两天操作培训",
            "amount": "9000",
        },
    )
    assert (request.status, request.round) == (RequestStatus.PENDING, 2)
    assert step_now(request).round == 2 and step_now(request).role is Role.SUPERVISOR
    changes = service.round_changes(request)
    assert changes["amount"] == ("¥8,000.00", "¥9,000.00")  # as people read amounts
    assert "content" in changes and "support_kind" not in changes
    actions = [e.action for e in service.events(request)]
    assert actions == ["file", "return", "resubmit"]


def test_applicant_withdraws_before_the_decision_only(people):
    request = support(people)
    with pytest.raises(Forbidden):
        service.withdraw(people["supervisor"], request.id)
    service.withdraw(people["manager"], request.id)
    assert request.status is RequestStatus.WITHDRAWN
    assert service.waiting_count(people["supervisor"]) == 0


@pytest.mark.parametrize(
    "status, withdraw, resubmit",
    [
        (RequestStatus.PENDING, True, False),
        (RequestStatus.RETURNED, True, True),
        (RequestStatus.APPROVED, False, False),
        (RequestStatus.REJECTED, False, False),
        (RequestStatus.WITHDRAWN, False, False),
    ],
)
def test_only_the_applicant_withdraws_or_resubmits_and_only_in_time(
    people, status, withdraw, resubmit
):
    request = support(people)
    request.status = status
    manager, supervisor = people["manager"], people["supervisor"]
    assert (service.can_withdraw(manager, request), service.can_resubmit(manager, request)) == (
        withdraw,
        resubmit,
    )
    assert not service.can_withdraw(supervisor, request)
    assert not service.can_resubmit(supervisor, request)


def test_deputy_decides_for_the_absent_approver_and_the_trail_says_so(people, make_user):
    request = support(people)
    deputy = people["head"]  # the same department, a role above
    today = local_today()
    service.delegate(
        people["supervisor"], deputy.id, today - timedelta(days=1), today + timedelta(days=3)
    )
    assert service.waiting_count(deputy) == 1
    approve(deputy, request)
    first = request.steps[0]
    assert (first.decided_by_id, first.on_behalf_of_id) == (deputy.id, people["supervisor"].id)
    event = service.events(request)[-1]
    assert (event.actor_id, event.on_behalf_of_id) == (deputy.id, people["supervisor"].id)


def test_expired_delegation_gives_no_power(people, make_user):
    request = support(people)
    deputy = people["head"]
    today = local_today()
    service.delegate(
        people["supervisor"], deputy.id, today - timedelta(days=9), today - timedelta(days=2)
    )
    with pytest.raises(Forbidden):  # the head sees the request but the step is not his
        approve(deputy, request)


@pytest.mark.parametrize(
    ("principal", "deputy", "allowed"),
    [
        ("supervisor", "same_supervisor", True),
        ("supervisor", "head", True),  # the same department, a role above
        ("supervisor", "executive", True),  # above every department
        ("supervisor", "manager", False),  # an account manager never performs 审核
        ("supervisor", "other_supervisor", False),  # another department's
        ("head", "supervisor", False),  # below
        ("finance", "same_finance", True),
        ("finance", "executive", True),
        ("finance", "supervisor", False),  # another line
        ("executive", "head", False),
        ("manager", "supervisor", False),  # decides no step, names no deputy
    ],
)
def test_a_deputy_must_be_allowed_to_take_the_step(people, make_user, principal, deputy, allowed):
    people["same_supervisor"] = make_user(Role.SUPERVISOR, people["supervisor"].department)
    people["same_finance"] = make_user(Role.FINANCE)
    today = local_today()
    offered = [u.id for u, _label in service.deputy_choices(people[principal])]
    assert (people[deputy].id in offered) is allowed
    if allowed:
        service.delegate(people[principal], people[deputy].id, today, today)
    else:
        with pytest.raises((ValidationFailed, Forbidden)):
            service.delegate(people[principal], people[deputy].id, today, today)


def test_a_delegation_gives_no_power_once_the_deputy_may_no_longer_stand_in(people):
    request = support(people)
    head = people["head"]
    today = local_today()
    service.delegate(people["supervisor"], head.id, today, today)
    assert service.waiting_count(head) == 1
    head.role = Role.ACCOUNT_MANAGER  # moved to sales
    db.session.commit()
    assert service.waiting_count(head) == 0
    with pytest.raises(NotFound):  # a peer's request, out of his scope now: as if missing
        approve(head, request)


def test_admin_reassigns_a_stranded_step(people, make_user):
    request = credit(people)
    stand_in = people["other_supervisor"]  # another department's supervisor
    with pytest.raises(Forbidden):
        service.reassign(people["supervisor"], step_now(request).id, stand_in.id)
    service.reassign(people["admin"], step_now(request).id, stand_in.id)
    with pytest.raises(Forbidden):  # the step is no longer the department's
        approve(people["supervisor"], request)
    approve(stand_in, request)
    assert step_now(request).role is Role.FINANCE
    assert "reassign" in [e.action for e in service.events(request)]


def test_inbox_lists_waiting_steps_by_role_and_department(people):
    support(people)
    credit(people)
    assert service.waiting_count(people["supervisor"]) == 2
    assert service.waiting_count(people["other_supervisor"]) == 0
    assert service.waiting_count(people["finance"]) == 0
    rows = service.waiting_for(people["supervisor"], RequestType.CREDIT)
    assert [r.ApprovalRequest.type for r in rows] == [RequestType.CREDIT]


def test_two_approvers_deciding_at_once_produce_one_decision(app, people, make_user):
    """Real concurrency: several threads, each with its own session, decide the same step."""
    request = credit(people)
    step_id, request_id = step_now(request).id, request.id
    deputies = [make_user(Role.SUPERVISOR, people["supervisor"].department) for _ in range(5)]
    ids = [people["supervisor"].id] + [d.id for d in deputies]
    barrier = threading.Barrier(len(ids))
    outcomes = []

    def decide_as(user_id):
        with app.app_context(), app.test_request_context():
            user = db.session.get(User, user_id)
            barrier.wait()
            try:
                service.decide(user, request_id, step_id, "approve")
                outcomes.append("ok")
            except service.AlreadyDecided:
                outcomes.append("already")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide_as, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    db.session.expire_all()
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("already") == len(ids) - 1
    decided = db.session.scalars(
        sa.select(ApprovalStep).where(
            ApprovalStep.request_id == request_id, ApprovalStep.status == StepStatus.APPROVED
        )
    ).all()
    assert len(decided) == 1
    approvals = [
        e
        for e in service.events(db.session.get(ApprovalRequest, request_id))
        if e.action == "approve"
    ]
    assert len(approvals) == 1


def test_deadline_wording_counts_shanghai_calendar_days(people):
    request = credit(people)
    now = utcnow()
    request.deadline_at = now  # the last day
    assert (request.days_left, request.overdue_days) == (0, 0)
    request.deadline_at = now - timedelta(days=3)
    assert (request.days_left, request.overdue_days) == (-3, 3)
    request.deadline_at = now + timedelta(days=1)
    assert (request.days_left, request.overdue_days) == (1, 0)
