"""Journey: an account manager drafts a contract with three line items in the browser, sees the
total in figures and in capital numerals (大写) update as they type, saves, reopens it and
submits it for approval."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from webapp.contracts.models import Contract, ContractStatus
from webapp.extensions import db

pytestmark = pytest.mark.browser

LINES = [
    ("冷轧钢板", "宝钢", "1.0mm×1250", "吨", "10", "4500.50"),  # 45,005.00
    ("镀锌螺栓", "晋亿", "M12×80", "件", "1000", "1.25"),  # 1,250.00
    ("不锈钢焊条", "大西洋", "A102 Φ3.2", "公斤", "3.5", "120"),  # 420.00
]
TERMS = {
    "delivery_time": "合同生效后 15 日内",
    "delivery_place": "上海市浦东新区张江路 88 号仓库",
    "dist_territory": "上海市",
    "dist_products": "冷轧板、紧固件",
    "dist_term": "一年",
    "settlement_method": "月结 30 天，银行转账",
    "policy_rebate": "年销量达 500 吨返 1%",
    "policy_annual_bonus": "无",
    "policy_promotion": "按季度促销计划",
    "policy_advertising": "无",
    "policy_staff": "派驻技术员一名",
    "signing_place": "上海",
    "client_address": "上海市浦东新区张江路 88 号",
    "client_legal_rep": "李国强",
    "client_signing_rep": "王建国",
    "client_phone": "021-50801234",
    "client_bank": "中国工商银行上海张江支行",
    "client_account_no": "1001234567890123",
    "our_name": "华东精工销售有限公司",
    "our_address": "苏州工业园区星湖街 218 号",
    "our_legal_rep": "周明",
    "our_phone": "0512-62881234",
    "our_bank": "中国银行苏州分行",
    "our_account_no": "5566778899001122",
    "our_tax_number": "91320594MA1XYZ1234",
}


def test_manager_drafts_saves_reopens_and_submits_a_contract(page, live_server, login, screenshot):
    world = live_server.world
    login(world.east_manager)
    page.goto(live_server(f"/accounts/{world.pujiang_id}/contracts/new"))
    form = page.locator("#contract-form")
    expect(form.locator("input[name=client_name]")).to_have_value(world.pujiang_name)

    rows = form.locator("#contract-lines tbody tr")
    expect(rows).to_have_count(3)
    for index, (product, brand, spec, unit, quantity, price) in enumerate(LINES):
        form.locator(f"input[name=lines-{index}-product]").fill(product)
        form.locator(f"input[name=lines-{index}-brand]").fill(brand)
        form.locator(f"input[name=lines-{index}-spec]").fill(spec)
        form.locator(f"input[name=lines-{index}-unit]").fill(unit)
        form.locator(f"input[name=lines-{index}-quantity]").fill(quantity)
        form.locator(f"input[name=lines-{index}-unit_price]").fill(price)
        form.locator(f"input[name=lines-{index}-unit_price]").press("Tab")
    # The server recomputes the amounts as the user types; the browser never computes them.
    expect(page.locator("#contract-total")).to_have_text("¥46,675.00")
    expect(page.locator("#contract-total-words")).to_have_text("肆万陆仟陆佰柒拾伍元整")
    expect(page.locator("#line-amount-1")).to_have_text("¥1,250.00")

    # Add a fourth row with htmx and take it away again: no reload, typed rows survive.
    page.locator("#add-line").click()
    expect(rows).to_have_count(4)
    rows.nth(3).locator("button[value='remove:3']").click()
    expect(rows).to_have_count(3)
    expect(form.locator("input[name=lines-0-product]")).to_have_value("冷轧钢板")

    for name, value in TERMS.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("select[name=dist_level]").select_option("first_level")
    screenshot(page, "contract-edit")
    page.locator("#save-draft").click()
    page.wait_for_url(re.compile(r"/contracts/\d+/edit$"))
    contract_id = int(re.search(r"/contracts/(\d+)/edit", page.url).group(1))

    # Reopen: the number and both forms of the total are on the contract page.
    page.goto(live_server(f"/contracts/{contract_id}"))
    expect(page.locator("#contract-number")).to_have_text(re.compile(r"^HT-\d{4}-00001$"))
    expect(page.locator("#total-figures")).to_have_text("¥46,675.00")
    expect(page.locator("#total-words")).to_have_text("肆万陆仟陆佰柒拾伍元整")
    expect(page.locator("#contract-line-items tbody tr")).to_have_count(3)
    screenshot(page, "contract-detail")

    page.goto(live_server(f"/contracts/{contract_id}/edit"))
    expect(page.locator("input[name=lines-2-product]")).to_have_value("不锈钢焊条")
    page.locator("#submit-contract").click()
    page.wait_for_url(re.compile(rf"/contracts/{contract_id}$"))
    expect(page.locator("#contract-stage")).to_have_text("审批中")

    with live_server.app.app_context():
        stored = db.session.get(Contract, contract_id)
        assert stored.status is ContractStatus.IN_APPROVAL
        assert [line.product for line in stored.lines] == [row[0] for row in LINES]
        assert str(stored.total) == "46675.00"
        db.session.remove()


def test_bad_quantity_shows_inline_error_and_keeps_the_draft(page, live_server, login):
    world = live_server.world
    login(world.east_manager)
    page.goto(live_server(f"/accounts/{world.pujiang_id}/contracts/new"))
    form = page.locator("#contract-form")
    form.locator("input[name=lines-0-product]").fill("冷轧钢板")
    form.locator("input[name=lines-0-unit]").fill("吨")
    form.locator("input[name=lines-0-quantity]").fill("-5")
    form.locator("input[name=lines-0-unit_price]").fill("1.234")
    page.locator("#save-draft").click()
    expect(page.locator("#contract-lines .error").first).to_be_visible()
    expect(form.locator("input[name=lines-0-quantity]")).to_have_value("-5")
    expect(form.locator("input[name=lines-0-product]")).to_have_value("冷轧钢板")
    with live_server.app.app_context():
        assert db.session.query(Contract).count() == 0
        db.session.remove()
