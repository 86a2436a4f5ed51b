"""The warning rules (DOMAIN.md "Early warnings"), each a set-based SQL query over every account.

A rule's query yields one row per warning that holds now: the account, a subject (what the
warning is about when an account can have several, e.g. one per contract), who must act (a user,
or a role within a department) and the figures. `service.evaluate` compares these rows with the
warnings on record; no rule runs a query per account.

Thresholds are data (`WarningRule` rows an admin edits); the defaults below apply until then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from webapp.accounts.models import Account
from webapp.approvals.models import ApprovalRequest, ApprovalStep, RequestStatus, RequestType
from webapp.auth.models import Role
from webapp.contracts.models import Contract, ContractStatus
from webapp.sales.models import Purchase, SalesExpense, SalesPlan
from webapp.sales.service import add_months, arrears_query, fen, fen_sum, month_start
from webapp.warnings.models import MajorEvent, RuleKey


@dataclass(frozen=True)
class Context:
    today: date
    now: datetime
    threshold: int
    window_days: int | None


@dataclass(frozen=True)
class RuleSpec:
    key: RuleKey
    threshold: int  # default
    threshold_label: object  # what the number means, shown on the rules page
    window_days: int | None  # default; None: the rule has no window
    query: Callable[[Context], sa.Select]
    message: object  # lazy text formatted with the warning's figures


def _owner(stmt_account=Account):
    return (
        stmt_account.owner_id.label("assignee_id"),
        sa.null().label("assignee_role"),
        sa.null().label("department_id"),
    )


def _subject(prefix: str, column) -> sa.ColumnElement[str]:
    return sa.literal(prefix) + sa.cast(column, sa.String)


def arrears_over_limit(ctx: Context) -> sa.Select:
    owed = arrears_query().subquery()
    return sa.select(
        Account.id.label("account_id"),
        sa.literal("").label("subject"),
        *_owner(),
        owed.c.arrears.label("arrears_fen"),
        fen(Account.credit_limit).label("limit_fen"),
    ).where(
        Account.id == owed.c.account_id,
        owed.c.arrears > 0,
        owed.c.arrears * 100 > fen(Account.credit_limit) * ctx.threshold,
    )


def behind_plan(ctx: Context) -> sa.Select:
    """Last complete month: purchased quantity of the planned products against the plan."""
    month = add_months(month_start(ctx.today), -1)
    after = add_months(month, 1)
    plan = (
        sa.select(SalesPlan.account_id, fen_sum(SalesPlan.quantity).label("planned"))
        .where(SalesPlan.month == month)
        .group_by(SalesPlan.account_id)
        .subquery()
    )
    planned_product = sa.select(SalesPlan.id).where(
        SalesPlan.account_id == Purchase.account_id,
        SalesPlan.month == month,
        SalesPlan.product == Purchase.product,
    )
    actual = (
        sa.select(Purchase.account_id, fen_sum(Purchase.quantity).label("bought"))
        .where(Purchase.purchased_on >= month, Purchase.purchased_on < after)
        .where(planned_product.exists())
        .group_by(Purchase.account_id)
        .subquery()
    )
    bought = sa.func.coalesce(actual.c.bought, 0)
    return (
        sa.select(
            Account.id.label("account_id"),
            sa.literal("").label("subject"),
            *_owner(),
            sa.literal(month.strftime("%Y-%m")).label("month"),
            plan.c.planned.label("planned_qty"),
            bought.label("bought_qty"),
        )
        .join(plan, plan.c.account_id == Account.id)
        .outerjoin(actual, actual.c.account_id == Account.id)
        .where(plan.c.planned > 0, bought * 100 < plan.c.planned * ctx.threshold)
    )


def _amount_between(start: date, end: date, label: str):
    return (
        sa.select(Purchase.account_id, fen_sum(Purchase.amount).label(label))
        .where(Purchase.purchased_on >= start, Purchase.purchased_on < end)
        .group_by(Purchase.account_id)
        .subquery()
    )


def behind_last_year(ctx: Context) -> sa.Select:
    """The last `window` days against the same days a year earlier, by amount."""
    window = ctx.window_days or 90
    end = ctx.today + timedelta(days=1)
    start = end - timedelta(days=window)
    now = _amount_between(start, end, "recent")
    before = _amount_between(start - timedelta(days=365), end - timedelta(days=365), "earlier")
    recent = sa.func.coalesce(now.c.recent, 0)
    return (
        sa.select(
            Account.id.label("account_id"),
            sa.literal("").label("subject"),
            *_owner(),
            recent.label("recent_fen"),
            before.c.earlier.label("last_year_fen"),
            sa.literal(window).label("days"),
        )
        .join(before, before.c.account_id == Account.id)
        .outerjoin(now, now.c.account_id == Account.id)
        .where(before.c.earlier > 0, recent * 100 < before.c.earlier * ctx.threshold)
    )


def less_frequent(ctx: Context) -> sa.Select:
    """Purchase days in the last `window` days against the usual count for that many days,
    taken from the 360 days before; only for clients with at least four purchase days then."""
    window = ctx.window_days or 90
    end = ctx.today + timedelta(days=1)
    start = end - timedelta(days=window)
    base_start = start - timedelta(days=360)

    def days_between(a: date, b: date, label: str):
        return (
            sa.select(
                Purchase.account_id,
                sa.func.count(sa.distinct(Purchase.purchased_on)).label(label),
            )
            .where(Purchase.purchased_on >= a, Purchase.purchased_on < b)
            .group_by(Purchase.account_id)
            .subquery()
        )

    recent_q = days_between(start, end, "recent")
    base_q = days_between(base_start, start, "base")
    recent = sa.func.coalesce(recent_q.c.recent, 0)
    return (
        sa.select(
            Account.id.label("account_id"),
            sa.literal("").label("subject"),
            *_owner(),
            recent.label("recent_count"),
            base_q.c.base.label("base_count"),
            sa.literal(window).label("days"),
        )
        .join(base_q, base_q.c.account_id == Account.id)
        .outerjoin(recent_q, recent_q.c.account_id == Account.id)
        .where(
            base_q.c.base >= 4,
            recent * 100 * 360 < base_q.c.base * window * ctx.threshold,
        )
    )


def expenses_over_budget(ctx: Context) -> sa.Select:
    """This year's sales expenses against the budgets of this year's approved service and
    support applications (the budget the seed's 费用预算 means); clients without an approved
    budget this year are not judged."""
    year_start = date(ctx.today.year, 1, 1)
    spent = (
        sa.select(SalesExpense.account_id, fen_sum(SalesExpense.amount).label("spent"))
        .where(SalesExpense.spent_on >= year_start)
        .group_by(SalesExpense.account_id)
        .subquery()
    )
    budget = (
        sa.select(ApprovalRequest.account_id, fen_sum(ApprovalRequest.amount).label("budget"))
        .where(
            ApprovalRequest.type == RequestType.SUPPORT,
            ApprovalRequest.status == RequestStatus.APPROVED,
            ApprovalRequest.filed_at >= datetime(year_start.year, 1, 1, tzinfo=ctx.now.tzinfo),
        )
        .group_by(ApprovalRequest.account_id)
        .subquery()
    )
    return (
        sa.select(
            Account.id.label("account_id"),
            sa.literal("").label("subject"),
            *_owner(),
            spent.c.spent.label("spent_fen"),
            budget.c.budget.label("budget_fen"),
        )
        .join(spent, spent.c.account_id == Account.id)
        .join(budget, budget.c.account_id == Account.id)
        .where(budget.c.budget > 0, spent.c.spent * 100 > budget.c.budget * ctx.threshold)
    )


def churn(ctx: Context) -> sa.Select:
    """A client that used to buy and has bought nothing for `threshold` days (客户流失)."""
    last = (
        sa.select(Purchase.account_id, sa.func.max(Purchase.purchased_on).label("last"))
        .group_by(Purchase.account_id)
        .subquery()
    )
    return (
        sa.select(
            Account.id.label("account_id"),
            sa.literal("").label("subject"),
            *_owner(),
            last.c.last.label("last_purchase"),
        )
        .join(last, last.c.account_id == Account.id)
        .where(last.c.last < ctx.today - timedelta(days=ctx.threshold))
    )


def major_event(ctx: Context) -> sa.Select:
    """Each major event reported in the last `threshold` days; the department's supervisor
    watches the client (有关部门关注此客户的进一步变化)."""
    return (
        sa.select(
            Account.id.label("account_id"),
            _subject("event:", MajorEvent.id).label("subject"),
            sa.null().label("assignee_id"),
            sa.literal(Role.SUPERVISOR.value).label("assignee_role"),
            Account.department_id.label("department_id"),
            MajorEvent.kind.label("kind"),
            MajorEvent.occurred_on.label("occurred_on"),
            sa.func.substr(MajorEvent.description, 1, 80).label("description"),
        )
        .join(Account, Account.id == MajorEvent.account_id)
        .where(MajorEvent.occurred_on >= ctx.today - timedelta(days=ctx.threshold))
    )


def approval_overdue(ctx: Context) -> sa.Select:
    """The current step of a pending request, `threshold` days past its due time."""
    return (
        sa.select(
            ApprovalRequest.account_id.label("account_id"),
            _subject("step:", ApprovalStep.id).label("subject"),
            ApprovalStep.assignee_id.label("assignee_id"),
            sa.type_coerce(ApprovalStep.role, sa.String).label("assignee_role"),
            ApprovalStep.department_id.label("department_id"),
            ApprovalRequest.number.label("number"),
            ApprovalStep.due_at.label("due_at"),
        )
        .join(ApprovalRequest, ApprovalRequest.id == ApprovalStep.request_id)
        .where(
            ApprovalStep.current.is_(True),
            ApprovalRequest.status == RequestStatus.PENDING,
            ApprovalStep.due_at < ctx.now - timedelta(days=ctx.threshold),
        )
    )


def credit_overdue(ctx: Context) -> sa.Select:
    """A credit adjustment still undecided past its 10-day deadline; whoever holds its current
    step must act."""
    return (
        sa.select(
            ApprovalRequest.account_id.label("account_id"),
            _subject("request:", ApprovalRequest.id).label("subject"),
            ApprovalStep.assignee_id.label("assignee_id"),
            sa.type_coerce(ApprovalStep.role, sa.String).label("assignee_role"),
            ApprovalStep.department_id.label("department_id"),
            ApprovalRequest.number.label("number"),
            ApprovalRequest.deadline_at.label("due_at"),
        )
        .join(ApprovalStep, ApprovalStep.request_id == ApprovalRequest.id)
        .where(
            ApprovalStep.current.is_(True),
            ApprovalRequest.type == RequestType.CREDIT,
            ApprovalRequest.status == RequestStatus.PENDING,
            ApprovalRequest.deadline_at < ctx.now - timedelta(days=ctx.threshold),
        )
    )


def contract_expiring(ctx: Context) -> sa.Select:
    """A contract in force whose end falls within `threshold` days (the contracts area's
    expiring rule; its configured window is the default)."""
    soon = ctx.today + timedelta(days=ctx.threshold)
    return sa.select(
        Contract.account_id.label("account_id"),
        _subject("contract:", Contract.id).label("subject"),
        Contract.owner_id.label("assignee_id"),
        sa.null().label("assignee_role"),
        sa.null().label("department_id"),
        Contract.number.label("number"),
        Contract.expires_on.label("expires_on"),
    ).where(
        Contract.status == ContractStatus.SIGNED,
        sa.or_(Contract.effective_on.is_(None), Contract.effective_on <= ctx.today),
        Contract.expires_on >= ctx.today,
        Contract.expires_on <= soon,
    )


RULES: dict[RuleKey, RuleSpec] = {
    spec.key: spec
    for spec in (
        RuleSpec(
            RuleKey.ARREARS_OVER_LIMIT,
            100,
            _l("percent of the credit limit"),
            None,
            arrears_over_limit,
            _l("Arrears %(arrears)s against a credit limit of %(limit)s."),
        ),
        RuleSpec(
            RuleKey.BEHIND_PLAN,
            80,
            _l("percent of the monthly plan, at least"),
            None,
            behind_plan,
            _l("%(month)s: bought %(bought_qty)s of %(planned_qty)s planned."),
        ),
        RuleSpec(
            RuleKey.BEHIND_LAST_YEAR,
            80,
            _l("percent of the same period last year, at least"),
            90,
            behind_last_year,
            _l("Last %(days)s days: %(recent)s against %(last_year)s a year earlier."),
        ),
        RuleSpec(
            RuleKey.LESS_FREQUENT,
            50,
            _l("percent of the usual number of purchases, at least"),
            90,
            less_frequent,
            _l(
                "%(recent_count)s purchase days in the last %(days)s days; "
                "%(base_count)s in the 360 days before."
            ),
        ),
        RuleSpec(
            RuleKey.EXPENSES_OVER_BUDGET,
            100,
            _l("percent of the approved budget"),
            None,
            expenses_over_budget,
            _l("Sales expenses this year %(spent)s against an approved budget of %(budget)s."),
        ),
        RuleSpec(
            RuleKey.CHURN,
            90,
            _l("days without a purchase"),
            None,
            churn,
            _l("No purchase since %(last_purchase)s."),
        ),
        RuleSpec(
            RuleKey.MAJOR_EVENT,
            30,
            _l("days a reported event stays a warning"),
            None,
            major_event,
            _l("%(kind)s on %(occurred_on)s: %(description)s"),
        ),
        RuleSpec(
            RuleKey.APPROVAL_OVERDUE,
            0,
            _l("days of grace after the step's due time"),
            None,
            approval_overdue,
            _l("Request %(number)s waits on a step due %(due_at)s."),
        ),
        RuleSpec(
            RuleKey.CREDIT_OVERDUE,
            0,
            _l("days of grace after the 10-day deadline"),
            None,
            credit_overdue,
            _l("Credit adjustment %(number)s was due to be decided by %(due_at)s."),
        ),
        RuleSpec(
            RuleKey.CONTRACT_EXPIRING,
            30,
            _l("days before the end date"),
            None,
            contract_expiring,
            _l("Contract %(number)s expires on %(expires_on)s."),
        ),
    )
}
