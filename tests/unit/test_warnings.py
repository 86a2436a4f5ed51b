"""Early-warning rules: each raises a warning naming the account, figures and who must act;
re-running updates instead of duplicating, and a warning that no longer holds closes itself."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from webapp.approvals.models import (
    ApprovalRequest,
    ApprovalStep,
    RequestStatus,
    RequestType,
)
from webapp.auth.models import Role
from webapp.common.errors import Forbidden, NotFound, ValidationFailed
from webapp.common.timeutil import local_today, utcnow
from webapp.contracts.models import Contract, ContractStatus
from webapp.extensions import db
from webapp.sales.models import Payment, Purchase, SalesExpense, SalesPlan
from webapp.sales.service import add_months, month_start
from webapp.warnings import service
from webapp.warnings.models import EarlyWarning, RuleKey, WarningStatus

_keys = itertools.count(1)
TODAY = local_today()


def purchase(
    account, days_ago=0, amount="1000", settled="0", quantity="10", product="钢材", on=None
):
    db.session.add(
        Purchase(
            account_id=account.id,
            purchased_on=on or TODAY - timedelta(days=days_ago),
            product=product,
            spec="",
            quantity=Decimal(quantity),
            amount=Decimal(amount),
            settled=Decimal(settled),
            natural_key=f"k{next(_keys)}",
        )
    )
    db.session.commit()


def warnings(rule=None, account=None) -> list[EarlyWarning]:
    stmt = sa.select(EarlyWarning).order_by(EarlyWarning.id)
    if rule:
        stmt = stmt.where(EarlyWarning.rule == rule)
    if account:
        stmt = stmt.where(EarlyWarning.account_id == account.id)
    db.session.expire_all()
    return list(db.session.scalars(stmt))


def test_churn_is_raised_for_the_owner_once_and_closes_itself(world):
    purchase(world.account, days_ago=120)
    first = service.evaluate()
    [warning] = warnings(RuleKey.CHURN)
    assert warning.account_id == world.account.id
    assert warning.assignee_id == world.owner.id
    assert warning.figures["last_purchase"] == (TODAY - timedelta(days=120)).isoformat()
    assert first.raised >= 1
    assert warning in service.warnings_for(world.owner)
    assert warning not in service.warnings_for(world.colleague)

    again = service.evaluate()
    assert again.raised == 0 and again.updated == 0
    assert len(warnings(RuleKey.CHURN)) == 1

    purchase(world.account, days_ago=1)
    service.evaluate()
    [closed] = warnings(RuleKey.CHURN)
    assert closed.status is WarningStatus.CLEARED and not closed.holding
    assert closed.closed_at is not None
    assert closed not in service.warnings_for(world.owner)


def test_arrears_over_limit_figures_follow_the_records(world, make_account):
    account = make_account(world.owner, credit_limit=Decimal("1000.00"))
    purchase(account, amount="1500")
    service.evaluate()
    [warning] = warnings(RuleKey.ARREARS_OVER_LIMIT, account)
    assert warning.figures == {"arrears_fen": 150000, "limit_fen": 100000}
    assert "¥1,500.00" in service.describe(warning)

    purchase(account, amount="500")
    summary = service.evaluate()
    [same] = warnings(RuleKey.ARREARS_OVER_LIMIT, account)
    assert same.id == warning.id and same.figures["arrears_fen"] == 200000
    assert summary.updated >= 1

    db.session.add(
        Payment(account_id=account.id, paid_on=TODAY, amount=Decimal("1200"), natural_key="p1")
    )
    db.session.commit()
    service.evaluate()
    assert warnings(RuleKey.ARREARS_OVER_LIMIT, account)[0].status is WarningStatus.CLEARED


def test_a_resolved_warning_stays_resolved_while_it_holds_and_returns_after(world, make_account):
    account = make_account(world.owner, credit_limit=Decimal("100.00"))
    purchase(account, amount="500")
    service.evaluate()
    [warning] = warnings(RuleKey.ARREARS_OVER_LIMIT, account)
    service.handle_warning(world.owner, warning.id, "resolve", "已催款，月底回款")
    service.evaluate()
    [still] = warnings(RuleKey.ARREARS_OVER_LIMIT, account)
    assert still.status is WarningStatus.RESOLVED and still.note == "已催款，月底回款"

    db.session.add(
        Payment(account_id=account.id, paid_on=TODAY, amount=Decimal("500"), natural_key="p2")
    )
    db.session.commit()
    service.evaluate()
    purchase(account, amount="400")
    service.evaluate()
    old, new = warnings(RuleKey.ARREARS_OVER_LIMIT, account)
    assert old.status is WarningStatus.RESOLVED and not old.holding
    assert new.status is WarningStatus.OPEN and new.holding


@pytest.mark.parametrize(("bought", "raised"), [("50", True), ("79", True), ("80", False)])
def test_behind_plan_compares_last_month_with_its_plan(world, bought, raised):
    last_month = add_months(month_start(TODAY), -1)
    db.session.add(
        SalesPlan(
            account_id=world.account.id,
            month=last_month,
            product="钢材",
            spec="",
            quantity=Decimal("100"),
            natural_key="plan1",
        )
    )
    purchase(world.account, quantity=bought, on=last_month + timedelta(days=3))
    purchase(world.account, quantity="500", product="不在计划内", on=last_month)
    service.evaluate()
    found = warnings(RuleKey.BEHIND_PLAN)
    assert bool(found) is raised
    if raised:
        assert found[0].figures["bought_qty"] == int(Decimal(bought) * 100)
        text = service.describe(found[0])
        assert f" {bought}" in text and " 100" in text


def test_behind_the_same_period_last_year(world):
    purchase(world.account, days_ago=365 + 10, amount="10000")
    purchase(world.account, days_ago=10, amount="5000")
    service.evaluate()
    [warning] = warnings(RuleKey.BEHIND_LAST_YEAR)
    assert warning.figures["recent_fen"] == 500000 and warning.figures["last_year_fen"] == 1000000


def test_less_frequent_than_usual(world):
    for days in range(100, 450, 30):  # about monthly in the year before the window
        purchase(world.account, days_ago=days)
    service.evaluate()
    [warning] = warnings(RuleKey.LESS_FREQUENT)
    assert warning.figures["recent_count"] == 0 and warning.figures["base_count"] >= 4


def test_sales_expenses_above_the_approved_budget(world):
    db.session.add(
        SalesExpense(
            account_id=world.account.id,
            spent_on=TODAY,
            category="广告",
            amount=Decimal("8000"),
            natural_key="e1",
        )
    )
    db.session.add(
        ApprovalRequest(
            number="SP-2026-99001",
            type=RequestType.SUPPORT,
            account_id=world.account.id,
            applicant_id=world.owner.id,
            department_id=world.dept_a.id,
            status=RequestStatus.APPROVED,
            title="广告",
            amount=Decimal("5000"),
        )
    )
    db.session.commit()
    service.evaluate()
    [warning] = warnings(RuleKey.EXPENSES_OVER_BUDGET)
    assert warning.figures == {"spent_fen": 800000, "budget_fen": 500000}


def test_an_overdue_approval_step_goes_to_the_role_that_must_decide(world):
    request = ApprovalRequest(
        number="SP-2026-99002",
        type=RequestType.CREDIT,
        account_id=world.account.id,
        applicant_id=world.owner.id,
        department_id=world.dept_a.id,
        title="调额",
        deadline_at=utcnow() - timedelta(days=1),
    )
    request.steps.append(
        ApprovalStep(
            round=1,
            position=1,
            current=True,
            role=Role.SUPERVISOR,
            action_name="review",
            department_id=world.dept_a.id,
            due_at=utcnow() - timedelta(days=2),
        )
    )
    db.session.add(request)
    db.session.commit()
    service.evaluate()
    [step] = warnings(RuleKey.APPROVAL_OVERDUE)
    [credit] = warnings(RuleKey.CREDIT_OVERDUE)
    for warning in (step, credit):
        assert warning.assignee_role is Role.SUPERVISOR and warning.department_id == world.dept_a.id
        assert warning in service.warnings_for(world.supervisor)
        assert warning not in service.warnings_for(world.owner)
    assert "SP-2026-99002" in service.describe(credit)


def test_a_contract_about_to_expire(world):
    db.session.add(
        Contract(
            number="HT-2026-99001",
            account_id=world.account.id,
            owner_id=world.owner.id,
            department_id=world.dept_a.id,
            title="年度合同",
            status=ContractStatus.SIGNED,
            effective_on=TODAY - timedelta(days=300),
            expires_on=TODAY + timedelta(days=10),
        )
    )
    db.session.commit()
    service.evaluate()
    [warning] = warnings(RuleKey.CONTRACT_EXPIRING)
    assert warning.assignee_id == world.owner.id
    assert warning.subject.startswith("contract:")


def test_a_reported_major_event_warns_the_supervisor_at_once(world):
    service.report_event(
        world.owner, world.account.id, {"kind": "theft", "description": "仓库被盗，损失约 50 万"}
    )
    [warning] = warnings(RuleKey.MAJOR_EVENT)
    assert warning in service.warnings_for(world.supervisor)
    assert "仓库被盗" in service.describe(warning)


def test_only_the_account_team_reports_events(world):
    with pytest.raises(NotFound):
        service.report_event(
            world.colleague, world.account.id, {"kind": "theft", "description": "x"}
        )
    with pytest.raises(ValidationFailed):
        service.report_event(world.owner, world.account.id, {"kind": "nonsense", "description": ""})


def test_admin_thresholds_change_what_holds_and_disabling_closes(world):
    purchase(world.account, days_ago=40)
    service.evaluate()
    assert not warnings(RuleKey.CHURN)
    form = {}
    for setting in service.rule_settings():
        key = setting.key.value
        form[f"{key}-enabled"] = "1"
        form[f"{key}-threshold"] = "30" if setting.key is RuleKey.CHURN else str(setting.threshold)
        if setting.window_days is not None:
            form[f"{key}-window"] = str(setting.window_days)
    with pytest.raises(Forbidden):
        service.update_rules(world.supervisor, form)
    service.update_rules(world.admin, form)
    service.evaluate()
    assert warnings(RuleKey.CHURN)[0].status is WarningStatus.OPEN

    del form["churn-enabled"]
    service.update_rules(world.admin, form)
    service.evaluate()
    assert warnings(RuleKey.CHURN)[0].status is WarningStatus.CLEARED


def test_bad_thresholds_are_refused(world):
    with pytest.raises(ValidationFailed) as error:
        service.update_rules(world.admin, {"churn-threshold": "abc"})
    assert "churn-threshold" in error.value.errors


def test_acknowledge_then_resolve_with_notes_and_only_by_who_must_act(world):
    purchase(world.account, days_ago=200)
    service.evaluate()
    [warning] = warnings(RuleKey.CHURN)
    with pytest.raises(NotFound):  # the colleague does not see the account at all
        service.handle_warning(world.colleague, warning.id, "acknowledge", "")
    service.handle_warning(world.owner, warning.id, "acknowledge", "下周拜访")
    assert warning.status is WarningStatus.ACKNOWLEDGED and warning.handled_by_id == world.owner.id
    service.handle_warning(world.supervisor, warning.id, "resolve", "客户已下单")  # a leader
    assert warning.status is WarningStatus.RESOLVED and warning.note == "客户已下单"
    with pytest.raises(ValidationFailed):
        service.handle_warning(world.owner, warning.id, "resolve", "")


def test_evaluation_uses_the_time_it_is_given(world):
    purchase(world.account, days_ago=0)
    later = datetime.now(UTC) + timedelta(days=200)
    service.evaluate(now=later)
    assert warnings(RuleKey.CHURN)
    assert date.today()  # the real clock is untouched
