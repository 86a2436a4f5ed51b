"""The overall score of a cooperation evaluation (合作评估, seed 001 step 7; DOMAIN.md
"Generated documents"), its grade and the recommendation. Pure rules: plain numbers in, plain
values out, no database, so every rule has a table-driven test.

Six criteria, each scored 0–100:

===========  =====================================================================  =======
criterion    how it is scored                                                       default
===========  =====================================================================  =======
sales        sales against plan: actual ÷ planned amount of the period, capped at      35
             100 % (no plan in the period: not judged)
payment      half the collection rate (payments ÷ what was bought on credit in the       25
             period, capped at 100 %; nothing on credit: this half is left out) and
             half the arrears against the credit limit: no arrears 100, at the limit
             50, twice the limit or more 0 (linear in between; arrears and no limit: 0)
support      support tasks delivered, against one a quarter of the period: 4 in         10
             12 months → 100 (capped)
complaints   100, less 10 for each complaint received in the period, less 20 more      10
             for each one not yet closed, less 2 for each day the closed ones took
             on average beyond 7 days; never below 0
coverage     the share of the six buying roles (decision maker, technical and           10
             financial gatekeeper, user, influencer, coach) with a contact on file
growth       actual amount against the same months a year earlier: equal → 50,          10
             +50 % or more → 100, −50 % or less → 0 (no purchases a year earlier:
             not judged)
===========  =====================================================================  =======

**Overall score** = Σ weight × criterion score ÷ Σ weight, over the criteria that could be
judged (so a client without a plan is not punished for our missing plan), one decimal.

**Grade**: A (优) from 85, B (良) from 70, C (中) from 55, D (差) below.

Weights (whole numbers 0–100 summing to 100) and the three grade thresholds (A > B > C) are
data: an administrator changes them at /admin/evaluation-weights; the table
``evaluation_weights`` holds what was saved there, and a key without a row takes the default
above.

**Recommendation** (credit grade and sales tier):

- *downgrade* when the grade is D, or arrears exceed the credit limit;
- *upgrade* when the grade is A and arrears are within the limit;
- *keep* otherwise.

**Needs to develop**: every buying role without a contact, planned products the client did
not buy in the period, sales below 80 % of plan, complaints still open, no support delivered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

CRITERIA = ("sales", "payment", "support", "complaints", "coverage", "growth")
DEFAULT_WEIGHTS: dict[str, int] = {
    "sales": 35,
    "payment": 25,
    "support": 10,
    "complaints": 10,
    "coverage": 10,
    "growth": 10,
}
GRADES = ("A", "B", "C")  # D is what is left below C
DEFAULT_THRESHOLDS: dict[str, int] = {"A": 85, "B": 70, "C": 55}
SETTING_KEYS = tuple(f"weight_{c}" for c in CRITERIA) + tuple(f"grade_{g}" for g in GRADES)

BUYING_ROLES = 6
COMPLAINT_COST = 10
OPEN_COMPLAINT_COST = 20
CLOSE_DAYS_ALLOWED = 7
SLOW_DAY_COST = 2
BEHIND_PLAN_PERCENT = 80

ONE = Decimal(1)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Settings:
    weights: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    thresholds: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))

    @classmethod
    def from_values(cls, values: Mapping[str, int]) -> Settings:
        """From the flat keys of the settings table (weight_sales, grade_A…), defaults for the
        keys not given."""
        return cls(
            weights={c: int(values.get(f"weight_{c}", DEFAULT_WEIGHTS[c])) for c in CRITERIA},
            thresholds={g: int(values.get(f"grade_{g}", DEFAULT_THRESHOLDS[g])) for g in GRADES},
        )

    def values(self) -> dict[str, int]:
        flat = {f"weight_{c}": self.weights[c] for c in CRITERIA}
        flat.update({f"grade_{g}": self.thresholds[g] for g in GRADES})
        return flat


def validate_settings(values: Mapping[str, object]) -> tuple[dict[str, int], dict[str, str]]:
    """Parse and check an administrator's weights and thresholds: every key a whole number
    0–100, weights summing to 100, thresholds A > B > C. Returns (values, errors by key); the
    error texts are codes the caller words ("range", "sum", "order")."""
    parsed: dict[str, int] = {}
    errors: dict[str, str] = {}
    for key in SETTING_KEYS:
        raw = values.get(key)
        text = "" if raw is None else str(raw).strip()
        try:
            number = int(text)
        except ValueError:
            errors[key] = "range"
            continue
        if not 0 <= number <= 100:
            errors[key] = "range"
            continue
        parsed[key] = number
    weight_keys = [f"weight_{c}" for c in CRITERIA]
    if all(k in parsed for k in weight_keys) and sum(parsed[k] for k in weight_keys) != 100:
        errors["weights"] = "sum"
    grade_keys = [f"grade_{g}" for g in GRADES]
    if all(k in parsed for k in grade_keys) and not (
        parsed["grade_A"] > parsed["grade_B"] > parsed["grade_C"]
    ):
        errors["grades"] = "order"
    return parsed, errors


# --- the criteria -----------------------------------------------------------------------------


def _clamp(value: Decimal) -> Decimal:
    return max(Decimal(0), min(HUNDRED, value))


def sales_score(plan_amount: Decimal, actual_amount: Decimal) -> Decimal | None:
    if plan_amount <= 0:
        return None
    return _clamp(actual_amount / plan_amount * HUNDRED)


def arrears_score(arrears: Decimal, credit_limit: Decimal) -> Decimal:
    if arrears <= 0:
        return HUNDRED
    if credit_limit <= 0:
        return Decimal(0)
    ratio = arrears / credit_limit
    if ratio <= 1:
        return HUNDRED - ratio * 50
    return _clamp((2 - ratio) * 50)


def payment_score(
    on_credit: Decimal, payments: Decimal, arrears: Decimal, credit_limit: Decimal
) -> Decimal:
    owed = arrears_score(arrears, credit_limit)
    if on_credit <= 0:
        return owed
    collected = _clamp(payments / on_credit * HUNDRED)
    return (collected + owed) / 2


def support_score(delivered: int, months: int) -> Decimal:
    expected = max(1, -(-months // 3))  # one a quarter, rounded up
    return _clamp(Decimal(delivered) / expected * HUNDRED)


def complaints_score(received: int, still_open: int, average_days: float | None) -> Decimal:
    score = HUNDRED - COMPLAINT_COST * received - OPEN_COMPLAINT_COST * still_open
    if average_days is not None and average_days > CLOSE_DAYS_ALLOWED:
        score -= SLOW_DAY_COST * (Decimal(str(average_days)) - CLOSE_DAYS_ALLOWED)
    return _clamp(score)


def coverage_score(covered_roles: int) -> Decimal:
    return _clamp(Decimal(covered_roles) / BUYING_ROLES * HUNDRED)


def growth_score(actual_amount: Decimal, last_year_amount: Decimal) -> Decimal | None:
    if last_year_amount <= 0:
        return None
    return _clamp(50 + (actual_amount / last_year_amount - ONE) * HUNDRED)


# --- the whole --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """The figures of one account and period that the score reads."""

    months: int
    plan_amount: Decimal
    actual_amount: Decimal
    on_credit: Decimal  # bought in the period and not settled on purchase (赊销额)
    payments: Decimal
    arrears: Decimal
    credit_limit: Decimal
    support_delivered: int
    complaints: int
    open_complaints: int
    average_days_to_close: float | None
    covered_roles: int
    last_year_amount: Decimal


@dataclass(frozen=True)
class Score:
    criteria: dict[str, Decimal | None]  # None: not judged
    overall: Decimal
    grade: str


def criterion_scores(inputs: Inputs) -> dict[str, Decimal | None]:
    scores = {
        "sales": sales_score(inputs.plan_amount, inputs.actual_amount),
        "payment": payment_score(
            inputs.on_credit, inputs.payments, inputs.arrears, inputs.credit_limit
        ),
        "support": support_score(inputs.support_delivered, inputs.months),
        "complaints": complaints_score(
            inputs.complaints, inputs.open_complaints, inputs.average_days_to_close
        ),
        "coverage": coverage_score(inputs.covered_roles),
        "growth": growth_score(inputs.actual_amount, inputs.last_year_amount),
    }
    return {k: (None if v is None else v.quantize(Decimal("0.1"))) for k, v in scores.items()}


def overall_score(scores: Mapping[str, Decimal | None], weights: Mapping[str, int]) -> Decimal:
    """Σ weight × score ÷ Σ weight over the judged criteria (0 when none can be judged)."""
    judged = [(weights[k], s) for k, s in scores.items() if s is not None and weights[k] > 0]
    total_weight = sum(w for w, _s in judged)
    if not total_weight:
        return Decimal("0.0")
    return (sum(w * s for w, s in judged) / total_weight).quantize(Decimal("0.1"))


def grade_of(overall: Decimal, thresholds: Mapping[str, int]) -> str:
    for grade in GRADES:
        if overall >= thresholds[grade]:
            return grade
    return "D"


def score(inputs: Inputs, settings: Settings | None = None) -> Score:
    settings = settings or Settings()
    criteria = criterion_scores(inputs)
    overall = overall_score(criteria, settings.weights)
    return Score(criteria, overall, grade_of(overall, settings.thresholds))


# --- recommendation ---------------------------------------------------------------------------

UPGRADE, KEEP, DOWNGRADE = "upgrade", "keep", "downgrade"
CREDIT_LADDER = ("red", "yellow", "green")  # worst to best


def recommended_action(grade: str, arrears: Decimal, credit_limit: Decimal) -> str:
    if grade == "D" or arrears > credit_limit:
        return DOWNGRADE
    if grade == "A":
        return UPGRADE
    return KEEP


def suggested_credit_grade(current: str, action: str) -> str:
    """One step along 红 → 黄 → 绿 in the direction of the action (never past either end)."""
    index = CREDIT_LADDER.index(current)
    if action == UPGRADE:
        index = min(index + 1, len(CREDIT_LADDER) - 1)
    elif action == DOWNGRADE:
        index = max(index - 1, 0)
    return CREDIT_LADDER[index]


@dataclass(frozen=True)
class Need:
    """Something to develop with the client: a code and what it is about (a role, a product)."""

    code: str  # role | product | behind_plan | open_complaints | no_support
    subject: str = ""


def needs_to_develop(
    uncovered_roles: list[str],
    unbought_products: list[str],
    sales: Decimal | None,
    open_complaints: int,
    support_delivered: int,
) -> list[Need]:
    needs = [Need("role", role) for role in uncovered_roles]
    needs += [Need("product", product) for product in unbought_products]
    if sales is not None and sales < BEHIND_PLAN_PERCENT:
        needs.append(Need("behind_plan"))
    if open_complaints:
        needs.append(Need("open_complaints", str(open_complaints)))
    if not support_delivered:
        needs.append(Need("no_support"))
    return needs
