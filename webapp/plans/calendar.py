"""Each user's calendar feed: an `.ics` address phone calendars subscribe to, read-only, with
the user's open service plan items (repeating ones as repeating events) and the open tasks of
their approved attack plans.

The address carries a random secret (256 bits); the database keeps only its SHA-256, like the
e-mail decision links. A new address replaces the old one, which stops at once; turning the
feed off deletes the row. The feed answers only while its user is active: deactivating a user
stops it on the next fetch, with no session involved.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from icalendar import Calendar, Event, vRecur
from sqlalchemy.orm import joinedload

from webapp.accounts.models import Account
from webapp.accounts.service import account_scope
from webapp.approvals.models import AttackAction, AttackPlan
from webapp.auth.models import User
from webapp.common.errors import NotFound
from webapp.common.timeutil import local_today, utcnow
from webapp.extensions import db
from webapp.plans.models import CalendarFeed, Frequency, ServicePlanItem

FEED_DAYS_BACK = 60  # overdue items further back than this are left out of the feed
RRULES = {
    Frequency.WEEKLY: {"FREQ": "WEEKLY"},
    Frequency.MONTHLY: {"FREQ": "MONTHLY"},
    Frequency.QUARTERLY: {"FREQ": "MONTHLY", "INTERVAL": 3},
}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, user.id)


def new_address(user: User) -> str:
    """A new secret for `user`'s feed (the previous address stops); returns the token, which
    is shown once and never stored."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token_hash, feed.created_at = _digest(token), utcnow()
    db.session.commit()
    return token


def turn_off(user: User) -> None:
    feed = feed_of(user)
    if feed is not None:
        db.session.delete(feed)
        db.session.commit()


def user_for_token(token: str) -> User:
    """The active user whose feed `token` opens; NotFound otherwise (unknown, replaced,
    turned off, or the user deactivated)."""
    feed = db.session.scalar(
        sa.select(CalendarFeed)
        .where(CalendarFeed.token_hash == _digest(token or ""))
        .options(joinedload(CalendarFeed.user))
    )
    if feed is None or not feed.user.active:
        raise NotFound(_("No such calendar."))
    return feed.user


def _plan_items(user: User) -> list[ServicePlanItem]:
    first = local_today() - timedelta(days=FEED_DAYS_BACK)
    return list(
        db.session.scalars(
            sa.select(ServicePlanItem)
            .join(Account, ServicePlanItem.account_id == Account.id)
            .where(
                ServicePlanItem.owner_id == user.id,
                ServicePlanItem.closed.is_(False),
                ServicePlanItem.due_on >= first,
                account_scope(user),
            )
            .options(joinedload(ServicePlanItem.contact), joinedload(ServicePlanItem.account))
            .order_by(ServicePlanItem.due_on, ServicePlanItem.id)
        )
    )


def _tasks(user: User) -> list[AttackAction]:
    return list(
        db.session.scalars(
            sa.select(AttackAction)
            .join(AttackPlan, AttackAction.plan_id == AttackPlan.id)
            .join(Account, AttackPlan.account_id == Account.id)
            .where(
                AttackAction.owner_id == user.id,
                AttackAction.done_at.is_(None),
                AttackPlan.approved_at.is_not(None),
                account_scope(user),
            )
            .options(joinedload(AttackAction.plan).joinedload(AttackPlan.request))
            .order_by(AttackAction.due_on, AttackAction.id)
        )
    )


def _event(uid: str, day, summary: str, description: str, stamp) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def feed_ics(user: User, *, host: str = "keydesk") -> bytes:
    """The feed's iCalendar text (RFC 5545: CRLF lines, folded and escaped by icalendar)."""
    cal = Calendar()
    cal.add("prodid", "-//KeyDesk//Plans//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("KeyDesk plans: %(name)s", name=user.full_name))
    stamp = utcnow()
    for item in _plan_items(user):
        event = _event(
            f"service-plan-{item.id}@{host}",
            item.due_on,
            f"{item.account} · {item.contact.name}: {item.action}",
            "\n".join(
                (
                    _("Goal: %(text)s", text=item.goal),
                    _("Method: %(text)s", text=item.method),
                    _("Frequency: %(text)s", text=item.frequency.label),
                )
            ),
            stamp,
        )
        if item.frequency in RRULES:
            event.add("rrule", vRecur(RRULES[item.frequency]))
        cal.add_component(event)
    for task in _tasks(user):
        request = task.plan.request
        cal.add_component(
            _event(
                f"attack-action-{task.id}@{host}",
                task.due_on,
                f"{request.account} · {task.action}",
                _(
                    "Attack plan %(number)s, %(percent)s%% done",
                    number=request.number,
                    percent=task.percent,
                ),
                stamp,
            )
        )
    return cal.to_ical()
