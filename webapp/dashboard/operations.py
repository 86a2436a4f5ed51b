"""The money and workflow figures of the dashboard: receivables ageing against credit limits,
approvals waiting (per approver and step, with their age), complaints open and the time to
close them. Same shape as figures.py: (user, period) → `Figure`, every query scoped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from webapp.accounts.models import Account
from webapp.accounts.service import account_scope
from webapp.approvals.models import ApprovalRequest, ApprovalStep, RequestStatus, StepStatus
from webapp.auth.models import Department, Role, User
from webapp.common.timeutil import to_local, utcnow
from webapp.common.types import UTCDateTime
from webapp.complaints.models import Complaint, ComplaintStatus
from webapp.contracts.models import Contract, ContractStatus, Lifecycle, SignedScan
from webapp.contracts.service import contract_scope
from webapp.dashboard import svg
from webapp.dashboard.models import SalesMonthlyTotal as Totals
from webapp.dashboard.period import Period
from webapp.dashboard.tables import (
    Figure,
    Row,
    drill_url,
    fen,
    fen_sum,
    percent,
    scoped,
    text,
    yuan,
)
from webapp.extensions import db
from webapp.sales.models import Payment, Purchase
from webapp.sales.service import month_start

ZERO = Decimal("0.00")
BUCKETS = ("0-30", "31-60", "61-90", "90+")


def bucket_labels() -> list[str]:
    return [_("0–30 days"), _("31–60 days"), _("61–90 days"), _("Over 90 days")]


# --- receivables ageing ----------------------------------------------------------------------


@dataclass
class Ageing:
    """What one client owes, by the age of the purchases still unpaid."""

    account_id: int
    buckets: list[Decimal] = field(default_factory=lambda: [ZERO] * 4)
    limit: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, ZERO)

    @property
    def above_limit(self) -> Decimal:
        return max(self.total - self.limit, ZERO)


def ageing_by_account(user: User, today: date) -> dict[int, Ageing]:
    """Arrears (unsettled purchases minus payments, DOMAIN.md "Credit") split by the age of
    the purchases: payments pay the oldest purchases first, so what is still owed is the
    newest unsettled amounts. Three grouped queries: the unsettled purchases of the last months
    per account and age band (through the index on the purchase date), the unsettled amounts of
    the whole months before them from the monthly totals (all over 90 days old), and payments
    per account."""
    cut = month_start(today - timedelta(days=90))  # before it, whole months over 90 days old
    age = sa.case(
        (Purchase.purchased_on >= today - timedelta(days=30), 0),
        (Purchase.purchased_on >= today - timedelta(days=60), 1),
        (Purchase.purchased_on >= today - timedelta(days=90), 2),
        else_=3,
    ).label("band")
    owed = sa.select(
        Purchase.account_id, age, sa.func.sum(fen(Purchase.amount) - fen(Purchase.settled))
    ).where(fen(Purchase.amount) > fen(Purchase.settled), Purchase.purchased_on >= cut)
    unsettled = db.session.execute(
        # band first: grouped so, SQLite reads the date index alone instead of every purchase
        # in account order
        scoped(owed, user, Purchase.account_id).group_by(age, Purchase.account_id)
    ).all()
    older = sa.select(Totals.account_id, sa.literal(3), fen_sum(Totals.unsettled)).where(
        Totals.month < cut, fen(Totals.unsettled) > 0
    )
    unsettled += db.session.execute(
        scoped(older, user, Totals.account_id).group_by(Totals.account_id)
    ).all()
    payments = sa.select(Payment.account_id, sa.func.sum(fen(Payment.amount)))
    paid = dict(
        db.session.execute(
            scoped(payments, user, Payment.account_id).group_by(Payment.account_id)
        ).all()
    )
    by_account: dict[int, list[int]] = {}
    for account_id, band, amount in unsettled:
        by_account.setdefault(account_id, [0, 0, 0, 0])[band] += int(amount or 0)
    result: dict[int, Ageing] = {}
    for account_id, bands in sorted(by_account.items()):  # by id, as lists show ties
        remaining = max(sum(bands) - int(paid.get(account_id) or 0), 0)
        if remaining <= 0:
            continue
        item = Ageing(account_id)
        for band in range(4):  # newest first: the payments went to the oldest
            share = min(bands[band], remaining)
            if share:
                item.buckets[band] = yuan(share)
                remaining -= share
        result[account_id] = item
    if result:
        limits = db.session.execute(
            sa.select(Account.id, Account.credit_limit).where(Account.id.in_(list(result)))
        )
        for account_id, limit in limits:
            result[account_id].limit = limit or ZERO
    return result


def ageing(user: User, period: Period, today: date) -> Figure:
    items = list(ageing_by_account(user, today).values())
    total = sum((i.total for i in items), ZERO)
    rows = []
    for band, label in enumerate(bucket_labels()):
        amount = sum((i.buckets[band] for i in items), ZERO)
        owing = sum(1 for i in items if i.buckets[band] > 0)
        rows.append(
            Row(
                [label, owing, amount, percent(amount, total)],
                drill_url("ageing", period.args(), bucket=BUCKETS[band]),
            )
        )
    over = [i for i in items if i.above_limit > 0]
    footer = [
        Row(
            [_("All arrears"), len(items), total, percent(total, total)],
            drill_url("ageing", period.args(), bucket="all"),
        ),
        Row(
            [
                _("Above the credit limit (the excess)"),
                len(over),
                sum((i.above_limit for i in over), ZERO),
                percent(sum((i.above_limit for i in over), ZERO), total),
            ],
            drill_url("ageing", period.args(), bucket="over-limit"),
        ),
    ]
    return Figure(
        key="ageing",
        title=_("Receivables ageing"),
        headers=[_("Age"), _("Accounts"), _("Amount"), _("Share")],
        rows=rows,
        footer=footer,
        chart=svg.bar_chart(
            _("Receivables ageing"),
            _("Arrears by the age of the unpaid purchases, and those above the credit limit."),
            [svg.Bar(r.texts[0], [r.values[2]], [r.texts[2]], r.url) for r in rows + footer[1:]],
        ),
        note=_("As of today; payments settle the oldest purchases first."),
    )


# --- approvals waiting -----------------------------------------------------------------------


@dataclass
class WaitingGroup:
    who: str  # key: "u<id>" for an assigned step, "r<role>-<department id or 0>" otherwise
    label: str
    step: str
    count: int
    oldest: int  # days
    mean: Decimal  # days


def _dashboard_requests(user: User) -> sa.ColumnElement[bool]:
    """Requests on the accounts the user sees: the department's for a supervisor or head, the
    company's for an executive (the account half of `approvals.request_scope`; its other halves
    — requests one filed or decided oneself — are a person's inbox, not the department's)."""
    return ApprovalRequest.account_id.in_(sa.select(Account.id).where(account_scope(user)))


def waiting_steps(user: User) -> sa.Select:
    return (
        sa.select(ApprovalRequest, ApprovalStep)
        .join(ApprovalStep, ApprovalStep.request_id == ApprovalRequest.id)
        .where(
            _dashboard_requests(user),
            ApprovalRequest.status == RequestStatus.PENDING,
            ApprovalStep.current.is_(True),
            ApprovalStep.status == StepStatus.WAITING,
        )
    )


def who_key(assignee_id: int | None, role: Role, department_id: int | None) -> str:
    if assignee_id is not None:
        return f"u{assignee_id}"
    return f"r{role.value}-{department_id or 0}"


def age_days(filed_at: datetime, now: datetime) -> int:
    return max((to_local(now).date() - to_local(filed_at).date()).days, 0)


def _days_number(column) -> sa.ColumnElement:
    """A timestamp as a number of days, for an average in SQL (SQLite: julianday; PostgreSQL:
    the epoch in days)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.julianday(column)
    return sa.extract("epoch", column) / 86400.0


def waiting_groups(user: User) -> list[WaitingGroup]:
    """Waiting steps grouped in SQL by approver and step: count, oldest and mean age."""
    keys = (
        ApprovalStep.assignee_id,
        ApprovalStep.role,
        ApprovalStep.department_id,
        ApprovalStep.action_name,
    )
    stmt = (
        sa.select(
            *keys,
            sa.func.count(),
            sa.func.min(ApprovalRequest.filed_at),
            sa.func.avg(_days_number(ApprovalRequest.filed_at)),
        )
        .join(ApprovalRequest, ApprovalStep.request_id == ApprovalRequest.id)
        .where(
            _dashboard_requests(user),
            ApprovalRequest.status == RequestStatus.PENDING,
            ApprovalStep.current.is_(True),
            ApprovalStep.status == StepStatus.WAITING,
        )
        .group_by(*keys)
    )
    rows = db.session.execute(stmt).all()
    users = dict(
        db.session.execute(
            sa.select(User.id, User.full_name).where(
                User.id.in_({r[0] for r in rows if r[0] is not None})
            )
        ).all()
    )
    departments = dict(db.session.execute(sa.select(Department.id, Department.name)).all())
    now = utcnow()
    now_days = db.session.scalar(sa.select(_days_number(sa.literal(now, UTCDateTime()))))
    groups = []
    for assignee_id, role, department_id, action, count, oldest, mean_day in rows:
        if assignee_id is not None:
            label = users.get(assignee_id, "—")
        else:
            place = departments.get(department_id)
            label = role.label + (f" · {place}" if place else "")
        mean = Decimal(str(max(float(now_days) - float(mean_day), 0))).quantize(Decimal("0.1"))
        groups.append(
            WaitingGroup(
                who_key(assignee_id, role, department_id),
                label,
                action,
                count,
                age_days(oldest, now),
                mean,
            )
        )
    return sorted(groups, key=lambda g: (-g.oldest, g.label, g.step))


def approvals_waiting(user: User, period: Period) -> Figure:
    rows = []
    for group in waiting_groups(user):
        rows.append(
            Row(
                [group.label, group.step, group.count, group.oldest, str(group.mean)],
                drill_url("approvals", period.args(), who=group.who, step=group.step),
            )
        )
    bars = [
        svg.Bar(f"{r.texts[0]} · {r.texts[1]}", [r.values[2]], [r.texts[2]], r.url) for r in rows
    ]
    return Figure(
        key="approvals",
        title=_("Approvals waiting"),
        headers=[_("Approver"), _("Step"), _("Waiting"), _("Oldest (days)"), _("Mean age (days)")],
        rows=rows,
        chart=svg.bar_chart(
            _("Approvals waiting"), _("Requests waiting at each approver and step."), bars
        ),
        note=_("Age counts days since the request was filed."),
    )


# --- complaints ------------------------------------------------------------------------------

OPEN_COMPLAINT = [s for s in ComplaintStatus if s is not ComplaintStatus.ARCHIVED]


def complaints(user: User, period: Period, today: date) -> Figure:
    open_rows = db.session.execute(
        sa.select(Complaint.status, sa.func.count(), sa.func.min(Complaint.received_on))
        .join(Account, Account.id == Complaint.account_id)
        .where(account_scope(user), Complaint.status.in_(OPEN_COMPLAINT))
        .group_by(Complaint.status)
    ).all()
    found = {status: (n, oldest) for status, n, oldest in open_rows}
    rows = []
    for status in OPEN_COMPLAINT:
        n, oldest = found.get(status, (0, None))
        rows.append(
            Row(
                [status.label, n, (today - oldest).days if oldest else None, None],
                drill_url("complaints", period.args(), status=status.value),
            )
        )
    closed = closed_in_period(user, period)
    days = [d for _id, d in closed]
    mean = (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None
    footer = [
        Row(
            [_("Closed in the period"), len(closed), None, str(mean) if mean is not None else None],
            drill_url("complaints", period.args(), status="closed"),
        )
    ]
    return Figure(
        key="complaints",
        title=_("Complaints"),
        headers=[_("Status"), _("Complaints"), _("Oldest (days)"), _("Mean days to close")],
        rows=rows,
        footer=footer,
        chart=svg.bar_chart(
            _("Complaints"),
            _("Open complaints per step, and those closed."),
            [svg.Bar(r.texts[0], [r.values[1]], [r.texts[1]], r.url) for r in rows + footer],
        ),
    )


def closed_in_period(user: User, period: Period) -> list[tuple[int, int]]:
    """(complaint id, days from receipt to archiving) of complaints archived in the period."""
    stmt = (
        sa.select(Complaint.id, Complaint.received_on, Complaint.closed_at)
        .join(Account, Account.id == Complaint.account_id)
        .where(
            account_scope(user),
            Complaint.status == ComplaintStatus.ARCHIVED,
            Complaint.closed_at.is_not(None),
        )
    )
    result = []
    for complaint_id, received, closed_at in db.session.execute(stmt):
        closed_on = to_local(closed_at).date()
        if period.first <= closed_on < period.after:
            result.append((complaint_id, max((closed_on - received).days, 0)))
    return result


# --- the custodian's archive -----------------------------------------------------------------


def archive_completeness(user: User) -> Figure:
    """Contracts past approval and whether their signed copy is archived (seed 004: 合同必须由专人
    保管): approved ones wait for the scan; a signed or terminated one should have it."""
    has_scan = sa.exists().where(SignedScan.contract_id == Contract.id)
    stmt = (
        sa.select(Contract.status, has_scan, sa.func.count())
        .where(
            contract_scope(user),
            Contract.status.in_(
                [ContractStatus.APPROVED, ContractStatus.SIGNED, ContractStatus.TERMINATED]
            ),
        )
        .group_by(Contract.status, has_scan)
    )
    counts = {(status, bool(scanned)): n for status, scanned, n in db.session.execute(stmt)}
    waiting = counts.get((ContractStatus.APPROVED, False), 0) + counts.get(
        (ContractStatus.APPROVED, True), 0
    )
    archived = sum(
        n for (s, scanned), n in counts.items() if scanned and s is not ContractStatus.APPROVED
    )
    missing = sum(
        n for (s, scanned), n in counts.items() if not scanned and s is not ContractStatus.APPROVED
    )
    whole = waiting + archived + missing
    rows = [
        Row(
            [_("Approved, signed copy not archived"), waiting, percent(waiting, whole)],
            url_for("contracts.index", stage=Lifecycle.APPROVED.value),
        ),
        Row(
            [_("Signed, copy archived"), archived, percent(archived, whole)],
            url_for("contracts.index", stage=Lifecycle.SIGNED.value),
        ),
        Row([_("Signed without an archived copy"), missing, percent(missing, whole)], None),
    ]
    return Figure(
        key="archive",
        title=_("Archive completeness"),
        headers=[_("Contracts"), _("Count"), _("Share")],
        rows=rows,
        chart=svg.bar_chart(
            _("Archive completeness"),
            _("Contracts past approval by whether their signed copy is archived."),
            [svg.Bar(r.texts[0], [r.values[1]], [r.texts[1]], r.url) for r in rows],
        ),
        note=_(
            "%(share)s of contracts past approval have their signed copy archived.",
            share=text(percent(archived, whole)) if whole else "—",
        ),
    )
