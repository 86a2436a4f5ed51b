"""Whitespace (issue 15 must-have 5): per account, our product lines × the client's units or
sites (or needs): what the client bought in the last 12 months (the sales records), what it
could buy (the manager's estimate per unit), and the gap between them.

Sales records carry the product, not the client's unit, so "bought" is per product line; the
potential is estimated per unit and summed per product; gap = potential − bought, never below
zero. A product line appears when this client bought it, when it has an estimate here, or when
another account the user sees bought it (our product lines this client may not buy yet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp import audit
from webapp.accounts.models import Account
from webapp.accounts.service import account_scope, can_edit, get_account
from webapp.auth.models import User
from webapp.common.decimals import DecimalRefused, parse_decimal, refusal_message
from webapp.common.errors import ValidationFailed
from webapp.common.timeutil import local_today, utcnow
from webapp.extensions import db
from webapp.relationships.models import WhitespaceEstimate
from webapp.sales.models import Purchase

ZERO = Decimal("0.00")
MAX_POTENTIAL = Decimal("9999999999.99")
MAX_PRODUCTS = 30


def _since():
    return local_today() - timedelta(days=365)


def _bought(account_ids) -> sa.Select:
    return (
        sa.select(Purchase.product, sa.func.sum(Purchase.amount))
        .where(Purchase.account_id.in_(account_ids), Purchase.purchased_on >= _since())
        .group_by(Purchase.product)
    )


@dataclass
class Row:
    product: str
    bought: Decimal = ZERO
    cells: dict[str, Decimal] = field(default_factory=dict)

    @property
    def potential(self) -> Decimal:
        return sum(self.cells.values(), ZERO)

    @property
    def gap(self) -> Decimal:
        return max(self.potential - self.bought, ZERO)

    @property
    def untouched(self) -> bool:
        """Whitespace proper: potential estimated, nothing bought."""
        return self.bought == ZERO and self.potential > ZERO


@dataclass
class Grid:
    account: Account
    units: list[str]
    rows: list[Row]
    products: list[str]
    can_edit: bool

    @property
    def bought(self) -> Decimal:
        return sum((r.bought for r in self.rows), ZERO)

    @property
    def potential(self) -> Decimal:
        return sum((r.potential for r in self.rows), ZERO)

    @property
    def gap(self) -> Decimal:
        return sum((r.gap for r in self.rows), ZERO)


def grid_for(account: Account, user: User | None = None) -> Grid:
    rows: dict[str, Row] = {}
    for product, amount in db.session.execute(_bought([account.id])):
        rows.setdefault(product, Row(product)).bought = Decimal(amount or 0).quantize(ZERO)
    units: list[str] = []
    estimates = db.session.scalars(
        sa.select(WhitespaceEstimate)
        .where(WhitespaceEstimate.account_id == account.id)
        .order_by(WhitespaceEstimate.unit, WhitespaceEstimate.product)
    )
    for e in estimates:
        rows.setdefault(e.product, Row(e.product)).cells[e.unit] = e.potential
        if e.unit not in units:
            units.append(e.unit)
    lines: list[str] = []
    if user is not None:
        visible = sa.select(Account.id).where(account_scope(user))
        lines = list(
            db.session.scalars(
                sa.select(Purchase.product)
                .where(Purchase.account_id.in_(visible), Purchase.purchased_on >= _since())
                .group_by(Purchase.product)
                .order_by(sa.func.sum(Purchase.amount).desc())
                .limit(MAX_PRODUCTS)
            )
        )
        for product in lines:
            rows.setdefault(product, Row(product))
    ordered = sorted(rows.values(), key=lambda r: (-r.gap, -r.bought, r.product))
    return Grid(
        account,
        units,
        ordered,
        sorted(set(lines) | set(rows)),
        can_edit(user, account) if user else False,
    )


def account_grid(user: User, account_id: int) -> Grid:
    return grid_for(get_account(user, account_id), user)


def save_estimate(actor: User, account_id: int, data: dict) -> WhitespaceEstimate | None:
    """Set one cell's potential (yuan a year); zero removes the estimate."""
    account = get_account(actor, account_id, for_edit=True)
    product = " ".join(str(data.get("product") or "").split())[:80]
    unit = " ".join(str(data.get("unit") or "").split())[:80]
    errors = {}
    if not product:
        errors["product"] = _("Name the product line.")
    if not unit:
        errors["unit"] = _("Name the client's unit, site or need.")
    try:
        potential = parse_decimal(
            str(data.get("potential") or ""), maximum=MAX_POTENTIAL, allow_zero=True
        )
    except DecimalRefused as refused:
        errors["potential"] = refusal_message(refused.problem, _("Potential"))
    if errors:
        raise ValidationFailed(errors)
    row = db.session.scalar(
        sa.select(WhitespaceEstimate).where(
            WhitespaceEstimate.account_id == account.id,
            WhitespaceEstimate.product == product,
            WhitespaceEstimate.unit == unit,
        )
    )
    if potential == ZERO:
        if row is not None:
            db.session.delete(row)
        row = None
    else:
        if row is None:
            row = WhitespaceEstimate(account_id=account.id, product=product, unit=unit)
            db.session.add(row)
        row.potential, row.updated_at, row.updated_by_id = potential, utcnow(), actor.id
    audit.record_event(
        actor=actor,
        entity_type="whitespace",
        entity_id=account.id,
        account_id=account.id,
        action="update",
        subject=f"{product} × {unit}",
        detail=str(potential),
    )
    db.session.commit()
    return row


@dataclass
class ProductSum:
    product: str
    bought: Decimal = ZERO
    potential: Decimal = ZERO
    gap: Decimal = ZERO  # each account's gap, summed (a client over its estimate gives none)


def whitespace_by_product(user: User) -> list[ProductSum]:
    """Per product line, over the accounts `user` sees: bought in 12 months, estimated
    potential, gap (for the dashboard). The gap is summed per product over the accounts."""
    visible = [i for i in db.session.scalars(sa.select(Account.id).where(account_scope(user)))]
    sums: dict[str, ProductSum] = {}
    if not visible:
        return []
    potentials = db.session.execute(
        sa.select(
            WhitespaceEstimate.account_id,
            WhitespaceEstimate.product,
            sa.func.sum(WhitespaceEstimate.potential),
        )
        .where(WhitespaceEstimate.account_id.in_(visible))
        .group_by(WhitespaceEstimate.account_id, WhitespaceEstimate.product)
    ).all()
    bought = db.session.execute(
        sa.select(Purchase.account_id, Purchase.product, sa.func.sum(Purchase.amount))
        .where(Purchase.account_id.in_(visible), Purchase.purchased_on >= _since())
        .group_by(Purchase.account_id, Purchase.product)
    ).all()
    cells: dict[tuple[int, str], list[Decimal]] = {}
    for account_id, product, amount in bought:
        cells.setdefault((account_id, product), [ZERO, ZERO])[0] = Decimal(amount or 0)
    for account_id, product, amount in potentials:
        cells.setdefault((account_id, product), [ZERO, ZERO])[1] = Decimal(amount or 0)
    for (_account, product), (b, p) in cells.items():
        s = sums.setdefault(product, ProductSum(product))
        s.bought += b
        s.potential += p
        s.gap += max(p - b, ZERO)
    return sorted(sums.values(), key=lambda s: (-s.gap, s.product))
