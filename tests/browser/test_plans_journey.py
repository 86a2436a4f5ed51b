"""Journey (issue 15, must-haves 3 and 6): open an account → add a service plan item for a
contact → it is on the owner's home page and in the calendar feed (fetched without a session and
parsed) → file an attack plan with an expense plan (a negative amount is refused first) →
supervisor, department head and, over the threshold, the executive approve → the approved
actions are tasks the owner moves on. At 1440 and 390 px, with no sideways scrolling."""

from __future__ import annotations

import re
import urllib.request
from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from playwright.sync_api import expect

from tests.conftest import PASSWORD_HASH
from webapp.accounts.models import BuyingRole, Contact
from webapp.auth.models import Role, User
from webapp.common.timeutil import local_today
from webapp.extensions import db

pytestmark = pytest.mark.browser

ACTION = "向周总汇报节能改造方案"
TASK = "组织技术交流会"


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def prepare(live_server) -> str:
    """A contact on the account and an executive (the browser world has neither)."""
    with live_server.app.app_context():
        db.session.add(
            Contact(
                account_id=live_server.world.pujiang_id,
                name="周总",
                buying_role=BuyingRole.DECISION_MAKER,
            )
        )
        db.session.add(
            User(
                username="zhaomin",
                full_name="赵敏",
                role=Role.EXECUTIVE,
                password_hash=PASSWORD_HASH,
            )
        )
        db.session.commit()
        db.session.remove()
    return "zhaomin"


@pytest.mark.parametrize("width", [1440, 390])
def test_service_plan_to_calendar_and_attack_plan_to_tasks(
    page, live_server, login, screenshot, width
):
    world = live_server.world
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    executive = prepare(live_server)
    login(world.east_manager)

    # a service plan item for the contact
    page.goto(live_server(f"/accounts/{world.pujiang_id}?tab=plans"))
    form = page.locator("#plan-item-form")
    form.locator("select[name=contact_id]").select_option(label="周总")
    form.locator("select[name=owner_id]").select_option(label="张伟")
    form.locator("input[name=goal]").fill("让决策者认可节能价值")
    form.locator("input[name=method]").fill("高层拜访")
    form.locator("input[name=action]").fill(ACTION)
    form.locator("select[name=frequency]").select_option("monthly")
    form.locator("input[name=due_on]").fill(local_today().isoformat())
    page.locator("#add-plan-item").click()
    expect(page.locator("#plan-items")).to_contain_text(ACTION)
    assert fits(page)
    screenshot(page, f"plans-tab-{width}")

    # on the owner's home page
    page.goto(live_server("/"))
    expect(page.locator("#home-plans")).to_contain_text(ACTION)
    assert fits(page)

    # in the calendar feed, read without any session
    page.goto(live_server("/calendar"))
    page.locator("#new-calendar-address").click()
    address = page.locator("#calendar-address").input_value()
    assert re.search(r"/calendar/[\w-]+\.ics$", address)
    assert fits(page)
    screenshot(page, f"plans-calendar-{width}")
    with urllib.request.urlopen(address) as answer:  # noqa: S310 (the live test server)
        assert answer.headers.get_content_type() == "text/calendar"
        events = Calendar.from_ical(answer.read()).walk("VEVENT")
    assert any(ACTION in str(e["SUMMARY"]) for e in events)

    # an attack plan with an expense plan; a negative amount is refused first
    page.goto(live_server(f"/accounts/{world.pujiang_id}?tab=plans"))
    page.locator("#new-attack-plan").click()
    form = page.locator("#attack-plan-form")
    form.locator("input[name=title]").fill("浦江二期节能改造攻关")
    form.locator("textarea[name=goals]").fill("年内签下二期改造合同")
    form.locator("textarea[name=simulation]").fill("我方方案节能 20%，回收期 2 年")
    form.locator("input[name=force-1-person]").fill("周总")
    form.locator("input[name=force-2-person]").fill("采购部李经理")
    form.locator("select[name=force-2-side]").select_option("against")
    form.locator("input[name=action-1-action]").fill(TASK)
    form.locator("select[name=action-1-owner_id]").select_option(label="张伟")
    form.locator("input[name=action-1-due_on]").fill(
        (local_today() + timedelta(days=3)).isoformat()
    )
    form.locator("input[name=expense-1-item]").fill("交流会场地与资料")
    form.locator("input[name=expense-1-amount]").fill("-500")
    page.locator("#file-attack-plan").click()
    expect(page.locator("#attack-plan-form .alert-error")).to_contain_text("不能为负数")
    form = page.locator("#attack-plan-form")
    expect(form.locator("input[name=action-1-action]")).to_have_value(TASK)  # nothing lost
    form.locator("input[name=expense-1-amount]").fill("60,000")
    assert fits(page)
    screenshot(page, f"plans-attack-form-{width}")
    page.locator("#file-attack-plan").click()
    page.wait_for_url(re.compile(r"/approvals/\d+$"))
    request_url = page.url
    number = page.locator("#request-number").inner_text()
    expect(page.locator("#attack-total")).to_contain_text("¥60,000.00")
    expect(page.locator("#attack-plan-substance")).to_contain_text("采购部李经理")
    assert fits(page)
    screenshot(page, f"plans-attack-request-{width}")

    def approve_from_inbox(username: str) -> None:
        page.context.clear_cookies()
        login(username)
        page.goto(live_server("/approvals/"))
        row = page.locator("#inbox-rows tr", has_text=number)
        expect(row).to_contain_text("¥60,000.00")
        row.locator("button[value=approve]").click()
        expect(page.locator("#inbox-rows tr.decided")).to_contain_text(number)

    approve_from_inbox(world.east_supervisor)
    approve_from_inbox(world.east_head)
    approve_from_inbox(executive)  # 60,000 is above the default 50,000 threshold

    # the approved actions are tasks the owner moves on
    page.context.clear_cookies()
    login(world.east_manager)
    page.goto(request_url)
    expect(page.locator("#request-status")).to_have_text("已批准")
    page.locator("#attack-plan-link").click()
    tasks = page.locator("#attack-task-rows")
    expect(tasks).to_contain_text(TASK)
    tasks.locator("input[name=percent]").fill("50")
    tasks.locator("button[type=submit]").click()
    expect(page.locator("#attack-progress")).to_have_text("50%")
    assert fits(page)
    screenshot(page, f"plans-attack-tasks-{width}")
    page.goto(live_server("/"))
    expect(page.locator("#home-plans")).to_contain_text(TASK)
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 1
        db.session.remove()
