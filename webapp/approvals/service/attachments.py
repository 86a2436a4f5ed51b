"""Files on a request, per round: the applicant adds them while the request is in approval or
back with them for revision (then to the coming round, so a resubmission shows what was
added); whoever can decide the current step may add too. The attachments area stores them."""

from __future__ import annotations

from flask import url_for

from webapp.approvals.models import ApprovalRequest, RequestStatus
from webapp.approvals.service.core import record_event
from webapp.approvals.service.inbox import acting_as
from webapp.approvals.service.reading import current_step, get_request
from webapp.attachments.registry import AttachmentTarget
from webapp.auth.models import User


def can_attach(user: User, request: ApprovalRequest) -> bool:
    """The applicant while the request is open to change; an approver of its current step."""
    if request.status is RequestStatus.RETURNED:
        return request.applicant_id == user.id
    if request.status is not RequestStatus.PENDING:
        return False
    if request.applicant_id == user.id:
        return True
    step = current_step(request)
    return step is not None and acting_as(user, request, step) is not None


def attachment_round(request: ApprovalRequest) -> int:
    """A file added while the request is back with the applicant belongs to the next round."""
    return request.round + 1 if request.status is RequestStatus.RETURNED else request.round


REQUEST_ATTACHMENTS = AttachmentTarget(
    key="request",
    get_for_user=get_request,
    can_add=can_attach,
    page_url=lambda request: url_for("approvals.detail", request_id=request.id),
    round_of=attachment_round,
    on_added=lambda request, user, attachment: record_event(
        request, user, "attach", attachment.filename, round_=attachment.round
    ),
)
