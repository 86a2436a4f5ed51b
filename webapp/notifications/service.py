"""In-app notifications: write one, count and list a user's, mark them read.

Generic on purpose: approvals, warnings and proposals all call `notify`. A user only ever reads
and marks their own notifications; someone else's id answers "not found", revealing nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.auth.models import User
from webapp.common.errors import NotFound
from webapp.common.timeutil import utcnow
from webapp.extensions import db
from webapp.notifications.models import Notification

TITLE_MAX = 200
LINK_MAX = 500


def notify(
    user: User,
    title: str,
    body: str | None = None,
    link: str | None = None,
    kind: str = "info",
    *,
    key: str | None = None,
    commit: bool = True,
) -> Notification | None:
    """Leave `user` a notification. With a `key`, a second call for the same user and key
    stores nothing and returns None (an event is announced once). `link` is a path in the app.
    """
    if key is not None:
        exists = db.session.scalar(
            sa.select(sa.literal(True)).where(
                Notification.user_id == user.id, Notification.key == key
            )
        )
        if exists:
            return None
    if link is not None and (not link.startswith("/") or link.startswith("//")):
        raise ValueError(f"a notification links inside the app, not to {link!r}")
    notification = Notification(
        user_id=user.id,
        kind=kind[:40],
        title=str(title)[:TITLE_MAX],
        body=str(body) if body else None,
        link=link[:LINK_MAX] if link else None,
        key=key,
        created_at=utcnow(),
    )
    db.session.add(notification)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return notification


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def recent(user: User, limit: int = 100) -> list[Notification]:
    """The user's latest notifications, unread first, newest first within each group."""
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(
                Notification.read_at.is_not(None),
                Notification.created_at.desc(),
                Notification.id.desc(),
            )
            .limit(limit)
        )
    )


def get_notification(user: User, notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound(_("No such notification."))
    return notification


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read; marking it again changes nothing."""
    notification = get_notification(user, notification_id)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return notification


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; returns how many were unread."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount
