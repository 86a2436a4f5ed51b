"""A contract's stage as people see it (draft, returned, in approval… in force, expiring,
expired): judged in Python for one contract and as SQL for a list filter, with one rule."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context

from webapp.common.timeutil import local_today
from webapp.contracts.models import Contract, ContractStatus, Lifecycle

EXPIRY_WINDOW_DAYS = 30  # default; CONTRACT_EXPIRY_WINDOW_DAYS in the config overrides it


def expiry_window() -> int:
    """Days before expiry from which a contract counts as expiring (DOMAIN.md: a reminder)."""
    if not has_app_context():  # the rule is also used on its own, e.g. by scripts
        return EXPIRY_WINDOW_DAYS
    return int(current_app.config.get("CONTRACT_EXPIRY_WINDOW_DAYS", EXPIRY_WINDOW_DAYS))


def lifecycle(
    contract: Contract, today: date | None = None, window: int | None = None
) -> Lifecycle:
    today = today or local_today()
    status = contract.status
    if status is ContractStatus.DRAFT:
        return Lifecycle.RETURNED if contract.is_returned else Lifecycle.DRAFT
    if status is ContractStatus.SIGNED and contract.effective_on and contract.expires_on:
        if contract.expires_on < today:
            return Lifecycle.EXPIRED
        if contract.effective_on <= today:
            window = expiry_window() if window is None else window
            if contract.expires_on <= today + timedelta(days=window):
                return Lifecycle.EXPIRING
            return Lifecycle.IN_FORCE
    return Lifecycle(status.value)


def stages_of(contracts) -> dict[int, Lifecycle]:
    """Each contract's stage by id, judged against one today and one window (a list page)."""
    today, window = local_today(), expiry_window()
    return {c.id: lifecycle(c, today, window) for c in contracts}


def lifecycle_clause(stage: Lifecycle, today: date, window: int) -> sa.ColumnElement[bool]:
    """The SQL condition matching `lifecycle()` for a list filter."""
    soon = today + timedelta(days=window)
    signed = Contract.status == ContractStatus.SIGNED
    match stage:
        case Lifecycle.DRAFT:
            return sa.and_(
                Contract.status == ContractStatus.DRAFT, Contract.return_comment.is_(None)
            )
        case Lifecycle.RETURNED:
            return sa.and_(
                Contract.status == ContractStatus.DRAFT, Contract.return_comment.is_not(None)
            )
        case Lifecycle.SIGNED:
            return sa.and_(signed, Contract.effective_on > today)
        case Lifecycle.IN_FORCE:
            return sa.and_(signed, Contract.effective_on <= today, Contract.expires_on > soon)
        case Lifecycle.EXPIRING:
            return sa.and_(
                signed,
                Contract.effective_on <= today,
                Contract.expires_on >= today,
                Contract.expires_on <= soon,
            )
        case Lifecycle.EXPIRED:
            return sa.and_(signed, Contract.expires_on < today)
        case _:
            return Contract.status == ContractStatus(stage.value)
