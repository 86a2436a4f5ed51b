"""Journey (issue 14, item 10): capture a lead → a duplicate warning for a known company →
qualify (a veto fails it; fix the evidence; qualify) → assess to class A → move to stage 3 with
one unchecked item warned → see it on the board (and drag another card) → leave it without a
visit until the rule returns it to the pool → a colleague claims it. At 1440 and 390 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.conftest import PASSWORD_HASH
from webapp.accounts.models import Account, Stage
from webapp.auth.models import Role, User
from webapp.common.timeutil import local_today, utcnow
from webapp.development import pool
from webapp.development.models import DevelopmentProfile
from webapp.extensions import db

pytestmark = pytest.mark.browser

NEW_LEAD = "苏州新星电子科技有限公司"


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def add_colleague(live_server) -> str:
    with live_server.app.app_context():
        east = db.session.scalar(
            sa.select(User).where(User.username == live_server.world.east_manager)
        )
        db.session.add(
            User(
                username="wangfang",
                full_name="王芳",
                role=Role.ACCOUNT_MANAGER,
                department_id=east.department_id,
                password_hash=PASSWORD_HASH,
            )
        )
        db.session.commit()
        db.session.remove()
    return "wangfang"


def neglect_and_run_the_rule(live_server, account_id: int) -> None:
    with live_server.app.app_context(), live_server.app.test_request_context():
        account = db.session.get(Account, account_id)
        account.created_at = utcnow() - timedelta(days=90)
        profile = db.session.get(DevelopmentProfile, account_id)
        profile.last_contact_on = local_today() - timedelta(days=90)
        db.session.commit()
        assert pool.run_rule().returned >= 1
        db.session.remove()


def tick(page, key: str) -> None:
    page.locator(f"#check-{key} button").click()
    expect(page.locator(f"#check-{key} button")).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize("width", [1440, 390])
def test_lead_to_pool_and_back(page, live_server, login, screenshot, width):
    world = live_server.world
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    colleague = add_colleague(live_server)
    login(world.east_manager)

    # capture: a known company is flagged while typing
    page.goto(live_server("/leads/new"))
    page.locator("#contact_name").fill("周经理")
    page.locator("#name").fill("上海浦江精密机械")
    expect(page.locator("#lead-duplicates")).to_contain_text("可能重复")
    expect(page.locator("#lead-duplicates")).to_contain_text("浦江精密")
    assert fits(page)
    screenshot(page, f"development-lead-duplicate-{width}")
    page.locator("#file-lead").click()
    expect(page.locator("#lead-form p.error").first).to_contain_text("该客户已备案")
    # the re-rendered form is live only once htmx (deferred) has processed it: typing
    # earlier fires no check, and htmx then takes the typed name as the unchanged value
    page.wait_for_load_state("load")
    page.locator("#name").fill(NEW_LEAD)
    expect(page.locator("#lead-duplicates")).to_contain_text("暂无重复")
    page.locator("#phone").fill("0512-6666 8888")
    page.locator("#source").fill("扫街")
    page.locator("#need").fill("新产线需要电子元器件")
    page.locator("#file-lead").click()
    expect(page.locator("#account-development")).to_be_visible()
    account_id = int(page.url.split("/accounts/")[1].split("/")[0])

    # qualify: a veto fails it, then the evidence is fixed and it passes
    form = page.locator("#qualify-form")
    form.locator("input[name=money][value=no]").check()
    form.locator("input[name=authority][value=yes]").check()
    form.locator("input[name=need][value=yes]").check()
    today = local_today().isoformat()
    for key, evidence in (("money", "暂无预算"), ("authority", "总经理拍板"), ("need", "新产线")):
        form.locator(f"#{key}_evidence").fill(evidence)
        form.locator(f"#{key}_on").fill(today)
    form.locator("#record-qualification").click()
    expect(page.locator("#account-development .alert-error")).to_contain_text("线索未通过资格审查")
    form = page.locator("#qualify-form")  # starts from the last answers
    expect(form.locator("#authority_evidence")).to_have_value("总经理拍板")
    form.locator("input[name=money][value=yes]").check()
    form.locator("#money_evidence").fill("年度预算 300 万已批")
    form.locator("#record-qualification").click()
    expect(page.locator("#account-development .alert-error")).to_have_count(0)
    expect(page.locator("#qualification-history tbody tr")).to_have_count(2)

    # assess to class A
    assess = page.locator("#assess-form")
    for key in "ABCDEFG":
        assess.locator(f"#score_{key}").select_option("5")
    assess.locator("#record-assessment").click()
    expect(page.locator("#value-assessment h3")).to_contain_text("A")
    expect(page.locator("#assessment-history")).to_contain_text("A")

    # stage 1 done → stage 2; stage 2 with one item left → stage 3 warns about it
    for key in ("need_known", "profile_known", "first_contact", "opportunity_judged"):
        tick(page, key)
    page.locator("#move-form #to").select_option(Stage.INFORMATION.value)
    page.locator("#move-stage").click()
    expect(page.locator(".stage-strip li.current")).to_contain_text("信息")
    for key in (
        "samples_sent",
        "coach_identified",
        "decision_maker_file",
        "purchasing_process",
        "suppliers_known",
    ):
        tick(page, key)
    page.locator("#move-form #to").select_option(Stage.EVALUATION.value)
    page.locator("#move-stage").click()
    warning = page.locator("#move-form .alert-conflict")
    expect(warning).to_contain_text("1 项")
    expect(warning).to_contain_text("已了解采购决策周期和付款习惯")
    screenshot(page, f"development-move-warning-{width}")
    page.locator("#move-stage").click()
    expect(page.locator(".stage-strip li.current")).to_contain_text("价值评估")
    assert fits(page)
    screenshot(page, f"development-tab-{width}")

    # the board: the lead sits in stage 3
    page.goto(live_server("/pipeline"))
    column = page.locator('[data-drop-stage="evaluation"]')
    expect(column).to_contain_text("苏州新星电子")
    expect(column.locator(".count")).to_have_text("2")  # with 西湖新材
    assert fits(page)
    screenshot(page, f"development-board-{width}")
    xihu = page.locator(f'[data-card][data-account-id="{world.xihu_id}"]')
    if width > 500:
        xihu.drag_to(page.locator('[data-drop-stage="relationship"]'))
    else:
        xihu.locator("select[name=to]").select_option(Stage.RELATIONSHIP.value)
        xihu.locator("button[type=submit]").click()
    expect(page.locator("#confirm-move")).to_be_visible()  # stage 3's checklist is not done
    page.locator("#confirm-move").click()
    expect(page.locator('[data-drop-stage="relationship"]')).to_contain_text(world.xihu_short)

    # no visit for months: the rule returns it to the pool; a colleague claims it
    neglect_and_run_the_rule(live_server, account_id)
    page.goto(live_server("/pipeline"))
    expect(page.locator('[data-drop-stage="evaluation"]')).not_to_contain_text("苏州新星电子")
    page.context.clear_cookies()
    login(colleague)
    page.goto(live_server("/pool"))
    row = page.locator(f"#pool-{account_id}")
    expect(row).to_contain_text("长期未拜访")
    assert fits(page)
    screenshot(page, f"development-pool-{width}")
    row.locator("button", has_text="领取").click()
    expect(page.locator("#customer-pool")).not_to_contain_text("苏州新星电子")
    expect(page.locator(".flash").first).to_contain_text("王芳")
    with live_server.app.app_context():
        owner = db.session.get(Account, account_id).owner.username
        db.session.remove()
    assert owner == colleague
