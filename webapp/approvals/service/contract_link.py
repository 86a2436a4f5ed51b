"""The contract approval (合同审批) request: filed or resubmitted when a contract is submitted,
withdrawn with it, and its outcome written back on the contract; all inside the transaction of
the change that caused it (receivers connected by the area's init_app)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from webapp.approvals.models import (
    ApprovalRequest,
    RequestStatus,
    RequestType,
)
from webapp.approvals.service.core import (
    finish,
    new_request,
    next_round,
    open_request,
    record_event,
)
from webapp.approvals.service.reading import current_step
from webapp.approvals.signals import request_closed, step_opened
from webapp.auth.models import User
from webapp.common.events import after_commit
from webapp.common.timeutil import utcnow
from webapp.contracts import service as contracts
from webapp.contracts.models import Contract, ContractStatus
from webapp.extensions import db


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
        next_round(request, user)
    else:
        request = new_request(user, contract.account, RequestType.CONTRACT)
        request.contract = contract
        _contract_fields(request, contract)
        open_request(request, user)
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
    waiting = current_step(request)
    finish(request, RequestStatus.WITHDRAWN, user, utcnow())
    record_event(request, user, "withdraw")
    steps = [waiting.id] if waiting is not None else []  # its approvers hear of it
    after_commit(request_closed, request, status=request.status, actor=user, steps=steps)


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


OUTCOMES = {
    RequestStatus.APPROVED: "approve",
    RequestStatus.REJECTED: "reject",
    RequestStatus.RETURNED: "return",
    RequestStatus.WITHDRAWN: "withdraw",
}


def on_request_finished(
    request: ApprovalRequest, status: RequestStatus, actor: User, comment: str | None, **_extra
) -> None:
    """Receiver of `request_finished`: a contract request's outcome moves its contract (approved,
    or back to draft with the approver's comment), in the decision's transaction."""
    if request.type is not RequestType.CONTRACT or status not in OUTCOMES:
        return
    contract = db.session.get(Contract, request.contract_id)
    if contract is not None and contract.status is ContractStatus.IN_APPROVAL:
        contracts.record_outcome(contract, actor, OUTCOMES[status], comment)
