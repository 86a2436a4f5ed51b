"""The contract list: its filters (`ContractQuery`), its rows (scope, filters, newest first),
the owner's contracts about to expire, and the list as it exports and saves as views
(`webapp.lists`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from webapp.accounts.models import Account
from webapp.auth.models import User
from webapp.common.timeutil import local_today
from webapp.contracts import lines as line_rules
from webapp.contracts import service
from webapp.contracts.lifecycle import expiry_window, lifecycle_clause
from webapp.contracts.models import Contract, ContractStatus, Lifecycle
from webapp.contracts.service import contract_scope
from webapp.extensions import db
from webapp.lists.registry import Column, Kind, ListSpec


@dataclass
class ContractQuery:
    stage: Lifecycle | None = None
    owner_id: int | None = None
    expiring_within: int | None = None
    min_total: Decimal | None = None
    max_total: Decimal | None = None
    q: str = ""
    page: int = 1
    args: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> ContractQuery:
        query = cls(q=(args.get("q") or "").strip()[:60])
        raw = args.get("stage") or ""
        if raw in {s.value for s in Lifecycle}:
            query.stage = Lifecycle(raw)
        for name in ("owner_id", "expiring_within", "page"):
            value = args.get(name) or ""
            if value.isascii() and value.isdigit() and 0 < int(value) < 100000:
                setattr(query, name, int(value))
        for name in ("min_total", "max_total"):
            value, error = line_rules.parse_decimal(
                args.get(name) or "", maximum=line_rules.MAX_TOTAL, label=name
            )
            if error is None:
                setattr(query, name, value)
        query.args = {
            k: args.get(k)
            for k in ("q", "stage", "owner_id", "expiring_within", "min_total", "max_total")
            if args.get(k)
        }
        return query


def list_contracts(
    user: User, query: ContractQuery, account_id: int | None = None, per_page: int = 25
):
    stmt = contracts_statement(user, query, account_id)
    return db.paginate(stmt, page=query.page, per_page=per_page, error_out=False, count=True)


def contracts_statement(user: User, query: ContractQuery, account_id: int | None = None):
    """The contract list's rows (its page and its export): scope, filters, newest first."""
    today = local_today()
    stmt = (
        sa.select(Contract)
        .where(contract_scope(user))
        .options(joinedload(Contract.account), joinedload(Contract.owner))
    )
    if account_id is not None:
        stmt = stmt.where(Contract.account_id == account_id)
    if query.q:
        like = f"%{query.q}%"
        stmt = stmt.join(Account, Contract.account_id == Account.id).where(
            sa.or_(
                Contract.number.ilike(like),
                Account.name.ilike(like),
                Account.short_name.ilike(like),
            )
        )
    if query.stage is not None:
        stmt = stmt.where(lifecycle_clause(query.stage, today, expiry_window()))
    if query.owner_id is not None:
        stmt = stmt.where(Contract.owner_id == query.owner_id)
    if query.expiring_within is not None:
        stmt = stmt.where(
            Contract.status == ContractStatus.SIGNED,
            Contract.expires_on >= today,
            Contract.expires_on <= today + timedelta(days=query.expiring_within),
        )
    if query.min_total is not None:
        stmt = stmt.where(Contract.total >= query.min_total)
    if query.max_total is not None:
        stmt = stmt.where(Contract.total <= query.max_total)
    return stmt.order_by(Contract.updated_at.desc(), Contract.id.desc())


def expiring_for(user: User, window: int | None = None) -> list[Contract]:
    """Signed contracts of the user's own accounts that expire within the window."""
    window = expiry_window() if window is None else window
    today = local_today()
    return list(
        db.session.scalars(
            sa.select(Contract)
            .where(
                contract_scope(user),
                Contract.owner_id == user.id,
                Contract.status == ContractStatus.SIGNED,
                Contract.expires_on >= today,
                Contract.expires_on <= today + timedelta(days=window),
            )
            .options(joinedload(Contract.account))
            .order_by(Contract.expires_on)
        )
    )


# --- as a list that exports and saves as views ------------------------------------------------

FILTER_LABELS = {
    "q": _l("Search"),
    "stage": _l("Status"),
    "owner_id": _l("Owner"),
    "expiring_within": _l("Expires"),
    "min_total": _l("Total"),
    "max_total": _l("Total"),
}


def _normalize(args: Mapping[str, str]) -> dict[str, str]:
    return dict(ContractQuery.from_args(args).args)


def _describe(args: Mapping[str, str]) -> list[tuple[str, str]]:
    words = []
    for name, value in args.items():
        if name == "stage":
            value = Lifecycle(value).label
        prefix = {"min_total": "≥ ", "max_total": "≤ ", "expiring_within": "≤ "}.get(name, "")
        words.append((str(FILTER_LABELS.get(name, name)), prefix + value))
    return words


def _query(user, args):
    return contracts_statement(user, ContractQuery.from_args(args))


def _with_stage(user, contracts):
    stages = service.stages_of(contracts)
    return [(c, stages[c.id]) for c in contracts]


CONTRACTS = ListSpec(
    key="contracts",
    title=_l("Contracts"),
    endpoint="contracts.index",
    query=_query,
    normalize=_normalize,
    describe=_describe,
    prepare=_with_stage,
    columns=(
        Column(_l("Number"), lambda r: r[0].number),
        Column(_l("Client"), lambda r: r[0].account.name),
        Column(_l("Title"), lambda r: r[0].title),
        Column(_l("Status"), lambda r: r[1].label),
        Column(_l("Total"), lambda r: r[0].total, Kind.MONEY),
        Column(_l("Effective from"), lambda r: r[0].effective_on, Kind.DATE),
        Column(_l("Expires on"), lambda r: r[0].expires_on, Kind.DATE),
        Column(_l("Owner"), lambda r: r[0].owner.full_name),
        Column(_l("Changed"), lambda r: r[0].updated_at, Kind.DATETIME),
    ),
)
