"""Credit grading (资信评估, seed 004 客户资信档案, seed 001 信用管理): an account's credit standing
scored from its sales records, suggesting a grade (绿/黄/红) and a limit. The grade and limit
themselves change only through an approved credit adjustment; the request starts from the
latest suggestion and records where the applicant deviates from it.

Criteria, each scored 0–100, weighted by the administrator (`credit_weights`, sum 100):

- **volume** (交易量): purchases of the last 12 months — ≥ ¥5M 100, ≥ ¥2M 80, ≥ ¥500k 60,
  ≥ ¥100k 40, any 20, none 0;
- **payment** (历史回款能力): half the collection rate (what was paid against what was bought
  in the 12 months), a quarter for days late (the oldest unpaid purchase beyond 30-day terms;
  90 days late scores 0), a quarter for arrears against the limit (none 100, at the limit 0);
- **potential** (发展潜力): growth of the last 6 months on the 6 before (equal 50, +50 % 100,
  −50 % 0; no earlier purchases 50).

Grade: total ≥ green floor (75) 绿, ≥ yellow floor (50) 黄, below 红. Limit: the average monthly
purchases × the grade's months (2 / 1 / 0), rounded down to ¥10,000 (客户授信标准表).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.accounts.models import Account, CreditGrade
from webapp.accounts.service import get_account
from webapp.auth.models import User
from webapp.common.timeutil import local_today
from webapp.development.models import CreditScoring
from webapp.development.settings import get_setting
from webapp.extensions import db
from webapp.sales.models import Payment, Purchase

CRITERIA = {
    "volume": _l("Transaction volume"),
    "payment": _l("Payment record"),
    "potential": _l("Development potential"),
}
VOLUME_STEPS = (
    (Decimal("5000000"), 100),
    (Decimal("2000000"), 80),
    (Decimal("500000"), 60),
    (Decimal("100000"), 40),
    (Decimal("0.01"), 20),
)
TERMS_DAYS = 30
LATE_ZERO_DAYS = 90


def volume_score(annual: Decimal) -> int:
    return next((score for floor, score in VOLUME_STEPS if annual >= floor), 0)


def payment_score(collection: Decimal, days_late: int, arrears_ratio: Decimal) -> Decimal:
    collected = min(max(collection, Decimal(0)), Decimal(1)) * 50
    late = max(Decimal(0), 1 - Decimal(days_late) / LATE_ZERO_DAYS) * 25
    arrears = max(Decimal(0), 1 - min(arrears_ratio, Decimal(1))) * 25
    return (collected + late + arrears).quantize(Decimal("0.01"))


def potential_score(recent: Decimal, earlier: Decimal) -> Decimal:
    if earlier <= 0:
        return Decimal(50)
    growth = (recent - earlier) / earlier
    return min(Decimal(100), max(Decimal(0), 50 + growth * 100)).quantize(Decimal("0.01"))


def grade_for(total: Decimal, floors: dict) -> CreditGrade:
    if total >= Decimal(str(floors["green"])):
        return CreditGrade.GREEN
    if total >= Decimal(str(floors["yellow"])):
        return CreditGrade.YELLOW
    return CreditGrade.RED


def limit_for(monthly: Decimal, grade: CreditGrade, months: dict) -> Decimal:
    raw = monthly * int(months[grade.value])
    return (raw / 10000).quantize(Decimal("1"), rounding=ROUND_DOWN) * 10000


@dataclass
class Figures:
    annual: Decimal
    monthly: Decimal
    collection: Decimal
    days_late: int
    arrears: Decimal
    arrears_ratio: Decimal
    recent: Decimal
    earlier: Decimal


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def read_figures(account: Account, today: date) -> Figures:
    """The account's figures from purchases and payments (FIFO: payments pay the oldest)."""
    year_ago, half = today - timedelta(days=365), today - timedelta(days=182)
    purchases = db.session.execute(
        sa.select(Purchase.purchased_on, Purchase.amount, Purchase.settled)
        .where(Purchase.account_id == account.id)
        .order_by(Purchase.purchased_on, Purchase.id)
    ).all()
    paid = _money(
        db.session.scalar(
            sa.select(sa.func.sum(Payment.amount)).where(Payment.account_id == account.id)
        )
    )
    annual = sum((p.amount for p in purchases if p.purchased_on > year_ago), Decimal(0))
    recent = sum((p.amount for p in purchases if p.purchased_on > half), Decimal(0))
    earlier = annual - recent
    pool, oldest_unpaid, arrears = paid, None, Decimal(0)
    for p in purchases:
        owed = p.amount - p.settled
        covered = min(owed, pool)
        pool -= covered
        if owed - covered > 0:
            arrears += owed - covered
            oldest_unpaid = oldest_unpaid or p.purchased_on
    days_late = max(0, (today - oldest_unpaid).days - TERMS_DAYS) if oldest_unpaid else 0
    bought = sum((p.amount for p in purchases), Decimal(0))
    collection = (Decimal(1) - arrears / bought) if bought > 0 else Decimal(1)
    if account.credit_limit > 0:
        ratio = arrears / account.credit_limit
    else:
        ratio = Decimal(1) if arrears > 0 else Decimal(0)
    return Figures(
        annual=_money(annual),
        monthly=_money(annual / 12),
        collection=collection.quantize(Decimal("0.0001")),
        days_late=days_late,
        arrears=_money(arrears),
        arrears_ratio=ratio.quantize(Decimal("0.0001")),
        recent=_money(recent),
        earlier=_money(earlier),
    )


def grade_account(actor: User | None, account_id: int, today: date | None = None) -> CreditScoring:
    """Score the account now and keep the scoring (module docstring)."""
    account = (
        get_account(actor, account_id) if actor is not None else db.session.get(Account, account_id)
    )
    today = today or local_today()
    f = read_figures(account, today)
    weights = get_setting("credit_weights")
    scores = {
        "volume": Decimal(volume_score(f.annual)),
        "payment": payment_score(f.collection, f.days_late, f.arrears_ratio),
        "potential": potential_score(f.recent, f.earlier),
    }
    total = (sum(scores[k] * Decimal(weights[k]) for k in CRITERIA) / 100).quantize(Decimal("0.01"))
    grade = grade_for(total, get_setting("credit_floors"))
    scoring = CreditScoring(
        account_id=account.id,
        by_id=actor.id if actor else None,
        figures={k: str(v) for k, v in vars(f).items()},
        scores={k: str(v) for k, v in scores.items()},
        weights=weights,
        total=total,
        grade=grade,
        suggested_limit=limit_for(f.monthly, grade, get_setting("credit_limit_months")),
    )
    db.session.add(scoring)
    db.session.commit()
    return scoring


def latest(account_id: int) -> CreditScoring | None:
    return db.session.scalar(
        sa.select(CreditScoring)
        .where(CreditScoring.account_id == account_id)
        .order_by(CreditScoring.at.desc(), CreditScoring.id.desc())
        .limit(1)
    )


@dataclass
class Suggestion:
    """What a credit adjustment request starts from."""

    grade: CreditGrade
    limit: Decimal
    basis: str
    total: Decimal


def suggestion(user: User, account: Account) -> Suggestion | None:
    """The latest scoring as a request's starting point (approvals' credit-suggestion hook)."""
    scoring = latest(account.id)
    if scoring is None:
        return None
    f = scoring.figures
    basis = _(
        "Credit grading %(total)s points: 12-month purchases ¥%(annual)s, collection %(rate)s %%, "
        "%(late)s days late, arrears ¥%(arrears)s",
        total=scoring.total,
        annual=f["annual"],
        rate=(Decimal(f["collection"]) * 100).quantize(Decimal("0.1")),
        late=f["days_late"],
        arrears=f["arrears"],
    )
    return Suggestion(scoring.grade, scoring.suggested_limit, basis[:400], scoring.total)


def deviations(found: Suggestion, grade: str, limit: Decimal | None) -> list[str]:
    """Where a request departs from the suggestion, in words for the approvers."""
    notes = []
    if grade and grade != found.grade.value:
        notes.append(
            _(
                "grade %(asked)s instead of the suggested %(suggested)s",
                asked=CreditGrade(grade).label,
                suggested=found.grade.label,
            )
        )
    if limit is not None and limit != found.limit:
        notes.append(
            _(
                "limit ¥%(asked)s instead of the suggested ¥%(suggested)s",
                asked=f"{limit:,.2f}",
                suggested=f"{found.limit:,.2f}",
            )
        )
    return notes


def scorings(account: Account, limit: int = 10) -> list[CreditScoring]:
    return list(
        db.session.scalars(
            sa.select(CreditScoring)
            .where(CreditScoring.account_id == account.id)
            .order_by(CreditScoring.at.desc(), CreditScoring.id.desc())
            .limit(limit)
        )
    )
