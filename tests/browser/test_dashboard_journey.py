"""Journey (issue 16): the department head opens the dashboard, clicks the Pareto chart's 80 %
point and sees the clients that make 80 % of the revenue. At 1440 and 390 px: nothing sticks
out sideways, the chart has its table. The export step of the issue's journey (`?export=xlsx`
on this list, opened with openpyxl) is added by the export work on the same list address."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from webapp.common.timeutil import local_today
from webapp.extensions import db
from webapp.sales.models import Purchase

pytestmark = pytest.mark.browser


def buy(live_server) -> None:
    """This month: 浦江精密 buys 900, 西湖新材 100 → 浦江精密 alone makes 80 %."""
    world = live_server.world
    day = local_today() - timedelta(days=1) if local_today().day > 1 else local_today()
    with live_server.app.app_context():
        for n, (account_id, amount) in enumerate(
            ((world.pujiang_id, "900"), (world.xihu_id, "100"))
        ):
            db.session.add(
                Purchase(
                    account_id=account_id,
                    purchased_on=day,
                    product="钢材",
                    quantity=Decimal("1"),
                    amount=Decimal(amount),
                    natural_key=f"journey-{n}",
                )
            )
        db.session.commit()
        db.session.remove()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1440, 390])
def test_head_follows_the_80_percent_point_to_the_client_list(
    page, live_server, login, screenshot, width
):
    world = live_server.world
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    buy(live_server)
    login(world.east_head)
    page.goto(live_server("/"))
    if width < 500:  # the top bar's menu is folded behind its button on a phone
        page.locator(".menu-toggle").click()
    page.locator("nav a", has_text="数据看板").first.click()
    expect(page.locator("h1")).to_have_text("数据看板")
    pareto = page.locator("#figure-pareto")
    expect(pareto.locator("svg title").first).to_have_text("客户销售额分布（80/20）")
    expect(pareto.locator("table")).to_contain_text("贡献 80%")
    assert fits(page)
    screenshot(page, f"dashboard-{width}")

    pareto.locator("a.pareto-point circle").click()
    expect(page).to_have_url(live_server("/dashboard/list/pareto") + "?" + page.url.split("?")[1])
    rows = page.locator("#drill-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(world.pujiang_short)
    expect(page.locator("#drill-list")).not_to_contain_text(world.xihu_short)
    assert fits(page)
    screenshot(page, f"dashboard-pareto-list-{width}")

    rows.first.locator("a").click()
    expect(page).to_have_url(live_server(f"/accounts/{world.pujiang_id}"))
