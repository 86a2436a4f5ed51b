"""The role map's rules (issue 15): reporting and influence lines never loop, influence lines
may cross the reporting tree; coverage warnings; the approach advice; competitors' shares
and prices; whitespace sums."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, refresh

from webapp.accounts import advice
from webapp.accounts import service as accounts
from webapp.accounts.models import BuyingRole, Contact, DecisionStyle, Personality, Stance
from webapp.auth.models import Role
from webapp.common.errors import NotFound, ValidationFailed
from webapp.extensions import db
from webapp.relationships import competitors, rolemap, service, whitespace
from webapp.relationships.models import AccountCompetitor, InfluenceLine, WhitespaceEstimate
from webapp.sales.models import Purchase


@pytest.fixture
def ctx(app):
    with app.test_request_context(environ_base={"HTTP_COOKIE": "lang=en"}):
        refresh()  # messages in English, as the assertions read them
        yield


@pytest.fixture
def org(ctx, make_user, make_account, make_contact):
    """决策者 王总 ← 技术把关者 李工 ← 使用者 赵主任; 财务 孙会计 reports to 王总."""
    owner = make_user(Role.ACCOUNT_MANAGER)
    account = make_account(owner)
    boss = make_contact(account, name="王总", buying_role=BuyingRole.DECISION_MAKER)
    tech = make_contact(
        account, name="李工", buying_role=BuyingRole.TECHNICAL, reports_to_id=boss.id
    )
    user = make_contact(account, name="赵主任", buying_role=BuyingRole.USER, reports_to_id=tech.id)
    money = make_contact(
        account, name="孙会计", buying_role=BuyingRole.FINANCIAL, reports_to_id=boss.id
    )
    return owner, account, boss, tech, user, money


def line(owner, account, a, b, note=""):
    return service.add_influence(
        owner, account.id, {"from_contact_id": str(a.id), "to_contact_id": str(b.id), "note": note}
    )


def refused(call) -> str:
    with pytest.raises(ValidationFailed) as error:
        call()
    db.session.rollback()
    return " ".join(error.value.errors.values())


def test_influence_line_may_cross_the_reporting_tree(org):
    owner, account, boss, tech, user, money = org
    line(owner, account, user, boss, "老乡")  # over the head of their own boss
    line(owner, account, money, tech)  # sideways, across branches
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InfluenceLine)) == 2


def test_influence_line_to_oneself_is_refused(org):
    owner, account, boss, *_ = org
    assert "themselves" in refused(lambda: line(owner, account, boss, boss))


def test_influence_line_that_closes_a_loop_with_reporting_lines_is_refused(org):
    owner, account, boss, tech, user, _money = org
    # 赵主任 reports to 李工 who reports to 王总: 王总 → 赵主任 would be a loop
    assert "loop" in refused(lambda: line(owner, account, boss, user))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InfluenceLine)) == 0


def test_influence_lines_forming_a_cycle_among_themselves_are_refused(org):
    owner, account, _boss, tech, _user, money = org
    line(owner, account, money, tech)
    assert "loop" in refused(lambda: line(owner, account, tech, money))


def test_duplicate_and_reporting_duplicate_are_refused(org):
    owner, account, boss, tech, user, money = org
    line(owner, account, money, tech)
    assert "already" in refused(lambda: line(owner, account, money, tech))
    assert "already reports" in refused(lambda: line(owner, account, tech, boss))


def test_influence_line_to_another_clients_person_is_refused(org, make_account, make_contact):
    owner, account, boss, *_ = org
    other = make_contact(make_account(owner), name="外人")
    assert "this client" in refused(lambda: line(owner, account, boss, other))


def test_reporting_to_oneself_or_in_a_loop_is_refused(org):
    owner, account, boss, tech, user, _money = org
    data = {"name": "王总", "buying_role": "decision_maker", "stance": "neutral"}
    message = refused(
        lambda: accounts.update_contact(
            owner, boss.id, {**data, "reports_to_id": str(boss.id)}, boss.version
        )
    )
    assert "circle" in message
    message = refused(
        lambda: accounts.update_contact(
            owner, boss.id, {**data, "reports_to_id": str(user.id)}, boss.version
        )
    )
    assert "circle" in message
    assert db.session.get(Contact, boss.id).reports_to_id is None


def test_a_new_boss_cannot_close_a_loop_through_influence_lines(org):
    owner, account, boss, tech, user, money = org
    line(owner, account, money, user)  # 孙会计 speaks to 赵主任
    # 孙会计 reporting to 赵主任 keeps the one direction (孙 → 赵): allowed
    data = {"name": "孙会计", "buying_role": "financial", "stance": "neutral"}
    accounts.update_contact(owner, money.id, {**data, "reports_to_id": str(user.id)}, money.version)
    # 王总 reporting to 孙会计: 孙 → 赵 → 李 → 王 → 孙 is a loop of reporting lines
    data = {"name": "王总", "buying_role": "decision_maker", "stance": "neutral"}
    message = refused(
        lambda: accounts.update_contact(
            owner, boss.id, {**data, "reports_to_id": str(money.id)}, boss.version
        )
    )
    assert "circle" in message


def test_loop_only_through_an_influence_line_is_refused_on_reporting_change(org):
    owner, account, boss, tech, user, money = org
    line(owner, account, money, tech)  # 孙会计 speaks to 李工
    # 李工 reporting to 孙会计 instead of 王总: 李 → 孙 (reports) → 李 (influence)
    data = {"name": "李工", "buying_role": "technical", "stance": "neutral"}
    message = refused(
        lambda: accounts.update_contact(
            owner, tech.id, {**data, "reports_to_id": str(money.id)}, tech.version
        )
    )
    assert "influence" in message
    assert db.session.get(Contact, tech.id).reports_to_id == boss.id


def test_another_departments_account_answers_not_found(org, make_user, make_department):
    owner, account, boss, tech, *_ = org
    stranger = make_user(Role.ACCOUNT_MANAGER, make_department("华南"))
    with pytest.raises(NotFound):
        line(stranger, account, tech, boss)


# --- coverage -----------------------------------------------------------------------------------

SUP, NEU, OPP = Stance.SUPPORT, Stance.NEUTRAL, Stance.OPPOSE
R = BuyingRole


@pytest.mark.parametrize(
    ("stances", "codes"),
    [
        ({}, ["no_decision_maker", "no_coach"]),
        ({R.DECISION_MAKER: [NEU], R.COACH: [SUP]}, []),
        ({R.DECISION_MAKER: [OPP], R.COACH: [SUP]}, ["decision_maker_opposed"]),
        ({R.DECISION_MAKER: [SUP, OPP], R.COACH: [SUP]}, ["decision_maker_opposed"]),
        ({R.DECISION_MAKER: [SUP]}, ["no_coach"]),
        ({R.DECISION_MAKER: [SUP], R.COACH: [SUP], R.TECHNICAL: [OPP, OPP]}, ["only_opposers"]),
        ({R.DECISION_MAKER: [SUP], R.COACH: [SUP], R.TECHNICAL: [OPP, NEU]}, []),
        ({R.COACH: [OPP]}, ["no_decision_maker", "only_opposers"]),
    ],
)
def test_coverage_warnings(ctx, stances, codes):
    result = rolemap.judge(stances)
    assert [g.code for g in result.gaps] == codes
    assert set(result.known) | set(result.missing) == set(BuyingRole)


def test_coverage_for_accounts_in_one_call(org, make_account):
    owner, account, *_ = org
    empty = make_account(owner)
    result = rolemap.coverage_for_accounts([account.id, empty.id])
    assert [g.code for g in result[account.id].gaps] == ["no_coach"]
    assert [g.code for g in result[empty.id].gaps] == ["no_decision_maker", "no_coach"]


# --- advice ---------------------------------------------------------------------------------------


def test_advice_for_each_personality_style_and_combination(ctx):
    for p in Personality:
        for s in DecisionStyle:
            a = advice.advice_for(p, s)
            assert a.personality and a.style and a.combination
    assert "simply and directly" in advice.advice_for(None, DecisionStyle.LEADER).style
    with force_locale("zh_CN"):
        assert "简单、直接" in advice.advice_for(None, DecisionStyle.LEADER).style
    assert advice.advice_for(None, None).empty


# --- competitors ----------------------------------------------------------------------------------


def save(owner, account, **data):
    return competitors.save_competitor(owner, account.id, {"name": "宝钢", **data})


def test_shares_on_one_account_never_sum_over_100(org):
    owner, account, *_ = org
    save(owner, account, name="宝钢", share="60", price="4,350.50")
    save(owner, account, name="鞍钢", share="40")
    message = refused(lambda: save(owner, account, name="首钢", share="1"))
    assert "100" in message
    save(owner, account, name="宝钢", share="59", price="4350.50")  # one's own share: fine
    save(owner, account, name="首钢", share="1")
    rows = db.session.scalars(sa.select(AccountCompetitor)).all()
    assert sum(r.share for r in rows) == 100
    assert {r.price for r in rows if r.price is not None} == {Decimal("4350.50")}


@pytest.mark.parametrize("price", ["-1", "abc", "1.234", "NaN", "1.2.3"])
def test_bad_prices_are_refused(org, price):
    owner, account, *_ = org
    assert refused(lambda: save(owner, account, price=price))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AccountCompetitor)) == 0


@pytest.mark.parametrize("share", ["101", "-5", "５０", "²", "50.5"])
def test_bad_shares_are_refused(org, share):
    owner, account, *_ = org
    assert refused(lambda: save(owner, account, share=share))


def test_company_view_shows_only_visible_accounts(org, make_user, make_department, make_account):
    owner, account, *_ = org
    south = make_user(Role.ACCOUNT_MANAGER, make_department("华南"))
    theirs = make_account(south)
    save(owner, account, name="宝钢")
    save(south, theirs, name="宝钢")
    mine = competitors.company_view(owner)
    assert [r.account_id for v in mine for r in v.rows] == [account.id]


# --- whitespace -----------------------------------------------------------------------------------


def test_whitespace_grid_and_sums(org):
    owner, account, *_ = org
    from webapp.common.timeutil import local_today

    db.session.add(
        Purchase(
            account_id=account.id,
            purchased_on=local_today(),
            product="冷轧板",
            quantity=Decimal("10"),
            amount=Decimal("300000.00"),
            natural_key="k1",
        )
    )
    db.session.commit()
    for unit, amount in (("一分厂", "200000"), ("二分厂", "250000.50")):
        whitespace.save_estimate(
            owner, account.id, {"product": "冷轧板", "unit": unit, "potential": amount}
        )
    whitespace.save_estimate(
        owner, account.id, {"product": "镀锌板", "unit": "一分厂", "potential": "80000"}
    )
    grid = whitespace.account_grid(owner, account.id)
    rows = {r.product: r for r in grid.rows}
    assert rows["冷轧板"].bought == Decimal("300000.00")
    assert rows["冷轧板"].potential == Decimal("450000.50")
    assert rows["冷轧板"].gap == Decimal("150000.50")
    assert rows["镀锌板"].untouched and rows["镀锌板"].gap == Decimal("80000.00")
    sums = {s.product: s for s in whitespace.whitespace_by_product(owner)}
    assert sums["冷轧板"].gap == Decimal("150000.50")
    # zero removes an estimate; a bad number changes nothing
    whitespace.save_estimate(
        owner, account.id, {"product": "镀锌板", "unit": "一分厂", "potential": "0"}
    )
    assert refused(
        lambda: whitespace.save_estimate(
            owner, account.id, {"product": "冷轧板", "unit": "一分厂", "potential": "-3"}
        )
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WhitespaceEstimate)) == 2
