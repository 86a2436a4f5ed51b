"""Journeys at phone (390 × 844) and desktop (1440 × 900) width: no page scrolls sideways, the
top bar collapses behind its menu button, tables become cards, the skip link and focus work
from the keyboard, every role's home page shows its boxes, the client link's page and the
manager's copy button and QR code work.

Screenshots (KEYDESK_SCREENSHOTS=1) of each role's home, the inbox and the client page at
390 px go to screenshots/layout-*.png."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD_HASH
from webapp.accounts.models import Visit
from webapp.approvals import service as approvals
from webapp.approvals.models import RequestType
from webapp.auth.models import Role, User
from webapp.common.timeutil import local_today
from webapp.contracts import lines as line_rules
from webapp.extensions import db
from webapp.notifications import tokens as mail_tokens
from webapp.proposals import branding
from webapp.proposals import links as link_tokens
from webapp.proposals import service as proposals
from webapp.warnings.models import EarlyWarning, RuleKey

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1440, "height": 900}
OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(autouse=True)
def document_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KEYDESK_DOCUMENT_DIR", str(tmp_path / "documents"))


@dataclass(frozen=True)
class Extra:
    """What these journeys add to the seeded world."""

    request_id: int
    second_request_id: int
    proposal_id: int
    client_path: str  # /p/<token>
    confirm_path: str  # /mail/decide/<token>


def _add_world(live_server) -> Extra:
    world = live_server.world
    with live_server.app.test_request_context():
        users = {u.username: u for u in db.session.scalars(db.select(User))}
        manager = users[world.east_manager]
        manager.phone = "138 1234 5678"
        db.session.add_all(
            [
                User(
                    username="zhaomin",
                    full_name="赵敏",
                    role=Role.EXECUTIVE,
                    password_hash=PASSWORD_HASH,
                ),
                User(
                    username="liuyang",
                    full_name="刘洋",
                    role=Role.CUSTODIAN,
                    password_hash=PASSWORD_HASH,
                ),
            ]
        )
        today = local_today()
        for days, step in (
            (1, "送样品到采购部并确认规格参数"),
            (-2, "补交报价单"),
            (4, "约总经理面谈"),
        ):
            db.session.add(
                Visit(
                    account_id=world.pujiang_id,
                    user_id=manager.id,
                    kind="visit",
                    visited_on=today - timedelta(days=10),
                    summary="拜访采购部",
                    next_step=step,
                    next_date=today + timedelta(days=days),
                )
            )
        db.session.add(
            EarlyWarning(
                rule=RuleKey.ARREARS_OVER_LIMIT,
                account_id=world.pujiang_id,
                figures={"arrears_fen": 96000000, "limit_fen": 80000000},
                assignee_role=Role.FINANCE,
            )
        )
        db.session.commit()
        support = {"support_kind": "seminar", "content": "举办产品技术研讨会", "amount": "12000"}
        first = approvals.file_request(
            manager, world.pujiang_id, RequestType.SUPPORT, dict(support)
        )
        second = approvals.file_request(
            manager, world.xihu_id, RequestType.SUPPORT, {**support, "amount": "8000"}
        )
        raw, _row = mail_tokens.issue(users[world.east_supervisor], first.steps[0], "approve")
        rows = line_rules.parse_lines(
            {
                "lines-0-product": "数控车床主轴（高精度型，含安装调试与一年质保）",
                "lines-0-brand": "浦江",
                "lines-0-spec": "PJ-200/φ80×1250mm",
                "lines-0-unit": "台",
                "lines-0-quantity": "2",
                "lines-0-unit_price": "38000",
            }
        )
        proposal = proposals.create_proposal(
            manager,
            world.pujiang_id,
            proposals.ProposalInput(
                values={
                    "title": "浦江精密 数控车床升级合作方案",
                    "client_needs": "老旧车床精度不足，希望三个月内完成升级。",
                    "solution": "更换 PJ-200 主轴并提供安装调试服务。",
                    "team_manager": "张伟",
                },
                valid_until=today + timedelta(days=30),
                rows=rows,
            ),
        )
        link = proposals.create_link(manager, proposal.id, branding.company_branding(), days=14)
        db.session.commit()
        extra = Extra(
            request_id=first.id,
            second_request_id=second.id,
            proposal_id=proposal.id,
            client_path=f"/p/{link_tokens.token_for(link.key)}",
            confirm_path=f"/mail/decide/{raw}",
        )
        db.session.remove()
    return extra


@pytest.fixture
def extra(live_server) -> Extra:
    return _add_world(live_server)


def _fits(page, what: str) -> None:
    page.wait_for_load_state("networkidle")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page.evaluate(OVERFLOW), f"{what} scrolls sideways at {widths[1]} px: {widths[0]} px"


def _pages_of(world, extra: Extra) -> list[str]:
    account = f"/accounts/{world.pujiang_id}"
    tabs = [
        "profile",
        "contacts",
        "activities",
        "contracts",
        "requests",
        "proposals",
        "records",
        "complaints",
        "warnings",
        "evaluation",
        "history",
    ]
    return [
        "/",
        "/accounts/",
        *[f"{account}?tab={tab}" for tab in tabs],
        "/approvals/",
        f"/approvals/{extra.request_id}",
        "/notifications/",
        f"/proposals/{extra.proposal_id}",
        "/contracts/",
        "/next-steps",
        "/open-warnings?scope=team",
        "/accounts/new",
        f"{account}/requests/new/support",
        "/approvals/deputies",
        "/sales/imports",
    ]


@pytest.mark.parametrize("viewport", [PHONE, TABLET, DESKTOP], ids=["390", "768", "1440"])
def test_no_page_scrolls_sideways(page, live_server, login, extra, viewport, screenshot):
    world = live_server.world
    page.set_viewport_size(viewport)
    login(world.east_supervisor)
    for path in _pages_of(world, extra):
        page.goto(live_server(path))
        _fits(page, path)
    page.goto(live_server("/approvals/"))
    screenshot(page, f"layout-inbox-{viewport['width']}")
    # the pages without sign-in: the e-mail decision's confirm page and the client's proposal
    page.context.clear_cookies()
    for path in (extra.confirm_path, extra.client_path):
        response = page.goto(live_server(path))
        assert response.status == 200, path
        _fits(page, path)
    screenshot(page, f"layout-client-{viewport['width']}")


@pytest.mark.parametrize(
    ("username", "boxes"),
    [
        ("zhangwei", ["next-steps", "expiring", "plans", "my-requests", "warnings", "pipeline"]),
        ("lina", ["waiting", "overdue-below", "warnings", "next-steps", "plans", "pipeline"]),
        ("wangqiang", ["waiting", "overdue-below", "warnings", "next-steps", "plans", "pipeline"]),
        ("zhaomin", ["waiting", "overdue-below", "warnings", "pipeline"]),
        ("chenjing", ["credit-cosigns", "arrears", "imports", "warnings"]),
        ("liuyang", ["to-archive", "expiring"]),
    ],
)
def test_each_roles_home_fits_a_phone_and_its_boxes_lead_to_their_lists(
    page, live_server, login, extra, username, boxes, screenshot
):
    page.set_viewport_size(PHONE)
    login(username)
    page.goto(live_server("/"))
    sections = page.locator("#home-boxes > section")
    expect(sections).to_have_count(len(boxes))
    assert [s.get_attribute("id") for s in sections.all()] == [f"home-{b}" for b in boxes]
    _fits(page, f"home of {username}")
    screenshot(page, f"layout-home-{username}-390")
    first = page.locator("#home-boxes .view-all").first
    first.click()
    page.wait_for_load_state("networkidle")
    assert page.url != live_server("/")
    expect(page.locator("h1")).to_be_visible()
    _fits(page, f"first full list of {username}")


def test_week_box_lists_this_weeks_steps_and_links_to_the_overdue_ones(
    page, live_server, login, extra
):
    login(live_server.world.east_manager)
    box = page.locator("#home-next-steps")
    expect(box).to_contain_text("送样品到采购部并确认规格参数")
    expect(box).to_contain_text("约总经理面谈")
    expect(box).not_to_contain_text("补交报价单")
    box.get_by_role("link", name="另有 1 项下一步行动已超期").click()
    expect(page.locator("#next-step-results")).to_contain_text("补交报价单")
    expect(page.locator("#next-step-results")).to_contain_text("已超期 2 天")


def test_top_bar_collapses_behind_the_menu_button_on_a_phone(page, live_server, login, extra):
    page.set_viewport_size(PHONE)
    login(live_server.world.east_supervisor)
    nav = page.locator(".mainnav")
    toggle = page.locator(".menu-toggle")
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    brand_box = page.locator(".topbar .brand").bounding_box()
    assert brand_box["height"] < 40  # one line, not a column of single characters
    bar = page.locator(".topbar").bounding_box()
    assert bar["height"] < 110  # the brand row and the search box below it, nothing more
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    nav.get_by_role("link", name="审批").click()
    page.wait_for_url(live_server("/approvals/"))
    expect(page.locator(".mainnav")).to_be_hidden()
    page.keyboard.press("Escape")
    # at desktop width the navigation is always there and the button is not
    page.set_viewport_size(DESKTOP)
    expect(page.locator(".mainnav")).to_be_visible()
    expect(page.locator(".menu-toggle")).to_be_hidden()


def test_inbox_rows_are_cards_with_labels_on_a_phone(page, live_server, login, extra):
    page.set_viewport_size(PHONE)
    login(live_server.world.east_supervisor)
    page.goto(live_server("/approvals/"))
    row = page.locator(f"#request-row-{extra.request_id}")
    figures_cell = row.locator("td").nth(3)  # the approver's key figures, under their name
    assert figures_cell.get_attribute("data-label") == "关键数据"
    label = figures_cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert label == '"关键数据"'
    box = row.bounding_box()
    assert box["width"] <= 390 and box["x"] >= 0


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, live_server, login):
    login(live_server.world.east_manager)
    page.goto(live_server("/accounts/"))
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_after_an_in_row_decision_focus_moves_to_the_next_waiting_row(
    page, live_server, login, extra
):
    login(live_server.world.east_supervisor)
    page.goto(live_server("/approvals/"))
    rows = page.locator("#inbox-rows tbody tr")
    expect(rows).to_have_count(2)
    second_id = rows.nth(1).get_attribute("id")
    rows.first.locator("button[value=approve]").focus()
    page.keyboard.press("Enter")
    # the decided row no longer offers a decision …
    expect(page.locator("#inbox-rows tbody tr").first.locator("form")).to_have_count(0)
    # … and the keyboard user goes on in the next waiting row, not at the top of the page
    focused_row = page.evaluate(
        "() => { const a = document.activeElement;"
        " return a && a.closest('tr') ? a.closest('tr').id : null; }"
    )
    assert focused_row == second_id


def test_manager_copies_the_client_link_and_sees_its_qr_code(page, live_server, login, extra):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size(PHONE)
    login(live_server.world.east_manager)
    page.goto(live_server(f"/proposals/{extra.proposal_id}"))
    qr = page.locator("#link-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert 100 <= box["width"] <= 200  # big enough to scan from the screen
    page.locator("#copy-link").click()
    expect(page.locator("#link-share .copy-status")).to_have_text("链接已复制。")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == live_server(extra.client_path)
    _fits(page, "proposal page")


def test_client_opens_the_link_and_an_expired_one_names_the_manager(
    browser, page, live_server, login, extra, screenshot
):
    client = browser.new_context(
        locale="zh-CN",
        viewport=PHONE,
        user_agent=(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI"
        ),
    )
    phone = client.new_page()
    try:
        phone.goto(live_server(extra.client_path))
        expect(phone.locator("#proposal-document")).to_contain_text("数控车床升级合作方案")
        _fits(phone, "client page")
        screenshot(phone, "layout-client-page-390")

        login(live_server.world.east_manager)
        page.goto(live_server(f"/proposals/{extra.proposal_id}"))
        opened = page.locator("#link-opens .ua").first
        expect(opened).to_have_text("微信 8.0.44 · iOS 17.1 · iPhone")
        assert "MicroMessenger/8.0.44" in opened.get_attribute("title")
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("#link-rows button.danger").first.click()
        expect(page.locator("#link-qr")).to_have_count(0)

        response = phone.goto(live_server(extra.client_path))
        assert response.status == 410
        expect(phone.locator("#link-invalid")).to_be_visible()
        expect(phone.locator("#link-contact")).to_contain_text("张伟")
        expect(phone.locator("#contact-phone")).to_have_text("138 1234 5678")
        _fits(phone, "invalid-link page")
        screenshot(phone, "layout-client-invalid-390")
    finally:
        client.close()
