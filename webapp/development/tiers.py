"""Sales tier (销售等级) by seed 004's tables 4-1 (wholesale & chain) and 4-2 (retail & medical).

A client's average monthly sales (万元) fall in one band of its table and get that band's tier,
AAA … C, or none below C; a gross margin above the band's norm (毛利率超过定额) lifts the client
one tier (a band below C lifts to C). The tables are data the administrator edits
(`save_table`), checked to cover every figure from 0 up exactly once.

Which table applies follows the account's channel: distribution clients (分销客户: wholesale,
chains) use 4-1, terminal clients (终端客户: retail, medical institutions) 4-2. The figures come
from the purchase records of the twelve months up to this one; `recompute` runs whenever those
records change (the sales area's `records_changed` signal, imports included) and over all
accounts from `flask development recompute-tiers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.accounts.models import Account, Channel, SalesTier
from webapp.auth.models import Role, User
from webapp.common.errors import Forbidden, ValidationFailed
from webapp.common.timeutil import local_today, utcnow
from webapp.development.models import TierBand, TierFigures, TierTable
from webapp.extensions import db
from webapp.sales.models import Purchase

WAN = Decimal("10000")
TIER_ORDER = [SalesTier.AAA, SalesTier.AA, SalesTier.A, SalesTier.B_PLUS, SalesTier.B, SalesTier.C]
WINDOW_MONTHS = 12


@dataclass(frozen=True)
class Band:
    tier: SalesTier | None  # None: below C
    sales_min: Decimal  # 万元 per month, inclusive
    sales_max: Decimal | None  # exclusive; None = no upper end
    margin_norm: Decimal | None  # percent; None = no lift from this band


def _d(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _bands(rows) -> list[Band]:
    return [Band(t, _d(lo), _d(hi), _d(norm)) for t, lo, hi, norm in rows]


# The seed's template values (此表为范本). Table 4-1 gives no margin norms ("超过定额"): the
# administrator sets them; table 4-2 gives 2 % … 4 %, none for the band below C.
DEFAULT_TABLES: dict[TierTable, list[Band]] = {
    TierTable.WHOLESALE: _bands(
        [
            (SalesTier.AAA, "150", None, None),
            (SalesTier.AA, "105", "150", None),
            (SalesTier.A, "75", "105", None),
            (SalesTier.B_PLUS, "60", "75", None),
            (SalesTier.B, "35", "60", None),
            (SalesTier.C, "17", "35", None),
            (None, "0", "17", None),
        ]
    ),
    TierTable.RETAIL: _bands(
        [
            (SalesTier.AAA, "20", None, None),
            (SalesTier.AA, "10", "20", "2"),
            (SalesTier.A, "5.5", "10", "2.5"),
            (SalesTier.B_PLUS, "3", "5.5", "3"),
            (SalesTier.B, "1", "3", "3.5"),
            (SalesTier.C, "0.5", "1", "4"),
            (None, "0", "0.5", None),
        ]
    ),
}


def table_for(channel: Channel) -> TierTable:
    return TierTable.WHOLESALE if channel is Channel.DISTRIBUTION else TierTable.RETAIL


def tier_table(table: TierTable) -> list[Band]:
    """The table as stored, or the seed's template until the administrator saves one."""
    rows = db.session.scalars(
        sa.select(TierBand).where(TierBand.table == table).order_by(TierBand.position)
    ).all()
    if not rows:
        return list(DEFAULT_TABLES[table])
    return [Band(r.tier, r.sales_min, r.sales_max, r.margin_norm) for r in rows]


@dataclass(frozen=True)
class TierResult:
    base: SalesTier | None
    tier: SalesTier | None
    lifted: bool


def _lift(tier: SalesTier | None) -> SalesTier:
    if tier is None:
        return SalesTier.C
    index = TIER_ORDER.index(tier)
    return TIER_ORDER[max(index - 1, 0)]


def compute_tier(bands: list[Band], monthly_wan: Decimal, margin: Decimal | None) -> TierResult:
    """The tier of average monthly sales `monthly_wan` (万元) and gross margin (percent)."""
    for band in bands:
        if monthly_wan >= band.sales_min and (
            band.sales_max is None or monthly_wan < band.sales_max
        ):
            if band.margin_norm is not None and margin is not None and margin > band.margin_norm:
                return TierResult(band.tier, _lift(band.tier), True)
            return TierResult(band.tier, band.tier, False)
    return TierResult(None, None, False)  # negative sales (returns exceeding purchases)


def check_table(bands: list[Band]) -> dict[str, str]:
    """Problems of an edited table: the bands, highest first, must run from an open top down to
    0 without gap or overlap; norms are percentages between 0 and 100."""
    errors: dict[str, str] = {}
    for i, band in enumerate(bands):
        if band.sales_min < 0:
            errors[f"min_{i}"] = _("A lower bound cannot be negative.")
        if band.sales_max is not None and band.sales_max <= band.sales_min:
            errors[f"max_{i}"] = _("The upper bound must be above the lower bound.")
        if band.margin_norm is not None and not (0 <= band.margin_norm < 100):
            errors[f"norm_{i}"] = _("A margin norm is a percentage from 0 to 100.")
        if i == 0 and band.sales_max is not None:
            errors[f"max_{i}"] = _("The top band has no upper bound.")
        if i > 0:
            above = bands[i - 1]
            if band.sales_max is None:
                errors[f"max_{i}"] = _("Only the top band is open upwards.")
            elif band.sales_max < above.sales_min:
                errors[f"max_{i}"] = _(
                    "Gap: nothing covers %(lo)s to %(hi)s 万元.",
                    lo=band.sales_max,
                    hi=above.sales_min,
                )
            elif band.sales_max > above.sales_min:
                errors[f"max_{i}"] = _(
                    "Overlap with the band above: %(lo)s to %(hi)s 万元 is in both.",
                    lo=above.sales_min,
                    hi=band.sales_max,
                )
    if bands and bands[-1].sales_min != 0:
        errors[f"min_{len(bands) - 1}"] = _("The lowest band starts at 0.")
    return errors


def can_edit_tables(user: User) -> bool:
    return user.role is Role.ADMIN


def save_table(actor: User, table: TierTable, bands: list[Band]) -> list[Band]:
    """Store an edited table (the tiers stay in their order) and recompute every tier."""
    if not can_edit_tables(actor):
        raise Forbidden(_("Only the administrator edits the tier tables."))
    expected = [b.tier for b in DEFAULT_TABLES[table]]
    if [b.tier for b in bands] != expected:
        raise ValidationFailed({"table": _("The table must list the tiers AAA to C and below C.")})
    errors = check_table(bands)
    if errors:
        raise ValidationFailed(errors)
    db.session.execute(sa.delete(TierBand).where(TierBand.table == table))
    for position, band in enumerate(bands):
        db.session.add(
            TierBand(
                table=table,
                position=position,
                tier=band.tier,
                sales_min=band.sales_min,
                sales_max=band.sales_max,
                margin_norm=band.margin_norm,
            )
        )
    db.session.flush()
    recompute()
    db.session.commit()
    return bands


# --- figures --------------------------------------------------------------------------------


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def window_start(today: date) -> date:
    index = _month_index(today) - (WINDOW_MONTHS - 1)
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Figures:
    months: int
    monthly_sales: Decimal  # 元
    gross_margin: Decimal | None  # percent


def figures_from(total, margin_base, profit, first: date | None, today: date) -> Figures:
    """Average over the months from the first purchase in the window to this month."""
    if first is None:
        return Figures(WINDOW_MONTHS, Decimal("0.00"), None)
    months = min(WINDOW_MONTHS, _month_index(today) - _month_index(first) + 1)
    monthly = (Decimal(total or 0) / months).quantize(Decimal("0.01"))
    margin = None
    if margin_base and Decimal(margin_base) > 0 and profit is not None:
        margin = (Decimal(profit) * 100 / Decimal(margin_base)).quantize(Decimal("0.01"))
    return Figures(months, monthly, margin)


def recompute(account_ids: list[int] | None = None, today: date | None = None) -> int:
    """Recompute the tier figures of these accounts (all when None) in the caller's
    transaction, set-based: one grouped query over purchases, bulk writes. Returns how many
    accounts changed tier."""
    db.session.flush()  # the bulk writes below, then expire_all, must not drop pending changes
    today = today or local_today()
    start = window_start(today)
    tables = {t: tier_table(t) for t in TierTable}
    known_profit = sa.case((Purchase.gross_profit.is_not(None), Purchase.amount), else_=0)
    sums = (
        sa.select(
            Purchase.account_id,
            sa.func.sum(Purchase.amount).label("total"),
            sa.func.sum(known_profit).label("margin_base"),
            sa.func.sum(Purchase.gross_profit).label("profit"),
            sa.func.min(Purchase.purchased_on).label("first"),
        )
        .where(Purchase.purchased_on >= start, Purchase.purchased_on <= today)
        .group_by(Purchase.account_id)
    )
    accounts = sa.select(Account.id, Account.channel, Account.tier)
    if account_ids is not None:
        if not account_ids:
            return 0
        sums = sums.where(Purchase.account_id.in_(account_ids))
        accounts = accounts.where(Account.id.in_(account_ids))
    by_account = {r.account_id: r for r in db.session.execute(sums)}
    now = utcnow()
    figure_rows, tier_changes = [], []
    for account_id, channel, current in db.session.execute(accounts):
        row = by_account.get(account_id)
        figures = figures_from(
            row.total if row else None,
            row.margin_base if row else None,
            row.profit if row else None,
            row.first if row else None,
            today,
        )
        table = table_for(channel)
        result = compute_tier(tables[table], figures.monthly_sales / WAN, figures.gross_margin)
        figure_rows.append(
            {
                "account_id": account_id,
                "table": table,
                "months": figures.months,
                "monthly_sales": figures.monthly_sales,
                "gross_margin": figures.gross_margin,
                "base_tier": result.base,
                "tier": result.tier,
                "lifted": result.lifted,
                "computed_at": now,
            }
        )
        if result.tier != current:
            tier_changes.append({"b_id": account_id, "b_tier": result.tier})
    ids = [r["account_id"] for r in figure_rows]
    for chunk in range(0, len(ids), 500):
        db.session.execute(
            sa.delete(TierFigures).where(TierFigures.account_id.in_(ids[chunk : chunk + 500]))
        )
    if figure_rows:
        db.session.execute(sa.insert(TierFigures), figure_rows)
    if tier_changes:
        db.session.connection().execute(
            sa.update(Account.__table__)
            .where(Account.__table__.c.id == sa.bindparam("b_id"))
            .values(tier=sa.bindparam("b_tier")),
            tier_changes,
        )
    db.session.expire_all()
    return len(tier_changes)


def account_figures(account: Account) -> TierFigures | None:
    return db.session.get(TierFigures, account.id)


def parse_table(table: TierTable, data: dict) -> list[Band]:
    """The edited rows of a table from a form: min_i, max_i (blank on the top row), norm_i
    (blank: no lift). Numbers that do not read are refused by name."""
    errors: dict[str, str] = {}
    bands = []

    def number(name: str, required: bool) -> Decimal | None:
        raw = str(data.get(name) or "").strip().replace(",", "")
        if not raw:
            if required:
                errors[name] = _("Required.")
            return None
        try:
            value = Decimal(raw)
        except ArithmeticError:
            errors[name] = _("Enter a number.")
            return None
        if not value.is_finite() or abs(value) >= Decimal("1e9"):
            errors[name] = _("Enter a number.")
            return None
        return value.quantize(Decimal("0.01"))

    for i, default in enumerate(DEFAULT_TABLES[table]):
        bands.append(
            Band(
                default.tier,
                number(f"min_{i}", True) or Decimal("0"),
                number(f"max_{i}", i > 0),
                number(f"norm_{i}", False),
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return bands
