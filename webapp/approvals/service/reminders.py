"""Reminders of the 10-day credit rule: on the days before the deadline that the settings
(the version the request was filed under) name, whoever can decide the current step is told.
Run daily (`flask approvals remind`, e.g. from cron at 08:00); running twice a day reminds once,
because notifications are keyed by request and day."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from webapp.approvals.models import ApprovalRequest, RequestStatus, RequestType
from webapp.approvals.service.reading import current_step
from webapp.approvals.signals import credit_deadline_near
from webapp.approvals.workflow import settings_for
from webapp.common.events import after_commit
from webapp.common.timeutil import utcnow
from webapp.extensions import db

HORIZON_DAYS = 10  # no reminder is further from the deadline than the whole 10 days


def send_credit_reminders() -> list[tuple[ApprovalRequest, int]]:
    """Announce `credit_deadline_near` for each pending credit adjustment whose calendar days
    left are one of its settings' reminder days. Returns (request, days left) announced."""
    due = list(
        db.session.scalars(
            sa.select(ApprovalRequest).where(
                ApprovalRequest.type == RequestType.CREDIT,
                ApprovalRequest.status == RequestStatus.PENDING,
                ApprovalRequest.deadline_at.is_not(None),
                ApprovalRequest.deadline_at > utcnow() - timedelta(days=1),
                ApprovalRequest.deadline_at < utcnow() + timedelta(days=HORIZON_DAYS + 1),
            )
        )
    )
    announced = []
    for request in due:
        left = request.days_left
        if left is None or left not in settings_for(request).reminder_days:
            continue
        step = current_step(request)
        if step is None:
            continue
        after_commit(credit_deadline_near, request, step=step, days_left=left)
        announced.append((request, left))
    db.session.commit()
    return announced
