"""The development and sales figures of the dashboard, each one function of (user, period)
returning a `Figure`: funnel by stage, forecast by close month, class × tier matrix, Pareto of
revenue, plan attainment per account manager and per product, churn.

Every query goes through `accounts.service.account_scope`, so a supervisor or head sees their
department and an executive the company, as on every other page. The sales figures read the
monthly sales totals (`sales_monthly_totals`, kept in step with the purchases by
`dashboard.totals`), never the purchases themselves: a period is whole months, so the totals
give the same sums (benchmarks/dashboard.py measures them with 100,000 purchases)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.accounts.models import Account, SalesTier, Stage, ValueClass
from webapp.accounts.service import account_scope
from webapp.auth.models import User
from webapp.dashboard import svg
from webapp.dashboard.models import SalesMonthlyTotal as Totals
from webapp.dashboard.period import Period
from webapp.dashboard.tables import Figure, Row, drill_url, fen, fen_sum, percent, scoped, yuan
from webapp.development.models import DevelopmentProfile
from webapp.extensions import db
from webapp.sales.models import SalesPlan
from webapp.sales.service import month_start

PARETO_SHARE = Decimal("0.8")  # seed 003: the clients that make 80 % of the revenue
PARETO_BARS = 60  # the chart draws the largest clients; the table lists every figure's total
FALL_SHARE = Decimal("0.7")  # churn: this period under 70 % of the period before it
OPEN_STAGES = [s for s in Stage if s is not Stage.MAINTENANCE]


def in_development(user: User) -> list:
    """Accounts on the board: visible, not given up, not in the pool."""
    return [
        account_scope(user),
        Account.abandoned.is_(False),
        sa.or_(DevelopmentProfile.in_pool.is_(None), DevelopmentProfile.in_pool.is_(False)),
    ]


def with_profile(*columns) -> sa.Select:
    return (
        sa.select(*columns)
        .select_from(Account)
        .outerjoin(DevelopmentProfile, DevelopmentProfile.account_id == Account.id)
    )


def _bars(rows: list[Row], value_index: int, label_index: int = 0) -> list[svg.Bar]:
    return [
        svg.Bar(
            str(r.texts[label_index]), [r.values[value_index] or 0], [r.texts[value_index]], r.url
        )
        for r in rows
    ]


# --- funnel ----------------------------------------------------------------------------------


def funnel(user: User, period: Period) -> Figure:
    stmt = (
        with_profile(Account.stage, sa.func.count(), fen_sum(DevelopmentProfile.expected_value))
        .where(*in_development(user))
        .group_by(Account.stage)
    )
    found = {stage: (n, value) for stage, n, value in db.session.execute(stmt)}
    rows = []
    for stage in Stage:
        count, value = found.get(stage, (0, 0))
        url = drill_url("funnel", period.args(), stage=stage.value)
        rows.append(Row([stage.label, count, yuan(value)], url))
    return Figure(
        key="funnel",
        title=_("Funnel by development stage"),
        headers=[_("Stage"), _("Accounts"), _("Expected value")],
        rows=rows,
        chart=svg.bar_chart(
            _("Funnel by development stage"),
            _("Accounts per stage, from identifying the target to maintenance."),
            _bars(rows, 1),
        ),
        note=_("Accounts in development now (given-up accounts and the pool left out)."),
    )


# --- forecast --------------------------------------------------------------------------------


def forecast(user: User, period: Period, today: date) -> Figure:
    """Open deals (stages 1–5) by expected close month; months before the current one are
    overdue, gathered in one row."""
    this_month = month_start(today)
    stmt = (
        with_profile(
            DevelopmentProfile.expected_close,
            sa.func.count(),
            fen_sum(DevelopmentProfile.expected_value),
        )
        .where(*in_development(user), Account.stage.in_(OPEN_STAGES))
        .group_by(DevelopmentProfile.expected_close)
    )
    months: dict[str, list] = {}
    for close, n, value in db.session.execute(stmt):
        if close is None:
            key = "none"
        elif close < this_month:
            key = "overdue"
        else:
            key = f"{close:%Y-%m}"
        slot = months.setdefault(key, [0, 0])
        slot[0] += n
        slot[1] += value
    labels = {
        "overdue": _("Before %(month)s (overdue)", month=f"{this_month:%Y-%m}"),
        "none": _("No close month"),
    }
    order = ["overdue"] + sorted(k for k in months if k not in labels) + ["none"]
    rows = [
        Row(
            [labels.get(k, k), months[k][0], yuan(months[k][1])],
            drill_url("forecast", period.args(), month=k),
        )
        for k in order
        if k in months
    ]
    return Figure(
        key="forecast",
        title=_("Forecast by expected close month"),
        headers=[_("Close month"), _("Deals"), _("Expected value")],
        rows=rows,
        chart=svg.bar_chart(
            _("Forecast by expected close month"),
            _("Expected value of open deals per expected close month."),
            _bars(rows, 2),
        ),
        note=_("Open deals in stages 1–5, whatever the period."),
    )


# --- class × tier ----------------------------------------------------------------------------

MATRIX_CLASSES = [ValueClass.A, ValueClass.B, ValueClass.C, ValueClass.D, ValueClass.INSUFFICIENT]
MATRIX_TIERS = [*SalesTier, None]


def matrix(user: User, period: Period) -> Figure:
    stmt = (
        sa.select(Account.value_class, Account.tier, sa.func.count())
        .where(account_scope(user), Account.abandoned.is_(False))
        .group_by(Account.value_class, Account.tier)
    )
    counts = {(c, t): n for c, t, n in db.session.execute(stmt)}
    tier_names = [t.label if t else _("No tier") for t in MATRIX_TIERS]
    rows, cells = [], []
    for value_class in MATRIX_CLASSES:
        line = []
        for tier in MATRIX_TIERS:
            n = counts.get((value_class, tier), 0)
            url = drill_url(
                "matrix",
                period.args(),
                value_class=value_class.value,
                tier=tier.value if tier else "none",
            )
            line.append((n, url))
        cells.append(line)
        rows.append(
            Row(
                [value_class.label, *[n for n, _u in line], sum(n for n, _u in line)],
                drill_url("matrix", period.args(), value_class=value_class.value),
            )
        )
    return Figure(
        key="matrix",
        title=_("Value class × sales tier"),
        headers=[_("Class"), *tier_names, _("Total")],
        rows=rows,
        chart=svg.matrix_chart(
            _("Value class × sales tier"),
            _("Accounts per value class (rows) and sales tier (columns)."),
            [c.label for c in MATRIX_CLASSES],
            tier_names,
            cells,
        ),
    )


# --- Pareto ----------------------------------------------------------------------------------


def in_months(first, last) -> sa.ColumnElement[bool]:
    """Totals rows of the months first…last (first days of months), both included."""
    return sa.and_(Totals.month >= first, Totals.month <= last)


@dataclass
class Sales:
    """One client's purchases of one product: in the period, and in the period before it."""

    account_id: int
    owner_id: int
    product: str
    before: int  # fen
    now: int  # fen
    bought_now: bool  # any purchase in the period (an amount of 0 counts)


@dataclass
class SalesSums:
    """What the sales figures of one period need, read once (two grouped queries) and shared
    by the 80/20, both plan attainments and churn: the monthly totals per client and product
    over the period and the one before it, and the plans per account manager and product."""

    sales: list[Sales]
    plans: list[tuple[int, str, int]]  # (owner id, product, plan in fen)


def sales_sums(user: User, period: Period) -> SalesSums:
    previous = period.previous()
    in_now = Totals.month >= period.first
    amount = fen(Totals.amount)
    grouped = (
        scoped(
            sa.select(
                Totals.account_id,
                Totals.product,
                sa.func.sum(sa.case((in_now, 0), else_=amount)).label("before"),
                sa.func.sum(sa.case((in_now, amount), else_=0)).label("now"),
                sa.func.sum(sa.case((in_now, Totals.purchases), else_=0)).label("bought"),
            ),
            user,
            Totals.account_id,
        )
        .where(in_months(previous.first, period.last))
        .group_by(Totals.account_id, Totals.product)
        .subquery()
    )
    # the owner joins the grouped rows (a few per client), not every month's
    stmt = sa.select(
        grouped.c.account_id,
        Account.owner_id,
        grouped.c.product,
        grouped.c.before,
        grouped.c.now,
        grouped.c.bought,
    ).join(Account, Account.id == grouped.c.account_id)
    sales = [
        Sales(i, owner, product, int(before or 0), int(now or 0), bool(bought))
        for i, owner, product, before, now, bought in db.session.execute(stmt)
    ]
    planned = (
        scoped(
            sa.select(
                SalesPlan.account_id, SalesPlan.product, fen_sum(SalesPlan.amount).label("plan")
            ),
            user,
            SalesPlan.account_id,
        )
        .where(SalesPlan.month >= period.first, SalesPlan.month <= period.last)
        .group_by(SalesPlan.account_id, SalesPlan.product)
        .subquery()
    )
    plans = db.session.execute(
        sa.select(Account.owner_id, planned.c.product, sa.func.sum(planned.c.plan))
        .join(Account, Account.id == planned.c.account_id)
        .group_by(Account.owner_id, planned.c.product)
    ).all()
    return SalesSums(sales, [(o, p, int(v or 0)) for o, p, v in plans])


def revenue_by_client(
    user: User, period: Period, sums: SalesSums | None = None
) -> list[tuple[int, Decimal]]:
    """(account id, revenue) of every client with purchases in the period, largest first (ties
    by id, so the order is stable). Without the page's `sums` (the list behind the figure), one
    grouped query of the period's totals."""
    if sums is None:
        total = fen_sum(Totals.amount)
        stmt = (
            scoped(sa.select(Totals.account_id, total), user, Totals.account_id)
            .where(in_months(period.first, period.last))
            .group_by(Totals.account_id)
            .having(total > 0)
            .order_by(total.desc(), Totals.account_id)
        )
        return [(i, yuan(v)) for i, v in db.session.execute(stmt)]
    revenue: dict[int, int] = {}
    for sale in sums.sales:
        if sale.bought_now:
            revenue[sale.account_id] = revenue.get(sale.account_id, 0) + sale.now
    ranked = sorted(((i, v) for i, v in revenue.items() if v > 0), key=lambda t: (-t[1], t[0]))
    return [(i, yuan(v)) for i, v in ranked]


def pareto_cutoff(amounts: list[Decimal]) -> int:
    """How many of the largest clients (amounts sorted, largest first) first reach 80 % of the
    total; 0 when there is no revenue."""
    whole = sum(amounts, Decimal(0))
    if whole <= 0:
        return 0
    running = Decimal(0)
    for i, amount in enumerate(amounts, start=1):
        running += amount
        if running >= whole * PARETO_SHARE:
            return i
    return len(amounts)


def pareto(user: User, period: Period, sums: SalesSums | None = None) -> Figure:
    clients = revenue_by_client(user, period, sums)
    amounts = [a for _i, a in clients]
    whole = sum(amounts, Decimal(0))
    cutoff = pareto_cutoff(amounts)
    top = sum(amounts[:cutoff], Decimal(0))
    url = drill_url("pareto", period.args())
    note = _("%(k)s of %(n)s clients make 80%%", k=cutoff, n=len(clients))
    rows = [
        Row([_("Clients that make up 80%"), cutoff, top, percent(cutoff, len(clients))], url),
        Row(
            [
                _("The other clients"),
                len(clients) - cutoff,
                whole - top,
                percent(len(clients) - cutoff, len(clients)),
            ],
            drill_url("pareto", period.args(), part="rest"),
        ),
        Row(
            [
                _("All clients with purchases"),
                len(clients),
                whole,
                percent(len(clients), len(clients)),
            ],
            drill_url("pareto", period.args(), part="all"),
        ),
    ]
    shares = [float(a / whole) for a in amounts[:PARETO_BARS]] if whole else []
    return Figure(
        key="pareto",
        title=_("Revenue by client (80/20)"),
        headers=[_("Clients"), _("Count"), _("Revenue"), _("Share of clients")],
        rows=rows,
        chart=svg.pareto_chart(
            _("Revenue by client (80/20)"),
            _(
                "Revenue per client, largest first, with the cumulative share; the marked point "
                "is where it reaches 80%."
            ),
            shares,
            min(cutoff, PARETO_BARS),
            url,
            note,
        ),
        note=note,
        list_url=url,
    )


# --- plan attainment -------------------------------------------------------------------------


def _attainment_rows(plans: dict, actuals: dict, names: dict, key: str, period: Period) -> list:
    rows = []
    for ident in sorted(set(plans) | set(actuals), key=lambda k: str(names.get(k, k))):
        plan, actual = yuan(plans.get(ident, 0)), yuan(actuals.get(ident, 0))
        diff = percent(actual - plan, plan) if plan else None
        args = {"owner_id": ident} if key == "owner" else {"product": ident}
        rows.append(
            Row(
                [names.get(ident, ident), plan, actual, percent(actual, plan), diff],
                drill_url("attainment", period.args(), **args),
            )
        )
    return rows


def _plan_actual(sums: SalesSums, by_owner: bool) -> tuple[dict, dict]:
    """Plan and actual in fen per account manager (by_owner) or per product: those with a plan
    line in the period, and those who bought in it."""
    plans: dict = {}
    for owner, product, amount in sums.plans:
        key = owner if by_owner else product
        plans[key] = plans.get(key, 0) + amount
    actuals: dict = {}
    for sale in sums.sales:
        if sale.bought_now:
            key = sale.owner_id if by_owner else sale.product
            actuals[key] = actuals.get(key, 0) + sale.now
    return plans, actuals


def _attainment_figure(key: str, title: str, first: str, rows: list[Row]) -> Figure:
    bars = [
        svg.Bar(r.texts[0], [r.values[1], r.values[2]], [r.texts[1], r.texts[2]], r.url)
        for r in rows
    ]
    return Figure(
        key=key,
        title=title,
        headers=[first, _("Plan"), _("Actual"), _("Completion"), _("Variance rate (差异率)")],
        rows=rows,
        chart=svg.bar_chart(
            title, _("Plan amount beside actual amount."), bars, series=[_("Plan"), _("Actual")]
        ),
        note=_("Variance rate = (actual − plan) ÷ plan."),
    )


def attainment_by_manager(user: User, period: Period, sums: SalesSums | None = None) -> Figure:
    plans, actuals = _plan_actual(sums or sales_sums(user, period), by_owner=True)
    ids = set(plans) | set(actuals)
    names = dict(
        db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids))).all()
    )
    rows = _attainment_rows(plans, actuals, names, "owner", period)
    return _attainment_figure(
        "attainment-managers", _("Plan attainment per account manager"), _("Account manager"), rows
    )


def attainment_by_product(user: User, period: Period, sums: SalesSums | None = None) -> Figure:
    plans, actuals = _plan_actual(sums or sales_sums(user, period), by_owner=False)
    rows = _attainment_rows(plans, actuals, {}, "product", period)
    return _attainment_figure(
        "attainment-products", _("Plan attainment per product"), _("Product"), rows
    )


# --- churn -----------------------------------------------------------------------------------


def churn_accounts(
    user: User, period: Period, sums: SalesSums | None = None
) -> dict[str, list[tuple[int, Decimal, Decimal]]]:
    """Accounts that bought in the previous period of the same length and then stopped (no
    purchase in this period) or fell (under 70 % of the previous period): kind →
    [(account id, previous revenue, current revenue)]."""
    sums = sums or sales_sums(user, period)
    by_account: dict[int, list[int]] = {}
    for sale in sums.sales:
        pair = by_account.setdefault(sale.account_id, [0, 0])
        pair[0] += sale.before
        pair[1] += sale.now
    found: dict[str, list] = {"stopped": [], "fell": []}
    for account_id, (before, now) in sorted(by_account.items()):
        before, now = yuan(before), yuan(now)
        if before <= 0:
            continue
        if now <= 0:
            found["stopped"].append((account_id, before, now))
        elif now < before * FALL_SHARE:
            found["fell"].append((account_id, before, now))
    return found


def churn(user: User, period: Period, sums: SalesSums | None = None) -> Figure:
    found = churn_accounts(user, period, sums)
    labels = {"stopped": _("Stopped buying"), "fell": _("Bought less (under 70%)")}
    rows = []
    for kind in ("stopped", "fell"):
        items = found[kind]
        before = sum((b for _i, b, _n in items), Decimal("0.00"))
        now = sum((n for _i, _b, n in items), Decimal("0.00"))
        rows.append(
            Row(
                [labels[kind], len(items), before, now, now - before],
                drill_url("churn", period.args(), kind=kind),
            )
        )
    return Figure(
        key="churn",
        title=_("Churn (流失情况)"),
        headers=[
            _("What happened"),
            _("Accounts"),
            _("Previous period"),
            _("This period"),
            _("Change"),
        ],
        rows=rows,
        chart=svg.bar_chart(
            _("Churn (流失情况)"),
            _("Accounts that stopped buying or bought less than before."),
            _bars(rows, 1),
        ),
        note=_("Compared with the %(n)s months before the period.", n=period.months),
    )
