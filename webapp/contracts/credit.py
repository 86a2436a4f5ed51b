"""Credit exposure of a client: what open contracts commit and what delivered goods left
unpaid (DOMAIN.md 合同审批: available credit = limit − open contracts − arrears)."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from webapp.accounts.models import Account
from webapp.common.timeutil import local_today
from webapp.contracts.models import Contract, ContractStatus
from webapp.extensions import db

OPEN_STATUSES = (ContractStatus.IN_APPROVAL, ContractStatus.APPROVED, ContractStatus.SIGNED)

_ARREARS = "keydesk.arrears_providers"


def register_arrears_provider(app, provider, many=None) -> None:
    """An area above (sales records) tells how much a client owes: provider(account_id) ->
    Decimal, and optionally many(account_ids) -> {account_id: Decimal} for a page of accounts
    in one query. Called from that area's init_app."""
    providers = app.extensions.setdefault(_ARREARS, [])
    if all(one is not provider for one, _many in providers):
        providers.append((provider, many))


def open_contract_amount(account_id: int, exclude_id: int | None = None) -> Decimal:
    """What the client's open contracts still commit: in approval, approved, or signed and not
    yet expired. An expired or terminated contract ties up no credit; what it left unpaid is
    arrears, counted separately."""
    stmt = sa.select(Contract.total).where(
        Contract.account_id == account_id,
        Contract.status.in_(OPEN_STATUSES),
        sa.or_(
            Contract.status != ContractStatus.SIGNED,
            Contract.expires_on.is_(None),
            Contract.expires_on >= local_today(),
        ),
    )
    if exclude_id is not None:
        stmt = stmt.where(Contract.id != exclude_id)
    return sum(db.session.scalars(stmt), Decimal("0.00"))


def arrears_of(account_id: int) -> Decimal:
    """What the client owes on delivered goods, from the sales records (0 without them)."""
    providers = current_app.extensions.get(_ARREARS, ())
    return sum((one(account_id) for one, _many in providers), Decimal("0.00"))


def arrears_of_many(account_ids) -> dict[int, Decimal]:
    """`arrears_of` for several accounts (an inbox page), one query per provider."""
    ids = sorted(set(account_ids))
    totals = {account_id: Decimal("0.00") for account_id in ids}
    if not ids:
        return totals
    for one, many in current_app.extensions.get(_ARREARS, ()):
        found = many(ids) if many is not None else {i: one(i) for i in ids}
        for account_id, owed in found.items():
            totals[account_id] += owed
    return totals


def available_credit(account: Account, exclude_id: int | None = None) -> Decimal:
    """Credit limit minus open contract amounts and arrears (DOMAIN.md 合同审批)."""
    arrears = arrears_of(account.id)
    return account.credit_limit - open_contract_amount(account.id, exclude_id) - arrears
