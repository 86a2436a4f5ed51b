"""Journeys: search `hdjt` from the top bar (the htmx listbox, arrow key, Enter) → the account
华东集团; export the account list to .xlsx from its Export menu and read the file with openpyxl
(Chinese headers, money numeric with two decimals, a date cell, formula-looking text kept as
text); save the filtered list as a view and open it from 我的视图. At 1440 and 390 px."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import _account
from webapp.auth.models import User
from webapp.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def huadong(live_server):
    with live_server.app.app_context():
        zhang = db.session.scalar(sa.select(User).where(User.username == "zhangwei"))
        account = _account(
            301,
            "=华东集团有限公司",  # a name that looks like a formula stays text in the export
            "华东集团",
            zhang,
            credit_limit=Decimal("1234567.50"),
        )
        db.session.add(account)
        db.session.commit()
        return account.id


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1440, 390])
def test_search_hdjt_from_the_top_bar_opens_the_account(
    page, live_server, login, huadong, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    login("zhangwei")
    box = page.locator("#global-search")  # outside the collapsed menu: visible on phones too
    box.fill("hdjt")
    option = page.locator("#search-popup [role=option]").first
    expect(option).to_contain_text("华东集团")
    expect(box).to_have_attribute("aria-expanded", "true")
    screenshot(page, f"find16-search-{width}")
    _no_sideways_scroll(page)
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url(f"**/accounts/{huadong}**")
    expect(page.locator("h1")).to_contain_text("华东集团")


@pytest.mark.parametrize("width", [1440, 390])
def test_export_the_account_list_and_save_it_as_a_view(
    page, live_server, login, huadong, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    login("zhangwei")
    page.goto(live_server("/accounts/?sort=name"))
    page.locator(".export-menu summary").click()
    screenshot(page, f"find16-export-menu-{width}")
    _no_sideways_scroll(page)
    with page.expect_download() as info:
        page.locator(".export-menu a", has_text="xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = list(sheet.iter_rows())
    headers = [c.value for c in rows[1]]
    assert headers[:3] == ["标准名称", "简称", "信用代码"]
    row = next(r for r in rows[2:] if r[1].value == "华东集团")
    cells = dict(zip(headers, row, strict=True))
    assert cells["标准名称"].value == "'=华东集团有限公司"
    assert cells["标准名称"].data_type == "s"
    assert cells["授信额度"].value == 1234567.5
    assert cells["授信额度"].number_format == "#,##0.00"
    assert cells["创建时间"].is_date and isinstance(cells["创建时间"].value, datetime)

    page.locator(".export-menu summary").click()  # close it
    page.locator(".save-view summary").click()
    page.locator("#save-view-name").fill("按名称排序")
    page.locator(".save-view button[type=submit]").click()
    expect(page.locator("#flash")).to_contain_text("按名称排序")
    if width < 900:
        page.locator(".menu-toggle").click()
    page.locator(".navmenu summary").click()
    page.locator(".navmenu-items a", has_text="按名称排序").click()
    page.wait_for_url("**/accounts/?**sort=name**")
    _no_sideways_scroll(page)
