"""Rules for complaints (seed 004 客户投诉管理; DOMAIN.md "Activities").

Steps, in this order only, each kept with who took it, when, and their note:
record → investigate → leader's instruction → client told of the result → archive.
The account's team (and the department's leaders) record, investigate and tell the client; the
instruction and the archiving are a leader's (supervisor or department head of the account's
department). Nothing skips the client-told step, so a complaint never closes without the client
hearing back; the time to close runs from recording to archiving.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from webapp import audit
from webapp.accounts.models import Account
from webapp.accounts.service import can_edit, get_account
from webapp.auth.models import Role, User
from webapp.common.errors import Forbidden, NotFound, ValidationFailed
from webapp.common.timeutil import local_today, utcnow
from webapp.complaints.models import Complaint, ComplaintStatus, ComplaintStep
from webapp.extensions import db

LEADERS = frozenset({Role.SUPERVISOR, Role.DEPARTMENT_HEAD})
LEADER_STEPS = frozenset({ComplaintStatus.INSTRUCTED, ComplaintStatus.ARCHIVED})


def is_leader(user: User, account: Account) -> bool:
    return user.role in LEADERS and user.department_id == account.department_id


def may_take(user: User, complaint: Complaint, step: ComplaintStatus) -> bool:
    if step in LEADER_STEPS:
        return is_leader(user, complaint.account)
    return can_edit(user, complaint.account)


def next_step(user: User, complaint: Complaint) -> ComplaintStatus | None:
    """The step this user may take now, if any."""
    step = complaint.status.next
    if step is None or not may_take(user, complaint, step):
        return None
    return step


def record_complaint(actor: User, account_id: int, data: dict) -> Complaint:
    account = get_account(actor, account_id, for_edit=True)
    if not can_edit(actor, account):
        raise Forbidden(_("Only the account's team records complaints on it."))
    errors = {}
    subject = (data.get("subject") or "").strip()
    description = (data.get("description") or "").strip()
    received_on = data.get("received_on") or local_today()
    if not subject:
        errors["subject"] = _("Say what the complaint is about.")
    if not description:
        errors["description"] = _("Record what the client said.")
    if isinstance(received_on, date) and received_on > local_today():
        errors["received_on"] = _("The complaint cannot come from the future.")
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    complaint = Complaint(
        account_id=account.id,
        subject=subject[:120],
        description=description,
        received_on=received_on,
        status=ComplaintStatus.RECORDED,
        recorded_by_id=actor.id,
        recorded_at=now,
    )
    complaint.steps.append(
        ComplaintStep(step=ComplaintStatus.RECORDED, actor_id=actor.id, at=now, note=description)
    )
    db.session.add(complaint)
    db.session.flush()
    audit.record_changes(
        actor=actor, entity_type="complaint", entity_id=complaint.id, account_id=account.id,
        before={}, after={
            "complaint.received_on": audit.display_value(complaint.received_on),
            "complaint.description": complaint.description,
        },
        version=None, action="create", subject=complaint.subject,
    )  # fmt: skip
    db.session.commit()
    return complaint


def get_complaint(user: User, complaint_id: int) -> Complaint:
    complaint = db.session.get(
        Complaint,
        complaint_id,
        options=[selectinload(Complaint.steps).joinedload(ComplaintStep.actor)],
    )
    if complaint is None:
        raise NotFound(_("No such complaint."))
    get_account(user, complaint.account_id, missing=_("No such complaint."))
    return complaint


def advance(actor: User, complaint_id: int, step: str, note: str | None) -> Complaint:
    """Take the next step with a note (what was found, the instruction, what the client was
    told, where it is filed). Only the next step in order can be taken, once."""
    complaint = get_complaint(actor, complaint_id)
    try:
        wanted = ComplaintStatus(step)
    except ValueError:
        raise ValidationFailed({"step": _("Unknown step.")}) from None
    if wanted is not complaint.status.next:
        if wanted is ComplaintStatus.ARCHIVED:
            message = _("A complaint is archived only after the client was told of the result.")
        else:
            message = _("This step is not the next one for this complaint.")
        raise ValidationFailed({"step": message})
    if not may_take(actor, complaint, wanted):
        raise Forbidden(
            _("A supervisor or head of the account's department gives instructions and archives.")
            if wanted in LEADER_STEPS
            else _("Only the account's team works on its complaints.")
        )
    note = (note or "").strip()
    if not note:
        raise ValidationFailed({"note": _("Write what was done at this step.")})
    now = utcnow()
    before = complaint.status
    complaint.status = wanted
    if wanted is ComplaintStatus.ARCHIVED:
        complaint.closed_at = now
    complaint.steps.append(ComplaintStep(step=wanted, actor_id=actor.id, at=now, note=note[:4000]))
    audit.record_changes(
        actor=actor, entity_type="complaint", entity_id=complaint.id,
        account_id=complaint.account_id, before={"complaint.status": before.value},
        after={"complaint.status": wanted.value, "complaint.note": note[:4000]}, version=None,
        subject=complaint.subject,
    )  # fmt: skip
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ValidationFailed(
            {"step": _("Someone took a step on this complaint at the same time; reload it.")}
        ) from None
    return complaint


def account_complaints(user: User, account: Account) -> list[Complaint]:
    return list(
        db.session.scalars(
            sa.select(Complaint)
            .where(Complaint.account_id == account.id)
            .order_by(Complaint.received_on.desc(), Complaint.id.desc())
        )
    )
