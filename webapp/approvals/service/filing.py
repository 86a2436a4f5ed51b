"""Filing a service & support application or a credit adjustment, withdrawing, resubmitting
after a return, and commenting. Nothing is stored when input is wrong."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from webapp.accounts.models import CreditGrade
from webapp.accounts.service import get_account
from webapp.approvals.models import (
    ApprovalRequest,
    RequestStatus,
    RequestType,
    StepStatus,
    SupportKind,
)
from webapp.approvals.service.attack import apply_attack_fields
from webapp.approvals.service.core import (
    TooLate,
    finish,
    new_request,
    next_round,
    open_request,
    record_event,
)
from webapp.approvals.service.reading import current_step, get_request
from webapp.approvals.signals import request_closed, step_opened
from webapp.auth.models import User
from webapp.common.errors import DomainError, Forbidden, ValidationFailed
from webapp.common.events import after_commit
from webapp.common.timeutil import utcnow
from webapp.contracts.lines import MAX_TOTAL, parse_decimal
from webapp.extensions import db


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
    RequestType.ATTACK: apply_attack_fields,
}


def file_request(user: User, account_id: int, type_: RequestType, data: dict) -> ApprovalRequest:
    """File a request for an account the user works on. Nothing is stored if input is wrong."""
    account = get_account(user, account_id, for_edit=True)
    if type_ not in FIELD_APPLIERS:
        raise ValidationFailed({"type": _("This kind of request is filed elsewhere.")})
    request = new_request(user, account, type_)
    if type_ is RequestType.CREDIT:
        request.current_grade, request.current_limit = account.credit_grade, account.credit_limit
    FIELD_APPLIERS[type_](request, data)
    open_request(request, user)
    after_commit(step_opened, request, step=current_step(request))
    db.session.commit()
    return request


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
    waiting = [s.id for s in request.steps if s.current and s.status is StepStatus.WAITING]
    finish(request, RequestStatus.WITHDRAWN, user, utcnow())
    record_event(request, user, "withdraw")
    # the approvers of the step that was waiting hear it was withdrawn (notifications)
    after_commit(request_closed, request, status=request.status, actor=user, steps=waiting)
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
    next_round(request, user)
    after_commit(step_opened, request, step=current_step(request))
    db.session.commit()
    return request


def add_comment(user: User, request_id: int, text: str) -> ApprovalRequest:
    request = get_request(user, request_id)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed({"comment": _("Write a comment.")})
    record_event(request, user, "comment", text[:2000])
    db.session.commit()
    return request
