"""Issue 15 (must-haves 3 and 6): role service plans on the account, the owner's home page and
calendar feed; the attack plan through the approval engine, its tasks and reviews; refusals."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from icalendar import Calendar

from tests.helpers import text
from webapp.accounts.models import Stage, Visit, VisitKind
from webapp.approvals import service as approvals
from webapp.approvals.models import (
    ApprovalRequest,
    ApprovalSettings,
    AttackAction,
    AttackExpense,
    AttackPlan,
    RequestStatus,
)
from webapp.common.timeutil import local_today, utcnow
from webapp.extensions import db
from webapp.plans import calendar
from webapp.plans.models import (
    AccountReview,
    AttackReview,
    CalendarFeed,
    Frequency,
    ServicePlanItem,
)


def _item_data(world, **extra):
    return {
        "contact_id": str(world.contact.id),
        "goal": "建立信任",
        "method": "技术交流",
        "action": "拜访陈总汇报方案",
        "frequency": "monthly",
        "due_on": local_today().isoformat(),
        "owner_id": str(world.owner.id),
        **extra,
    }


def _item_values(world) -> dict:
    return {
        "account_id": world.account.id,
        "contact_id": world.contact.id,
        "goal": "建立信任",
        "method": "技术交流",
        "frequency": Frequency.ONCE,
        "due_on": local_today(),
        "owner_id": world.owner.id,
    }


def _feed_path(page: str) -> str:
    address = page.split('id="calendar-address" readonly value="')[1].split('"')[0]
    return address.split("localhost", 1)[1]


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_plan_item_shows_on_the_tab_the_home_page_and_the_calendar(world, login, client):
    owner = login(world.owner)
    response = owner.post(f"/accounts/{world.account.id}/plans/items", data=_item_data(world))
    assert response.status_code == 303
    assert "拜访陈总汇报方案" in text(owner.get(f"/accounts/{world.account.id}/plans"))
    home = owner.get("/").get_data(as_text=True)
    assert 'id="home-plans"' in home and "拜访陈总汇报方案" in home

    page = owner.post("/calendar/address").get_data(as_text=True)
    address = page.split('id="calendar-address" readonly value="')[1].split('"')[0]
    path = address.split("localhost", 1)[1]
    feed = client.get(path)  # no session
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert b"\r\n" in feed.data
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    assert len(events) == 1
    assert "拜访陈总汇报方案" in str(events[0]["SUMMARY"])
    assert events[0]["DTSTART"].dt == local_today()
    assert events[0]["RRULE"]["FREQ"] == ["MONTHLY"]
    assert db.session.scalar(sa.select(CalendarFeed.token_hash)) not in address  # only a hash kept


def test_feed_stops_when_the_user_is_deactivated_or_the_address_is_replaced(world, login, client):
    owner = login(world.owner)
    first_path = _feed_path(owner.post("/calendar/address").text)
    assert client.get(first_path).status_code == 200
    second_path = _feed_path(owner.post("/calendar/address").text)
    assert client.get(first_path).status_code == 404
    assert client.get(second_path).status_code == 200
    world.owner.active = False
    db.session.commit()
    assert client.get(second_path).status_code == 404
    world.owner.active = True
    db.session.commit()
    owner = login(world.owner)
    owner.post("/calendar/off")
    assert client.get(second_path).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def _summaries(response) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(response.data).walk("VEVENT"))


def test_feed_is_built_once_and_again_only_when_what_it_shows_changes(
    world, login, client, monkeypatch
):
    """A phone polls the feed every few minutes; building 500 events took ~0.9 s. The built
    feed is kept per user and served again until anything it shows changes."""
    owner = login(world.owner)
    owner.post(f"/accounts/{world.account.id}/plans/items", data=_item_data(world))
    path = _feed_path(owner.post("/calendar/address").text)
    first = client.get(path)
    assert _summaries(first) == [f"{world.account} · 陈总: 拜访陈总汇报方案"]
    builds = []
    build = calendar.build_ics
    monkeypatch.setattr(calendar, "build_ics", lambda *a, **k: builds.append(1) or build(*a, **k))
    again = client.get(path)
    assert again.data == first.data and builds == []  # the stored copy, not built again

    item = db.session.scalar(sa.select(ServicePlanItem))
    item.action = "改为电话沟通"
    db.session.commit()
    assert _summaries(client.get(path)) == [f"{world.account} · 陈总: 改为电话沟通"]
    world.contact.name = "陈董"  # not a plan item, but the feed shows it
    db.session.commit()
    assert _summaries(client.get(path)) == [f"{world.account} · 陈董: 改为电话沟通"]
    assert len(builds) == 2
    db.session.delete(db.session.get(ServicePlanItem, item.id))
    db.session.commit()
    assert _summaries(client.get(path)) == []
    # another user's feed never gets this one's copy
    item = ServicePlanItem(**{**_item_values(world), "action": "拜访"})
    db.session.add(item)
    db.session.commit()
    mine = client.get(path)
    other_path = _feed_path(login(world.colleague).post("/calendar/address").text)
    assert _summaries(client.get(other_path)) == [] and _summaries(mine) != []


def test_repeating_item_marked_done_moves_on_and_a_one_off_closes(world, login):
    owner = login(world.owner)
    owner.post(f"/accounts/{world.account.id}/plans/items", data=_item_data(world))
    owner.post(
        f"/accounts/{world.account.id}/plans/items",
        data=_item_data(world, frequency="once", action="送样品"),
    )
    monthly, once = db.session.scalars(sa.select(ServicePlanItem).order_by(ServicePlanItem.id))
    assert owner.post(f"/plans/items/{monthly.id}/done").status_code == 303
    assert owner.post(f"/plans/items/{once.id}/done").status_code == 303
    db.session.expire_all()
    assert monthly.due_on > local_today() and not monthly.closed and monthly.times_done == 1
    assert once.closed


def test_bad_plan_item_input_is_refused_and_nothing_is_stored(world, login):
    owner = login(world.owner)
    for bad in (
        {"due_on": "2026-02-30"},
        {"frequency": "daily"},
        {"contact_id": "99999"},
        {"owner_id": str(world.other_manager.id)},
        {"goal": ""},
        {"owner_id": "²"},
    ):
        response = owner.post(
            f"/accounts/{world.account.id}/plans/items", data=_item_data(world, **bad)
        )
        assert response.status_code == 422, bad
    assert _count(ServicePlanItem) == 0


def test_another_departments_manager_cannot_see_or_add(world, login):
    other = login(world.other_manager)
    assert other.get(f"/accounts/{world.account.id}/plans").status_code == 404
    response = other.post(f"/accounts/{world.account.id}/plans/items", data=_item_data(world))
    assert response.status_code == 404
    assert _count(ServicePlanItem) == 0


def test_a_visit_to_a_hot_account_asks_for_a_review_until_one_is_recorded(world, login):
    world.account.stage = Stage.CLOSING
    db.session.add(
        Visit(
            account_id=world.account.id,
            user_id=world.owner.id,
            kind=VisitKind.VISIT,
            visited_on=local_today(),
            summary="谈判",
        )
    )
    db.session.commit()
    owner = login(world.owner)
    assert 'id="plan-review-prompt"' in owner.get(f"/accounts/{world.account.id}/plans").text
    assert "Review the service plan after the visit" in owner.get("/").text
    response = owner.post(
        f"/accounts/{world.account.id}/plans/reviews",
        data={
            "held_on": local_today().isoformat(),
            "attendees": "张经理, 王主管",
            "decisions": "加强技术交流",
        },
    )
    assert response.status_code == 303
    assert _count(AccountReview) == 1
    assert 'id="plan-review-prompt"' not in owner.get(f"/accounts/{world.account.id}/plans").text


def _attack_form(world, **extra):
    due = (local_today() + timedelta(days=3)).isoformat()
    return {
        "title": "宝钢二期攻关",
        "goals": "拿下二期订单",
        "simulation": "我方方案节能20%",
        "close_on": (local_today() + timedelta(days=60)).isoformat(),
        "force-1-person": "陈总",
        "force-1-side": "for",
        "force-1-strength": "strong",
        "force-2-person": "采购部李经理",
        "force-2-side": "against",
        "force-2-strength": "medium",
        "action-1-action": "技术交流会",
        "action-1-owner_id": str(world.owner.id),
        "action-1-due_on": due,
        "expense-1-item": "交流会场地",
        "expense-1-amount": "12,000.50",
        "expense-2-item": "资料印刷",
        "expense-2-amount": "0",
        **extra,
    }


def _decide(login, user, item):
    step = next(s for s in item.steps if s.current)
    response = login(user).post(
        f"/approvals/{item.id}/steps/{step.id}", data={"decision": "approve"}
    )
    assert response.status_code in (200, 303), response.status_code
    db.session.expire_all()


def test_attack_plan_goes_through_supervisor_and_head_and_becomes_tasks(world, login):
    owner = login(world.owner)
    response = owner.post(
        f"/accounts/{world.account.id}/attack-plans/new", data=_attack_form(world)
    )
    assert response.status_code == 303, text(response)
    item = db.session.scalar(sa.select(ApprovalRequest))
    assert item.is_attack and item.amount == Decimal("12000.50")
    assert [s.role.value for s in item.steps] == ["supervisor", "department_head"]
    page = text(owner.get(f"/approvals/{item.id}"))
    assert "我方方案节能20%" in page and "采购部李经理" in page and "壹万贰仟元零伍角整" in page
    inbox = text(login(world.supervisor).get("/approvals/"))
    assert item.number in inbox and "12,000.50" in inbox
    _decide(login, world.supervisor, item)
    _decide(login, world.head, item)
    item = db.session.get(ApprovalRequest, item.id)
    assert item.status is RequestStatus.APPROVED
    plan = item.attack_plan
    assert plan.is_approved
    action = plan.actions[0]
    assert "技术交流会" in owner.get("/").text
    response = owner.post(f"/attack-plans/tasks/{action.id}/progress", data={"percent": "100"})
    assert response.status_code == 303
    db.session.expire_all()
    assert action.is_done and plan.progress == 100
    response = owner.post(
        f"/attack-plans/{plan.id}/reviews",
        data={"held_on": local_today().isoformat(), "attendees": "全体", "notes": "进展顺利"},
    )
    assert response.status_code == 303 and _count(AttackReview) == 1
    assert (
        owner.post(
            f"/attack-plans/tasks/{action.id}/progress", data={"percent": "１０"}
        ).status_code
        == 303
    )
    db.session.expire_all()
    assert action.percent == 100  # full-width digits refused, nothing changed


def test_expenses_over_the_administrators_threshold_also_need_the_executive(world, login):
    admin = login(world.admin)
    response = admin.post(
        "/approvals/admin/settings",
        data={
            "support_executive_threshold": "50000",
            "attack_executive_threshold": "10000",
            "support_step_days": "3",
            "credit_step_days": "3",
            "contract_step_days": "3",
            "credit_reminder_days": "3,1",
        },
    )
    assert response.status_code in (200, 303)
    assert db.session.scalar(sa.select(ApprovalSettings.attack_executive_threshold)) == Decimal(
        "10000.00"
    )
    login(world.owner).post(
        f"/accounts/{world.account.id}/attack-plans/new", data=_attack_form(world)
    )
    item = db.session.scalar(sa.select(ApprovalRequest))
    assert [s.role.value for s in item.steps] == ["supervisor", "department_head", "executive"]


def test_bad_attack_plans_are_refused_with_a_message_and_nothing_is_written(world, login):
    owner = login(world.owner)
    cases = {
        "negative": ({"expense-1-amount": "-5"}, "cannot be negative"),
        "not decimal": ({"expense-1-amount": "十二元"}, "must be a number"),
        "three places": ({"expense-1-amount": "1.005"}, "two decimals"),
        "bad date": ({"action-1-due_on": "2026-13-01"}, "valid date"),
        "no actions": (
            {"action-1-action": "", "action-1-owner_id": "", "action-1-due_on": ""},
            "at least one action",
        ),
        "stranger owner": ({"action-1-owner_id": str(world.other_manager.id)}, "team"),
        "bad side": ({"force-1-side": "maybe"}, "for or against"),
    }
    for name, (bad, words) in cases.items():
        response = owner.post(
            f"/accounts/{world.account.id}/attack-plans/new", data=_attack_form(world, **bad)
        )
        assert response.status_code == 422, name
        assert words in text(response), (name, text(response)[:400])
    for model in (ApprovalRequest, AttackPlan, AttackAction, AttackExpense):
        assert _count(model) == 0


def test_attack_plan_for_an_account_the_applicant_cannot_see_is_refused(world, login):
    other = login(world.other_manager)
    response = other.post(
        f"/accounts/{world.account.id}/attack-plans/new", data=_attack_form(world)
    )
    assert response.status_code == 404
    assert other.get(f"/accounts/{world.account.id}/attack-plans/new").status_code == 404
    assert _count(ApprovalRequest) == 0 and _count(AttackPlan) == 0


def test_a_returned_attack_plan_is_revised_on_its_own_form(world, login, app):
    owner = login(world.owner)
    owner.post(f"/accounts/{world.account.id}/attack-plans/new", data=_attack_form(world))
    item = db.session.scalar(sa.select(ApprovalRequest))
    step = next(s for s in item.steps if s.current)
    login(world.supervisor).post(
        f"/approvals/{item.id}/steps/{step.id}", data={"decision": "return", "comment": "费用太高"}
    )
    assert (
        owner.get(f"/approvals/{item.id}/resubmit")
        .headers["Location"]
        .endswith(f"/attack-plans/requests/{item.id}/revise")
    )
    form = owner.get(f"/attack-plans/requests/{item.id}/revise")
    assert form.status_code == 200 and "交流会场地" in form.text
    response = owner.post(
        f"/attack-plans/requests/{item.id}/revise",
        data=_attack_form(world, **{"expense-1-amount": "8000"}),
    )
    assert response.status_code == 303
    db.session.expire_all()
    item = db.session.get(ApprovalRequest, item.id)
    assert item.status is RequestStatus.PENDING and item.round == 2
    assert item.amount == Decimal("8000.00") and len(item.attack_plan.expenses) == 2


def test_tasks_of_a_plan_not_yet_approved_cannot_be_moved(world, login):
    owner = login(world.owner)
    owner.post(f"/accounts/{world.account.id}/attack-plans/new", data=_attack_form(world))
    action = db.session.scalar(sa.select(AttackAction))
    assert (
        owner.post(f"/attack-plans/tasks/{action.id}/progress", data={"percent": "50"}).status_code
        == 403
    )
    other = login(world.other_manager)
    assert (
        other.post(f"/attack-plans/tasks/{action.id}/progress", data={"percent": "50"}).status_code
        == 404
    )
    db.session.expire_all()
    assert action.percent == 0
    _ = (approvals, utcnow)
