"""Reading requests: who sees which (the visibility rule every query goes through), one
request, its trail, its last changes between rounds, its deadline."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from webapp.accounts.models import Account, CreditGrade
from webapp.accounts.service import account_scope
from webapp.approvals.models import (
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStep,
    SupportKind,
)
from webapp.approvals.service.inbox import inbox_clause
from webapp.auth.models import User
from webapp.common.errors import NotFound
from webapp.extensions import db
from webapp.filters import money

MONEY_FIELDS = frozenset({"amount", "proposed_limit"})
CODE_FIELDS = {"support_kind": SupportKind, "proposed_grade": CreditGrade}


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
    if not visible:  # answered exactly like a missing one: ids cannot be probed
        raise NotFound(_("No such request."))
    return request


def current_step(request: ApprovalRequest) -> ApprovalStep | None:
    return next((s for s in request.steps if s.current), None)


def events(request: ApprovalRequest) -> list[ApprovalEvent]:
    return list(
        db.session.scalars(
            sa.select(ApprovalEvent)
            .where(ApprovalEvent.request_id == request.id)
            .options(joinedload(ApprovalEvent.actor), joinedload(ApprovalEvent.on_behalf_of))
            .order_by(ApprovalEvent.id)
        )
    )


def last_round_comments(request: ApprovalRequest) -> list[ApprovalEvent]:
    """Every comment of the last round (the approvers' reasons first of all), for the
    applicant revising a returned request."""
    return [
        e
        for e in events(request)
        if e.round == request.round and e.comment and e.action not in ("attach", "reassign")
    ]


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


def round_changes(request: ApprovalRequest) -> dict[str, tuple]:
    """Fields that differ between the last two rounds' snapshots: name → (before, after)."""
    snaps = [e.snapshot for e in events(request) if e.snapshot]
    if len(snaps) < 2:
        return {}
    before, after = snaps[-2], snaps[-1]
    return {
        k: (_shown(k, before.get(k)), _shown(k, after.get(k)))
        for k in after
        if before.get(k) != after.get(k)
    }


def _shown(name: str, value: str | None) -> str | None:
    """A snapshot value as people read it: amounts with ¥ and separators, labels for codes."""
    if value is None or value == "":
        return None
    try:
        if name in MONEY_FIELDS:
            return money(Decimal(value))
        if name in CODE_FIELDS:
            return CODE_FIELDS[name](value).label
    except (ArithmeticError, ValueError):
        pass
    return value
