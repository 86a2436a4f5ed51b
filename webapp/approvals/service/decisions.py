"""Deciding a step exactly once: approve, reject (with a reason) or return; several of one type
at once."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.approvals.models import (
    ApprovalRequest,
    ApprovalStep,
    RequestStatus,
    StepStatus,
)
from webapp.approvals.service.core import DECISIONS, already_decided, finish, record_event, step_due
from webapp.approvals.service.inbox import ROW_LOADS, acting_as, inbox_clause
from webapp.approvals.service.reading import current_step, get_request
from webapp.approvals.signals import request_closed, step_opened
from webapp.approvals.workflow import STEP_DECISIONS, WORKFLOWS
from webapp.auth.models import User
from webapp.common.errors import DomainError, Forbidden, NotFound, ValidationFailed
from webapp.common.events import after_commit
from webapp.common.timeutil import utcnow
from webapp.extensions import db


def decide(
    user: User, request_id: int, step_id: int, decision: str, comment: str | None = None
) -> ApprovalRequest:
    """Approve, reject or return the current step. The step is closed by one conditional
    UPDATE, so of two simultaneous deciders exactly one succeeds; the other is told who won."""
    request = get_request(user, request_id)
    step = db.session.get(ApprovalStep, step_id)
    if step is None or step.request_id != request.id:
        raise NotFound(_("No such step."))
    comment = check_decision(step, decision, comment)
    if step.status is not StepStatus.WAITING or not step.current:
        raise already_decided(step)
    principal = acting_as(user, request, step)
    if principal is None:
        if request.applicant_id == user.id:
            raise Forbidden(_("Nobody decides their own request."))
        raise Forbidden(_("This step is not waiting for you."))
    now = utcnow()
    closed = db.session.execute(
        sa.update(ApprovalStep)
        .where(
            ApprovalStep.id == step.id,
            ApprovalStep.status == StepStatus.WAITING,
            ApprovalStep.current.is_(True),
        )
        .values(
            status=DECISIONS[decision],
            current=False,
            decided_by_id=user.id,
            on_behalf_of_id=principal.id if principal.id != user.id else None,
            decided_at=now,
            comment=comment,
        )
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        db.session.rollback()
        raise already_decided(db.session.get(ApprovalStep, step_id))
    db.session.expire(step)
    record_event(request, user, decision, comment, on_behalf_of=principal, role=principal.role)
    if decision == "approve":
        following = next(
            (
                s
                for s in request.steps
                if s.round == request.round and s.position == step.position + 1
            ),
            None,
        )
        if following is not None:
            following.current = True
            following.due_at = step_due(request, WORKFLOWS[request.type], now)
        else:
            finish(request, RequestStatus.APPROVED, user, now, comment)
    else:
        finish(
            request,
            RequestStatus.REJECTED if decision == "reject" else RequestStatus.RETURNED,
            user,
            now,
            comment,
        )
    if request.status is RequestStatus.PENDING:
        after_commit(step_opened, request, step=current_step(request))
    else:
        after_commit(request_closed, request, status=request.status, actor=user)
    db.session.commit()
    return request


def check_decision(step: ApprovalStep, decision: str, comment: str | None) -> str | None:
    """The decision must be one the step allows, chosen explicitly (the button pressed, never
    guessed from the comment); reject and return need a reason. Returns the cleaned comment."""
    if not decision:
        raise ValidationFailed({"decision": _("Choose a decision: approve, return or reject.")})
    if decision not in DECISIONS or decision not in STEP_DECISIONS.get(step.action_name, ()):
        raise ValidationFailed({"decision": _("This step cannot be decided that way.")})
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > 2000:
        raise ValidationFailed({"comment": _("At most %(n)d characters.", n=2000)})
    if decision in ("reject", "return") and not comment:
        raise ValidationFailed({"comment": _("Give a reason.")})
    return comment


def _check_selection(pairs: list[tuple[int, int]]) -> None:
    if not pairs:
        raise ValidationFailed({"selected": _("Select at least one request.")})
    if len(pairs) > 100:
        raise ValidationFailed({"selected": _("At most 100 requests at once.")})
    types = set(
        db.session.scalars(
            sa.select(ApprovalRequest.type).where(ApprovalRequest.id.in_([r for r, _s in pairs]))
        )
    )
    if len(types) > 1:
        raise ValidationFailed({"selected": _("Select requests of one type only.")})


def bulk_preview(
    user: User, pairs: list[tuple[int, int]], decision: str, comment: str | None = None
) -> list[tuple[ApprovalRequest, ApprovalStep]]:
    """What a bulk decision would decide, shown for the approver to confirm (count and type)
    before anything is recorded: the selected requests still waiting for `user`, of one type,
    with a reason when the decision needs one."""
    _check_selection(pairs)
    wanted = set(pairs)
    rows = [
        (item, step)
        for item, step in db.session.execute(
            sa.select(ApprovalRequest, ApprovalStep)
            .join(ApprovalStep, ApprovalStep.request_id == ApprovalRequest.id)
            .where(inbox_clause(user), ApprovalStep.id.in_([s for _r, s in pairs]))
            .options(*ROW_LOADS)
            .order_by(ApprovalRequest.filed_at)
        )
        if (item.id, step.id) in wanted
    ]
    if not rows:
        raise ValidationFailed({"selected": _("None of the selected requests waits for you.")})
    for _item, step in rows:
        check_decision(step, decision, comment)
    return rows


def bulk_decide(
    user: User, pairs: list[tuple[int, int]], decision: str, comment: str | None = None
) -> list[tuple[int, ApprovalRequest | None, str | None]]:
    """Decide several selected requests of one type the same way, after the approver confirmed
    `bulk_preview`; each is decided (and recorded) separately through `decide`, so one that
    fails leaves the others decided. Returns (request id, request or None, error message or
    None) per pair."""
    _check_selection(pairs)
    results = []
    for request_id, step_id in pairs:
        try:
            results.append((request_id, decide(user, request_id, step_id, decision, comment), None))
        except DomainError as error:
            db.session.rollback()
            results.append((request_id, None, error.message))
    return results
