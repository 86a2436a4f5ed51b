"""An account's cooperation evaluation for a period (合作评估, seed 001 step 7): the figures the
other areas keep, scored by webapp.evaluations.scoring with the administrator's weights.

Rules:
- whoever can see the account may see its evaluation (webapp.accounts.service.get_account);
- the default period is the last 12 full months (the current month is not over yet);
- a chosen period runs from a first to a last month: start ≤ end, at most 36 months, never
  ending after the current month (a period ending in the current month ends today);
- **signed accounts** — those the batch report covers — are accounts in the maintenance stage
  (维护/二次开发, DOMAIN.md: the stage after signing) or with a contract that was signed (signed,
  or terminated after signing). The demo data's sales records belong to maintenance accounts,
  of which only some carry a contract, so the stage alone would be too narrow and contracts
  alone would miss most records.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.accounts.models import Account, BuyingRole, Contact, CreditGrade, Stage
from webapp.accounts.service import get_account
from webapp.approvals.models import SupportTask, TaskStatus
from webapp.approvals.service import delivered_support_count
from webapp.auth.models import Role, User
from webapp.common.errors import ValidationFailed
from webapp.common.timeutil import SHANGHAI, local_today, utcnow
from webapp.contracts.models import Contract, ContractStatus
from webapp.contracts.service import lifecycle
from webapp.evaluations import scoring
from webapp.evaluations.figures import evaluation_figures
from webapp.evaluations.models import EvaluationSetting
from webapp.extensions import db
from webapp.sales.models import Purchase
from webapp.sales.service import (
    add_months,
    fen_sum,
    month_start,
    monthly_plan_vs_actual,
    plan_vs_actual_by_product,
)

MAX_MONTHS = 36
DEFAULT_MONTHS = 12
ZERO = Decimal("0.00")


# --- the period -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date  # first day of the first month
    end: date  # last day of the last month, or today when that month is the current one

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def first_month(self) -> str:
        return self.start.strftime("%Y-%m")

    @property
    def last_month(self) -> str:
        return self.end.strftime("%Y-%m")

    def a_year_earlier(self) -> Period:
        start = date(self.start.year - 1, self.start.month, 1)
        end_month = add_months(month_start(self.end), -12)
        return Period(start, add_months(end_month, 1) - timedelta(days=1))


def default_period(today: date | None = None) -> Period:
    """The last 12 full months before the current one."""
    this_month = month_start(today or local_today())
    return Period(add_months(this_month, -DEFAULT_MONTHS), this_month - timedelta(days=1))


def _month(text: str | None) -> date | None:
    try:
        year, month = (int(part) for part in (text or "").strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def parse_period(start_text: str | None, end_text: str | None, today: date | None = None) -> Period:
    """A period from two months written YYYY-MM; ValidationFailed names the faulty field."""
    today = today or local_today()
    first, last = _month(start_text), _month(end_text)
    errors = {}
    if first is None:
        errors["start"] = _("Give the first month as YYYY-MM.")
    if last is None:
        errors["end"] = _("Give the last month as YYYY-MM.")
    if errors:
        raise ValidationFailed(errors)
    if last > month_start(today):
        errors["end"] = _("The period cannot end in the future.")
    elif first > last:
        errors["end"] = _("The last month must not be before the first month.")
    elif Period(first, last).months > MAX_MONTHS:
        errors["end"] = _("A period covers at most %(months)s months.", months=MAX_MONTHS)
    if errors:
        raise ValidationFailed(errors)
    return Period(first, min(add_months(last, 1) - timedelta(days=1), today))


def chosen_period(start_text: str | None, end_text: str | None) -> Period:
    """The period a reader asked for: the default one when neither month is given, otherwise
    both must be right (`parse_period`)."""
    if start_text or end_text:
        return parse_period(start_text, end_text)
    return default_period()


# --- settings ---------------------------------------------------------------------------------


def current_settings() -> scoring.Settings:
    """The defaults of scoring.py, overridden by what the administrator saved."""
    rows = db.session.execute(sa.select(EvaluationSetting.key, EvaluationSetting.value)).all()
    return scoring.Settings.from_values(dict(rows))


def save_settings(actor: User, values: dict) -> scoring.Settings:
    """Store the administrator's weights and thresholds after scoring.validate_settings: whole
    numbers 0–100, weights summing to 100, thresholds A > B > C."""
    parsed, problems = scoring.validate_settings(values)
    if problems:
        words = {
            "range": _("A whole number from 0 to 100."),
            "sum": _(
                "The weights must add up to 100 (now %(total)s).",
                total=sum(v for k, v in parsed.items() if k.startswith("weight_")),
            ),
            "order": _("Thresholds must fall: A above B above C."),
        }
        raise ValidationFailed({key: words[code] for key, code in problems.items()})
    now = utcnow()
    for key, value in parsed.items():
        row = db.session.get(EvaluationSetting, key)
        if row is None:
            db.session.add(
                EvaluationSetting(key=key, value=value, updated_by_id=actor.id, updated_at=now)
            )
        elif row.value != value:
            row.value, row.updated_by_id, row.updated_at = value, actor.id, now
    db.session.commit()
    return current_settings()


# --- the evaluation ---------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: date
    plan_amount: Decimal
    actual_amount: Decimal
    plan_quantity: Decimal
    actual_quantity: Decimal

    @property
    def percent(self) -> int | None:
        return int(self.actual_amount * 100 / self.plan_amount) if self.plan_amount else None


@dataclass
class RoleRow:
    role: str  # BuyingRole value
    contacts: list[str]  # "name (title)"

    @property
    def label(self) -> str:
        return BuyingRole(self.role).label


@dataclass
class Evaluation:
    account_id: int
    period: Period
    months: list[MonthRow]
    plan_amount: Decimal
    actual_amount: Decimal
    last_year_amount: Decimal
    contracts: list[dict]  # signed contracts: number, title, total, effective_on, expires_on
    payments: list[dict]  # paid_on, amount, reference
    payment_total: Decimal
    on_credit: Decimal  # bought in the period and not settled on purchase
    arrears: Decimal
    credit_limit: Decimal
    credit_grade: str
    support: list[dict]  # delivered tasks: title, kind, delivered_on
    support_delivered: int
    complaints: list[dict]  # subject, received_on, status, days_to_close
    open_complaints: int
    average_days_to_close: float | None
    roles: list[RoleRow]
    unbought_products: list[str]
    score: scoring.Score
    action: str  # scoring.UPGRADE / KEEP / DOWNGRADE
    suggested_grade: str  # credit grade value
    needs: list[scoring.Need]
    settings: dict[str, int] = field(default_factory=dict)

    @property
    def achievement(self) -> int | None:
        if not self.plan_amount:
            return None
        return int(self.actual_amount * 100 / self.plan_amount)

    @property
    def collection(self) -> int | None:
        if self.on_credit <= 0:
            return None
        return int(self.payment_total * 100 / self.on_credit)

    @property
    def covered_roles(self) -> int:
        return sum(1 for r in self.roles if r.contacts)

    @property
    def over_limit(self) -> bool:
        return self.arrears > self.credit_limit

    def fingerprint(self) -> str:
        """A digest of every figure the report shows: a change in the data (or the weights)
        gives a new document version."""
        plain = json.dumps(asdict(self), default=str, sort_keys=True, ensure_ascii=False)
        return hashlib.sha1(plain.encode("utf-8")).hexdigest()


def _support_tasks(account_id: int, period: Period) -> list[dict]:
    since = datetime.combine(period.start, time.min, SHANGHAI)
    until = datetime.combine(period.end + timedelta(days=1), time.min, SHANGHAI)
    tasks = db.session.scalars(
        sa.select(SupportTask)
        .where(
            SupportTask.account_id == account_id,
            SupportTask.status == TaskStatus.DELIVERED,
            SupportTask.delivered_at >= since,
            SupportTask.delivered_at < until,
        )
        .order_by(SupportTask.delivered_at, SupportTask.id)
    )
    return [
        {
            "title": t.title,
            "kind": t.kind.value,
            "delivered_on": t.delivered_at.astimezone(SHANGHAI).date(),
        }
        for t in tasks
    ]


def _roles(account_id: int) -> list[RoleRow]:
    people: dict[BuyingRole, list[str]] = {role: [] for role in BuyingRole}
    for name, title, role in db.session.execute(
        sa.select(Contact.name, Contact.title, Contact.buying_role)
        .where(Contact.account_id == account_id)
        .order_by(Contact.id)
    ):
        people[role].append(f"{name}（{title}）" if title else name)
    return [RoleRow(role.value, names) for role, names in people.items()]


def _signed_contracts(account_id: int) -> list[dict]:
    rows = db.session.scalars(
        sa.select(Contract)
        .where(
            Contract.account_id == account_id,
            Contract.status.in_((ContractStatus.SIGNED, ContractStatus.TERMINATED)),
        )
        .order_by(Contract.effective_on, Contract.id)
    )
    return [
        {
            "number": c.number,
            "title": c.title,
            "total": c.total,
            # the stage the contract page shows (in force, expiring…), not the stored status
            "status": lifecycle(c).value,
            "effective_on": c.effective_on,
            "expires_on": c.expires_on,
        }
        for c in rows
    ]


def _on_credit(account_id: int, period: Period) -> Decimal:
    """What the client bought in the period without settling it on purchase (赊销额): what the
    payments should cover."""
    owed = db.session.scalar(
        sa.select(fen_sum(Purchase.amount) - fen_sum(Purchase.settled)).where(
            Purchase.account_id == account_id,
            Purchase.purchased_on >= period.start,
            Purchase.purchased_on <= period.end,
        )
    )
    return (Decimal(int(owed or 0)) / 100).quantize(Decimal("0.01"))


def _unbought_products(account_id: int, months: list[date]) -> list[str]:
    """Products (and specs) planned in the period that the client did not buy at all."""
    products = []
    for row in plan_vs_actual_by_product(account_id, months):
        planned = sum((plan for plan, _actual in row.cells), ZERO)
        bought = sum((actual for _plan, actual in row.cells), ZERO)
        if planned > 0 and bought == 0:
            products.append(f"{row.product} {row.spec}".strip())
    return products


def evaluate_account(
    account: Account, period: Period, settings: scoring.Settings | None = None
) -> Evaluation:
    """The evaluation of an account already fetched with visibility checked (or by the
    command line, which has no user)."""
    settings = settings or current_settings()
    figures = evaluation_figures(account.id, period.start, period.end)
    months = [
        MonthRow(
            m["month"],
            m["plan_amount"],
            m["actual_amount"],
            m["plan_quantity"],
            m["actual_quantity"],
        )
        for m in figures["months"]
    ]
    earlier = period.a_year_earlier()
    last_year = sum(
        (m.actual_amount for m in monthly_plan_vs_actual(account.id, earlier.start, earlier.end)),
        ZERO,
    )
    support = _support_tasks(account.id, period)
    delivered = delivered_support_count(account.id, period.start, period.end)
    complaints = [
        {
            "subject": c["subject"],
            "received_on": c["received_on"],
            "status": c["status"],
            "days_to_close": c["days_to_close"],
        }
        for c in figures["complaints"]
    ]
    still_open = sum(1 for c in complaints if c["days_to_close"] is None)
    roles = _roles(account.id)
    on_credit = _on_credit(account.id, period)
    inputs = scoring.Inputs(
        months=period.months,
        plan_amount=figures["plan_amount"],
        actual_amount=figures["actual_amount"],
        on_credit=on_credit,
        payments=figures["payment_total"],
        arrears=figures["arrears"],
        credit_limit=figures["credit_limit"],
        support_delivered=delivered,
        complaints=len(complaints),
        open_complaints=still_open,
        average_days_to_close=figures["average_days_to_close"],
        covered_roles=sum(1 for r in roles if r.contacts),
        last_year_amount=last_year,
    )
    result = scoring.score(inputs, settings)
    action = scoring.recommended_action(result.grade, figures["arrears"], figures["credit_limit"])
    unbought = _unbought_products(account.id, [m.month for m in months])
    needs = scoring.needs_to_develop(
        [r.role for r in roles if not r.contacts],
        unbought,
        result.criteria["sales"],
        still_open,
        delivered,
    )
    return Evaluation(
        account_id=account.id,
        period=period,
        months=months,
        plan_amount=figures["plan_amount"],
        actual_amount=figures["actual_amount"],
        last_year_amount=last_year,
        contracts=_signed_contracts(account.id),
        payments=figures["payments"],
        payment_total=figures["payment_total"],
        on_credit=on_credit,
        arrears=figures["arrears"],
        credit_limit=figures["credit_limit"],
        credit_grade=account.credit_grade.value,
        support=support,
        support_delivered=delivered,
        complaints=complaints,
        open_complaints=still_open,
        average_days_to_close=figures["average_days_to_close"],
        roles=roles,
        unbought_products=unbought,
        score=result,
        action=action,
        suggested_grade=scoring.suggested_credit_grade(account.credit_grade.value, action),
        needs=needs,
        settings=settings.values(),
    )


def evaluation(
    user: User, account_id: int, period_start: date | None = None, period_end: date | None = None
) -> tuple[Account, Evaluation]:
    """The account's evaluation for a period (default: the last 12 full months), for a user
    who may see the account (NotFound / Forbidden otherwise, as the account page)."""
    account = get_account(user, account_id)
    period = default_period()
    if period_start is not None and period_end is not None:
        period = Period(period_start, period_end)
    return account, evaluate_account(account, period)


def is_signed(account: Account) -> bool:
    if account.stage is Stage.MAINTENANCE:
        return True
    return bool(
        db.session.scalar(
            sa.select(sa.literal(True)).where(
                Contract.account_id == account.id,
                Contract.status.in_((ContractStatus.SIGNED, ContractStatus.TERMINATED)),
            )
        )
    )


def signed_account_ids() -> list[int]:
    """Accounts in maintenance or with a signed (or since terminated) contract, by id."""
    with_contract = sa.select(Contract.account_id).where(
        Contract.status.in_((ContractStatus.SIGNED, ContractStatus.TERMINATED))
    )
    return list(
        db.session.scalars(
            sa.select(Account.id)
            .where(sa.or_(Account.stage == Stage.MAINTENANCE, Account.id.in_(with_contract)))
            .order_by(Account.id)
        )
    )


def signatories(account: Account) -> tuple[str, str]:
    """Who signs the report: the account manager and the department's head."""
    head = db.session.scalar(
        sa.select(User.full_name)
        .where(
            User.department_id == account.department_id,
            User.role == Role.DEPARTMENT_HEAD,
            User.active.is_(True),
        )
        .order_by(User.id)
        .limit(1)
    )
    return account.owner.full_name, head or ""


# --- wording (translated for the UI, Chinese for the document) --------------------------------


def action_text(item: Evaluation) -> str:
    grade = CreditGrade(item.suggested_grade).label
    if item.action == scoring.UPGRADE and item.suggested_grade == item.credit_grade:
        # already at the best grade: the upgrade is in limit and tier
        return _(
            "Upgrade: keep the credit grade (%(grade)s) and consider a higher credit limit "
            "and sales tier.",
            grade=grade,
        )
    if item.action == scoring.UPGRADE:
        return _(
            "Upgrade: raise the credit grade to %(grade)s and consider a higher credit limit "
            "and sales tier.",
            grade=grade,
        )
    if item.action == scoring.DOWNGRADE and item.suggested_grade == item.credit_grade:
        return _(
            "Downgrade: keep the credit grade at %(grade)s, lower the credit limit and hold new "
            "credit until the arrears are within the limit.",
            grade=grade,
        )
    if item.action == scoring.DOWNGRADE:
        return _(
            "Downgrade: lower the credit grade to %(grade)s and hold new credit until the "
            "arrears are within the limit.",
            grade=grade,
        )
    return _(
        "Keep the credit grade (%(grade)s) and limit; review again at the next evaluation.",
        grade=grade,
    )


def action_label(action: str) -> str:
    return {
        scoring.UPGRADE: _("Upgrade"),
        scoring.KEEP: _("Keep"),
        scoring.DOWNGRADE: _("Downgrade"),
    }[action]


def need_text(need: scoring.Need, item: Evaluation) -> str:
    if need.code == "role":
        return _(
            "Find and win a contact in the role: %(role)s.", role=BuyingRole(need.subject).label
        )
    if need.code == "product":
        return _("Develop %(product)s: planned but not bought in the period.", product=need.subject)
    if need.code == "behind_plan":
        return _(
            "Sales reached %(percent)s%% of plan: agree with the client how to catch up.",
            percent=item.achievement,
        )
    if need.code == "open_complaints":
        return _(
            "Close the %(count)s open complaints and tell the client the result.",
            count=need.subject,
        )
    return _(
        "No service or support was delivered in the period: offer training, a seminar or "
        "after-sales support."
    )


CRITERION_LABELS = {
    "sales": _l("Sales against plan"),
    "payment": _l("Payments and arrears"),
    "support": _l("Support delivered"),
    "complaints": _l("Complaints and time to close"),
    "coverage": _l("Buying-role coverage"),
    "growth": _l("Growth on last year"),
}


def criterion_label(key: str) -> str:
    return str(CRITERION_LABELS[key])


@dataclass(frozen=True)
class CriterionRow:
    label: str
    weight: int  # percent
    score: Decimal | int | None  # None: not judged for want of data


def criterion_rows(item: Evaluation) -> list[CriterionRow]:
    """Each criterion with its weight and score, in the order of the report (tab and report)."""
    return [
        CriterionRow(
            label=criterion_label(key),
            weight=item.settings[f"weight_{key}"],
            score=item.score.criteria[key],
        )
        for key in scoring.CRITERIA
    ]


@dataclass(frozen=True)
class Advice:
    action: str  # Upgrade / Keep / Downgrade, in the reader's language
    text: str  # what to do about the credit grade and limit
    needs: list[str]  # what to develop, one sentence each


def advice(item: Evaluation) -> Advice:
    """The recommendation in words (tab and report)."""
    return Advice(
        action=action_label(item.action),
        text=action_text(item),
        needs=[need_text(need, item) for need in item.needs],
    )
