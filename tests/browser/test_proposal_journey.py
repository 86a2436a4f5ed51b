"""Journey: an account manager writes a proposal (合作方案书) with a quotation whose total and
大写 the server recomputes as they type, sends it to the client as a link, the client opens the
link in a browser of their own without an account, and the manager sees the open on the
proposal page; a revoked link then answers "no longer valid"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LINES = [
    ("数控车床主轴", "浦江", "PJ-200", "台", "2", "38000"),  # 76,000.00
    ("安装调试服务", "", "", "次", "1", "3500.50"),  # 3,500.50
]


@pytest.fixture(autouse=True)
def document_folder(tmp_path, monkeypatch):
    # The live server is not a testing app: without this its PDFs would go to instance/.
    monkeypatch.setenv("KEYDESK_DOCUMENT_DIR", str(tmp_path / "documents"))


def test_manager_sends_proposal_and_sees_the_client_open_it(
    browser, page, live_server, login, screenshot
):
    world = live_server.world
    login(world.east_manager)
    page.goto(live_server(f"/accounts/{world.pujiang_id}/proposals"))
    page.locator("#new-proposal").click()
    form = page.locator("#proposal-form")
    expect(form).to_be_visible()

    form.locator("input[name=title]").fill("浦江精密 数控车床升级合作方案")
    form.locator("textarea[name=client_needs]").fill("老旧车床精度不足，希望三个月内完成升级。")
    form.locator("textarea[name=solution]").fill("更换 PJ-200 主轴并提供安装调试 <服务>。")
    form.locator("textarea[name=timeline]").fill("第 1 周 现场勘察\n第 4 周 安装调试")
    form.locator("textarea[name=reference_clients]").fill("苏州精工机械股份有限公司")
    for index, (product, brand, spec, unit, quantity, price) in enumerate(LINES):
        form.locator(f"input[name=lines-{index}-product]").fill(product)
        form.locator(f"input[name=lines-{index}-brand]").fill(brand)
        form.locator(f"input[name=lines-{index}-spec]").fill(spec)
        form.locator(f"input[name=lines-{index}-unit]").fill(unit)
        form.locator(f"input[name=lines-{index}-quantity]").fill(quantity)
        form.locator(f"input[name=lines-{index}-unit_price]").fill(price)
        form.locator(f"input[name=lines-{index}-unit_price]").press("Tab")
    expect(page.locator("#proposal-total")).to_have_text("¥79,500.50")
    expect(page.locator("#proposal-total-words")).to_have_text("柒万玖仟伍佰元零伍角整")
    screenshot(page, "proposal-editor")
    page.locator("#save-proposal").click()

    page.wait_for_url(re.compile(r"/proposals/\d+$"))
    expect(page.locator("#proposal-title")).to_have_text("浦江精密 数控车床升级合作方案")
    expect(page.locator("#doc-total-words")).to_have_text("柒万玖仟伍佰元零伍角整")
    expect(page.locator("#no-opens")).to_have_count(0)  # no link yet, nothing to open

    page.locator("#send-to-client").click()
    link_field = page.locator("#proposal-links input.link-url")
    expect(link_field).to_have_count(1)
    url = link_field.input_value()
    assert re.search(r"/p/[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]+$", url), url
    expect(page.locator("#no-opens")).to_be_visible()
    screenshot(page, "proposal-sent")

    # The client: a browser of their own, never signed in.
    client_context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        client_page = client_context.new_page()
        client_page.goto(url)
        expect(client_page.locator(".doc-title")).to_have_text("浦江精密 数控车床升级合作方案")
        expect(client_page.locator("#doc-total-words")).to_have_text("柒万玖仟伍佰元零伍角整")
        expect(client_page.locator("#doc-solution")).to_contain_text("安装调试 <服务>")
        expect(client_page.locator("#download-pdf")).to_be_visible()
        expect(client_page.locator(".topbar")).to_have_count(0)  # nothing of the intranet
        screenshot(client_page, "proposal-client-view")
    finally:
        client_context.close()

    page.reload()
    opens = page.locator("#link-opens tbody tr")
    expect(opens).to_have_count(1)
    expect(opens.first).to_contain_text("127.0.0.1")
    expect(opens.first).to_contain_text("Chrome")
    screenshot(page, "proposal-opened")

    # Revoking the link: the client's next visit learns nothing.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#link-rows button.danger").click()
    expect(page.locator("#link-rows tr[data-state=revoked]")).to_have_count(1)
    anonymous = browser.new_context(locale="zh-CN")
    try:
        gone = anonymous.new_page()
        response = gone.goto(url)
        assert response is not None and response.status == 410
        expect(gone.locator("#link-invalid")).to_be_visible()
        expect(gone.locator("body")).not_to_contain_text("浦江精密")
    finally:
        anonymous.close()
