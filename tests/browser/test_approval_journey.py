"""Journey: a manager files a credit adjustment; the supervisor reviews it from the inbox without
a reload, finance co-signs, the department head approves; the account then shows the new grade
and limit with the history entry, and the applicant sees the outcome."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_credit_adjustment_from_filing_to_the_new_limit(page, live_server, login, screenshot):
    world = live_server.world
    login(world.east_manager)
    page.goto(live_server(f"/accounts/{world.pujiang_id}?tab=requests"))
    page.locator("#new-credit-request").click()
    form = page.locator("#request-form")
    form.locator("select[name=proposed_grade]").select_option("green")
    form.locator("input[name=proposed_limit]").fill("1,500,000")
    form.locator("input[name=basis]").fill("近 12 个月采购 420 万元，回款均按期")
    form.locator("textarea[name=content]").fill("业务量增长，需提高额度")
    page.locator("#file-request").click()
    page.wait_for_url(re.compile(r"/approvals/\d+$"))
    request_url = page.url
    number = page.locator("#request-number").inner_text()
    expect(page.locator("#proposed")).to_contain_text("¥1,500,000.00")
    screenshot(page, "approval-request")

    def decide_from_inbox(username: str) -> None:
        page.context.clear_cookies()
        login(username)
        page.goto(live_server("/approvals/"))
        expect(page.locator("#approvals-badge")).to_have_text("1")
        row = page.locator("#inbox-rows tr", has_text=number)
        row.locator("textarea[name=comment]").fill("同意")
        row.locator("button[value=approve]").click()
        # the row is swapped for the outcome in place and the badge refreshes itself
        expect(page.locator("#inbox-rows tr.decided")).to_contain_text(number)
        expect(page.locator("#approvals-badge")).to_have_text("0")

    decide_from_inbox(world.east_supervisor)
    screenshot(page, "approval-inbox-decided")
    decide_from_inbox(world.finance)
    decide_from_inbox(world.east_head)

    page.context.clear_cookies()
    login(world.east_manager)
    page.goto(request_url)
    expect(page.locator("#request-status")).to_have_text("已批准")
    expect(page.locator("#request-trail li")).to_have_count(4)
    page.goto(live_server(f"/accounts/{world.pujiang_id}"))
    expect(page.locator("#account-profile")).to_contain_text("¥1,500,000.00")
    expect(page.locator("#account-profile .grade-green").first).to_be_visible()
    expect(page.locator("#account-profile")).to_contain_text("近 12 个月采购 420 万元")
    page.goto(live_server("/approvals/?box=filed"))
    expect(page.locator("#inbox-rows tr", has_text=number)).to_contain_text("已批准")
    # the applicant was told: the bell counts it and the notification names the outcome
    expect(page.locator("#notifications-bell .count-badge")).not_to_have_text("0")
    page.locator("#notifications-bell").click()
    expect(page.locator("body")).to_contain_text(f"{number} 已批准")
    screenshot(page, "approval-account-after")
