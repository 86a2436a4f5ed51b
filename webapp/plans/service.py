"""Role service plans (ISUNOR 角色服务计划) and the account's monthly review (月度检讨).

Seed 001: for each role at the client list goal, method, time, action and frequency; carry the
plan out and review it every month; for the promising accounts review it after every visit.
Here "promising" (hot) is the development stages 关系建立 and 促成成交: after a visit to such an
account the plan asks to be reviewed until a review is recorded after that visit.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from webapp import audit
from webapp.accounts.models import Account, Contact, Stage, Visit
from webapp.accounts.service import account_scope, can_edit, get_account
from webapp.approvals.service import possible_owners
from webapp.auth.models import User
from webapp.common.errors import Forbidden, NotFound, ValidationFailed
from webapp.common.queries import first_and_total
from webapp.common.timeutil import local_today
from webapp.extensions import db
from webapp.plans.models import AccountReview, Frequency, ServicePlanItem

HOT_STAGES = (Stage.RELATIONSHIP, Stage.CLOSING)
DUE_WINDOW_DAYS = 7  # "due": overdue, today and the six days after
MAX_TEXT = 200


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def following_due(due_on: date, frequency: Frequency) -> date:
    """The due date one period after `due_on`."""
    if frequency is Frequency.WEEKLY:
        return due_on + timedelta(days=7)
    if frequency is Frequency.MONTHLY:
        return _add_months(due_on, 1)
    if frequency is Frequency.QUARTERLY:
        return _add_months(due_on, 3)
    raise ValueError("a one-off item has no next date")


def next_due(due_on: date, frequency: Frequency, done_on: date) -> date | None:
    """After doing an item on `done_on`: its next due date, the first period after `due_on`
    that falls after `done_on` (a late item does not pile up missed periods); None for a
    one-off item, which is then closed."""
    if frequency is Frequency.ONCE:
        return None
    step = following_due(due_on, frequency)
    guard = 0
    while step <= done_on and guard < 1000:
        step, guard = following_due(step, frequency), guard + 1
    return step


# --- reading --------------------------------------------------------------------------------


def plan_items(user: User, account: Account) -> list[ServicePlanItem]:
    """The account's open plan items, by contact then due date (the account was checked)."""
    return list(
        db.session.scalars(
            sa.select(ServicePlanItem)
            .join(Contact, ServicePlanItem.contact_id == Contact.id)
            .where(ServicePlanItem.account_id == account.id, ServicePlanItem.closed.is_(False))
            .options(joinedload(ServicePlanItem.contact), joinedload(ServicePlanItem.owner))
            .order_by(Contact.name, ServicePlanItem.due_on, ServicePlanItem.id)
        )
    )


def _due_items_query(user: User, last: date) -> sa.Select:
    return (
        sa.select(ServicePlanItem)
        .join(Account, ServicePlanItem.account_id == Account.id)
        .where(
            ServicePlanItem.owner_id == user.id,
            ServicePlanItem.closed.is_(False),
            ServicePlanItem.due_on <= last,
            account_scope(user),
        )
    )


def _due_order() -> tuple:
    return (ServicePlanItem.due_on, ServicePlanItem.id)


def _due_loads() -> tuple:
    return (joinedload(ServicePlanItem.contact), joinedload(ServicePlanItem.account))


def _due_window_end(within_days: int) -> date:
    return local_today() + timedelta(days=within_days - 1)


def due_items(user: User, *, within_days: int = DUE_WINDOW_DAYS, limit: int | None = None):
    """`user`'s open plan items due by the end of the window (overdue ones included), on
    accounts they still see."""
    stmt = (
        _due_items_query(user, _due_window_end(within_days))
        .options(*_due_loads())
        .order_by(*_due_order())
    )
    return list(db.session.scalars(stmt.limit(limit) if limit else stmt))


def due_items_and_total(
    user: User, *, limit: int, within_days: int = DUE_WINDOW_DAYS
) -> tuple[list[ServicePlanItem], int]:
    """The first `limit` of `due_items` and how many there are, in one query."""
    return first_and_total(
        _due_items_query(user, _due_window_end(within_days)),
        limit,
        order_by=_due_order(),
        options=_due_loads(),
    )


def reviews(user: User, account: Account, limit: int = 24) -> list[AccountReview]:
    return list(
        db.session.scalars(
            sa.select(AccountReview)
            .where(AccountReview.account_id == account.id)
            .options(joinedload(AccountReview.created_by))
            .order_by(AccountReview.held_on.desc(), AccountReview.id.desc())
            .limit(limit)
        )
    )


def _last_review_at():
    return (
        sa.select(sa.func.max(AccountReview.created_at))
        .where(AccountReview.account_id == Account.id)
        .scalar_subquery()
    )


def _review_due_clause() -> sa.ColumnElement[bool]:
    """A hot account with a visit recorded after its last review (or never reviewed).

    Both are the outer account's own latest, each read through its account index. Written as
    an EXISTS over visits, PostgreSQL hashed every visit of every account for each home page
    (3 ms with 8,000 visits, growing with the table)."""
    last_review = _last_review_at().correlate(Account)
    last_visit = (
        sa.select(sa.func.max(Visit.created_at))
        .where(Visit.account_id == Account.id)
        .correlate(Account)
        .scalar_subquery()
    )
    visited_since = sa.and_(
        last_visit.is_not(None), sa.or_(last_review.is_(None), last_visit > last_review)
    )
    return sa.and_(Account.stage.in_(HOT_STAGES), Account.abandoned.is_(False), visited_since)


def needs_review(account: Account) -> bool:
    """After a visit to a hot account the plan asks to be reviewed (seed 001)."""
    return bool(
        db.session.scalar(
            sa.select(sa.literal(True)).where(Account.id == account.id, _review_due_clause())
        )
    )


def _to_review(user: User) -> sa.Select:
    return sa.select(Account).where(
        Account.owner_id == user.id, account_scope(user), _review_due_clause()
    )


def accounts_to_review(user: User, limit: int | None = None) -> list[Account]:
    """Hot accounts `user` owns whose plan asks to be reviewed after a visit."""
    stmt = _to_review(user).order_by(Account.name)
    return list(db.session.scalars(stmt.limit(limit) if limit else stmt))


def accounts_to_review_and_total(user: User, *, limit: int) -> tuple[list[Account], int]:
    """The first `limit` of `accounts_to_review` and how many there are, in one query."""
    return first_and_total(_to_review(user), limit, order_by=(Account.name,))


# --- changing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    contact_id: int | None
    goal: str
    method: str
    action: str
    frequency: str
    due_on: date | None
    owner_id: int | None


def _required(value: str, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed({field: _("%(label)s is required.", label=label)})
    if len(text) > MAX_TEXT:
        raise ValidationFailed({field: _("At most %(n)d characters.", n=MAX_TEXT)})
    return text


def add_item(actor: User, account_id: int, data: ItemInput) -> ServicePlanItem:
    """Add a line to a contact's service plan. Nothing is stored if input is wrong."""
    account = get_account(actor, account_id, for_edit=True)
    contact = db.session.get(Contact, data.contact_id) if data.contact_id else None
    if contact is None or contact.account_id != account.id:
        raise ValidationFailed({"contact_id": _("Choose a contact of this account.")})
    try:
        frequency = Frequency(data.frequency or "")
    except ValueError:
        raise ValidationFailed({"frequency": _("Choose how often.")}) from None
    if data.due_on is None:
        raise ValidationFailed({"due_on": _("Give a valid date (YYYY-MM-DD).")})
    if data.owner_id not in {u.id for u in possible_owners(account)}:
        raise ValidationFailed({"owner_id": _("Choose an owner from the account's team.")})
    item = ServicePlanItem(
        account_id=account.id,
        contact_id=contact.id,
        goal=_required(data.goal, "goal", _("Goal")),
        method=_required(data.method, "method", _("Method")),
        action=_required(data.action, "action", _("Action")),
        frequency=frequency,
        due_on=data.due_on,
        owner_id=data.owner_id,
    )
    db.session.add(item)
    db.session.flush()
    audit.record_event(
        actor=actor,
        entity_type="service_plan_item",
        entity_id=item.id,
        account_id=account.id,
        action="create",
        detail=f"{contact.name}: {item.action}",
    )
    db.session.commit()
    return item


def can_mark_done(user: User, item: ServicePlanItem) -> bool:
    """The item's owner, or whoever may edit the account."""
    return item.owner_id == user.id or can_edit(user, item.account)


def get_item(user: User, item_id: int) -> ServicePlanItem:
    item = db.session.get(ServicePlanItem, item_id)
    if item is None:
        raise NotFound(_("No such plan item."))
    get_account(user, item.account_id, missing=_("No such plan item."))
    return item


def mark_done(user: User, item_id: int, expected_version: int | None = None) -> ServicePlanItem:
    """Done today: a repeating item moves to its next due date, a one-off item closes."""
    item = get_item(user, item_id)
    if not can_mark_done(user, item):
        raise Forbidden(_("Only the item's owner or the account's team marks it done."))
    if item.closed:
        raise ValidationFailed({"item": _("This item is already done.")})
    today = local_today()
    following = next_due(item.due_on, item.frequency, today)
    item.last_done_on, item.times_done = today, item.times_done + 1
    if following is None:
        item.closed = True
    else:
        item.due_on = following
    audit.record_event(
        actor=user,
        entity_type="service_plan_item",
        entity_id=item.id,
        account_id=item.account_id,
        action="plan.done",
        detail=item.action,
    )
    db.session.commit()
    return item


@dataclass(frozen=True)
class ReviewInput:
    held_on: date | None
    attendees: str
    notes: str
    decisions: str


def review_values(data: ReviewInput) -> dict:
    """A review's checked values (the account's and an attack plan's are alike)."""
    if data.held_on is None:
        raise ValidationFailed({"held_on": _("Give a valid date (YYYY-MM-DD).")})
    if data.held_on > local_today():
        raise ValidationFailed({"held_on": _("A review is recorded after it was held.")})
    attendees = (data.attendees or "").strip()
    if not attendees or len(attendees) > 300:
        raise ValidationFailed({"attendees": _("Name who attended (at most 300 characters).")})
    notes, decisions = (data.notes or "").strip(), (data.decisions or "").strip()
    if len(notes) > 4000 or len(decisions) > 4000:
        raise ValidationFailed({"notes": _("At most %(n)d characters.", n=4000)})
    if not notes and not decisions:
        raise ValidationFailed({"notes": _("Write what was reviewed or decided.")})
    return dict(held_on=data.held_on, attendees=attendees, notes=notes, decisions=decisions)


def add_review(actor: User, account_id: int, data: ReviewInput) -> AccountReview:
    """Record the account's monthly review (月度检讨); it also answers a review prompt."""
    account = get_account(actor, account_id, for_edit=True)
    review = AccountReview(account_id=account.id, created_by_id=actor.id, **review_values(data))
    db.session.add(review)
    db.session.flush()
    audit.record_event(
        actor=actor,
        entity_type="account_review",
        entity_id=review.id,
        account_id=account.id,
        action="create",
        detail=review.decisions or review.notes,
    )
    db.session.commit()
    return review


def get_review(user: User, review_id: int) -> AccountReview:
    review = db.session.get(AccountReview, review_id)
    if review is None:
        raise NotFound(_("No such review."))
    get_account(user, review.account_id, missing=_("No such review."))
    return review
