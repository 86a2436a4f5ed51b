"""Each role's home page shows its own work in boxes, each box links to its full list; the
next-steps and warnings lists behind them; the favicon."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import text
from webapp.accounts.models import Visit
from webapp.approvals import service as approvals
from webapp.approvals.models import ApprovalRequest, ApprovalStep, RequestType
from webapp.auth.models import Role
from webapp.common.timeutil import local_today, utcnow
from webapp.contracts.models import Contract, ContractStatus
from webapp.extensions import db
from webapp.main.home import SHOWN
from webapp.warnings.models import EarlyWarning, RuleKey, WarningStatus

SUPPORT = {"support_kind": "seminar", "content": "举办产品技术研讨会", "amount": "12000"}
CREDIT = {"proposed_grade": "green", "proposed_limit": "900000", "basis": "b", "content": "c"}

BOXES = {
    Role.ACCOUNT_MANAGER: [
        "next-steps",
        "expiring",
        "plans",
        "my-requests",
        "warnings",
        "pipeline",
    ],
    Role.SUPERVISOR: ["waiting", "overdue-below", "warnings", "next-steps", "plans", "pipeline"],
    Role.DEPARTMENT_HEAD: [
        "waiting",
        "overdue-below",
        "warnings",
        "next-steps",
        "plans",
        "pipeline",
    ],
    Role.EXECUTIVE: ["waiting", "overdue-below", "warnings", "pipeline"],
    Role.FINANCE: ["credit-cosigns", "arrears", "imports", "warnings"],
    Role.CUSTODIAN: ["to-archive", "expiring"],
}


def boxes(html: str) -> list[str]:
    return re.findall(r'<section class="card[^"]*" id="home-([\w-]+)"', html)


def box(html: str, key: str) -> str:
    found = re.search(rf'<section [^>]*id="home-{key}".*?</section>', html, re.S)
    assert found, f"no box {key}"
    return found.group(0)


def view_all(section: str) -> str:
    return re.search(r'<a class="view-all" href="([^"]+)"', section).group(1).replace("&amp;", "&")


def visit(account, user, due_in_days: int, step: str) -> Visit:
    today = local_today()
    row = Visit(
        account_id=account.id,
        user_id=user.id,
        kind="visit",
        visited_on=today - timedelta(days=40),
        summary="拜访",
        next_step=step,
        next_date=today + timedelta(days=due_in_days),
    )
    db.session.add(row)
    db.session.commit()
    return row


def file(app, world, type_=RequestType.SUPPORT, data=SUPPORT):
    with app.test_request_context():
        return approvals.file_request(world.owner, world.account.id, type_, dict(data))


def make_overdue(request: ApprovalRequest) -> None:
    step = db.session.scalar(
        sa.select(ApprovalStep).where(
            ApprovalStep.request_id == request.id, ApprovalStep.current.is_(True)
        )
    )
    step.due_at = utcnow() - timedelta(days=3)
    db.session.commit()


@pytest.mark.parametrize("role", list(BOXES))
def test_each_role_gets_its_own_boxes_and_every_box_links_to_a_working_list(world, login, role):
    client = login(world.by_role(role))
    html = text(client.get("/"))
    assert boxes(html) == BOXES[role]
    for key in BOXES[role]:
        url = view_all(box(html, key))
        assert client.get(url).status_code == 200, (key, url)


def test_account_manager_sees_week_steps_counts_overdue_apart_and_own_requests(app, world, login):
    visit(world.account, world.owner, 2, "送样品到采购部")
    visit(world.account, world.owner, -3, "补交报价单")  # overdue: counted, not listed
    visit(world.account, world.owner, 9, "下周以后的事")  # beyond this week
    request = file(app, world)
    html = text(login(world.owner).get("/"))
    steps = box(html, "next-steps")
    assert "送样品到采购部" in steps
    assert "补交报价单" not in steps and "下周以后的事" not in steps
    assert "1 earlier next step is overdue" in steps
    assert 'href="/next-steps?when=overdue"' in steps
    assert view_all(steps) == "/next-steps?when=week"
    mine = box(html, "my-requests")
    assert request.number in mine and f'href="/approvals/{request.id}"' in mine
    assert view_all(mine) == "/approvals/?box=filed"


def test_a_box_with_more_items_than_it_shows_says_how_many_and_the_list_has_them_all(world, login):
    for n in range(SHOWN + 3):
        visit(world.account, world.owner, 1, f"事项{n:02d}")
    html = text(login(world.owner).get("/"))
    steps = box(html, "next-steps")
    assert steps.count("<li") == SHOWN
    assert f"View all ({SHOWN + 3})" in steps
    full = text(login(world.owner).get("/next-steps?when=week"))
    assert all(f"事项{n:02d}" in full for n in range(SHOWN + 3))
    assert f"{SHOWN + 3} next steps" in full


def test_next_steps_list_keeps_to_the_accounts_the_user_sees(world, login):
    visit(world.account, world.owner, -2, "只给本团队看的事项")
    assert "只给本团队看的事项" in text(login(world.owner).get("/next-steps?when=overdue"))
    assert "只给本团队看的事项" in text(login(world.supervisor).get("/next-steps"))
    assert "只给本团队看的事项" not in text(login(world.other_manager).get("/next-steps"))


@pytest.mark.parametrize(
    "query", ["?when=bogus", "?page=abc", "?page=99999", "?when=week&page=-1", "?page=1e9"]
)
def test_next_steps_list_survives_odd_addresses(world, login, query):
    assert login(world.owner).get("/next-steps" + query).status_code == 200


def test_supervisor_sees_the_request_waiting_with_its_age_and_team_overdue_steps(app, world, login):
    request = file(app, world)
    visit(world.account, world.owner, -4, "逾期的下一步")
    html = text(login(world.supervisor).get("/"))
    waiting = box(html, "waiting")
    assert request.number in waiting and "0 days old" in waiting
    assert view_all(waiting) == "/approvals/?box=waiting"
    overdue = box(html, "overdue-below")
    assert "逾期的下一步" in overdue and "overdue 4 days" in overdue
    assert "Nothing is waiting" in box(text(login(world.head).get("/")), "waiting")


def test_head_sees_steps_overdue_at_the_supervisor(app, world, login):
    request = file(app, world)
    make_overdue(request)
    overdue = box(text(login(world.head).get("/")), "overdue-below")
    assert request.number in overdue and "overdue 3 days" in overdue
    assert view_all(overdue) == "/approvals/?box=overdue_below"
    # another department's head watches nothing of department A
    assert request.number not in text(login(world.other_manager).get("/"))


def test_finance_sees_credit_cosigns_arrears_warnings_and_imports(app, world, login):
    request = file(app, world, RequestType.CREDIT, CREDIT)
    step = request.steps[0]
    with app.test_request_context():
        approvals.decide(world.supervisor, request.id, step.id, "approve", "同意")
    db.session.add(
        EarlyWarning(
            rule=RuleKey.ARREARS_OVER_LIMIT,
            account_id=world.account.id,
            figures={"arrears_fen": 120000000, "limit_fen": 80000000},
            assignee_role=Role.FINANCE,
        )
    )
    db.session.commit()
    html = text(login(world.finance).get("/"))
    cosigns = box(html, "credit-cosigns")
    assert request.number in cosigns
    assert view_all(cosigns) == "/approvals/?box=waiting&type=credit"
    arrears = box(html, "arrears")
    assert world.account.short_name in arrears
    assert view_all(arrears) == "/open-warnings?scope=team&rule=arrears_over_limit"
    listed = text(login(world.finance).get(view_all(arrears)))
    assert world.account.short_name in listed and "1 open warning" in listed


def test_custodian_sees_approved_contracts_to_archive_and_expiring_ones(world, login):
    today = local_today()
    for number, status, ends in (
        ("HT-2026-90001", ContractStatus.APPROVED, today + timedelta(days=365)),
        ("HT-2026-90002", ContractStatus.SIGNED, today + timedelta(days=10)),
        ("HT-2026-90003", ContractStatus.DRAFT, today + timedelta(days=10)),
    ):
        db.session.add(
            Contract(
                number=number,
                account_id=world.account.id,
                owner_id=world.owner.id,
                department_id=world.account.department_id,
                title="首页测试合同",
                status=status,
                effective_on=today - timedelta(days=300),
                expires_on=ends,
            )
        )
    db.session.commit()
    html = text(login(world.custodian).get("/"))
    archive, expiring = box(html, "to-archive"), box(html, "expiring")
    assert "HT-2026-90001" in archive and "HT-2026-90002" not in archive
    assert "HT-2026-90002" in expiring and "HT-2026-90003" not in expiring
    assert view_all(archive) == "/contracts/?stage=approved"
    assert view_all(expiring) == "/contracts/?stage=expiring"
    # the account manager's own box lists his expiring contract, linked to his own list
    mine = box(text(login(world.owner).get("/")), "expiring")
    assert "HT-2026-90002" in mine
    assert view_all(mine) == f"/contracts/?stage=expiring&owner_id={world.owner.id}"


def test_warnings_list_mine_and_team(world, login):
    db.session.add_all(
        [
            EarlyWarning(
                rule=RuleKey.CHURN,
                account_id=world.account.id,
                figures={},
                assignee_id=world.owner.id,
            ),
            EarlyWarning(
                rule=RuleKey.CHURN,
                account_id=world.account.id,
                figures={},
                assignee_id=world.owner.id,
                status=WarningStatus.RESOLVED,
            ),
        ]
    )
    db.session.commit()
    assert "1 open warning" in text(login(world.owner).get("/open-warnings"))
    team = text(login(world.supervisor).get("/open-warnings?scope=team"))
    assert "1 open warning" in team and world.account.short_name in team
    assert "0 open warnings" in text(login(world.supervisor).get("/open-warnings?scope=mine"))
    assert "0 open warnings" in text(login(world.other_manager).get("/open-warnings?scope=team"))
    odd = login(world.owner).get("/open-warnings?scope=x&rule=nonsense&page=zz")
    assert odd.status_code == 200


def test_home_page_boxes_are_in_chinese_by_default(world, login):
    html = text(login(world.owner, lang="zh_CN").get("/"))
    assert "本周到期的下一步行动" in html and "查看全部" in html and "我的在途申请" in html


def test_favicon_is_served_without_sign_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.content_type == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_boxes_read_in_one_query_still_count_what_they_do_not_show(app, world, login):
    """The plans box (service plan items) and the expiring box read their first rows and their
    total together: the total counts beyond the rows shown, and an empty box says so."""
    from webapp.plans import service as plans

    with app.test_request_context():
        for n in range(SHOWN + 2):
            plans.add_item(
                world.owner,
                world.account.id,
                plans.ItemInput(
                    contact_id=world.contact.id, goal="信任", method="交流", action=f"回访{n:02d}",
                    frequency="once", due_on=local_today() + timedelta(days=1),
                    owner_id=world.owner.id,
                ),
            )  # fmt: skip
    html = text(login(world.owner).get("/"))
    due = box(html, "plans")
    assert due.count("<li") == SHOWN
    assert f"View all ({SHOWN + 2})" in due
    assert "No contract expires within" in box(html, "expiring")


def test_the_plans_box_counts_every_account_waiting_for_its_review(world, make_account, login):
    """More hot accounts visited since their last review than the box shows: "View all" counts
    them all (it counted only the ones shown)."""
    from webapp.accounts.models import Stage, VisitKind

    for n in range(SHOWN + 1):
        account = make_account(world.owner, stage=Stage.CLOSING, name=f"待检讨客户{n:02d}有限公司")
        db.session.add(
            Visit(account_id=account.id, user_id=world.owner.id, kind=VisitKind.VISIT,
                  visited_on=local_today(), summary="拜访")
        )  # fmt: skip
    db.session.commit()
    due = box(text(login(world.owner).get("/")), "plans")
    assert due.count("<li") == SHOWN
    assert f"View all ({SHOWN + 1})" in due
