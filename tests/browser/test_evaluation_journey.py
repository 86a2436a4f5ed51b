"""Journey: the account manager opens a signed account, switches to its Evaluation tab (score,
grade, chart and recommendations), tries a period that ends in the future (refused next to the
field), chooses a valid one, then generates the cooperation-evaluation report and opens the
PDF: a real PDF naming the account."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.unit.documents_support import pdf_text, squeeze
from webapp.accounts.models import Account, Stage
from webapp.common.timeutil import local_today
from webapp.extensions import db
from webapp.sales.models import Payment, Purchase, SalesPlan
from webapp.sales.service import add_months, month_start

pytestmark = pytest.mark.browser


def sign_the_account(live_server) -> None:
    """Pujiang goes into maintenance with a plan, a purchase and a payment last month."""
    world = live_server.world
    month = add_months(month_start(local_today()), -1)
    with live_server.app.app_context():
        account = db.session.get(Account, world.pujiang_id)
        account.stage = Stage.MAINTENANCE
        db.session.add_all(
            [
                SalesPlan(account_id=account.id, month=month, product="钢材", spec="Q235",
                          quantity=Decimal("10"), amount=Decimal("80000"), natural_key="bp1"),
                Purchase(account_id=account.id, purchased_on=month, product="钢材", spec="Q235",
                         quantity=Decimal("9"), amount=Decimal("72000"), natural_key="bu1"),
                Payment(account_id=account.id, paid_on=month, amount=Decimal("50000"),
                        natural_key="by1"),
            ]
        )  # fmt: skip
        db.session.commit()
        db.session.remove()


def test_manager_evaluates_a_signed_account_and_opens_the_report(
    page, live_server, login, screenshot, tmp_path
):
    world = live_server.world
    live_server.app.config["DOCUMENT_DIR"] = str(tmp_path / "documents")
    sign_the_account(live_server)

    login(world.east_manager)
    page.goto(live_server(f"/accounts/{world.pujiang_id}"))
    page.locator('nav.tabs [data-tab="evaluation"]').click()
    tab = page.locator("#account-evaluation")
    expect(tab).to_be_visible()
    expect(page).to_have_url(live_server(f"/accounts/{world.pujiang_id}?tab=evaluation"))
    expect(tab.locator("#evaluation-grade")).to_have_text(re.compile(r"^[ABCD]$"))
    expect(tab.locator("#evaluation-criteria")).to_contain_text("销售计划达成")
    expect(tab.locator("#evaluation-chart")).to_be_visible()
    expect(tab.locator("#evaluation-needs")).to_contain_text("内线")  # the coach is missing
    screenshot(page, "evaluation-tab")

    # a period ending in the future is refused next to the field, what was typed stays
    future = add_months(month_start(local_today()), 2)
    tab.locator("#evaluation-end").fill(f"{future:%Y-%m}")
    tab.locator("#evaluation-apply").click()
    expect(page.locator("#account-evaluation p.error")).to_have_text("评估期间不能截止于将来。")
    expect(page.locator("#evaluation-end")).to_have_value(f"{future:%Y-%m}")

    # a valid single month: last month, where the purchase lies (90 % of plan)
    last = add_months(month_start(local_today()), -1)
    page.locator("#evaluation-start").fill(f"{last:%Y-%m}")
    page.locator("#evaluation-end").fill(f"{last:%Y-%m}")
    page.locator("#evaluation-apply").click()
    expect(page.locator("#account-evaluation p.error")).to_have_count(0)
    expect(page.locator("#account-evaluation")).to_contain_text("1 个月")
    expect(page.locator("#evaluation-criteria")).to_contain_text("90.0")

    # generate the report and open the PDF
    panel = page.locator("#documents-panel")
    with page.expect_download(timeout=30_000) as download:
        panel.locator("#download-pdf").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF-") and path.suffix == ".pdf"
    assert path.name.startswith("合作评估报告-")
    text = squeeze(pdf_text(pdf))
    assert "合作评估报告" in text
    assert squeeze(world.pujiang_name) in text
    # the stored version is listed (reloaded: the panel's own refresh may beat a cold render)
    page.goto(live_server(f"/accounts/{world.pujiang_id}?tab=evaluation"))
    expect(page.locator("#document-versions tbody tr")).to_have_count(1)
    expect(page.locator("#document-versions")).to_contain_text("合作评估报告-浦江精密-")
    screenshot(page, "evaluation-report-generated")
