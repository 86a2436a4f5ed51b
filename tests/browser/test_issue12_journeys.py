"""Journeys of issue 12 in a real browser, at 1440 px and at 390 px: a double-clicked visit is
saved once and the form comes back empty; an incomplete contract names every missing field,
each link leads to its field, and once complete it is submitted; a purchases file with 是/否 in
已结算 is imported."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from webapp.accounts.models import Visit
from webapp.common.timeutil import local_today
from webapp.contracts.models import Contract, ContractStatus
from webapp.extensions import db
from webapp.sales.models import Purchase

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


def fits(page) -> None:
    """Nothing sticks out sideways (the page scrolls down only)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def stored(app, query):
    with app.app_context():
        try:
            return query()
        finally:
            db.session.remove()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_double_clicked_visit_is_saved_once_and_the_form_resets(
    page, live_server, login, screenshot, width
):
    page.set_viewport_size(WIDTHS[width])
    world = live_server.world
    login(world.east_manager)
    page.goto(live_server(f"/accounts/{world.pujiang_id}?tab=activities"))
    form = page.locator("#visit-form")
    expect(form.locator("input[name=visited_on]")).to_have_value(local_today().isoformat())
    form.locator("select[name=kind]").select_option("meeting")
    form.locator("textarea[name=summary]").fill("面谈年度采购计划")
    form.locator("input[name=next_step]").fill("寄送样品")
    form.locator("button[type=submit]").dblclick()

    timeline = page.locator("#account-activities .timeline li")
    expect(timeline).to_have_count(1)
    expect(timeline.first).to_contain_text("面谈年度采购计划")
    form = page.locator("#visit-form")  # the swapped-in form: empty, today's date, a new key
    expect(form.locator("textarea[name=summary]")).to_have_value("")
    expect(form.locator("input[name=next_step]")).to_have_value("")
    expect(form.locator("input[name=visited_on]")).to_have_value(local_today().isoformat())
    fits(page)
    screenshot(page, f"i12-visit-saved-once-{width}")
    assert (
        stored(
            live_server.app,
            lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Visit)),
        )
        == 1
    )

    # a second visit from the reset form is a new one
    form.locator("textarea[name=summary]").fill("电话回访")
    form.locator("button[type=submit]").click()
    expect(page.locator("#account-activities .timeline li")).to_have_count(2)

    page.goto(live_server(f"/accounts/{world.pujiang_id}?tab=history"))
    history = page.locator("#account-history")
    expect(history.locator(".history-item")).to_have_count(2)
    expect(history).to_contain_text("面谈")
    fits(page)
    screenshot(page, f"i12-history-{width}")


def fill_field(page, name: str) -> None:
    """Give a field the checklist names a sensible value, whatever kind of input it is."""
    field = page.locator(f"#contract-form [name={name}]")
    tag = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
    if tag.startswith("select"):
        field.select_option(index=1)
    elif tag == "input:date":
        field.fill(date(local_today().year, 12, 31).isoformat())
    else:
        field.fill(f"测试{name}")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_an_incomplete_contract_names_every_missing_field_then_is_submitted(
    page, live_server, login, screenshot, width
):
    page.set_viewport_size(WIDTHS[width])
    world = live_server.world
    login(world.east_manager)
    page.goto(live_server(f"/accounts/{world.pujiang_id}/contracts/new"))
    form = page.locator("#contract-form")
    checklist = page.locator("#contract-checklist")
    expect(checklist).to_contain_text("还缺")
    expect(form.locator(".field.needed label[for=delivery_place]")).to_be_visible()
    for name, value in (("product", "冷轧钢板"), ("unit", "吨"), ("quantity", "10"),
                        ("unit_price", "4500")):  # fmt: skip
        form.locator(f"input[name=lines-0-{name}]").fill(value)
    # the live checklist follows the typing: the line items group is no longer missing
    expect(checklist.locator('a[href="#clause-subject"] + .checklist-ok')).to_be_visible()
    fits(page)
    screenshot(page, f"i12-contract-new-{width}")

    page.locator("#submit-contract").click()
    page.wait_for_url(re.compile(r"/contracts/\d+/edit\?check=1$"))
    contract_id = int(re.search(r"/contracts/(\d+)/edit", page.url).group(1))
    problems = page.locator("#submit-problems")
    expect(problems).to_be_visible()
    links = problems.locator("a")
    names = [
        href.lstrip("#")
        for href in links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    ]  # noqa: E501
    assert len(names) >= 10 and "client_signing_rep" in names
    fits(page)
    screenshot(page, f"i12-contract-missing-{width}")

    for name in names:
        link = page.locator(f'#submit-problems a[href="#{name}"]')
        link.click()
        expect(page).to_have_url(re.compile(f"#{name}$"))
        target = page.locator(f"#{name}")
        expect(target).to_be_in_viewport()  # the link leads to the field
        fill_field(page, name)
    expect(checklist).to_contain_text("已填写完整")
    screenshot(page, f"i12-contract-complete-{width}")

    page.locator("#submit-contract").click()
    page.wait_for_url(re.compile(rf"/contracts/{contract_id}$"))
    expect(page.locator("#contract-stage")).to_have_text("审批中")
    status = stored(live_server.app, lambda: db.session.get(Contract, contract_id).status)
    assert status is ContractStatus.IN_APPROVAL


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_purchases_file_with_yes_no_settled_is_imported(
    page, live_server, login, screenshot, width, tmp_path
):
    page.set_viewport_size(WIDTHS[width])
    world = live_server.world
    tax = stored(
        live_server.app,
        lambda: db.session.execute(
            sa.text("select tax_number from accounts where id = :i"), {"i": world.pujiang_id}
        ).scalar(),
    )
    upload = tmp_path / "进货.csv"
    upload.write_text(
        "税号,进货日期,单号,品种,规格,数量,进货金额,已结算\n"
        f"{tax},2026-03-05,CK-1,冷轧钢板,1.0mm,10,45000,是\n"
        f"{tax},2026-03-06,CK-2,镀锌卷,0.5mm,2,11560,否\n"
        f"{tax},2026-03-07,CK-3,包装费,,3,99.99,Y\n",
        encoding="utf-8",
    )
    login(world.finance)
    page.goto(live_server("/sales/imports"))
    expect(page.locator("#template-purchase")).to_be_visible()
    page.locator("input[name=file]").set_input_files(str(upload))
    page.locator("#start-import").click()
    page.wait_for_url(re.compile(r"/sales/imports/\d+$"))
    expect(page.locator("#batch-verdict")).to_contain_text("3 行可以导入")
    rows = page.locator("#batch-rows tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text(world.pujiang_name)
    expect(rows.first).to_contain_text("冷轧钢板 1.0mm")
    expect(rows.first).to_contain_text("¥45,000.00")
    fits(page)
    screenshot(page, f"i12-import-dry-run-{width}")
    page.locator("#confirm-import").click()
    expect(page.locator("#batch-done")).to_be_visible()
    settled = stored(
        live_server.app,
        lambda: dict(db.session.execute(sa.select(Purchase.document_no, Purchase.settled)).all()),
    )
    assert {k: str(v) for k, v in settled.items()} == {
        "CK-1": "45000.00",
        "CK-2": "0.00",
        "CK-3": "99.99",
    }
    page.goto(live_server(f"/accounts/{world.pujiang_id}?tab=records"))
    expect(page.locator("#records-reconciliation")).to_contain_text("¥11,560.00")
    fits(page)
    screenshot(page, f"i12-records-{width}")
