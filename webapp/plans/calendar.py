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
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from icalendar import Calendar, Event, vRecur
from sqlalchemy.orm import joinedload

from webapp.accounts.models import Account, Contact
from webapp.accounts.service import account_scope
from webapp.approvals.models import ApprovalRequest, AttackAction, AttackPlan
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


def _item_rows(user: User) -> list:
    """What the feed shows of the user's open service plan items, as plain rows."""
    first = local_today() - timedelta(days=FEED_DAYS_BACK)
    return db.session.execute(
        sa.select(
            ServicePlanItem.id,
            ServicePlanItem.due_on,
            ServicePlanItem.frequency,
            ServicePlanItem.action,
            ServicePlanItem.goal,
            ServicePlanItem.method,
            Contact.name,
            Account.short_name,
            Account.name,
        )
        .join(Account, ServicePlanItem.account_id == Account.id)
        .join(Contact, ServicePlanItem.contact_id == Contact.id)
        .where(
            ServicePlanItem.owner_id == user.id,
            ServicePlanItem.closed.is_(False),
            ServicePlanItem.due_on >= first,
            account_scope(user),
        )
        .order_by(ServicePlanItem.due_on, ServicePlanItem.id)
    ).all()


def _task_rows(user: User) -> list:
    """What the feed shows of the open tasks of the user's approved attack plans."""
    return db.session.execute(
        sa.select(
            AttackAction.id,
            AttackAction.due_on,
            AttackAction.action,
            AttackAction.percent,
            ApprovalRequest.number,
            Account.short_name,
            Account.name,
        )
        .join(AttackPlan, AttackAction.plan_id == AttackPlan.id)
        .join(ApprovalRequest, AttackPlan.request_id == ApprovalRequest.id)
        .join(Account, AttackPlan.account_id == Account.id)
        .where(
            AttackAction.owner_id == user.id,
            AttackAction.done_at.is_(None),
            AttackPlan.approved_at.is_not(None),
            account_scope(user),
        )
        .order_by(AttackAction.due_on, AttackAction.id)
    ).all()


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


@dataclass(frozen=True)
class FeedContent:
    """Everything the feed says, as plain values: its digest is the stored copy's key."""

    name: str
    host: str
    words: tuple[str, ...]  # the translated labels, so a language change rebuilds
    items: tuple
    tasks: tuple

    @property
    def key(self) -> str:
        return hashlib.sha256(repr(self).encode("utf-8", "surrogatepass")).hexdigest()


def _content(user: User, host: str) -> FeedContent:
    words = (
        _("KeyDesk plans: %(name)s", name=user.full_name),
        _("Goal: %(text)s", text="\x00"),
        _("Method: %(text)s", text="\x00"),
        _("Frequency: %(text)s", text="\x00"),
        _("Attack plan %(number)s, %(percent)s%% done", number="\x00", percent="\x01"),
        *(str(f.label) for f in Frequency),
    )
    items = tuple(tuple(r) for r in _item_rows(user))
    tasks = tuple(tuple(r) for r in _task_rows(user))
    return FeedContent(user.full_name, host, words, items, tasks)


def build_ics(content: FeedContent) -> bytes:
    """The feed's iCalendar text (RFC 5545: CRLF lines, folded and escaped by icalendar)."""
    calname, goal, method, frequency_word, progress, *_labels = content.words
    cal = Calendar()
    cal.add("prodid", "-//KeyDesk//Plans//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", calname)
    stamp = utcnow()
    for (
        item_id,
        due_on,
        frequency,
        action,
        goal_text,
        method_text,
        contact,
        short,
        name,
    ) in content.items:
        frequency = Frequency(frequency)
        event = _event(
            f"service-plan-{item_id}@{content.host}",
            due_on,
            f"{short or name} · {contact}: {action}",
            "\n".join(
                (
                    goal.replace("\x00", goal_text),
                    method.replace("\x00", method_text),
                    frequency_word.replace("\x00", str(frequency.label)),
                )
            ),
            stamp,
        )
        if frequency in RRULES:
            event.add("rrule", vRecur(RRULES[frequency]))
        cal.add_component(event)
    for task_id, due_on, action, percent, number, short, name in content.tasks:
        cal.add_component(
            _event(
                f"attack-action-{task_id}@{content.host}",
                due_on,
                f"{short or name} · {action}",
                progress.replace("\x00", number).replace("\x01", str(percent)),
                stamp,
            )
        )
    return cal.to_ical()


def feed_ics(user: User, *, host: str = "keydesk") -> bytes:
    """The user's feed. Phones poll it every few minutes and building it is slow (icalendar:
    ~1 ms an event), so the built feed is kept on the user's feed row under the digest of
    everything it says (`FeedContent`: the rows it shows, read as plain values, its words and
    the host): any change to what it shows (an item, a contact's or account's name, a task's
    progress, the user's scope or the day it starts from) is a new key and a new build;
    otherwise the stored copy is served as it is."""
    content = _content(user, host)
    key = content.key
    feed = feed_of(user)
    if feed is not None and feed.body_key == key and feed.body is not None:
        return feed.body
    body = build_ics(content)
    if feed is not None:
        feed.body, feed.body_key = body, key
        db.session.commit()
    return body
