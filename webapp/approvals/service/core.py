"""What every approval action builds on: the trail of events, the steps of a round materialised
from the request type's workflow, numbering, and finishing a request with the effects of a final
approval (a credit change, a support task) in the same transaction."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp import audit
from webapp.accounts.models import Account, CreditChange
from webapp.approvals.models import (
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStep,
    RequestCounter,
    RequestStatus,
    RequestType,
    StepStatus,
    SupportTask,
)
from webapp.approvals.service.attack import approve_attack_plan
from webapp.approvals.signals import request_finished
from webapp.approvals.workflow import (
    DEPARTMENT_ROLES,
    WORKFLOWS,
    current_settings,
    settings_for,
    steps_for,
)
from webapp.auth.models import User
from webapp.common.errors import DomainError
from webapp.common.numbering import next_in_sequence
from webapp.common.timeutil import local_today, utcnow
from webapp.extensions import db

DECISIONS = {
    "approve": StepStatus.APPROVED,
    "reject": StepStatus.REJECTED,
    "return": StepStatus.RETURNED,
}


SNAPSHOT_FIELDS = (
    "title",
    "content",
    "amount",
    "support_kind",
    "starts_on",
    "ends_on",
    "proposed_grade",
    "proposed_limit",
    "basis",
)


class AlreadyDecided(DomainError):
    """Someone else decided the step first; the message names them."""


class TooLate(DomainError):
    """The request has moved on (decided, withdrawn) and the action no longer applies."""


def _snapshot(request: ApprovalRequest) -> dict:
    out = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(request, name)
        out[name] = getattr(value, "value", value if value is None else str(value))
    return out


def record_event(
    request, actor, action, comment=None, on_behalf_of=None, snapshot=None, role=None, round_=None
):
    """The request's own event log, and the same event in the account's history: a filing or a
    resubmission with the fields it filled or changed, a decision with its comment."""
    where = {
        "actor": actor,
        "entity_type": "request",
        "entity_id": request.id,
        "account_id": request.account_id,
        "action": f"request.{action}",
        "subject": request.number,
        "on_behalf_of": on_behalf_of,
    }
    changed = []
    if snapshot is not None:
        before, after = _last_snapshot(request), _prefixed(snapshot)
        changed = audit.record_changes(
            **where, before=before, after=after, version=round_ or request.round
        )
    if not changed:
        audit.record_event(**where, detail=comment)
    db.session.add(
        ApprovalEvent(
            request_id=request.id,
            actor_id=actor.id if actor else None,
            on_behalf_of_id=on_behalf_of.id if on_behalf_of and on_behalf_of != actor else None,
            role=role or (actor.role if actor else None),
            action=action,
            round=round_ or request.round,
            comment=comment,
            snapshot=snapshot,
        )
    )


def _prefixed(snapshot: dict) -> dict:
    return {f"request.{name}": value for name, value in snapshot.items()}


def _last_snapshot(request: ApprovalRequest) -> dict:
    """The fields as filed in the previous round ({} when filing), to list what changed."""
    last = db.session.scalar(
        sa.select(ApprovalEvent.snapshot)
        .where(  # (a JSON column stores "no snapshot" as JSON null: ask by action)
            ApprovalEvent.request_id == request.id,
            ApprovalEvent.action.in_(("file", "resubmit")),
        )
        .order_by(ApprovalEvent.id.desc())
        .limit(1)
    )
    return _prefixed(last or {})


def materialise(request: ApprovalRequest) -> None:
    """Create this round's steps from the type's workflow; the first becomes current."""
    workflow = WORKFLOWS[request.type]
    now = utcnow()
    specs = steps_for(request)
    for position, spec in enumerate(specs, start=1):
        request.steps.append(
            ApprovalStep(
                round=request.round,
                position=position,
                current=position == 1,
                role=spec.role,
                action_name=spec.action,
                department_id=request.department_id if spec.role in DEPARTMENT_ROLES else None,
                due_at=step_due(request, workflow, now) if position == 1 else None,
            )
        )


def step_due(request, workflow, start):
    """A step is due its type's days (the settings the request was filed under) after it
    became current, and never after the request's own deadline."""
    due = start + timedelta(days=settings_for(request).step_days(request.type))
    if request.deadline_at is not None:
        due = min(due, request.deadline_at)
    return due


def _number() -> str:
    year = local_today().year
    return f"SP-{year}-{next_in_sequence(RequestCounter.__table__, year):05d}"


def new_request(user: User, account: Account, type_: RequestType) -> ApprovalRequest:
    return ApprovalRequest(
        type=type_,
        account=account,
        applicant_id=user.id,
        department_id=account.department_id,
        round=1,
        status=RequestStatus.PENDING,
        title="",
    )


def open_request(request: ApprovalRequest, user: User) -> None:
    """Number, deadline, the first round of steps and the filing event (not committed)."""
    now = utcnow()
    request.filed_at = now
    request.settings_id = current_settings().id
    deadline_days = WORKFLOWS[request.type].deadline_days
    request.deadline_at = now + timedelta(days=deadline_days) if deadline_days else None
    request.number = _number()
    db.session.add(request)
    materialise(request)
    db.session.flush()
    record_event(request, user, "file", snapshot=_snapshot(request))


def next_round(request: ApprovalRequest, user: User) -> None:
    request.round += 1
    request.status = RequestStatus.PENDING
    request.decided_at = None
    materialise(request)
    db.session.flush()
    record_event(request, user, "resubmit", snapshot=_snapshot(request))


def finish(
    request: ApprovalRequest, status: RequestStatus, actor: User, now, comment: str | None = None
) -> None:
    request.status = status
    request.decided_at = now
    for step in request.steps:
        if step.round == request.round and step.status is StepStatus.WAITING:
            step.status, step.current = StepStatus.SKIPPED, False
    effect = EFFECTS.get((request.type, status))
    if effect is not None:
        effect(request, actor, comment)
    # other areas' part of the outcome (the contract's state), in this same transaction
    request_finished.send(request, status=status, actor=actor, comment=comment)


def _apply_credit(request: ApprovalRequest, actor: User, comment: str | None) -> None:
    """Final approval changes the account's grade and limit in the same transaction, and the
    credit history records the request (DOMAIN.md "Credit")."""
    account = db.session.get(Account, request.account_id)
    before = audit.snapshot(account, ("credit_grade", "credit_limit"))
    db.session.add(
        CreditChange(
            account_id=account.id,
            actor_id=actor.id,
            old_grade=account.credit_grade,
            new_grade=request.proposed_grade,
            old_limit=account.credit_limit,
            new_limit=request.proposed_limit,
            reason=(request.basis or "")[:200],
            request_id=request.id,
        )
    )
    account.credit_grade = request.proposed_grade
    account.credit_limit = request.proposed_limit
    deciding = [s for s in request.steps if s.round == request.round and s.decided_by_id]
    last = max(deciding, key=lambda s: s.position, default=None)
    audit.record_changes(
        actor=actor,
        entity_type="account",
        entity_id=account.id,
        account_id=account.id,
        before=before,
        after=audit.snapshot(account, ("credit_grade", "credit_limit")),
        version=None,
        on_behalf_of=last.on_behalf_of if last is not None else None,
    )


def _create_support_task(request: ApprovalRequest, actor: User, comment: str | None) -> None:
    """An approved service & support application becomes a task on the account."""
    db.session.add(
        SupportTask(
            request_id=request.id,
            account_id=request.account_id,
            kind=request.support_kind,
            title=request.title,
            budget=request.amount,
            starts_on=request.starts_on,
            ends_on=request.ends_on,
        )
    )


EFFECTS = {
    (RequestType.CREDIT, RequestStatus.APPROVED): _apply_credit,
    (RequestType.SUPPORT, RequestStatus.APPROVED): _create_support_task,
    (RequestType.ATTACK, RequestStatus.APPROVED): approve_attack_plan,
}


def already_decided(step: ApprovalStep) -> AlreadyDecided:
    who = step.decided_by.full_name if step and step.decided_by else _("someone else")
    return AlreadyDecided(_("Already decided by %(name)s.", name=who))
