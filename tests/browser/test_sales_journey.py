"""Journey: finance imports a small workbook with one bad row (the dry run shows it and writes
nothing), imports the good rows, fixes the bad one and imports the file again (only that row is
new); after the warnings evaluation, the account manager finds a churn warning for the client
that went silent on the home page and acknowledges it in place."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from webapp.common.timeutil import local_today
from webapp.extensions import db
from webapp.sales.models import Purchase
from webapp.warnings import service as warnings

pytestmark = pytest.mark.browser


def workbook(world, amount_of_third: object) -> bytes:
    today = local_today()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户名称", "进货日期", "单号", "品种", "规格", "数量", "金额", "已结算"])
    sheet.append(
        [world.pujiang_name, today - timedelta(days=5), "CK-001", "钢材", "Q235", 10, 41000, 0]
    )
    sheet.append(
        [
            "杭州西湖新材料股份有限公司",
            (today - timedelta(days=200)).strftime("%Y/%m/%d"),
            "CK-002",
            "钢材",
            "Q235",
            5,
            20500,
            20500,
        ]
    )
    sheet.append(
        [
            world.pujiang_name,
            (today - timedelta(days=3)).strftime("%Y年%m月%d日"),
            "CK-003",
            "镀锌板",
            "0.8mm",
            2,
            amount_of_third,
            0,
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()  # fmt: skip


def upload(page, live_server, data: bytes, name: str) -> None:
    page.goto(live_server("/sales/imports"))
    page.locator("#import-form input[name=file]").set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
    )
    page.locator("#start-import").click()
    expect(page.locator("#batch-counts")).to_be_visible()


def purchases(live_server) -> int:
    with live_server.app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Purchase))
        db.session.remove()
    return count


def test_import_fix_reimport_and_the_churn_warning(page, live_server, login, screenshot):
    world = live_server.world
    login(world.finance)

    upload(page, live_server, workbook(world, "四万"), "三月进货.xlsx")
    expect(page.locator("#count-new")).to_have_text("2")
    expect(page.locator("#count-bad")).to_have_text("1")
    bad = page.locator("#batch-rows tr.outcome-bad")
    expect(bad).to_have_count(1)
    expect(bad.locator("td").first).to_have_text("4")  # the spreadsheet's row number
    expect(bad).to_contain_text("金额")
    expect(bad).to_contain_text("四万")
    expect(page.locator("#download-bad-rows")).to_be_visible()
    screenshot(page, "sales-import-dry-run")
    assert purchases(live_server) == 0  # the dry run wrote nothing

    page.locator("#skip-errors").check()  # the row with an error is knowingly left out
    page.locator("#confirm-import").click()
    expect(page.locator("#batch-done")).to_be_visible()
    assert purchases(live_server) == 2

    upload(page, live_server, workbook(world, 8200), "三月进货-修正.xlsx")
    expect(page.locator("#count-new")).to_have_text("1")
    expect(page.locator("#count-same")).to_have_text("2")
    expect(page.locator("#count-bad")).to_have_text("0")
    page.locator("#confirm-import").click()
    expect(page.locator("#batch-done")).to_be_visible()
    assert purchases(live_server) == 3
    screenshot(page, "sales-import-done")

    with live_server.app.app_context():
        warnings.evaluate()  # what cron runs: flask warnings run
        db.session.remove()

    page.context.clear_cookies()
    login(world.east_manager)
    page.goto(live_server("/"))
    home = page.locator("#home-warnings")
    row = home.locator("li.warning-item[data-rule=churn]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(world.xihu_short)
    expect(home.locator("li.warning-item", has_text=world.pujiang_short)).to_have_count(0)
    screenshot(page, "sales-home-warning")
    row.locator("input[name=note]").fill("本周上门拜访了解原因")
    row.locator("button[value=acknowledge]").click()
    expect(row.locator(".warning-status")).not_to_have_class("badge badge-red warning-status")
    expect(row.locator(".warning-note")).to_have_text("本周上门拜访了解原因")
    expect(row.locator("button[value=acknowledge]")).to_have_count(0)

    page.goto(live_server(f"/accounts/{world.xihu_id}?tab=records"))
    expect(page.locator("#records-purchases")).to_contain_text("CK-002")
