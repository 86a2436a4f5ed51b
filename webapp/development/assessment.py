"""Value assessment (价值评估, seed 001 stage 3): seven criteria A–G scored 1–5 (5 = best for
us: a large share, little effort, low risk, high value, low payment risk, capacity to spare,
no technical difficulty), weighted by the administrator's weights (they sum to 100 %). The
weighted mean gives the class:

    A ≥ 4.0 all-in, enter the key sales process (全力以赴)
    B ≥ 3.0 limit the time, keep the relationship (控制投入时间)
    C ≥ 2.0 watch for change (关注变化)
    D  < 2.0 pause and observe (暂缓、观察)

A criterion with a weight is required; while one is unscored the class is "信息不足" (keep
collecting). The account's class comes only from an assessment; every one is kept."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp import audit
from webapp.accounts.models import Account, ValueClass
from webapp.accounts.service import get_account
from webapp.auth.models import Role, User
from webapp.common.errors import Forbidden, ValidationFailed
from webapp.development.models import ValueAssessment, ValueWeight
from webapp.extensions import db

CRITERIA = {
    "A": _l("(A) Share of the client's purchases we would win"),
    "B": _l("(B) Time, effort and cost needed (5 = little)"),
    "C": _l("(C) Deal risk (5 = low)"),
    "D": _l("(D) Value to our business"),
    "E": _l("(E) Payment risk (5 = low)"),
    "F": _l("(F) Our supply and service capacity"),
    "G": _l("(G) Technical difficulty (5 = easy)"),
}
DEFAULT_WEIGHTS = {"A": 20, "B": 10, "C": 15, "D": 20, "E": 15, "F": 10, "G": 10}
# (lowest weighted mean, class), highest first
CLASS_THRESHOLDS = (
    (Decimal("4.0"), ValueClass.A),
    (Decimal("3.0"), ValueClass.B),
    (Decimal("2.0"), ValueClass.C),
    (Decimal("0"), ValueClass.D),
)
MEANING = {
    ValueClass.A: _l("All in: enter the key sales process and design the development programme."),
    ValueClass.B: _l("Limit the time invested; keep the relationship."),
    ValueClass.C: _l("Watch for change; keep the relationship."),
    ValueClass.D: _l("Pause and observe."),
    ValueClass.INSUFFICIENT: _l("Too little information: keep collecting, then assess again."),
}


def weights() -> dict[str, int]:
    stored = {w.criterion: w.weight for w in db.session.scalars(sa.select(ValueWeight))}
    return {k: stored.get(k, DEFAULT_WEIGHTS[k]) for k in CRITERIA}


def classify(
    scores: dict[str, int | None], weight_of: dict[str, int]
) -> tuple[Decimal | None, ValueClass]:
    """The weighted mean (two places) and the class; see the module docstring."""
    if any(weight_of[k] > 0 and scores.get(k) is None for k in CRITERIA):
        return None, ValueClass.INSUFFICIENT
    total_weight = sum(weight_of.values())
    mean = Decimal(sum(weight_of[k] * (scores.get(k) or 0) for k in CRITERIA)) / total_weight
    mean = mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    for floor, value_class in CLASS_THRESHOLDS:
        if mean >= floor:
            return mean, value_class
    return mean, ValueClass.D  # pragma: no cover - the last floor is 0


def parse_scores(data: dict) -> tuple[dict[str, int], dict[str, str]]:
    """Scores 1–5 (blank = not scored yet) and notes; anything else is refused."""
    scores, notes, errors = {}, {}, {}
    for key in CRITERIA:
        raw = data.get(f"score_{key}")
        raw = "" if raw is None else str(raw).strip()
        if raw:
            if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 5:
                errors[f"score_{key}"] = _("A score is a whole number from 1 to 5.")
            else:
                scores[key] = int(raw)
        note = (data.get(f"note_{key}") or "").strip()
        if len(note) > 300:
            errors[f"note_{key}"] = _("At most 300 characters.")
        if note:
            notes[key] = note
    if errors:
        raise ValidationFailed(errors)
    return scores, notes


def assess(actor: User, account_id: int, data: dict) -> ValueAssessment:
    """Record an assessment and set the account's class from it (the only way it changes)."""
    account = get_account(actor, account_id, for_edit=True)
    scores, notes = parse_scores(data)
    weight_of = weights()
    total, result = classify(scores, weight_of)
    record = ValueAssessment(
        account_id=account.id,
        by_id=actor.id,
        scores=scores,
        notes=notes,
        weights=weight_of,
        total=total,
        result=result,
        previous=account.value_class,
    )
    db.session.add(record)
    before = audit.snapshot(account, ["value_class"])
    account.value_class = result
    db.session.flush()
    audit.record_changes(
        actor=actor,
        entity_type="account",
        entity_id=account.id,
        account_id=account.id,
        before=before,
        after=audit.snapshot(account, ["value_class"]),
        version=account.version,
    )
    db.session.commit()
    return record


def assessments(account: Account) -> list[ValueAssessment]:
    return list(
        db.session.scalars(
            sa.select(ValueAssessment)
            .where(ValueAssessment.account_id == account.id)
            .order_by(ValueAssessment.at.desc(), ValueAssessment.id.desc())
        )
    )


def can_edit_weights(user: User) -> bool:
    return user.role is Role.ADMIN


def save_weights(actor: User, data: dict) -> dict[str, int]:
    """Weights are whole percentages 0–100 that sum to 100."""
    if not can_edit_weights(actor):
        raise Forbidden(_("Only the administrator edits the weights."))
    errors, clean = {}, {}
    for key in CRITERIA:
        raw = str(data.get(f"weight_{key}") or "").strip()
        if not (raw.isascii() and raw.isdigit()) or int(raw) > 100:
            errors[f"weight_{key}"] = _("A weight is a whole percentage from 0 to 100.")
        else:
            clean[key] = int(raw)
    if not errors and sum(clean.values()) != 100:
        errors["weights"] = _(
            "The weights add up to %(sum)s %%; they must add up to 100 %%.", sum=sum(clean.values())
        )
    if errors:
        raise ValidationFailed(errors)
    db.session.execute(sa.delete(ValueWeight))
    db.session.add_all(ValueWeight(criterion=k, weight=v) for k, v in clean.items())
    db.session.commit()
    return clean
