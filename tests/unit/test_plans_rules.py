"""Issue 15 rules: next due dates of repeating service plan items, the attack plan's checks and
chain as data, the calendar feed's iCalendar text, and the two account plan sections."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import gettext
from icalendar import Calendar

from webapp.approvals import service as approvals
from webapp.approvals.models import ApprovalRequest, AttackPlan, RequestType
from webapp.approvals.workflow import WORKFLOWS
from webapp.auth.models import Role
from webapp.common.errors import NotFound, ValidationFailed
from webapp.common.timeutil import local_today
from webapp.documents.blocks import KeyValues, Paragraph, Table, block_texts
from webapp.extensions import db
from webapp.plans import attack, calendar, sections, service
from webapp.plans.models import Frequency
from webapp.plans.service import ItemInput, following_due, next_due


@pytest.mark.parametrize(
    ("due", "frequency", "done", "expected"),
    [
        (date(2026, 1, 31), Frequency.MONTHLY, date(2026, 1, 31), date(2026, 2, 28)),
        (date(2024, 1, 31), Frequency.MONTHLY, date(2024, 1, 31), date(2024, 2, 29)),
        (date(2026, 11, 30), Frequency.QUARTERLY, date(2026, 11, 30), date(2027, 2, 28)),
        (date(2026, 12, 1), Frequency.WEEKLY, date(2026, 12, 1), date(2026, 12, 8)),
        # done late: the next date is the first period after the day it was done
        (date(2026, 12, 1), Frequency.WEEKLY, date(2026, 12, 20), date(2026, 12, 22)),
        # done early: one period after the due date
        (date(2026, 12, 10), Frequency.MONTHLY, date(2026, 12, 1), date(2027, 1, 10)),
        (date(2026, 12, 10), Frequency.ONCE, date(2026, 12, 10), None),
    ],
)
def test_next_due(due, frequency, done, expected):
    assert next_due(due, frequency, done) == expected


def test_a_one_off_item_has_no_following_date():
    with pytest.raises(ValueError):
        following_due(date(2026, 1, 1), Frequency.ONCE)


def test_the_attack_plan_chain_is_data_like_the_other_types():
    steps = WORKFLOWS[RequestType.ATTACK].steps
    assert [(s.role, s.action, s.condition) for s in steps] == [
        (Role.SUPERVISOR, "review", None),
        (Role.DEPARTMENT_HEAD, "approve", None),
        (Role.EXECUTIVE, "approve", "expenses_over_threshold"),
    ]


def _plan(world, **extra):
    return {
        "title": "攻关",
        "goals": "拿下订单",
        "simulation": "我方更节能",
        "close_on": None,
        "forces": [{"person": "陈总", "side": "for", "strength": "strong", "note": ""}],
        "actions": [{"action": "交流会", "owner_id": world.owner.id, "due_on": local_today()}],
        "expenses": [{"item": "场地", "amount": "60,000.00", "note": ""}],
        **extra,
    }


def test_filing_sums_the_expenses_and_the_default_threshold_adds_the_executive(world):
    item = attack.file_plan(world.owner, world.account.id, _plan(world))
    assert item.amount == Decimal("60000.00")
    assert item.steps[-1].role is Role.EXECUTIVE  # default threshold 50,000.00
    small = attack.file_plan(
        world.owner,
        world.account.id,
        _plan(world, expenses=[{"item": "资料", "amount": "0", "note": ""}]),
    )
    assert small.amount == Decimal("0.00") and len(small.steps) == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"expenses": [{"item": "场地", "amount": "-1"}]}, "expenses"),
        ({"expenses": [{"item": "场地", "amount": "十二"}]}, "expenses"),
        ({"expenses": [{"item": "场地", "amount": "NaN"}]}, "expenses"),
        ({"expenses": [{"item": "", "amount": "5"}]}, "expenses"),
        ({"actions": []}, "actions"),
        ({"actions": [{"action": "x", "owner_id": 999, "due_on": local_today()}]}, "actions"),
        ({"actions": [{"action": "x", "owner_id": None, "due_on": "2026-02-30"}]}, "actions"),
        ({"forces": [{"person": "x", "side": "for", "strength": "huge"}]}, "forces"),
        ({"simulation": ""}, "simulation"),
        ({"close_on": "tomorrow"}, "close_on"),
    ],
)
def test_a_bad_plan_is_refused_whole(world, change, field):
    with pytest.raises(ValidationFailed) as refused:
        attack.file_plan(world.owner, world.account.id, _plan(world, **change))
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApprovalRequest)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttackPlan)) == 0


def test_an_account_out_of_sight_answers_like_a_missing_one(world):
    with pytest.raises(NotFound):
        attack.file_plan(world.other_manager, world.account.id, _plan(world))


def _approve_all(world, item):
    for user in (world.supervisor, world.head, world.executive):
        step = next((s for s in item.steps if s.current), None)
        if step is None:
            break
        approvals.decide(user, item.id, step.id, "approve", None)


def test_feed_text_is_rfc5545(world):
    service.add_item(
        world.owner,
        world.account.id,
        ItemInput(
            contact_id=world.contact.id,
            goal="目标；含逗号, 和分号; 以及反斜杠\\",
            method="方法",
            action="一个很长的行动" * 20,
            frequency="quarterly",
            due_on=local_today(),
            owner_id=world.owner.id,
        ),
    )
    item = attack.file_plan(world.owner, world.account.id, _plan(world))
    _approve_all(world, item)
    body = calendar.feed_ics(world.owner)
    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)  # folded
    assert b"\n" not in body.replace(b"\r\n", b"")
    events = Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == 2
    plan_event = next(e for e in events if str(e["UID"]).startswith("service-plan-"))
    assert "分号; 以及反斜杠\\" in str(plan_event["DESCRIPTION"])
    assert plan_event["RRULE"]["INTERVAL"] == [3]
    task_event = next(e for e in events if str(e["UID"]).startswith("attack-action-"))
    assert "交流会" in str(task_event["SUMMARY"])


def test_service_plans_section_lists_open_items_and_the_last_review(world):
    assert [type(b) for b in sections.service_plans_section(world.account)] == [Paragraph]
    service.add_item(
        world.owner,
        world.account.id,
        ItemInput(
            contact_id=world.contact.id,
            goal="信任",
            method="交流",
            action="拜访",
            frequency="weekly",
            due_on=local_today() - timedelta(days=2),
            owner_id=world.owner.id,
        ),
    )
    service.add_review(
        world.owner,
        world.account.id,
        service.ReviewInput(held_on=local_today(), attendees="张经理", notes="", decisions="加快"),
    )
    blocks = sections.service_plans_section(world.account)
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.rows[0][0] == "陈总" and gettext("overdue") in table.rows[0][5]
    assert any(isinstance(b, KeyValues) and "加快" in block_texts(b) for b in blocks)


def test_attack_plan_section_shows_the_approved_plan_with_progress(world):
    none = gettext("No approved attack plan.")
    assert block_texts(sections.attack_plan_section(world.account)[0]) == [none]
    item = attack.file_plan(world.owner, world.account.id, _plan(world))
    assert none in block_texts(sections.attack_plan_section(world.account)[0])
    _approve_all(world, item)
    action = db.session.get(ApprovalRequest, item.id).attack_plan.actions[0]
    attack.update_progress(world.owner, action.id, "40")
    texts = [t for b in sections.attack_plan_section(world.account) for t in block_texts(b)]
    assert item.number in texts and "40%" in texts and "陆万元整" in " ".join(texts)


def test_the_request_form_of_an_attack_plan_shows_its_substance(world):
    from webapp.approvals.documents import document_context
    from webapp.documents import markup

    item = attack.file_plan(world.owner, world.account.id, _plan(world))
    context = {**document_context(item), "document": {"version": None}}
    document = markup.render_document("request/request.xml", context)
    texts = " ".join(t for b in document.blocks for t in block_texts(b))
    assert document.title == "项目攻关方案及费用计划审批表"
    assert "我方更节能" in texts and "陈总" in texts and "交流会" in texts and "场地" in texts
    assert "60,000.00" in texts and "陆万元整" in texts


def test_the_review_prompt_reads_each_accounts_own_last_review(world, make_account):
    """A hot account visited after its own last review asks for one, whatever other accounts
    were reviewed since (the last review is the account's, not the company's latest)."""
    from datetime import UTC, datetime

    from webapp.accounts.models import Stage, Visit, VisitKind
    from webapp.plans.models import AccountReview

    early, late = datetime(2026, 11, 2, 1, tzinfo=UTC), datetime(2026, 11, 20, 1, tzinfo=UTC)
    waiting = make_account(world.owner, stage=Stage.CLOSING)
    reviewed = make_account(world.owner, stage=Stage.RELATIONSHIP)
    for account in (waiting, reviewed):
        db.session.add(
            Visit(account_id=account.id, user_id=world.owner.id, kind=VisitKind.VISIT,
                  visited_on=early.date(), summary="拜访", created_at=early)
        )  # fmt: skip
    db.session.add(
        AccountReview(account_id=reviewed.id, created_by_id=world.owner.id, created_at=late,
                      **service.review_values(service.ReviewInput(
                          held_on=late.date(), attendees="张经理", notes="复盘", decisions="")))
    )  # fmt: skip
    never_visited = make_account(world.owner, stage=Stage.CLOSING)
    revisited = make_account(world.owner, stage=Stage.CLOSING)
    db.session.add_all([
        Visit(account_id=revisited.id, user_id=world.owner.id, kind=VisitKind.VISIT,
              visited_on=early.date(), summary="拜访", created_at=early),
        AccountReview(account_id=revisited.id, created_by_id=world.owner.id, created_at=early,
                      **service.review_values(service.ReviewInput(
                          held_on=early.date(), attendees="张经理", notes="复盘", decisions=""))),
        Visit(account_id=revisited.id, user_id=world.owner.id, kind=VisitKind.VISIT,
              visited_on=late.date(), summary="再访", created_at=late),
    ])  # fmt: skip
    db.session.commit()
    assert service.needs_review(waiting)  # visited, never reviewed
    assert not service.needs_review(reviewed)  # reviewed after its visit
    assert not service.needs_review(never_visited)  # nothing to review yet
    assert service.needs_review(revisited)  # visited again after its review
    assert sorted(a.id for a in service.accounts_to_review(world.owner)) == sorted(
        [waiting.id, revisited.id]
    )
