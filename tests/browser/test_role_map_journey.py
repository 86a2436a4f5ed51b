"""Journey (issue 15, part A): the account manager opens an account whose decision map shows a
gap (no coach) → adds a coach reporting to the technical gatekeeper → draws an influence line
from the coach to the decision maker → the warning disappears → downloads the account plan PDF
and finds the people of the map in it. At 1440 and 390 px; on a phone nothing scrolls sideways
but the map's own box."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.unit.documents_support import pdf_text, squeeze
from webapp.accounts.models import BuyingRole, Contact, DecisionStyle, Personality, Stance
from webapp.extensions import db

pytestmark = pytest.mark.browser


def seed_people(live_server) -> None:
    with live_server.app.app_context():
        account_id = live_server.world.pujiang_id
        boss = Contact(
            account_id=account_id,
            name="陈总",
            title="总经理",
            buying_role=BuyingRole.DECISION_MAKER,
            stance=Stance.NEUTRAL,
            personality=Personality.TIGER,
            decision_style=DecisionStyle.LEADER,
        )
        db.session.add(boss)
        db.session.flush()
        db.session.add(
            Contact(
                account_id=account_id,
                name="李工",
                title="技术部长",
                buying_role=BuyingRole.TECHNICAL,
                stance=Stance.SUPPORT,
                reports_to_id=boss.id,
            )
        )
        db.session.commit()
        db.session.remove()  # fmt: skip


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1440, 390])
def test_coach_closes_the_gap_and_the_plan_shows_the_map(
    page, live_server, login, screenshot, tmp_path, width
):
    world = live_server.world
    live_server.app.config["DOCUMENT_DIR"] = str(tmp_path / "documents")
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    seed_people(live_server)
    login(world.east_manager)

    page.goto(live_server(f"/accounts/{world.pujiang_id}?tab=map"))
    tab = page.locator("#account-map")
    expect(tab.locator("#coverage-gaps")).to_contain_text("尚无内线")
    expect(tab.locator("svg.role-map-svg")).to_contain_text("陈总")
    expect(tab.locator("#approach-guide")).to_contain_text("简单、直接")  # the leader's advice
    expect(tab.locator("#person-1")).to_contain_text("直接约见本人")  # tiger + leader
    no_sideways_scroll(page)
    screenshot(page, f"role-map-gap-{width}")

    # a coach reporting to the technical gatekeeper, through the contacts tab
    page.goto(live_server(f"/accounts/{world.pujiang_id}?tab=contacts"))
    page.locator("#account-contacts a.btn", has_text="添加联系人").click()
    form = page.locator("#contact-form")
    form.locator("#name").fill("小周")
    form.locator("#buying_role").select_option(label="内线")
    form.locator("#stance").select_option(label="支持")
    form.locator("#reports_to_id").select_option(label="李工")
    form.locator("button[type=submit]").click()
    expect(page.locator("#account-contacts")).to_contain_text("小周")

    # the influence line from the coach to the decision maker
    page.goto(live_server(f"/accounts/{world.pujiang_id}?tab=map"))
    influence = page.locator("#influence-form")
    influence.locator("#from_contact_id").select_option(label="小周 · 内线")
    influence.locator("#to_contact_id").select_option(label="陈总 · 决策者")
    influence.locator("#note").fill("同乡，常一起打球")
    influence.locator("#add-influence").click()
    tab = page.locator("#account-map")
    expect(tab.locator("#coverage-complete")).to_be_visible()
    expect(tab.locator("#coverage-gaps")).to_have_count(0)
    expect(tab.locator("#influence-lines")).to_contain_text("同乡")
    expect(tab.locator("svg.role-map-svg path.influence")).to_have_count(1)
    no_sideways_scroll(page)
    screenshot(page, f"role-map-covered-{width}")

    # the account plan, with the map in it
    with page.expect_download(timeout=60_000) as download:
        tab.locator("#documents-panel #download-pdf").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF-") and path.name.startswith("大客户开发计划书-")
    text = squeeze(pdf_text(pdf))
    for words in ("决策地图", "陈总", "李工", "小周", "同乡，常一起打球", "角色覆盖"):
        assert words in text
