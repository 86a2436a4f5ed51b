"""The approval engine: filing, deciding exactly once, withdrawing, resubmitting after a
return, delegation and reassignment, and the effects of a final approval.

Rules (DOMAIN.md "Approval requests"): nobody approves their own request; a step can approve,
reject (with reason) or return for revision; the applicant can withdraw before the decision;
overdue steps are flagged; a decision is recorded once even if two approvers click together.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from webapp.accounts.models import Account, CreditChange, CreditGrade
from webapp.accounts.service import account_scope, get_account
from webapp.approvals.models import (
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStep,
    Delegation,
    RequestCounter,
    RequestStatus,
    RequestType,
    StepStatus,
    SupportKind,
    SupportTask,
    TaskStatus,
)
from webapp.approvals.signals import request_closed, step_opened
from webapp.approvals.workflow import DEPARTMENT_ROLES, WORKFLOWS, steps_for
from webapp.auth.models import Role, User
from webapp.common.errors import DomainError, Forbidden, NotFound, ValidationFailed
from webapp.common.events import after_commit
from webapp.common.numbering import next_in_sequence
from webapp.common.timeutil import SHANGHAI, local_today, utcnow
from webapp.contracts import service as contracts
from webapp.contracts.lines import MAX_TOTAL, parse_decimal
from webapp.contracts.models import Contract, ContractStatus
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


# --- reading ----------------------------------------------------------------------------------


def request_scope(user: User) -> sa.ColumnElement[bool]:
    """A request is visible to whoever sees its account, to its applicant, and to anyone who
    has or had a step on it (a reassigned approver or a deputy from elsewhere included)."""
    mine = sa.select(ApprovalStep.request_id).where(
        sa.or_(ApprovalStep.assignee_id == user.id, ApprovalStep.decided_by_id == user.id)
    )
    waiting = (
        sa.select(ApprovalStep.request_id)
        .join(ApprovalRequest, ApprovalStep.request_id == ApprovalRequest.id)
        .where(inbox_clause(user))
    )
    return sa.or_(
        ApprovalRequest.account_id.in_(sa.select(Account.id).where(account_scope(user))),
        ApprovalRequest.applicant_id == user.id,
        ApprovalRequest.id.in_(mine),
        ApprovalRequest.id.in_(waiting),
    )


def get_request(user: User, request_id: int) -> ApprovalRequest:
    request = db.session.get(ApprovalRequest, request_id)
    if request is None:
        raise NotFound(_("No such request."))
    visible = db.session.scalar(
        sa.select(sa.literal(True)).where(ApprovalRequest.id == request_id, request_scope(user))
    )
    if not visible:
        raise Forbidden(_("This request belongs to another team."))
    return request


def current_step(request: ApprovalRequest) -> ApprovalStep | None:
    return next((s for s in request.steps if s.current), None)


def principals(user: User, today: date | None = None) -> list[User]:
    """The user and everyone who named them deputy for today."""
    today = today or local_today()
    absent = db.session.scalars(
        sa.select(User)
        .join(Delegation, Delegation.user_id == User.id)
        .where(
            Delegation.deputy_id == user.id,
            Delegation.starts_on <= today,
            Delegation.ends_on >= today,
            User.active.is_(True),
        )
    )
    return [user, *absent]


def _fits(step: ApprovalStep, person: User) -> bool:
    if step.assignee_id is not None:
        return step.assignee_id == person.id
    if person.role is not step.role:
        return False
    return step.department_id is None or step.department_id == person.department_id


def acting_as(user: User, request: ApprovalRequest, step: ApprovalStep) -> User | None:
    """Whom `user` would decide `step` for (themselves or someone they deputise), or None.
    Nobody decides a request they filed, not even as someone's deputy."""
    if request.applicant_id == user.id or not step.current:
        return None
    if step.status is not StepStatus.WAITING or request.status is not RequestStatus.PENDING:
        return None
    for person in principals(user):
        if person.id != request.applicant_id and _fits(step, person):
            return person
    return None


def approvers_of(step: ApprovalStep) -> list[User]:
    """Everyone who may decide `step` now: its assignee, or the active users of its role (and
    department), plus whoever they named deputy for today. The applicant is never one."""
    request = step.request
    if step.assignee_id is not None:
        people = [step.assignee] if step.assignee and step.assignee.active else []
    else:
        stmt = sa.select(User).where(User.role == step.role, User.active.is_(True))
        if step.department_id is not None:
            stmt = stmt.where(User.department_id == step.department_id)
        people = list(db.session.scalars(stmt))
    today = local_today()
    if people:
        deputies = db.session.scalars(
            sa.select(User)
            .join(Delegation, Delegation.deputy_id == User.id)
            .where(
                Delegation.user_id.in_([p.id for p in people]),
                Delegation.starts_on <= today,
                Delegation.ends_on >= today,
                User.active.is_(True),
            )
        )
        people += [d for d in deputies if d not in people]
    return [p for p in people if p.id != request.applicant_id]


def inbox_clause(user: User) -> sa.ColumnElement[bool]:
    """Current steps waiting for `user` or for someone they deputise.

    Built as a union of one index search per way a step can be someone's (assigned to them,
    or their role's and department's), because SQLite answers an OR of the two with a scan of
    every waiting step."""
    open_step = sa.and_(ApprovalStep.status == StepStatus.WAITING, ApprovalStep.current.is_(True))
    parts = []
    for person in principals(user):
        parts.append(
            sa.select(ApprovalStep.id).where(open_step, ApprovalStep.assignee_id == person.id)
        )
        by_role = sa.select(ApprovalStep.id).where(
            open_step, ApprovalStep.role == person.role, ApprovalStep.assignee_id.is_(None)
        )
        if person.role in DEPARTMENT_ROLES:
            by_role = by_role.where(ApprovalStep.department_id == person.department_id)
        parts.append(by_role)
    return sa.and_(
        ApprovalStep.id.in_(sa.union_all(*parts)),
        ApprovalRequest.applicant_id != user.id,
    )


def waiting_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ApprovalStep)
        .join(ApprovalRequest, ApprovalStep.request_id == ApprovalRequest.id)
        .where(inbox_clause(user))
    )


def waiting_for(
    user: User, type_: RequestType | None = None, limit: int = 200, overdue_only: bool = False
):
    stmt = (
        sa.select(ApprovalRequest, ApprovalStep)
        .join(ApprovalStep, ApprovalStep.request_id == ApprovalRequest.id)
        .where(inbox_clause(user))
        .options(joinedload(ApprovalRequest.account), joinedload(ApprovalRequest.applicant))
        .order_by(ApprovalStep.due_at.nulls_last(), ApprovalRequest.filed_at)
        .limit(limit)
    )
    if type_ is not None:
        stmt = stmt.where(ApprovalRequest.type == type_)
    if overdue_only:
        stmt = stmt.where(ApprovalStep.due_at < utcnow())
    return db.session.execute(stmt).all()


def inbox_rows(
    user: User,
    box: str,
    type_: RequestType | None = None,
    limit: int = 100,
    overdue_only: bool = False,
):
    """(request, step) pairs of one inbox box: waiting for me, filed by me, decided by me."""
    if box == "waiting":
        return waiting_for(user, type_, limit, overdue_only)
    if box == "filed":
        mine = ApprovalRequest.applicant_id == user.id
    else:
        decided = sa.select(ApprovalStep.request_id).where(ApprovalStep.decided_by_id == user.id)
        mine = ApprovalRequest.id.in_(decided)
    # the newest `limit` ids first (by index), then their current steps: SQLite would otherwise
    # walk every request in date order to the join
    newest = sa.select(ApprovalRequest.id).where(mine)
    if type_ is not None:
        newest = newest.where(ApprovalRequest.type == type_)
    newest = newest.order_by(ApprovalRequest.filed_at.desc()).limit(limit)
    stmt = (
        sa.select(ApprovalRequest, ApprovalStep)
        .outerjoin(
            ApprovalStep,
            sa.and_(ApprovalStep.request_id == ApprovalRequest.id, ApprovalStep.current.is_(True)),
        )
        .where(ApprovalRequest.id.in_(newest))
        .options(joinedload(ApprovalRequest.account), joinedload(ApprovalRequest.applicant))
        .order_by(ApprovalRequest.filed_at.desc())
    )
    if overdue_only:
        stmt = stmt.where(ApprovalStep.due_at < utcnow())
    return db.session.execute(stmt).all()


# Whose overdue steps a superior is shown (DOMAIN.md: overdue steps are flagged to the
# approver and to their superior): the head watches the department's supervisor and the
# finance co-signature of the department's requests; the executive watches the heads.
SUPERIOR_OF = {
    Role.DEPARTMENT_HEAD: (Role.SUPERVISOR, Role.FINANCE),
    Role.EXECUTIVE: (Role.DEPARTMENT_HEAD,),
}


def overdue_below(user: User, limit: int = 100):
    """(request, step) pairs whose current step is overdue at someone `user` is superior to."""
    watched = SUPERIOR_OF.get(user.role)
    if not watched:
        return []
    stmt = (
        sa.select(ApprovalRequest, ApprovalStep)
        .join(ApprovalStep, ApprovalStep.request_id == ApprovalRequest.id)
        .where(
            ApprovalStep.status == StepStatus.WAITING,
            ApprovalStep.current.is_(True),
            ApprovalStep.role.in_(watched),
            ApprovalStep.due_at < utcnow(),
        )
        .options(joinedload(ApprovalRequest.account), joinedload(ApprovalRequest.applicant))
        .order_by(ApprovalStep.due_at)
        .limit(limit)
    )
    if user.role in DEPARTMENT_ROLES:
        stmt = stmt.where(ApprovalRequest.department_id == user.department_id)
    return db.session.execute(stmt).all()


def recent_for_account(
    user: User, account_id: int, exclude: int | None = None, limit: int = 5
) -> list[ApprovalRequest]:
    stmt = (
        sa.select(ApprovalRequest)
        .where(ApprovalRequest.account_id == account_id, request_scope(user))
        .options(joinedload(ApprovalRequest.applicant))
        .order_by(ApprovalRequest.filed_at.desc())
        .limit(limit)
    )
    if exclude is not None:
        stmt = stmt.where(ApprovalRequest.id != exclude)
    return list(db.session.scalars(stmt))


def events(request: ApprovalRequest) -> list[ApprovalEvent]:
    return list(
        db.session.scalars(
            sa.select(ApprovalEvent)
            .where(ApprovalEvent.request_id == request.id)
            .options(joinedload(ApprovalEvent.actor), joinedload(ApprovalEvent.on_behalf_of))
            .order_by(ApprovalEvent.id)
        )
    )


# --- filing -----------------------------------------------------------------------------------


def _snapshot(request: ApprovalRequest) -> dict:
    out = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(request, name)
        out[name] = getattr(value, "value", value if value is None else str(value))
    return out


def _event(request, actor, action, comment=None, on_behalf_of=None, snapshot=None, role=None):
    db.session.add(
        ApprovalEvent(
            request_id=request.id,
            actor_id=actor.id if actor else None,
            on_behalf_of_id=on_behalf_of.id if on_behalf_of and on_behalf_of != actor else None,
            role=role or (actor.role if actor else None),
            action=action,
            round=request.round,
            comment=comment,
            snapshot=snapshot,
        )
    )


def _materialise(request: ApprovalRequest) -> None:
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
                due_at=_step_due(request, workflow, now) if position == 1 else None,
            )
        )


def _step_due(request, workflow, start):
    due = start + timedelta(days=workflow.step_days)
    if request.deadline_at is not None:
        due = min(due, request.deadline_at)
    return due


def _number() -> str:
    year = local_today().year
    return f"SP-{year}-{next_in_sequence(RequestCounter.__table__, year):05d}"


def _money(raw, field: str, label: str, *, required: bool) -> Decimal | None:
    text = "" if raw is None else str(raw)
    if not text.strip():
        if required:
            raise ValidationFailed({field: _("%(label)s is required.", label=label)})
        return None
    if text.strip() in {"0", "0.0", "0.00"} and field == "proposed_limit":
        return Decimal("0.00")
    value, error = parse_decimal(text, maximum=MAX_TOTAL, label=label)
    if error:
        raise ValidationFailed({field: error})
    return value


def _text(data: dict, name: str, limit: int, label: str, *, required: bool) -> str | None:
    value = (data.get(name) or "").strip()
    if required and not value:
        raise ValidationFailed({name: _("%(label)s is required.", label=label)})
    if len(value) > limit:
        raise ValidationFailed({name: _("At most %(n)d characters.", n=limit)})
    return value or None


def _apply_support_fields(request: ApprovalRequest, data: dict) -> None:
    try:
        kind = SupportKind(data.get("support_kind") or "")
    except ValueError:
        raise ValidationFailed({"support_kind": _("Choose the kind of support.")}) from None
    request.support_kind = kind
    request.content = _text(data, "content", 4000, _("Content"), required=True)
    request.title = _text(data, "title", 120, _("Title"), required=False) or kind.label
    # Advertising and promotion always carry a budget (seed 004).
    request.amount = _money(
        data.get("amount"), "amount", _("Budget"), required=kind is SupportKind.ADVERTISING
    )
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationFailed({"ends_on": _("The end cannot be before the start.")})
    request.starts_on, request.ends_on = starts, ends


def _apply_credit_fields(request: ApprovalRequest, data: dict) -> None:
    try:
        request.proposed_grade = CreditGrade(data.get("proposed_grade") or "")
    except ValueError:
        raise ValidationFailed({"proposed_grade": _("Choose the proposed grade.")}) from None
    request.proposed_limit = _money(
        data.get("proposed_limit"), "proposed_limit", _("Proposed limit"), required=True
    )
    request.basis = _text(data, "basis", 400, _("Basis"), required=True)
    request.content = _text(data, "content", 4000, _("Reason"), required=True)
    if (request.proposed_grade, request.proposed_limit) == (
        request.current_grade,
        request.current_limit,
    ):
        raise ValidationFailed({"proposed_limit": _("Propose a change of grade or limit.")})
    request.title = _("Credit adjustment")


FIELD_APPLIERS = {
    RequestType.SUPPORT: _apply_support_fields,
    RequestType.CREDIT: _apply_credit_fields,
}


def file_request(user: User, account_id: int, type_: RequestType, data: dict) -> ApprovalRequest:
    """File a request for an account the user works on. Nothing is stored if input is wrong."""
    account = get_account(user, account_id, for_edit=True)
    if type_ not in FIELD_APPLIERS:
        raise ValidationFailed({"type": _("This kind of request is filed elsewhere.")})
    request = _new_request(user, account, type_)
    if type_ is RequestType.CREDIT:
        request.current_grade, request.current_limit = account.credit_grade, account.credit_limit
    FIELD_APPLIERS[type_](request, data)
    _open(request, user)
    after_commit(step_opened, request, step=current_step(request))
    db.session.commit()
    return request


def _new_request(user: User, account: Account, type_: RequestType) -> ApprovalRequest:
    return ApprovalRequest(
        type=type_,
        account=account,
        applicant_id=user.id,
        department_id=account.department_id,
        round=1,
        status=RequestStatus.PENDING,
        title="",
    )


def _open(request: ApprovalRequest, user: User) -> None:
    """Number, deadline, the first round of steps and the filing event (not committed)."""
    now = utcnow()
    request.filed_at = now
    deadline_days = WORKFLOWS[request.type].deadline_days
    request.deadline_at = now + timedelta(days=deadline_days) if deadline_days else None
    request.number = _number()
    db.session.add(request)
    _materialise(request)
    db.session.flush()
    _event(request, user, "file", snapshot=_snapshot(request))


def _contract_fields(request: ApprovalRequest, contract: Contract) -> None:
    request.title = _("Contract %(number)s", number=contract.number)[:120]
    request.amount = contract.total
    flags = []
    if contract.over_credit:
        flags.append(_("over the client's available credit"))
    if contract.deviates:
        flags.append(_("standard wording edited"))
    request.content = (
        _("Higher approval chain: %(flags)s.", flags="; ".join(flags))
        if flags
        else _("Standard wording, within the client's available credit.")
    )


def file_contract_request(contract: Contract, user: User) -> ApprovalRequest:
    """File the 合同审批 request of a contract just submitted (not committed): after a return,
    the returned request's next round; otherwise a new request."""
    request = db.session.scalar(
        sa.select(ApprovalRequest)
        .where(
            ApprovalRequest.contract_id == contract.id,
            ApprovalRequest.status == RequestStatus.RETURNED,
        )
        .order_by(ApprovalRequest.id.desc())
        .limit(1)
    )
    if request is not None:
        _contract_fields(request, contract)
        _next_round(request, user)
    else:
        request = _new_request(user, contract.account, RequestType.CONTRACT)
        request.contract = contract
        _contract_fields(request, contract)
        _open(request, user)
    return request


def on_contract_submitted(contract: Contract, user: User, **_extra) -> None:
    """Receiver of `contracts.signals.contract_submitted`, inside the contract's transaction:
    file (or, after a return, resubmit) its approval request; announce it after the commit."""
    request = file_contract_request(contract, user)
    after_commit(step_opened, request, step=current_step(request))


def on_contract_withdrawn(contract: Contract, user: User, **_extra) -> None:
    """Receiver of `contracts.signals.contract_withdrawn`: the pending request goes too."""
    request = db.session.scalar(
        sa.select(ApprovalRequest).where(
            ApprovalRequest.contract_id == contract.id,
            ApprovalRequest.status == RequestStatus.PENDING,
        )
    )
    if request is None:
        return
    _finish(request, RequestStatus.WITHDRAWN, user, utcnow())
    _event(request, user, "withdraw")
    after_commit(request_closed, request, status=request.status, actor=user)


def request_for_contract(contract_id: int) -> ApprovalRequest | None:
    """The contract's latest approval request (the contract page links to it)."""
    return db.session.scalar(
        sa.select(ApprovalRequest)
        .where(ApprovalRequest.contract_id == contract_id)
        .order_by(ApprovalRequest.id.desc())
        .limit(1)
    )


def contract_approval_link(contract: Contract) -> contracts.ApprovalLink | None:
    request = request_for_contract(contract.id)
    if request is None:
        return None
    return contracts.ApprovalLink(
        url=url_for("approvals.detail", request_id=request.id),
        label=request.number,
        status=request.status.label,
    )


# --- deciding ---------------------------------------------------------------------------------


def decide(
    user: User, request_id: int, step_id: int, decision: str, comment: str | None = None
) -> ApprovalRequest:
    """Approve, reject or return the current step. The step is closed by one conditional
    UPDATE, so of two simultaneous deciders exactly one succeeds; the other is told who won."""
    request = get_request(user, request_id)
    if decision not in DECISIONS:
        raise ValidationFailed({"decision": _("Unknown decision.")})
    comment = (comment or "").strip() or None
    if decision in ("reject", "return") and not comment:
        raise ValidationFailed({"comment": _("Give a reason.")})
    step = db.session.get(ApprovalStep, step_id)
    if step is None or step.request_id != request.id:
        raise NotFound(_("No such step."))
    if step.status is not StepStatus.WAITING or not step.current:
        raise _already_decided(step)
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
        raise _already_decided(db.session.get(ApprovalStep, step_id))
    db.session.expire(step)
    _event(request, user, decision, comment, on_behalf_of=principal, role=principal.role)
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
            following.due_at = _step_due(request, WORKFLOWS[request.type], now)
        else:
            _finish(request, RequestStatus.APPROVED, user, now, comment)
    else:
        _finish(
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


def bulk_decide(
    user: User, pairs: list[tuple[int, int]], decision: str, comment: str | None = None
) -> list[tuple[int, ApprovalRequest | None, str | None]]:
    """Decide several selected requests of one type the same way; each is decided (and
    recorded) separately through `decide`, so one that fails leaves the others decided.
    Returns (request id, request or None, error message or None) per pair."""
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
    results = []
    for request_id, step_id in pairs:
        try:
            results.append((request_id, decide(user, request_id, step_id, decision, comment), None))
        except ValidationFailed as error:
            db.session.rollback()
            results.append((request_id, None, "；".join(error.errors.values())))
        except DomainError as error:
            db.session.rollback()
            results.append((request_id, None, error.message))
    return results


def _already_decided(step: ApprovalStep) -> AlreadyDecided:
    who = step.decided_by.full_name if step and step.decided_by else _("someone else")
    return AlreadyDecided(_("Already decided by %(name)s.", name=who))


def _finish(
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


def _apply_credit(request: ApprovalRequest, actor: User, comment: str | None) -> None:
    """Final approval changes the account's grade and limit in the same transaction, and the
    credit history records the request (DOMAIN.md "Credit")."""
    account = db.session.get(Account, request.account_id)
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


def _contract_outcome(outcome: str):
    def effect(request: ApprovalRequest, actor: User, comment: str | None) -> None:
        contract = db.session.get(Contract, request.contract_id)
        if contract is not None and contract.status is ContractStatus.IN_APPROVAL:
            contracts.record_outcome(contract, actor, outcome, comment)

    return effect


EFFECTS = {
    (RequestType.CREDIT, RequestStatus.APPROVED): _apply_credit,
    (RequestType.SUPPORT, RequestStatus.APPROVED): _create_support_task,
    (RequestType.CONTRACT, RequestStatus.APPROVED): _contract_outcome("approve"),
    (RequestType.CONTRACT, RequestStatus.REJECTED): _contract_outcome("reject"),
    (RequestType.CONTRACT, RequestStatus.RETURNED): _contract_outcome("return"),
    (RequestType.CONTRACT, RequestStatus.WITHDRAWN): _contract_outcome("withdraw"),
}


def _withdraw_refusal(user: User, request: ApprovalRequest) -> DomainError | None:
    if request.applicant_id != user.id:
        return Forbidden(_("Only the applicant withdraws a request."))
    if request.status not in (RequestStatus.PENDING, RequestStatus.RETURNED):
        return TooLate(_("The request is already decided."))
    return None


def can_withdraw(user: User, request: ApprovalRequest) -> bool:
    """Only the applicant withdraws, and only before the final decision: while it is pending
    or after it was returned to them (DOMAIN.md: the applicant can withdraw before the
    decision)."""
    return _withdraw_refusal(user, request) is None


def _resubmit_refusal(user: User, request: ApprovalRequest) -> DomainError | None:
    if request.applicant_id != user.id:
        return Forbidden(_("Only the applicant resubmits a request."))
    if request.status is not RequestStatus.RETURNED:
        return TooLate(_("Only a returned request can be resubmitted."))
    return None


def can_resubmit(user: User, request: ApprovalRequest) -> bool:
    """Only the applicant revises and files again, and only a request returned for revision
    (a returned contract through its contract, see `resubmit`)."""
    return _resubmit_refusal(user, request) is None


def withdraw(user: User, request_id: int) -> ApprovalRequest:
    """The applicant withdraws their request (`can_withdraw`)."""
    request = get_request(user, request_id)
    if (refusal := _withdraw_refusal(user, request)) is not None:
        raise refusal
    _finish(request, RequestStatus.WITHDRAWN, user, utcnow())
    _event(request, user, "withdraw")
    after_commit(request_closed, request, status=request.status, actor=user)
    db.session.commit()
    return request


def resubmit(user: User, request_id: int, data: dict) -> ApprovalRequest:
    """After a return, the applicant edits and files again: a new round of steps starts and
    the trail keeps both rounds (their snapshots show what changed). A returned contract is
    resubmitted by submitting the revised contract."""
    request = get_request(user, request_id)
    if (refusal := _resubmit_refusal(user, request)) is not None:
        raise refusal
    if request.type not in FIELD_APPLIERS:
        raise TooLate(_("Revise the contract and submit it again."))
    FIELD_APPLIERS[request.type](request, data)
    _next_round(request, user)
    after_commit(step_opened, request, step=current_step(request))
    db.session.commit()
    return request


def _next_round(request: ApprovalRequest, user: User) -> None:
    request.round += 1
    request.status = RequestStatus.PENDING
    request.decided_at = None
    _materialise(request)
    db.session.flush()
    _event(request, user, "resubmit", snapshot=_snapshot(request))


def round_changes(request: ApprovalRequest) -> dict[str, tuple]:
    """Fields that differ between the last two rounds' snapshots: name → (before, after)."""
    snaps = [e.snapshot for e in events(request) if e.snapshot]
    if len(snaps) < 2:
        return {}
    before, after = snaps[-2], snaps[-1]
    return {k: (before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)}


def add_comment(user: User, request_id: int, text: str) -> ApprovalRequest:
    request = get_request(user, request_id)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed({"comment": _("Write a comment.")})
    _event(request, user, "comment", text[:2000])
    db.session.commit()
    return request


def reassign(admin: User, step_id: int, user_id: int) -> ApprovalStep:
    """When an approver leaves, the administrator hands their waiting step to someone else."""
    if admin.role is not Role.ADMIN:
        raise Forbidden(_("Only the administrator reassigns steps."))
    step = db.session.get(ApprovalStep, step_id)
    if step is None:
        raise NotFound(_("No such step."))
    if step.status is not StepStatus.WAITING or not step.current:
        raise TooLate(_("The step is already decided."))
    person = db.session.get(User, user_id)
    if person is None or not person.active:
        raise ValidationFailed({"user_id": _("Choose an active user.")})
    if person.id == step.request.applicant_id:
        raise ValidationFailed({"user_id": _("Nobody decides their own request.")})
    step.assignee_id = person.id
    _event(step.request, admin, "reassign", person.full_name)
    after_commit(step_opened, step.request, step=step)
    db.session.commit()
    return step


def delegate(user: User, deputy_id: int, starts_on: date, ends_on: date) -> Delegation:
    if ends_on < starts_on:
        raise ValidationFailed({"ends_on": _("The end cannot be before the start.")})
    if (ends_on - starts_on).days > 366:
        raise ValidationFailed({"ends_on": _("A delegation lasts at most a year.")})
    deputy = db.session.get(User, deputy_id)
    if deputy is None or not deputy.active or deputy.id == user.id:
        raise ValidationFailed({"deputy_id": _("Choose an active colleague.")})
    if not _may_deputise(user, deputy):
        raise ValidationFailed({"deputy_id": _("This colleague cannot stand in for you.")})
    delegation = Delegation(
        user_id=user.id, deputy_id=deputy.id, starts_on=starts_on, ends_on=ends_on
    )
    db.session.add(delegation)
    db.session.commit()
    return delegation


def my_delegations(user: User) -> list[Delegation]:
    return list(
        db.session.scalars(
            sa.select(Delegation)
            .where(Delegation.user_id == user.id, Delegation.ends_on >= local_today())
            .options(joinedload(Delegation.deputy))
            .order_by(Delegation.starts_on)
        )
    )


def delegations_to(user: User) -> list[Delegation]:
    """Whom `user` is deputy for, today or later."""
    return list(
        db.session.scalars(
            sa.select(Delegation)
            .where(Delegation.deputy_id == user.id, Delegation.ends_on >= local_today())
            .options(joinedload(Delegation.user))
            .order_by(Delegation.starts_on)
        )
    )


def _may_deputise(user: User, deputy: User) -> bool:
    """A colleague of the same department, or anyone of the user's own role, or an executive;
    never an administrator or the custodian, who decide nothing."""
    if deputy.role in (Role.ADMIN, Role.CUSTODIAN):
        return False
    same_department = user.department_id is not None and deputy.department_id == user.department_id
    return same_department or deputy.role in (user.role, Role.EXECUTIVE)


def deputy_choices(user: User) -> list[tuple[User, str]]:
    people = db.session.scalars(
        sa.select(User)
        .where(User.active.is_(True), User.id != user.id)
        .order_by(User.role, User.full_name)
    )
    return [(p, f"{p.full_name} · {p.role.label}") for p in people if _may_deputise(user, p)]


def active_approvers() -> list[User]:
    roles = (Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.EXECUTIVE, Role.FINANCE)
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.active.is_(True), User.role.in_(roles))
            .order_by(User.role, User.full_name)
        )
    )


def end_delegation(user: User, delegation_id: int) -> None:
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None:
        raise NotFound(_("No such delegation."))
    if delegation.user_id != user.id:
        raise Forbidden(_("Only who named the deputy ends the delegation."))
    db.session.delete(delegation)
    db.session.commit()


def waiting_steps_for_admin(limit: int = 200) -> list[ApprovalStep]:
    """Current steps, those whose only possible approvers have left first, for reassignment."""
    return list(
        db.session.scalars(
            sa.select(ApprovalStep)
            .where(ApprovalStep.current.is_(True), ApprovalStep.status == StepStatus.WAITING)
            .options(
                joinedload(ApprovalStep.request).joinedload(ApprovalRequest.account),
                joinedload(ApprovalStep.assignee),
            )
            .order_by(ApprovalStep.due_at.nulls_last())
            .limit(limit)
        )
    )


def stranded(step: ApprovalStep) -> bool:
    """Nobody active can decide this step (its approvers left the company)."""
    return not approvers_of(step)


# --- support tasks ----------------------------------------------------------------------------


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


def days_left(request: ApprovalRequest) -> int | None:
    if request.deadline_at is None or request.status is not RequestStatus.PENDING:
        return None
    return (request.deadline_at - utcnow()).days
