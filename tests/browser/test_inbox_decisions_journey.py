"""Journey (issue 11): the department head decides from the inbox, at desktop width and on a
390 px phone. Enter in a comment never decides; a rejection without a reason is refused in the
row, the reason is added and the rejection goes through; an approval follows; all without a
reload, and focus moves on to the next waiting row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from webapp.approvals import service
from webapp.approvals.models import ApprovalRequest, RequestStatus, RequestType
from webapp.auth.models import User
from webapp.extensions import db

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


def waiting_for_the_head(live_server, n: int = 2) -> list[str]:
    """n support applications of the east manager's, reviewed by the supervisor already."""
    world = live_server.world
    app = live_server.app
    numbers = []
    with app.app_context(), app.test_request_context():
        manager = db.session.scalar(sa.select(User).where(User.username == world.east_manager))
        supervisor = db.session.scalar(
            sa.select(User).where(User.username == world.east_supervisor)
        )
        for budget in ("12000", "8000")[:n]:
            item = service.file_request(
                manager,
                world.pujiang_id,
                RequestType.SUPPORT,
                {"support_kind": "seminar", "content": "产品技术研讨会", "amount": budget},
            )
            service.decide(supervisor, item.id, item.steps[0].id, "approve", "同意")
            numbers.append(item.number)
        db.session.remove()
    return numbers


def status_of(live_server, number: str) -> RequestStatus:
    with live_server.app.app_context():
        status = db.session.scalar(
            sa.select(ApprovalRequest.status).where(ApprovalRequest.number == number)
        )
        db.session.remove()
        return status


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_head_decides_from_the_inbox_enter_never_decides(
    page, live_server, login, screenshot, width
):
    first, second = waiting_for_the_head(live_server)
    page.set_viewport_size(dict(zip(("width", "height"), VIEWPORTS[width], strict=True)))
    login(live_server.world.east_head)
    page.goto(live_server("/approvals/"))
    page.evaluate("window.__noReload = true")
    row = page.locator(f"#inbox-rows tr:has(a:text-is('{first}'))")
    expect(row).to_contain_text("¥12,000.00")  # the budget is in front of the approver

    # Enter in the comment box: a new line, never a decision
    comment = row.locator("textarea[name=comment]")
    comment.fill("回款不足，不同意")
    comment.press("Enter")
    page.wait_for_timeout(300)
    expect(row.locator("button[value=approve]")).to_be_visible()
    assert status_of(live_server, first) is RequestStatus.PENDING

    # reject without a reason: refused in the row, which stays usable
    comment.fill("")
    row.locator("button[value=reject]").click()
    expect(row.locator("[role=alert]")).to_contain_text("请填写理由")
    expect(row.locator("textarea[name=comment]")).to_be_focused()
    assert status_of(live_server, first) is RequestStatus.PENDING
    screenshot(page, f"inbox-reason-missing-{width}")

    # the reason added, the rejection goes through; focus moves to the next waiting row
    row.locator("textarea[name=comment]").fill("预算超出年度计划")
    row.locator("button[value=reject]").click()
    decided = page.locator("#inbox-rows tr.decided", has_text=first)
    expect(decided).to_contain_text("已驳回")
    expect(page.locator(f"#inbox-rows a:text-is('{second}')")).to_be_focused()
    assert status_of(live_server, first) is RequestStatus.REJECTED

    # the next one approved from the same page
    other = page.locator(f"#inbox-rows tr:has(a:text-is('{second}'))")
    other.locator("button[value=approve]").click()
    expect(page.locator("#inbox-rows tr.decided", has_text=second)).to_contain_text("已批准")
    expect(page.locator("#approvals-badge")).to_have_text("0")
    assert status_of(live_server, second) is RequestStatus.APPROVED
    assert page.evaluate("window.__noReload") is True  # all of it without a reload
    screenshot(page, f"inbox-decided-{width}")


def test_applicant_sees_the_reason_attaches_the_vouchers_and_resubmits(
    page, live_server, login, screenshot, tmp_path
):
    world = live_server.world
    app = live_server.app
    with app.app_context(), app.test_request_context():
        manager = db.session.scalar(sa.select(User).where(User.username == world.east_manager))
        supervisor = db.session.scalar(
            sa.select(User).where(User.username == world.east_supervisor)
        )
        item = service.file_request(
            manager,
            world.pujiang_id,
            RequestType.CREDIT,
            {"proposed_grade": "green", "proposed_limit": "900000", "basis": "回款良好",
             "content": "提高额度"},
        )  # fmt: skip
        service.decide(supervisor, item.id, item.steps[0].id, "return", "请补充近三个月回款凭证")
        request_id, number = item.id, item.number
        db.session.remove()
    voucher = tmp_path / "回款凭证.pdf"
    voucher.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    login(world.east_manager)
    page.goto(live_server(f"/approvals/{request_id}"))
    panel = page.locator(f"#attachments-request-{request_id}")
    panel.locator("input[type=file]").set_input_files(str(voucher))
    panel.locator("button[type=submit]").click()
    expect(page.locator(f"#attachments-request-{request_id}")).to_contain_text("回款凭证.pdf")
    expect(page.locator(f"#attachments-request-{request_id}")).to_contain_text("第 2 轮")
    page.locator("#resubmit").click()
    expect(page.locator("#return-comments")).to_contain_text("请补充近三个月回款凭证")
    expect(page.locator("input[name=proposed_limit]")).to_have_value("900,000.00")
    page.locator("#file-request").click()
    expect(page.locator("#request-number")).to_have_text(number)
    expect(page.locator("#request-status")).to_have_text("审批中")
    for width, size in VIEWPORTS.items():
        page.set_viewport_size(dict(zip(("width", "height"), size, strict=True)))
        screenshot(page, f"request-page-{width}")


def test_a_visit_record_carries_its_photo(page, live_server, login, screenshot, tmp_path):
    from datetime import date

    from PIL import Image

    from webapp.accounts.models import Visit, VisitKind

    world = live_server.world
    with live_server.app.app_context():
        manager = db.session.scalar(sa.select(User).where(User.username == world.east_manager))
        visit = Visit(
            account_id=world.pujiang_id,
            user_id=manager.id,
            kind=VisitKind.VISIT,
            visited_on=date(2026, 12, 1),
            summary="拜访设备部，交流改造方案",
        )
        db.session.add(visit)
        db.session.commit()
        visit_id = visit.id
        db.session.remove()
    photo = tmp_path / "现场.png"
    Image.new("RGB", (40, 30), "navy").save(photo)
    page.set_viewport_size({"width": 390, "height": 844})
    login(world.east_manager)
    page.goto(live_server(f"/accounts/{world.pujiang_id}?tab=activities"))
    page.locator(f"#visit-{visit_id}-attachments summary").click()
    panel = page.locator(f"#attachments-visit-{visit_id}")
    expect(panel).to_contain_text("暂无附件")
    panel.locator("input[type=file]").set_input_files(str(photo))
    panel.locator("button[type=submit]").click()
    expect(page.locator(f"#attachments-visit-{visit_id} img.attachment-thumb")).to_be_visible()
    expect(page.locator(f"#attachments-visit-{visit_id}")).to_contain_text("现场.png")
    screenshot(page, "visit-attachment-phone")
