"""The home page of each role: the boxes of its own work, each with the first few items, how
many there are in all and the address of the full list.

DOMAIN.md "Roles" decides what is whose work:
- account manager: next steps due this week, contracts about to expire, own open requests,
  early warnings for them, their pipeline;
- supervisor and department head: requests waiting for them (with age), what is overdue below
  them, the team's warnings and next steps, the department's pipeline;
- executive: requests waiting for them, overdue steps below them, the company's warnings;
- finance: credit co-signatures waiting, arrears above the credit limit, imports;
- contract custodian: approved contracts to archive, contracts about to expire.

Each box is a few indexed queries (its first items and its count), so a home page stays fast
with ten thousand accounts (benchmarks/home.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload

from webapp.accounts.models import Account, Stage, Visit
from webapp.accounts.service import account_scope
from webapp.approvals.models import ApprovalRequest, ApprovalStep, RequestStatus, RequestType
from webapp.approvals.service import inbox as approvals_inbox
from webapp.auth.models import Role, User
from webapp.common.queries import first_and_total
from webapp.common.timeutil import local_today, utcnow
from webapp.contracts.models import Contract, ContractStatus, Lifecycle
from webapp.contracts.service import contract_scope, expiry_window, lifecycle_clause
from webapp.dashboard import operations as dashboard
from webapp.dashboard.period import default_period
from webapp.dashboard.tables import Figure
from webapp.extensions import db
from webapp.filters import local_date, money
from webapp.plans import attack as attack_plans
from webapp.plans import service as service_plans
from webapp.sales.models import BatchStatus, ImportBatch
from webapp.sales.service import recent_batches
from webapp.warnings.models import EarlyWarning, RuleKey
from webapp.warnings.service import OPEN_STATUSES, open_for, row_loads, warning_rows

SHOWN = 6  # items a box shows; the rest are one click away
NEXT_STEP_WEEK = 7  # "due this week": today and the six days after it
OVERDUE_LOOKBACK = 30  # an agreed next step older than this is history, not a to-do


@dataclass(frozen=True)
class WorkItem:
    """One line of a box, ready to show."""

    title: str
    url: str
    detail: str = ""
    when: str = ""
    flag: str = ""  # a short state in words ("overdue 3 days"), shown as a badge
    overdue: bool = False


@dataclass(frozen=True)
class Box:
    """One box of a home page: its first items, how many in all, and the full list."""

    key: str  # the element id is home-<key>
    title: str
    items: list[WorkItem]
    total: int
    more_url: str
    empty: str
    warn: bool = False  # drawn as a warning card
    note: WorkItem | None = None  # one extra line under the items (e.g. the overdue ones)
    rows_template: str | None = None  # items that bring their own row (`row` in the template)

    @property
    def has_more(self) -> bool:
        return self.total > len(self.items)


@dataclass(frozen=True)
class Home:
    """What the home page shows a user."""

    boxes: list[Box]
    pipeline: list[tuple[Stage, int]] = field(default_factory=list)
    # dashboard figures of the role's duty (finance: receivables ageing; the custodian: archive
    # completeness), drawn with their tables as on /dashboard
    figures: list[Figure] = field(default_factory=list)


# --- building blocks -----------------------------------------------------------------------


def _count(stmt: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0


def _first_and_total(stmt: sa.Select, *order_by, options=()) -> tuple[list, int]:
    return first_and_total(stmt, SHOWN, order_by=order_by, options=options)


def _days(n: int) -> str:
    return ngettext("%(num)s day", "%(num)s days", n)


def _overdue_flag(days: int) -> str:
    return _("overdue %(days)s", days=_days(days))


def pipeline(user: User) -> list[tuple[Stage, int]]:
    """Accounts per development stage (given-up ones left out), DOMAIN.md "Figures"."""
    rows = db.session.execute(
        sa.select(Account.stage, sa.func.count())
        .where(account_scope(user), Account.abandoned.is_(False))
        .group_by(Account.stage)
    ).all()
    counts = dict(rows)
    return [(stage, counts.get(stage, 0)) for stage in Stage]


# --- next steps ----------------------------------------------------------------------------


def _window(when: str, today: date) -> tuple[date, date]:
    """First and last due date of `week`, `overdue` or `all` (both)."""
    first = today - timedelta(days=OVERDUE_LOOKBACK)
    last = today + timedelta(days=NEXT_STEP_WEEK - 1)
    if when == "week":
        return today, last
    if when == "overdue":
        return first, today - timedelta(days=1)
    return first, last


def next_steps_query(user: User, when: str, today: date | None = None) -> sa.Select:
    """Visits whose agreed next step falls due: `week` (today and the six days after),
    `overdue` (before today, at most 30 days back) or `all` (both), on accounts `user` sees."""
    first, last = _window(when, today or local_today())
    return (
        sa.select(Visit)
        .join(Account, Visit.account_id == Account.id)
        .where(
            account_scope(user),
            Account.abandoned.is_(False),
            Visit.next_date >= first,
            Visit.next_date <= last,
        )
    )


def _first_due(user: User, when: str, today: date) -> list[Visit]:
    """The first few of `next_steps_query`, by due date. Written as visits with an EXISTS on
    their account, so the database walks the due-date index in order and stops after a few
    hits instead of collecting and sorting every visible visit first."""
    first, last = _window(when, today)
    visible = sa.exists().where(
        Account.id == Visit.account_id, account_scope(user), Account.abandoned.is_(False)
    )
    stmt = (
        sa.select(Visit)
        .where(Visit.next_date >= first, Visit.next_date <= last, visible)
        .order_by(Visit.next_date, Visit.id)
        .limit(SHOWN)
    )
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class DueCounts:
    week: int
    overdue: int


def due_counts(user: User, today: date) -> DueCounts:
    """How many next steps fall due this week and how many are overdue: one pass, the same
    visits as `next_steps_query`. Asked as visits of the accounts the user sees, each
    account's due visits are one range of the (account, next date) index; joined instead,
    SQLite walked every visit due in the window (24 → 3 ms with 10,000 accounts)."""
    first, last = _window("all", today)
    visible = sa.select(Account.id).where(account_scope(user), Account.abandoned.is_(False))
    week, overdue = db.session.execute(
        sa.select(
            sa.func.count().filter(Visit.next_date >= today),
            sa.func.count().filter(Visit.next_date < today),
        ).where(Visit.account_id.in_(visible), Visit.next_date >= first, Visit.next_date <= last)
    ).one()
    return DueCounts(week=week or 0, overdue=overdue or 0)


def next_step_items(visits: list[Visit], today: date) -> list[WorkItem]:
    names = _account_names({v.account_id for v in visits})
    items = []
    for visit in visits:
        late = (today - visit.next_date).days
        items.append(
            WorkItem(
                title=names.get(visit.account_id, ""),
                url=url_for("accounts.activities", account_id=visit.account_id),
                detail=visit.next_step or _shorten(visit.summary),
                when=local_date(visit.next_date),
                flag=_overdue_flag(late) if late > 0 else (_("today") if late == 0 else ""),
                overdue=late > 0,
            )
        )
    return items


def _next_steps_box(user: User, key: str, title: str, counts: DueCounts) -> Box:
    today = local_today()
    note = None
    if counts.overdue:
        note = WorkItem(
            title=ngettext(
                "%(num)s earlier next step is overdue",
                "%(num)s earlier next steps are overdue",
                counts.overdue,
            ),
            url=url_for("main.next_steps", when="overdue"),
            overdue=True,
        )
    return Box(
        key=key,
        title=title,
        items=next_step_items(_first_due(user, "week", today), today),
        total=counts.week,
        more_url=url_for("main.next_steps", when="week"),
        empty=_("Nothing due this week. Record a visit with a next date to see it here."),
        note=note,
    )


def _overdue_steps_box(user: User, counts: DueCounts) -> Box:
    """A supervisor's "overdue below me": the team's agreed next steps that are overdue."""
    today = local_today()
    return Box(
        key="overdue-below",
        title=_("Overdue next steps of the team"),
        items=next_step_items(_first_due(user, "overdue", today), today),
        total=counts.overdue,
        more_url=url_for("main.next_steps", when="overdue"),
        empty=_("Nothing of your team is overdue."),
        warn=counts.overdue > 0,
    )


def _shorten(text: str | None, length: int = 40) -> str:
    text = (text or "").strip()
    return text if len(text) <= length else text[: length - 1] + "…"


def _account_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Account.id, Account.short_name, Account.name).where(Account.id.in_(ids))
    )
    return {i: short or name for i, short, name in rows}


# --- approvals -----------------------------------------------------------------------------


def _request_item(request: ApprovalRequest, step: ApprovalStep | None, age: bool) -> WorkItem:
    account = request.account.short_name or request.account.name
    detail = request.type.label
    if request.amount is not None:
        detail += " · " + money(request.amount)
    flag = ""
    if step is not None and step.is_overdue:
        flag = _overdue_flag(max((utcnow() - step.due_at).days, 1))
    elif request.status is RequestStatus.RETURNED:
        flag = _("returned to you")
    return WorkItem(
        title=f"{request.number} · {account}",
        url=url_for("approvals.detail", request_id=request.id),
        detail=detail + (" · " + request.applicant.full_name if age else ""),
        when=_("%(age)s old", age=_days(request.age_days)) if age else local_date(request.filed_at),
        flag=flag,
        overdue=bool(step is not None and step.is_overdue),
    )


def _waiting_box(
    user: User, type_: RequestType | None = None, key: str = "waiting", title: str | None = None
) -> Box:
    rows = approvals_inbox.waiting_for(user, type_, limit=SHOWN)
    return Box(
        key=key,
        title=title or _("Waiting for me"),
        items=[_request_item(request, step, age=True) for request, step in rows],
        total=approvals_inbox.waiting_count_of_type(user, type_),
        more_url=url_for(
            "approvals.inbox", box="waiting", type=type_.value if type_ is not None else None
        ),
        empty=_("Nothing is waiting for your decision."),
    )


def _overdue_approvals_box(user: User) -> Box:
    """A head's or the executive's "overdue below me": steps overdue at those they watch."""
    rows = approvals_inbox.overdue_below(user, limit=SHOWN)
    return Box(
        key="overdue-below",
        title=_("Overdue below me"),
        items=[_request_item(request, step, age=True) for request, step in rows],
        total=approvals_inbox.overdue_below_count(user),
        more_url=url_for("approvals.inbox", box="overdue_below"),
        empty=_("No step below you is overdue."),
        warn=bool(rows),
    )


def _my_requests_box(user: User) -> Box:
    stmt = sa.select(ApprovalRequest).where(
        ApprovalRequest.applicant_id == user.id,
        ApprovalRequest.status.in_((RequestStatus.PENDING, RequestStatus.RETURNED)),
    )
    requests, total = _first_and_total(
        stmt,
        ApprovalRequest.filed_at.desc(),
        options=(joinedload(ApprovalRequest.account), joinedload(ApprovalRequest.applicant)),
    )
    return Box(
        key="my-requests",
        title=_("My open requests"),
        items=[_request_item(request, None, age=False) for request in requests],
        total=total,
        more_url=url_for("approvals.inbox", box="filed"),
        empty=_("You have no request in approval."),
    )


# --- service plans and attack plan tasks ---------------------------------------------------


def _plans_box(user: User) -> Box:
    """The user's service plan items and attack plan tasks due this week (overdue ones too),
    and the hot accounts whose plan asks to be reviewed after a visit."""
    today = local_today()
    items, items_total = service_plans.due_items_and_total(user, limit=SHOWN)
    tasks, tasks_total = attack_plans.due_tasks_and_total(user, limit=SHOWN)
    dated = [
        (
            i.due_on,
            WorkItem(
                title=f"{i.account} · {i.contact.name}",
                url=url_for("plans.account_plans", account_id=i.account_id),
                detail=i.action,
                when=local_date(i.due_on),
                flag=_overdue_flag((today - i.due_on).days) if i.is_overdue else "",
                overdue=i.is_overdue,
            ),
        )
        for i in items
    ]
    dated += [
        (
            t.due_on,
            WorkItem(
                title=f"{t.plan.request.account} · {t.action}",
                url=url_for("plans.attack_detail", plan_id=t.plan_id),
                detail=_("Attack plan task, %(percent)s%% done", percent=t.percent),
                when=local_date(t.due_on),
                flag=_overdue_flag((today - t.due_on).days) if t.is_overdue else "",
                overdue=t.is_overdue,
            ),
        )
        for t in tasks
    ]
    reviews, reviews_total = service_plans.accounts_to_review_and_total(user, limit=SHOWN)
    items = [
        *[
            WorkItem(
                title=str(a),
                url=url_for("plans.account_plans", account_id=a.id),
                detail=_("Review the service plan after the visit"),
                flag=_("review"),
            )
            for a in reviews
        ],
        *[item for _due, item in sorted(dated, key=lambda pair: pair[0])],
    ]
    total = reviews_total + items_total + tasks_total
    return Box(
        key="plans",
        title=_("Service plans and tasks due"),
        items=items[:SHOWN],
        total=total,
        more_url=url_for("plans.due"),
        empty=_("No plan item or task due this week."),
    )


# --- contracts -----------------------------------------------------------------------------


def _contract_item(contract: Contract, when) -> WorkItem:
    return WorkItem(
        title=f"{contract.number} · {contract.account.short_name or contract.account.name}",
        url=url_for("contracts.detail", contract_id=contract.id),
        detail=money(contract.total),
        when=local_date(when),
    )


def _expiring_box(user: User, own: bool) -> Box:
    today = local_today()
    stmt = sa.select(Contract).where(
        contract_scope(user), lifecycle_clause(Lifecycle.EXPIRING, today, expiry_window())
    )
    if own:
        stmt = stmt.where(Contract.owner_id == user.id)
    contracts, total = _first_and_total(
        stmt, Contract.expires_on, options=(joinedload(Contract.account),)
    )
    args = {"stage": Lifecycle.EXPIRING.value}
    if own:
        args["owner_id"] = user.id
    return Box(
        key="expiring",
        title=_("Your contracts about to expire") if own else _("Contracts about to expire"),
        items=[_contract_item(c, c.expires_on) for c in contracts],
        total=total,
        more_url=url_for("contracts.index", **args),
        empty=_("No contract expires within %(days)s.", days=_days(expiry_window())),
        warn=bool(contracts),
    )


def _to_archive_box(user: User) -> Box:
    stmt = sa.select(Contract).where(
        contract_scope(user), Contract.status == ContractStatus.APPROVED
    )
    contracts, total = _first_and_total(
        stmt, Contract.updated_at, Contract.id, options=(joinedload(Contract.account),)
    )
    return Box(
        key="to-archive",
        title=_("Approved contracts to archive"),
        items=[_contract_item(c, c.updated_at) for c in contracts],
        total=total,
        more_url=url_for("contracts.index", stage=Lifecycle.APPROVED.value),
        empty=_("No approved contract is waiting for its signed copy."),
    )


# --- warnings ------------------------------------------------------------------------------


def team_warnings_query(user: User, rule: RuleKey | None = None) -> sa.Select:
    """Open warnings on the accounts `user` sees (the team's, the department's, the company's)."""
    scope = account_scope(user)
    stmt = sa.select(EarlyWarning).where(EarlyWarning.status.in_(OPEN_STATUSES))
    if not isinstance(scope, sa.sql.elements.True_):  # the company's: no account to check
        stmt = stmt.join(Account, EarlyWarning.account_id == Account.id).where(scope)
    if rule is not None:
        stmt = stmt.where(EarlyWarning.rule == rule)
    return stmt


def _warnings_box(
    user: User,
    scope: str,
    title: str,
    key: str = "warnings",
    rule: RuleKey | None = None,
    except_rule: RuleKey | None = None,
) -> Box:
    """Open warnings routed to the user (`mine`) or on the accounts they see (`team`), of one
    rule or all but one; shown as the warnings' own rows, so they are handled right here."""
    stmt = open_for(user) if scope == "mine" else team_warnings_query(user, rule)
    if except_rule is not None:
        stmt = stmt.where(EarlyWarning.rule != except_rule)
    warnings, total = _first_and_total(
        stmt,
        EarlyWarning.raised_at.desc(),
        EarlyWarning.id.desc(),
        options=row_loads(),
    )
    return Box(
        key=key,
        title=title,
        items=warning_rows(user, warnings),
        total=total,
        more_url=url_for(
            "main.warnings", scope=scope, rule=rule.value if rule is not None else None
        ),
        empty=_("No open warnings."),
        warn=bool(warnings),
        rows_template="warnings/_row.html",
    )


# --- imports -------------------------------------------------------------------------------


def _imports_box(user: User) -> Box:
    batches = recent_batches(user, limit=SHOWN)
    items = [
        WorkItem(
            title=batch.filename,
            url=url_for("sales.batch", batch_id=batch.id),
            detail=(batch.kind.label if batch.kind else "") + " · " + batch.status.label,
            when=local_date(batch.created_at),
            flag=(
                _("waiting for confirmation")
                if batch.status is BatchStatus.CHECKED and not batch.commit_requested
                else ""
            ),
        )
        for batch in batches
    ]
    stmt = sa.select(ImportBatch.id)
    if user.role is not Role.FINANCE:
        stmt = stmt.where(ImportBatch.uploaded_by_id == user.id)
    return Box(
        key="imports",
        title=_("Imports"),
        items=items,
        total=_count(stmt),
        more_url=url_for("sales.imports"),
        empty=_("No import yet."),
    )


# --- the page of each role -----------------------------------------------------------------


def _account_manager(user: User) -> Home:
    counts = due_counts(user, local_today())
    return Home(
        boxes=[
            _next_steps_box(user, "next-steps", _("Next steps due this week"), counts),
            _expiring_box(user, own=True),
            _plans_box(user),
            _my_requests_box(user),
            _warnings_box(user, "mine", _("Early warnings for you")),
        ],
        pipeline=pipeline(user),
    )


def _leader(user: User) -> Home:
    counts = due_counts(user, local_today())
    overdue = (
        _overdue_approvals_box(user)
        if user.role in approvals_inbox.SUPERIOR_OF
        else _overdue_steps_box(user, counts)
    )
    return Home(
        boxes=[
            _waiting_box(user),
            overdue,
            _warnings_box(user, "team", _("Team warnings")),
            _next_steps_box(user, "next-steps", _("Team next steps due this week"), counts),
            _plans_box(user),
        ],
        pipeline=pipeline(user),
    )


def _executive(user: User) -> Home:
    return Home(
        boxes=[
            _waiting_box(user),
            _overdue_approvals_box(user),
            _warnings_box(user, "team", _("Company warnings")),
        ],
        pipeline=pipeline(user),
    )


def _finance(user: User) -> Home:
    return Home(
        boxes=[
            _waiting_box(user, RequestType.CREDIT, "credit-cosigns", _("Credit co-signs waiting")),
            _warnings_box(
                user,
                "team",
                _("Arrears above the credit limit"),
                key="arrears",
                rule=RuleKey.ARREARS_OVER_LIMIT,
            ),
            _imports_box(user),
            _warnings_box(
                user,
                "mine",
                _("Early warnings for you"),
                except_rule=RuleKey.ARREARS_OVER_LIMIT,  # the box above has them
            ),
        ],
        figures=[dashboard.ageing(user, default_period(), local_today())],
    )


def _custodian(user: User) -> Home:
    return Home(
        boxes=[_to_archive_box(user), _expiring_box(user, own=False)],
        figures=[dashboard.archive_completeness(user)],
    )


HOMES: dict[Role, Callable[[User], Home]] = {
    Role.ACCOUNT_MANAGER: _account_manager,
    Role.SUPERVISOR: _leader,
    Role.DEPARTMENT_HEAD: _leader,
    Role.EXECUTIVE: _executive,
    Role.FINANCE: _finance,
    Role.CUSTODIAN: _custodian,
}


def home_for(user: User) -> Home:
    """The boxes of `user`'s home page (the administrator has none: settings are his home)."""
    build = HOMES.get(user.role)
    return build(user) if build else Home(boxes=[])
