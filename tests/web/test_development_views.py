"""Key-account development through its pages: lead capture with the duplicate check, MAN
qualification and its veto, value assessment, stage moves with warnings and reasons, the
pipeline board, the customer pool and the administrator's settings."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.helpers import assert_fragment, text
from webapp.accounts.models import Account, Contact, Stage, ValueClass, Visit, VisitKind
from webapp.common.timeutil import local_today, utcnow
from webapp.contracts.models import Contract, ContractStatus
from webapp.development import pool
from webapp.development.models import (
    DevelopmentProfile,
    ManQualification,
    PoolEvent,
    Qualification,
    StageMove,
    TierBand,
    ValueAssessment,
    ValueWeight,
)
from webapp.development.profiles import ensure_profiles
from webapp.extensions import db
from webapp.notifications.models import Notification

HX = {"HX-Request": "true"}


@pytest.fixture
def ctx(app):
    """A request context for calling services directly (their messages are translated)."""
    from flask_babel import refresh

    with app.test_request_context():
        refresh()
        yield


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def lead(**overrides) -> dict:
    data = {
        "name": "杭州新远贸易有限公司",
        "contact_name": "陈经理",
        "phone": "0571-8888 1234",
        "source": "扫街",
        "need": "年采购钢材约 2000 吨",
        "kind": "economic",
        "channel": "distribution",
        "buying_role": "influencer",
    }
    data.update(overrides)
    return data


def qualification(money="yes", authority="yes", need="yes") -> dict:
    today = local_today().isoformat()
    return {
        "money": money,
        "money_evidence": "年度预算 500 万已批",
        "money_on": today,
        "authority": authority,
        "authority_evidence": "采购总监拍板",
        "authority_on": today,
        "need": need,
        "need_evidence": "现供应商交期不稳",
        "need_on": today,
    }


def profile(account_id: int) -> DevelopmentProfile:
    db.session.expire_all()
    return db.session.get(DevelopmentProfile, account_id)


def stored(account_id: int) -> Account:
    db.session.expire_all()
    return db.session.get(Account, account_id)


# --- lead capture and the duplicate check ---------------------------------------------------


def test_a_lead_is_filed_in_stage_one_with_its_contact_and_source(world, login):
    client = login(world.owner)
    assert client.get("/leads/new").status_code == 200
    response = client.post("/leads/new", data=lead())
    assert response.status_code == 303
    account = db.session.scalar(sa.select(Account).where(Account.name == "杭州新远贸易有限公司"))
    assert response.headers["Location"] == f"/accounts/{account.id}/development"
    assert (account.stage, account.owner_id, account.tax_number) == (
        Stage.TARGET,
        world.owner.id,
        None,
    )
    filed = profile(account.id)
    assert (filed.source, filed.filed_by_id, filed.filed_on) == (
        "扫街",
        world.owner.id,
        local_today(),
    )
    assert (
        db.session.scalar(sa.select(Contact.name).where(Contact.account_id == account.id))
        == "陈经理"
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "上海宝钢测试"},  # without 有限公司
        {"name": "上海宝钢测试股份有限公司"},
        {"name": "ＳＨ新公司", "short_name": "宝钢测试"},  # the short name
        {"name": "另一家公司", "phone": "+86 21 5555 0001"},  # the phone, another spelling
    ],
)
def test_a_colleague_cannot_silently_take_a_filed_client(world, login, overrides):
    world.account.phone = "021-5555 0001"
    db.session.commit()
    ensure_profiles()
    db.session.commit()
    before = count(Account)
    response = login(world.colleague).post("/leads/new", data=lead(**overrides))
    assert response.status_code == 422
    body = text(response)
    assert (
        "Already filed" in body and world.owner.full_name in body and "上海宝钢测试有限公司" in body
    )
    assert count(Account) == before


def test_the_duplicate_check_answers_while_typing(world, login):
    ensure_profiles()
    db.session.commit()
    client = login(world.colleague)
    response = client.get(
        "/leads/check", query_string={"name": "上海宝钢测试有限责任公司"}, headers=HX
    )
    body = assert_fragment(response, "lead-duplicates")
    assert "Possible duplicate" in body and world.owner.full_name in body
    clear = client.get("/leads/check", query_string={"name": "全新的公司"}, headers=HX)
    assert "No filed company matches" in text(clear)


def test_a_new_account_that_duplicates_a_filed_one_is_refused(world, login):
    from tests.web.formdata import account_form

    ensure_profiles()
    db.session.commit()
    before = count(Account)
    data = account_form(None, name="上海宝钢测试（有限公司）", tax_number="")
    response = login(world.colleague).post("/accounts/new", data=data)
    assert response.status_code == 422
    assert "Already filed" in text(response)
    assert count(Account) == before


def test_bad_lead_input_is_refused_inline(world, login):
    before = count(Account)
    response = login(world.owner).post("/leads/new", data=lead(name="", phone="call me"))
    assert response.status_code == 422
    assert count(Account) == before


# --- MAN qualification and its veto ---------------------------------------------------------


def _lead_account(world, login) -> int:
    login(world.owner).post("/leads/new", data=lead())
    return db.session.scalar(sa.select(Account.id).where(Account.name == "杭州新远贸易有限公司"))


def test_a_failed_indicator_vetoes_and_blocks_leaving_stage_one(world, login):
    account_id = _lead_account(world, login)
    client = login(world.owner)
    url = f"/accounts/{account_id}/development"
    response = client.post(f"{url}/qualify", data=qualification(money="no"))
    assert response.status_code == 303
    assert profile(account_id).qualification is Qualification.UNQUALIFIED
    assert "Money" in profile(account_id).qualification_reason
    page = text(client.get(url))
    assert "Unqualified lead" in page

    moved = client.post(
        f"{url}/move", data={"to": "information", "expected": "target", "confirm": "1"}
    )
    assert moved.status_code == 422
    assert "failed the MAN qualification" in text(moved)
    assert stored(account_id).stage is Stage.TARGET

    # fix the evidence and qualify again: every qualification is kept
    assert client.post(f"{url}/qualify", data=qualification()).status_code == 303
    assert profile(account_id).qualification is Qualification.QUALIFIED
    assert count(ManQualification) == 2
    moved = client.post(
        f"{url}/move", data={"to": "information", "expected": "target", "confirm": "1"}
    )
    assert moved.status_code == 303
    assert stored(account_id).stage is Stage.INFORMATION


def test_a_pending_lead_must_be_qualified_before_stage_two(world, login):
    account_id = _lead_account(world, login)
    response = login(world.owner).post(
        f"/accounts/{account_id}/development/move", data={"to": "information", "confirm": "1"}
    )
    assert response.status_code == 422
    assert "Qualify the lead" in text(response)


@pytest.mark.parametrize(
    "change", [{"money": ""}, {"authority_evidence": ""}, {"need_on": "2999-01-01"}]
)
def test_incomplete_qualification_is_refused_and_nothing_is_kept(world, login, change):
    account_id = _lead_account(world, login)
    data = {**qualification(), **change}
    response = login(world.owner).post(f"/accounts/{account_id}/development/qualify", data=data)
    assert response.status_code == 422
    assert count(ManQualification) == 0
    assert profile(account_id).qualification is Qualification.PENDING


def test_a_vetoed_client_gets_no_contract_submitted(world, ctx):
    from webapp.common.errors import ValidationFailed
    from webapp.contracts import service as contracts
    from webapp.development import qualification as man

    man.qualify(
        world.owner,
        world.account.id,
        {
            "money": "no",
            "money_evidence": "无预算",
            "money_on": local_today(),
            "authority": "yes",
            "authority_evidence": "总经理",
            "authority_on": local_today(),
            "need": "yes",
            "need_evidence": "有",
            "need_on": local_today(),
        },
    )
    contract = Contract(
        number="HT-2000-09999",
        account_id=world.account.id,
        owner_id=world.owner.id,
        department_id=world.account.department_id,
        title="测试合同",
        status=ContractStatus.DRAFT,
        effective_on=local_today(),
        expires_on=local_today() + timedelta(days=30),
    )
    db.session.add(contract)
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        contracts.submit(world.owner, contract.id)
    assert "qualification" in refused.value.errors
    assert db.session.get(Contract, contract.id).status is ContractStatus.DRAFT


# --- value assessment -----------------------------------------------------------------------


def scores(value="5", **overrides):
    data = {f"score_{k}": value for k in "ABCDEFG"}
    data.update({f"note_{k}": f"说明{k}" for k in "ABCDEFG"})
    data.update(overrides)
    return data


def test_assessment_sets_the_class_and_history_keeps_every_one(world, login):
    client = login(world.owner)
    url = f"/accounts/{world.account.id}/development/assess"
    assert client.post(url, data=scores("3", score_G="")).status_code == 303
    assert stored(world.account.id).value_class is ValueClass.INSUFFICIENT
    assert client.post(url, data=scores("5")).status_code == 303
    assert stored(world.account.id).value_class is ValueClass.A
    page = text(client.get(f"/accounts/{world.account.id}/development"))
    assert "Insufficient information" in page and "A all-in" in page
    assert count(ValueAssessment) == 2
    history = text(client.get(f"/accounts/{world.account.id}/history"))
    assert "A all-in" in history


@pytest.mark.parametrize("bad", [{"score_A": "6"}, {"score_B": "0"}, {"score_C": "x"}])
def test_scores_out_of_range_are_refused(world, login, bad):
    response = login(world.owner).post(
        f"/accounts/{world.account.id}/development/assess", data=scores("4", **bad)
    )
    assert response.status_code == 422
    assert count(ValueAssessment) == 0
    assert stored(world.account.id).value_class is ValueClass.INSUFFICIENT


# --- stages and the board -------------------------------------------------------------------


def _qualified(world):
    p = ensure_profiles() or db.session.get(DevelopmentProfile, world.account.id)
    p = db.session.get(DevelopmentProfile, world.account.id)
    p.qualification = Qualification.QUALIFIED
    db.session.commit()


def test_moving_forward_warns_of_unchecked_items_then_records_them(world, login):
    _qualified(world)
    client = login(world.owner)
    url = f"/accounts/{world.account.id}/development"
    for item in (
        "samples_sent",
        "coach_identified",
        "decision_maker_file",
        "purchasing_process",
        "suppliers_known",
    ):
        assert client.post(f"{url}/checklist/{item}", data={"checked": "1"}).status_code == 303
    warned = client.post(f"{url}/move", data={"to": "evaluation", "expected": "information"})
    assert warned.status_code == 409
    assert "Decision cycle and payment habits known" in text(warned)
    assert stored(world.account.id).stage is Stage.INFORMATION
    moved = client.post(
        f"{url}/move", data={"to": "evaluation", "expected": "information", "confirm": "1"}
    )
    assert moved.status_code == 303
    record = db.session.scalar(sa.select(StageMove))
    assert (record.from_stage, record.to_stage, record.by_id) == (
        Stage.INFORMATION,
        Stage.EVALUATION,
        world.owner.id,
    )
    assert record.unchecked == ["Decision cycle and payment habits known"]


def test_moving_back_or_giving_up_needs_a_reason(world, login):
    client = login(world.owner)
    url = f"/accounts/{world.account.id}/development"
    refused = client.post(f"{url}/move", data={"to": "target", "expected": "information"})
    assert refused.status_code == 422 and "Say why" in text(refused)
    assert stored(world.account.id).stage is Stage.INFORMATION
    assert (
        client.post(f"{url}/move", data={"to": "target", "reason": "决策人离职"}).status_code == 303
    )
    assert stored(world.account.id).stage is Stage.TARGET
    assert client.post(f"{url}/give-up", data={"reason": ""}).status_code == 422
    assert client.post(f"{url}/give-up", data={"reason": "客户转向竞争对手"}).status_code == 303
    account = stored(world.account.id)
    assert (account.abandoned, account.abandon_reason) == (True, "客户转向竞争对手")


def test_a_stale_move_changes_nothing(world, login):
    _qualified(world)
    client = login(world.owner)
    response = client.post(
        f"/pipeline/{world.account.id}/move",
        data={"to": "closing", "expected": "target", "confirm": "1"},
    )
    assert response.status_code == 303
    assert stored(world.account.id).stage is Stage.INFORMATION


def test_forecast_is_validated(world, login):
    client = login(world.owner)
    url = f"/accounts/{world.account.id}/development/forecast"
    past = (local_today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert client.post(url, data={"expected_value": "-5", "expected_close": ""}).status_code == 422
    assert (
        client.post(url, data={"expected_value": "100", "expected_close": past}).status_code == 422
    )
    month = local_today().strftime("%Y-%m")
    assert (
        client.post(url, data={"expected_value": "1,200,000", "expected_close": month}).status_code
        == 303
    )
    saved = profile(world.account.id)
    assert (saved.expected_value, saved.expected_close) == (
        Decimal("1200000.00"),
        local_today().replace(day=1),
    )


def test_the_board_shows_columns_with_counts_and_values_by_visibility(world, login, make_account):
    _qualified(world)
    ensure_profiles()
    db.session.get(DevelopmentProfile, world.account.id).expected_value = Decimal("880000")
    db.session.commit()
    page = text(login(world.owner).get("/pipeline"))
    assert "宝钢测试" in page and "880,000.00" in page
    assert "宝钢测试" not in text(login(world.other_manager).get("/pipeline"))
    fragment = assert_fragment(
        login(world.supervisor).get("/pipeline", headers=HX), "pipeline-board"
    )
    assert "宝钢测试" in fragment
    listed = text(
        login(world.owner).get(
            "/pipeline", query_string={"view": "list", "value_class": "insufficient"}
        )
    )
    assert 'id="pipeline-list"' in listed and "宝钢测试" in listed
    assert "宝钢测试" not in text(login(world.owner).get("/pipeline", query_string={"tier": "AAA"}))


def test_a_card_moves_on_the_board_by_htmx_with_the_warning_first(world, login):
    _qualified(world)
    client = login(world.owner)
    url = f"/pipeline/{world.account.id}/move"
    warned = client.post(url, data={"to": "evaluation", "expected": "information"}, headers=HX)
    assert warned.status_code == 409
    body = assert_fragment(warned, "pipeline-board")
    assert "Move anyway" in body and "Coach identified inside the client" in body
    moved = client.post(
        url, data={"to": "evaluation", "expected": "information", "confirm": "1"}, headers=HX
    )
    assert moved.status_code == 200
    assert stored(world.account.id).stage is Stage.EVALUATION


# --- the customer pool ----------------------------------------------------------------------


def _neglect(account: Account, days: int = 200):
    ensure_profiles()
    account.created_at = utcnow() - timedelta(days=days)
    db.session.commit()


def test_the_rule_returns_a_neglected_account_and_a_colleague_claims_it(world, login, runner):
    _neglect(world.account)
    result = runner.invoke(args=["pool", "run"])
    assert "1 returned" in result.output
    assert profile(world.account.id).in_pool is True
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == world.owner.id))
    assert "公海" in note.title  # the CLI speaks the default language, Chinese
    page = text(login(world.colleague).get("/pool"))
    assert "宝钢测试" in page and "no visit for too long" in page
    assert "宝钢测试" not in text(login(world.other_manager).get("/pool"))  # another department
    assert "宝钢测试" not in text(login(world.owner).get("/pipeline"))

    response = login(world.colleague).post(f"/pool/{world.account.id}/claim")
    assert response.status_code == 303
    account = stored(world.account.id)
    assert (account.owner_id, profile(account.id).in_pool) == (world.colleague.id, False)
    events = db.session.scalars(sa.select(PoolEvent).order_by(PoolEvent.id)).all()
    assert [e.kind.value for e in events] == ["returned", "claimed"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == world.owner.id)
        )
        == 2
    )
    # gone from the pool: a second claim is refused
    again = login(world.other_manager).post(f"/pool/{world.account.id}/claim")
    assert again.status_code == 303
    assert stored(world.account.id).owner_id == world.colleague.id


def test_a_recent_visit_keeps_the_account(world, runner):
    _neglect(world.account)
    db.session.add(
        Visit(
            account_id=world.account.id,
            user_id=world.owner.id,
            kind=VisitKind.VISIT,
            visited_on=local_today() - timedelta(days=3),
            summary="拜访",
        )
    )
    db.session.commit()
    runner.invoke(args=["pool", "run"])
    assert profile(world.account.id).in_pool is False


def test_an_unqualified_lead_returns_after_its_grace_days(world, ctx):
    ensure_profiles()
    p = db.session.get(DevelopmentProfile, world.account.id)
    p.qualification = Qualification.UNQUALIFIED
    db.session.add(
        ManQualification(
            account_id=world.account.id,
            by_id=world.owner.id,
            at=utcnow() - timedelta(days=30),
            money=False,
            money_evidence="无",
            money_on=local_today(),
            authority=True,
            authority_evidence="有",
            authority_on=local_today(),
            need=True,
            need_evidence="有",
            need_on=local_today(),
            result=Qualification.UNQUALIFIED,
        )
    )
    p.last_contact_on = local_today()
    db.session.commit()
    result = pool.run_rule()
    assert (result.returned, result.unqualified) == (1, 1)


def test_claims_stop_at_the_monthly_limit(world, ctx, make_account):
    from webapp.common.errors import DomainError
    from webapp.development.settings import put_setting

    put_setting("claim_limit", 1)
    first, second = world.account, make_account(world.owner, name="第二家有限公司", short_name="二")
    for account in (first, second):
        _neglect(account)
    assert pool.run_rule().returned == 2
    pool.claim(world.colleague, first.id)
    with pytest.raises(DomainError, match="上限为 1"):
        pool.claim(world.colleague, second.id)
    assert profile(second.id).in_pool is True


def test_a_supervisor_assigns_from_the_pool(world, login):
    _neglect(world.account)
    with login(world.supervisor).application.test_request_context():
        pool.run_rule()
    response = login(world.supervisor).post(
        f"/pool/{world.account.id}/assign", data={"user_id": world.colleague.id}
    )
    assert response.status_code == 303
    assert stored(world.account.id).owner_id == world.colleague.id
    bad = login(world.supervisor).post(
        f"/pool/{world.account.id}/assign", data={"user_id": world.other_manager.id}
    )
    assert bad.status_code == 303  # not in the pool any more: refused with a message


def test_two_colleagues_claiming_at_once_exactly_one_wins(app, world, make_user, backend):
    _neglect(world.account)
    with app.test_request_context():
        pool.run_rule()
    rival = make_user(department=world.dept_a)
    barrier = threading.Barrier(2)
    outcomes = []

    def claim(user_id):
        with app.app_context(), app.test_request_context():
            from webapp.auth.models import User
            from webapp.common.errors import DomainError

            user = db.session.get(User, user_id)
            barrier.wait()
            try:
                pool.claim(user, world.account.id)
                outcomes.append("won")
            except DomainError:
                outcomes.append("lost")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=claim, args=(uid,)) for uid in (world.colleague.id, rival.id)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["lost", "won"]
    claimed = db.session.scalars(sa.select(PoolEvent).where(PoolEvent.kind == "claimed")).all()
    assert len(claimed) == 1
    assert stored(world.account.id).owner_id == claimed[0].to_user_id


# --- administrator settings and tiers from the sales records --------------------------------


def test_weights_must_sum_to_100(world, login):
    client = login(world.admin)
    data = {f"weight_{k}": "10" for k in "ABCDEFG"}
    refused = client.post("/admin/development/weights", data=data)
    assert refused.status_code == 422 and "add up to 70" in text(refused)
    assert count(ValueWeight) == 0
    data.update(weight_A="25", weight_D="25")
    assert client.post("/admin/development/weights", data=data).status_code == 303
    assert count(ValueWeight) == 7


def _table_form(rows):
    data = {}
    for i, (lo, hi, norm) in enumerate(rows):
        data.update({f"min_{i}": lo, f"max_{i}": hi, f"norm_{i}": norm})
    return data


RETAIL_ROWS = [
    ("20", "", ""),
    ("10", "20", "2"),
    ("5.5", "10", "2.5"),
    ("3", "5.5", "3"),
    ("1", "3", "3.5"),
    ("0.5", "1", "4"),
    ("0", "0.5", ""),
]


def test_tier_tables_with_gaps_are_refused_and_a_good_one_recomputes(world, login, ctx):
    from webapp.sales.models import Purchase

    world.account.channel = "terminal"
    db.session.add(
        Purchase(
            account_id=world.account.id,
            purchased_on=local_today(),
            product="钢板",
            quantity=Decimal("1"),
            amount=Decimal("60000"),
            natural_key="t1",
        )
    )
    db.session.commit()
    client = login(world.admin)
    gap = list(RETAIL_ROWS)
    gap[2] = ("6", "10", "2.5")
    refused = client.post("/admin/development/tiers/retail", data=_table_form(gap))
    assert refused.status_code == 422 and "Gap" in text(refused)
    assert count(TierBand) == 0
    lower = list(RETAIL_ROWS)
    lower[0], lower[1] = ("5", "", ""), ("4", "5", "2")
    lower[2], lower[3] = ("3", "4", "2.5"), ("2", "3", "3")
    lower[4] = ("1", "2", "3.5")
    assert (
        client.post("/admin/development/tiers/retail", data=_table_form(lower)).status_code == 303
    )
    assert stored(world.account.id).tier.value == "AAA"  # 6 万/month ≥ 5


def test_an_import_of_purchases_recomputes_the_tier(world, ctx):
    from webapp.sales.importer.batches import import_file

    world.account.channel = "terminal"
    world.account.tax_number = world.account.tax_number
    db.session.commit()
    today = local_today().isoformat()
    csv = (
        f"税号,日期,产品,数量,金额,毛利\n{world.account.tax_number},{today},钢板,10,25000,1000\n"
    ).encode()
    import_file("p.csv", csv, None, world.owner, dry_run=False)
    account = stored(world.account.id)
    # 2.5 万 a month is tier B (1–3 万); a 4 % margin is above that band's 3.5 % norm: B+
    assert account.tier.value == "B+"


# --- daily leads ----------------------------------------------------------------------------


def test_three_working_days_without_a_lead_are_flagged_to_the_supervisor_once(world, login, ctx):
    from webapp.development.leads import flag_lead_gaps
    from webapp.warnings import service as warnings

    warnings.evaluate()  # the job runs the daily-lead check (and the pool rule)
    flagged = db.session.scalars(
        sa.select(Notification).where(
            Notification.user_id == world.supervisor.id, Notification.kind == "leads.gap"
        )
    ).all()
    assert {n.title for n in flagged} >= {f"{world.owner.full_name} 最近 3 个工作日没有新线索"}
    flag_lead_gaps()  # a second run tells nobody twice
    again = db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification).where(Notification.kind == "leads.gap")
    )
    assert again == len(flagged)
    page = text(login(world.supervisor).get("/leads"))
    assert world.owner.full_name in page and "no lead for 3 working days" in page


def test_a_lead_filed_yesterday_keeps_the_salesperson_on_track(world, login, ctx):
    from webapp.development.leads import flag_lead_gaps, working_days_before
    from webapp.development.settings import all_settings

    ensure_profiles()
    last = working_days_before(local_today(), 1, all_settings())[0]
    p = db.session.get(DevelopmentProfile, world.account.id)
    p.filed_by_id, p.filed_on = world.owner.id, last
    db.session.commit()
    flag_lead_gaps()
    titles = db.session.scalars(
        sa.select(Notification.title).where(Notification.kind == "leads.gap")
    ).all()
    assert not any(world.owner.full_name in t for t in titles)
    assert "on track" in text(login(world.owner).get("/leads"))


# --- credit grading -------------------------------------------------------------------------


def test_credit_grading_prefills_the_adjustment_and_records_deviations(world, login):
    from webapp.approvals.models import ApprovalRequest
    from webapp.sales.models import Payment, Purchase

    day = local_today() - timedelta(days=40)
    amount = Decimal("1200000")
    db.session.add_all(
        [
            Purchase(
                account_id=world.account.id,
                purchased_on=day,
                product="钢板",
                quantity=Decimal("1"),
                amount=amount,
                settled=Decimal("0"),
                natural_key="c1",
            ),
            Payment(account_id=world.account.id, paid_on=day, amount=amount, natural_key="c2"),
        ]  # fmt: skip
    )
    db.session.commit()
    client = login(world.owner)
    assert client.post(f"/accounts/{world.account.id}/development/credit").status_code == 303
    # volume 60 (¥1.2M), payment 100 (all paid), potential 50 (no earlier half-year):
    # 0.3·60 + 0.5·100 + 0.2·50 = 78 → green; limit 2 × ¥100,000 a month
    page = text(client.get(f"/accounts/{world.account.id}/development"))
    assert "78.00" in page and "200,000.00" in page
    form = text(client.get(f"/accounts/{world.account.id}/requests/new/credit"))
    assert 'id="credit-suggestion"' in form and 'value="200000.00"' in form
    data = {
        "proposed_grade": "green",
        "proposed_limit": "600000",
        "basis": "资信评估",
        "content": "申请提额",
    }
    response = client.post(f"/accounts/{world.account.id}/requests/new/credit", data=data)
    assert response.status_code == 303
    filed = db.session.scalar(sa.select(ApprovalRequest).order_by(ApprovalRequest.id.desc()))
    assert "limit ¥600,000.00 instead of the suggested ¥200,000.00" in filed.basis


def test_the_weekly_summary_is_a_document_for_its_salesperson_and_leaders(
    world, login, app, tmp_path
):
    app.config["DOCUMENT_DIR"] = str(tmp_path / "documents")
    login(world.owner).post("/leads/new", data=lead())
    pdf = login(world.owner).get(f"/documents/weekly/{world.owner.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert (
        login(world.supervisor).get(f"/documents/weekly/{world.owner.id}.docx").status_code == 200
    )
    assert (
        login(world.other_manager).get(f"/documents/weekly/{world.owner.id}.pdf").status_code == 403
    )
    assert login(world.owner).get(f"/documents/weekly/{world.supervisor.id}.pdf").status_code == 404


def test_the_history_tells_development_changes_in_words(world, login):
    client = login(world.owner)
    url = f"/accounts/{world.account.id}/development"
    client.post(f"{url}/checklist/coach_identified", data={"checked": "1"})
    client.post(f"{url}/qualify", data=qualification(need="no"))
    history = text(client.get(f"/accounts/{world.account.id}/history"))
    assert "Checklist item" in history and "Coach identified inside the client" in history
    assert "MAN qualification" in history and "Unqualified (veto)" in history


@pytest.mark.parametrize("value", ["²", "٣", "１５"])  # digits to str.isdigit, not to int()
def test_settings_refuse_digits_that_are_not_ascii_with_a_message(login, world, value):
    response = login(world.admin).post(
        "/admin/development/settings", data={"claim_limit": value, "neglect_A": value}
    )
    assert response.status_code == 422
    assert "A whole number" in text(response) or "整数" in text(response)
