"""Approved service & support applications become tasks the account team marks delivered."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from webapp.accounts.service import get_account
from webapp.approvals.models import (
    SupportTask,
    TaskStatus,
)
from webapp.approvals.service.core import AlreadyDecided
from webapp.auth.models import User
from webapp.common.errors import NotFound, ValidationFailed
from webapp.common.timeutil import SHANGHAI, utcnow
from webapp.extensions import db


def support_tasks(user: User, account_id: int) -> list[SupportTask]:
    get_account(user, account_id)
    return list(
        db.session.scalars(
            sa.select(SupportTask)
            .where(SupportTask.account_id == account_id)
            .options(joinedload(SupportTask.request), joinedload(SupportTask.delivered_by))
            .order_by(SupportTask.status, SupportTask.starts_on.nulls_last(), SupportTask.id)
        )
    )


def deliver_task(user: User, task_id: int, note: str | None) -> SupportTask:
    """The account team marks an approved support task delivered, once."""
    task = db.session.get(SupportTask, task_id)
    if task is None:
        raise NotFound(_("No such task."))
    get_account(user, task.account_id, for_edit=True)
    if task.status is TaskStatus.DELIVERED:
        who = task.delivered_by.full_name if task.delivered_by else _("someone else")
        raise AlreadyDecided(_("Already marked delivered by %(name)s.", name=who))
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationFailed({"note": _("At most %(n)d characters.", n=500)})
    closed = db.session.execute(
        sa.update(SupportTask)
        .where(SupportTask.id == task.id, SupportTask.status == TaskStatus.OPEN)
        .values(
            status=TaskStatus.DELIVERED,
            delivered_at=utcnow(),
            delivered_by_id=user.id,
            delivery_note=note or None,
            version=SupportTask.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        db.session.rollback()
        raise AlreadyDecided(_("Already marked delivered by %(name)s.", name=_("someone else")))
    db.session.commit()
    db.session.expire(task)
    return task


def delivered_support_count(account_id: int, start: date, end: date) -> int:
    """Support tasks delivered for an account in a period, Shanghai dates inclusive (the
    evaluation report counts them)."""
    since = datetime.combine(start, time.min, SHANGHAI)
    until = datetime.combine(end + timedelta(days=1), time.min, SHANGHAI)
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SupportTask)
        .where(
            SupportTask.account_id == account_id,
            SupportTask.status == TaskStatus.DELIVERED,
            SupportTask.delivered_at >= since,
            SupportTask.delivered_at < until,
        )
    )
