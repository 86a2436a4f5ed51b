"""A credit adjustment request starts from a suggestion when an area above provides one (the
development area's credit grading): the form is pre-filled from it, and the request's basis
records where the applicant deviates. The provider lives on the app, registered by that area's
`init_app`; without one the form starts empty."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from flask import Flask, current_app

from webapp.common.decimals import DecimalRefused, parse_decimal

_KEY = "keydesk.credit_hints"


@dataclass(frozen=True)
class CreditHints:
    suggest: Callable  # (user, account) -> object with grade, limit, basis, total; or None
    deviations: Callable  # (suggestion, grade code, limit Decimal | None) -> list[str]


def register_credit_hints(app: Flask, hints: CreditHints) -> None:
    app.extensions[_KEY] = hints


def suggestion_for(user, account):
    hints = current_app.extensions.get(_KEY)
    return hints.suggest(user, account) if hints else None


def deviation_notes(suggestion, grade: str, limit) -> list[str]:
    hints = current_app.extensions.get(_KEY)
    if hints is None or suggestion is None:
        return []
    return hints.deviations(suggestion, grade, limit)


def prefill_credit_form(form, hint) -> None:
    form.proposed_grade.data = hint.grade.value
    form.proposed_limit.data = f"{hint.limit:.2f}"
    form.basis.data = hint.basis


def _limit(raw):
    try:
        return parse_decimal(raw or "", maximum=Decimal("1e13"), allow_zero=True)
    except DecimalRefused:
        return None


def deviations_of(form, hint) -> list[str]:
    if hint is None:
        return []
    return deviation_notes(hint, form.proposed_grade.data or "", _limit(form.proposed_limit.data))


def with_deviations(data: dict, hint) -> dict:
    """The request's data with the deviations from the suggestion added to its basis."""
    notes = deviation_notes(
        hint, data.get("proposed_grade") or "", _limit(data.get("proposed_limit"))
    )
    if not notes:
        return data
    basis = f"{data.get('basis') or ''}（{'；'.join(notes)}）"
    return {**data, "basis": basis[:400]}
