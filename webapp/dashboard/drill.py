"""The lists behind the dashboard's figures (`/dashboard/list/<key>?…`): each returns a
`DrillList` of headers and typed rows, so the page and an export show the same thing. The
rows are exactly those the figure counted (same scope, same rule, same period)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from webapp.accounts.models import Account, SalesTier, Stage, ValueClass
from webapp.accounts.service import account_scope
from webapp.approvals.models import ApprovalRequest
from webapp.auth.models import User
from webapp.common.errors import NotFound
from webapp.common.timeutil import utcnow
from webapp.complaints.models import Complaint, ComplaintStatus
from webapp.dashboard import figures, operations
from webapp.dashboard.models import SalesMonthlyTotal as Totals
from webapp.dashboard.period import Period, parse_month
from webapp.dashboard.tables import DrillList, Row, fen_sum, percent, yuan
from webapp.development.models import DevelopmentProfile
from webapp.extensions import db
from webapp.sales.models import SalesPlan
from webapp.sales.service import month_start

LIMIT = 500  # rows a page shows; the count says how many there are


def _account_url(account_id: int) -> str:
    return url_for("accounts.detail", account_id=account_id)


def _names(ids) -> dict[int, tuple[str, str]]:
    """id → (client name, owner name) for the given accounts."""
    if not ids:
        return {}
    stmt = (
        sa.select(Account.id, sa.func.coalesce(Account.short_name, Account.name), User.full_name)
        .join(User, User.id == Account.owner_id)
        .where(Account.id.in_(list(ids)))
    )
    return {i: (name, owner) for i, name, owner in db.session.execute(stmt)}


def _listing(title: str, headers: list[str], rows: list[Row], filter_text: str) -> DrillList:
    return DrillList(title, headers, rows[:LIMIT], len(rows), filter_text, LIMIT, every=rows)


def _deal_rows(user: User, where: list) -> list[Row]:
    stmt = (
        figures.with_profile(
            Account.id,
            sa.func.coalesce(Account.short_name, Account.name),
            User.full_name,
            Account.stage,
            DevelopmentProfile.expected_value,
            DevelopmentProfile.expected_close,
        )
        .join(User, User.id == Account.owner_id)
        .where(*figures.in_development(user), *where)
        .order_by(
            DevelopmentProfile.expected_value.is_(None),
            DevelopmentProfile.expected_value.desc(),
            Account.id,
        )
    )
    return [
        Row([name, owner, stage.label, value, close], _account_url(i))
        for i, name, owner, stage, value, close in db.session.execute(stmt)
    ]


def _deal_headers() -> list[str]:
    return [_("Client"), _("Account manager"), _("Stage"), _("Expected value"), _("Expected close")]


def funnel(user: User, period: Period, args, today: date) -> DrillList:
    try:
        stage = Stage(args.get("stage") or "")
    except ValueError:
        raise NotFound(_("No such stage.")) from None
    rows = _deal_rows(user, [Account.stage == stage])
    return _listing(_("Accounts in development"), _deal_headers(), rows, stage.label)


def forecast(user: User, period: Period, args, today: date) -> DrillList:
    raw = args.get("month") or ""
    this_month = month_start(today)
    where = [Account.stage.in_(figures.OPEN_STAGES)]
    if raw == "none":
        where.append(DevelopmentProfile.expected_close.is_(None))
        label = _("No close month")
    elif raw == "overdue":
        where.append(DevelopmentProfile.expected_close < this_month)
        label = _("Before %(month)s (overdue)", month=f"{this_month:%Y-%m}")
    elif (month := parse_month(raw)) is not None and month >= this_month:
        where.append(DevelopmentProfile.expected_close == month)
        label = raw
    else:
        raise NotFound(_("No such close month."))
    return _listing(
        _("Open deals by expected close"), _deal_headers(), _deal_rows(user, where), label
    )


def matrix(user: User, period: Period, args, today: date) -> DrillList:
    try:
        value_class = ValueClass(args.get("value_class") or "")
        raw_tier = args.get("tier")
        tier = None if raw_tier in (None, "", "none") else SalesTier(raw_tier)
    except ValueError:
        raise NotFound(_("No such class or tier.")) from None
    where = [account_scope(user), Account.abandoned.is_(False), Account.value_class == value_class]
    label = value_class.label
    if raw_tier:
        where.append(Account.tier == tier if tier else Account.tier.is_(None))
        label += " · " + (tier.label if tier else _("No tier"))
    stmt = (
        sa.select(
            Account.id,
            sa.func.coalesce(Account.short_name, Account.name),
            User.full_name,
            Account.tier,
            Account.credit_grade,
        )
        .join(User, User.id == Account.owner_id)
        .where(*where)
        .order_by(Account.name)
    )
    rows = [
        Row([name, owner, value_class.label, t.label if t else "—", grade.label], _account_url(i))
        for i, name, owner, t, grade in db.session.execute(stmt)
    ]
    headers = [_("Client"), _("Account manager"), _("Class"), _("Tier"), _("Credit grade")]
    return _listing(_("Accounts by class and tier"), headers, rows, label)


def pareto(user: User, period: Period, args, today: date) -> DrillList:
    part = args.get("part") or "top"
    if part not in ("top", "rest", "all"):
        raise NotFound(_("No such part of the list."))
    clients = figures.revenue_by_client(user, period)
    amounts = [a for _i, a in clients]
    whole = sum(amounts, Decimal(0))
    cutoff = figures.pareto_cutoff(amounts)
    names = _names([i for i, _a in clients])
    rows, running = [], Decimal(0)
    for rank, (account_id, amount) in enumerate(clients, start=1):
        name = names[account_id][0]
        running += amount
        rows.append(
            Row(
                [
                    rank,
                    name,
                    amount,
                    percent(amount, whole, "0.01"),
                    percent(running, whole, "0.01"),
                ],
                _account_url(account_id),
            )
        )
    chosen = {"top": rows[:cutoff], "rest": rows[cutoff:], "all": rows}[part]
    label = {
        "top": _("The clients that make up 80%"),
        "rest": _("The other clients"),
        "all": _("All clients with purchases"),
    }[part]
    headers = [_("Rank"), _("Client"), _("Revenue"), _("Share"), _("Cumulative share")]
    listing = _listing(label, headers, chosen, period.label)
    listing.link_column = 1
    return listing


def attainment(user: User, period: Period, args, today: date) -> DrillList:
    owner, product = args.get("owner_id") or "", args.get("product")
    plan_where = [
        account_scope(user),
        SalesPlan.month >= period.first,
        SalesPlan.month <= period.last,
    ]
    buy_where = [account_scope(user), figures.in_months(period.first, period.last)]
    if owner and owner.isascii() and owner.isdigit() and len(owner) < 10:
        person = db.session.get(User, int(owner))
        label = person.full_name if person else owner
        plan_where.append(Account.owner_id == int(owner))
        buy_where.append(Account.owner_id == int(owner))
    elif product:
        label = product[:80]
        plan_where.append(SalesPlan.product == product)
        buy_where.append(Totals.product == product)
    else:
        raise NotFound(_("Choose an account manager or a product."))
    plans = dict(
        db.session.execute(
            sa.select(SalesPlan.account_id, fen_sum(SalesPlan.amount))
            .join(Account, Account.id == SalesPlan.account_id)
            .where(*plan_where)
            .group_by(SalesPlan.account_id)
        ).all()
    )
    actuals = dict(
        db.session.execute(
            sa.select(Totals.account_id, fen_sum(Totals.amount))
            .join(Account, Account.id == Totals.account_id)
            .where(*buy_where)
            .group_by(Totals.account_id)
        ).all()
    )
    names = _names(set(plans) | set(actuals))
    rows = []
    for account_id in sorted(names, key=lambda i: names[i][0]):
        plan, actual = yuan(plans.get(account_id)), yuan(actuals.get(account_id))
        rows.append(
            Row(
                [
                    names[account_id][0],
                    names[account_id][1],
                    plan,
                    actual,
                    percent(actual, plan),
                    percent(actual - plan, plan) if plan else None,
                ],
                _account_url(account_id),
            )
        )
    headers = [
        _("Client"),
        _("Account manager"),
        _("Plan"),
        _("Actual"),
        _("Completion"),
        _("Variance rate (差异率)"),
    ]
    return _listing(_("Plan attainment"), headers, rows, f"{label} · {period.label}")


def churn(user: User, period: Period, args, today: date) -> DrillList:
    kind = args.get("kind") or ""
    found = figures.churn_accounts(user, period)
    if kind not in found:
        raise NotFound(_("No such kind of churn."))
    names = _names({i for i, _b, _n in found[kind]})
    rows = [
        Row([names[i][0], names[i][1], before, now, now - before], _account_url(i))
        for i, before, now in sorted(found[kind], key=lambda t: t[1] - t[2], reverse=True)
    ]
    headers = [
        _("Client"),
        _("Account manager"),
        _("Previous period"),
        _("This period"),
        _("Change"),
    ]
    label = {"stopped": _("Stopped buying"), "fell": _("Bought less (under 70%)")}[kind]
    return _listing(_("Churn (流失情况)"), headers, rows, f"{label} · {period.label}")


def ageing(user: User, period: Period, args, today: date) -> DrillList:
    bucket = args.get("bucket") or ""
    items = list(operations.ageing_by_account(user, today).values())
    if bucket in operations.BUCKETS:
        band = operations.BUCKETS.index(bucket)
        items = [i for i in items if i.buckets[band] > 0]
        label = operations.bucket_labels()[band]
    elif bucket == "over-limit":
        items = [i for i in items if i.above_limit > 0]
        label = _("Above the credit limit (the excess)")
    elif bucket == "all":
        label = _("All arrears")
    else:
        raise NotFound(_("No such age band."))
    names = _names({i.account_id for i in items})
    items.sort(key=lambda i: i.total, reverse=True)
    rows = [
        Row(
            [
                names[i.account_id][0],
                names[i.account_id][1],
                *i.buckets,
                i.total,
                i.limit,
                i.above_limit,
            ],
            _account_url(i.account_id),
        )
        for i in items
    ]
    headers = [
        _("Client"),
        _("Account manager"),
        *operations.bucket_labels(),
        _("Arrears"),
        _("Credit limit"),
        _("Above the limit"),
    ]
    return _listing(_("Receivables ageing"), headers, rows, label)


def approvals(user: User, period: Period, args, today: date) -> DrillList:
    who, step = args.get("who") or "", args.get("step") or ""
    now = utcnow()
    rows = []
    stmt = operations.waiting_steps(user).order_by(ApprovalRequest.filed_at, ApprovalRequest.id)
    for request, approval_step in db.session.execute(stmt):
        key = operations.who_key(
            approval_step.assignee_id, approval_step.role, approval_step.department_id
        )
        if (who and key != who) or (step and approval_step.action_name != step):
            continue
        rows.append(
            Row(
                [
                    request.number,
                    request.account.short_name or request.account.name,
                    request.type.label,
                    approval_step.action_name,
                    request.filed_at.date(),
                    operations.age_days(request.filed_at, now),
                ],
                url_for("approvals.detail", request_id=request.id),
            )
        )
    headers = [_("Request"), _("Client"), _("Type"), _("Step"), _("Filed"), _("Age (days)")]
    return _listing(_("Approvals waiting"), headers, rows, " · ".join(x for x in (step,) if x))


def complaints(user: User, period: Period, args, today: date) -> DrillList:
    raw = args.get("status") or ""
    base = (
        sa.select(Complaint)
        .join(Account, Account.id == Complaint.account_id)
        .where(account_scope(user))
    )
    if raw == "closed":
        ids = [i for i, _d in operations.closed_in_period(user, period)]
        stmt, label = base.where(Complaint.id.in_(ids)), _("Closed in the period")
    else:
        try:
            status = ComplaintStatus(raw)
        except ValueError:
            raise NotFound(_("No such complaint status.")) from None
        stmt, label = base.where(Complaint.status == status), status.label
    rows = [
        Row(
            [
                c.subject,
                c.account.short_name or c.account.name,
                c.received_on,
                c.status.label,
                (today - c.received_on).days,
            ],
            url_for("complaints.detail", complaint_id=c.id),
        )
        for c in db.session.scalars(stmt.order_by(Complaint.received_on, Complaint.id))
    ]
    headers = [_("Subject"), _("Client"), _("Received"), _("Status"), _("Days since receipt")]
    return _listing(_("Complaints"), headers, rows, label)


LISTS: dict[str, Callable] = {
    "funnel": funnel,
    "forecast": forecast,
    "matrix": matrix,
    "pareto": pareto,
    "attainment": attainment,
    "churn": churn,
    "ageing": ageing,
    "approvals": approvals,
    "complaints": complaints,
}
