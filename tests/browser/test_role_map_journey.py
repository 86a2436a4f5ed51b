"""Journey (issue 15 item 8), in one go as the issue tells it: the account manager opens an
account whose decision map shows a gap (no coach) → adds a coach reporting to the technical
gatekeeper → draws an influence line from the coach to the decision maker → the warning
disappears → adds a service plan item → files an attack plan with an expense plan → the
supervisor and the department head approve it (below the executive's threshold) → the manager
downloads the account plan PDF and finds the map in it (the drawing, its people and lines),
beside the service plan and the approved attack plan. At 1440 and 390 px; on a phone nothing
scrolls sideways but the map's own box.

(test_plans_journey.py follows the plans further: the calendar feed, a refused amount, the
executive's approval over the threshold and the tasks' progress.)"""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.unit.documents_support import pdf_text, squeeze
from webapp.accounts.models import BuyingRole, Contact, DecisionStyle, Personality, Stance
from webapp.common.timeutil import local_today
from webapp.extensions import db

pytestmark = pytest.mark.browser

SERVICE_ACTION = "每月向陈总汇报节能数据"
ATTACK_TITLE = "浦江二期节能改造攻关"


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


def drawn_images(path) -> int:
    """How many images the PDF draws (poppler's pdfimages)."""
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return len(listing.splitlines()) - 2  # two header lines


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1440, 390])
def test_from_the_coach_gap_to_the_approved_plan_and_the_account_plan_pdf(
    page, live_server, login, screenshot, tmp_path, width
):
    world = live_server.world
    live_server.app.config["DOCUMENT_DIR"] = str(tmp_path / "documents")
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    seed_people(live_server)
    login(world.east_manager)
    account_url = live_server(f"/accounts/{world.pujiang_id}")

    # 1. the map shows the gap: no coach
    page.goto(f"{account_url}?tab=map")
    tab = page.locator("#account-map")
    expect(tab.locator("#coverage-gaps")).to_contain_text("尚无内线")
    expect(tab.locator("svg.role-map-svg")).to_contain_text("陈总")
    expect(tab.locator("#approach-guide")).to_contain_text("简单、直接")  # the leader's advice
    expect(tab.locator("#person-1")).to_contain_text("直接约见本人")  # tiger + leader
    no_sideways_scroll(page)
    screenshot(page, f"role-map-gap-{width}")

    # 2. a coach reporting to the technical gatekeeper, through the contacts tab, where each
    # person's advice sits on their row
    page.goto(f"{account_url}?tab=contacts")
    contacts = page.locator("#account-contacts")
    expect(contacts.locator("tr", has_text="陈总").locator("details.advice")).to_contain_text(
        "直接约见本人"
    )
    contacts.locator("a.btn", has_text="添加联系人").click()
    form = page.locator("#contact-form")
    form.locator("#name").fill("小周")
    form.locator("#buying_role").select_option(label="内线")
    form.locator("#stance").select_option(label="支持")
    form.locator("#reports_to_id").select_option(label="李工")
    form.locator("button[type=submit]").click()
    expect(page.locator("#account-contacts")).to_contain_text("小周")
    no_sideways_scroll(page)
    screenshot(page, f"role-map-contacts-{width}")

    # 3. the influence line from the coach to the decision maker: the warning disappears
    page.goto(f"{account_url}?tab=map")
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

    # 4. a service plan item for the decision maker
    page.goto(f"{account_url}?tab=plans")
    form = page.locator("#plan-item-form")
    form.locator("select[name=contact_id]").select_option(label="陈总")
    form.locator("select[name=owner_id]").select_option(label="张伟")
    form.locator("input[name=goal]").fill("让决策者认可节能价值")
    form.locator("input[name=method]").fill("高层拜访")
    form.locator("input[name=action]").fill(SERVICE_ACTION)
    form.locator("select[name=frequency]").select_option("monthly")
    form.locator("input[name=due_on]").fill(local_today().isoformat())
    page.locator("#add-plan-item").click()
    expect(page.locator("#plan-items")).to_contain_text(SERVICE_ACTION)
    no_sideways_scroll(page)

    # 5. an attack plan with an expense plan, below the executive's threshold (¥50,000)
    page.locator("#new-attack-plan").click()
    form = page.locator("#attack-plan-form")
    form.locator("input[name=title]").fill(ATTACK_TITLE)
    form.locator("textarea[name=goals]").fill("年内签下二期改造合同")
    form.locator("textarea[name=simulation]").fill("我方方案节能 20%，回收期 2 年")
    form.locator("input[name=force-1-person]").fill("小周")
    form.locator("input[name=action-1-action]").fill("组织技术交流会")
    form.locator("select[name=action-1-owner_id]").select_option(label="张伟")
    form.locator("input[name=action-1-due_on]").fill(local_today().isoformat())
    form.locator("input[name=expense-1-item]").fill("交流会场地与资料")
    form.locator("input[name=expense-1-amount]").fill("30,000")
    no_sideways_scroll(page)
    page.locator("#file-attack-plan").click()
    page.wait_for_url(re.compile(r"/approvals/\d+$"))
    request_url = page.url
    number = page.locator("#request-number").inner_text()
    expect(page.locator("#attack-total")).to_contain_text("¥30,000.00")

    # 6. the supervisor and the department head approve it
    for approver in (world.east_supervisor, world.east_head):
        page.context.clear_cookies()
        login(approver)
        page.goto(live_server("/approvals/"))
        row = page.locator("#inbox-rows tr", has_text=number)
        expect(row).to_contain_text("¥30,000.00")
        row.locator("button[value=approve]").click()
        expect(page.locator("#inbox-rows tr.decided")).to_contain_text(number)
        no_sideways_scroll(page)
    page.context.clear_cookies()
    login(world.east_manager)
    page.goto(request_url)
    expect(page.locator("#request-status")).to_have_text("已批准")

    # 7. the account plan PDF, with the map in it
    page.goto(f"{account_url}?tab=map")
    with page.expect_download(timeout=60_000) as download:
        page.locator("#account-map #documents-panel #download-pdf").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF-") and path.name.startswith("大客户开发计划书-")
    # the text in the order it is drawn: a cell's or a caption's words together, not mixed
    # with the column beside them as a page-layout reading would
    drawn_order = squeeze(pdf_text(pdf, raw=True))
    assert "图决策地图（实线：汇报关系；虚线箭头：影响关系）" in drawn_order  # the caption
    assert drawn_images(path) >= 1  # ... and the drawing
    for words in (
        "陈总",
        "李工",
        "小周",
        "同乡，常一起打球",
        "角色覆盖",
        SERVICE_ACTION,
        ATTACK_TITLE,
    ):
        assert words in drawn_order
