"""One parser for the decimal numbers KeyDesk reads: amounts, quantities and prices as people
type them into forms (contract and proposal line items, approval budgets and limits) and as
spreadsheets export them (the sales importer).

The parser only says why it refuses a number, as a `Problem`; each caller words it its own
way: forms with `refusal_message`, naming the field, the importer with its reason codes.
"""

from __future__ import annotations

import enum
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import gettext as _

from webapp.common.types import FEN

# Thousands separators (also the full-width comma a Chinese IME types) and the yuan sign.
_TYPED_NOISE = re.compile(r"[,，¥￥]")
# Exports also put spaces inside a number ("1 234") and write the unit ("3 元").
_EXPORTED_NOISE = re.compile(r"[,，\s¥￥元]")


class Problem(enum.Enum):
    """Why a number was refused."""

    EMPTY = "empty"  # nothing but spaces, separators or a currency sign
    NOT_A_NUMBER = "number"  # text, NaN, infinity, a spreadsheet's TRUE
    NEGATIVE = "negative"
    ZERO = "zero"  # only where zero is not allowed
    TOO_LARGE = "too_large"  # above the caller's maximum: a typo, not a real figure
    TOO_PRECISE = "too_precise"  # more than two decimals, where they are not rounded


class DecimalRefused(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def parse_decimal(
    raw: str | int | float | Decimal,
    *,
    maximum: Decimal,
    allow_zero: bool = False,
    exported: bool = False,
) -> Decimal:
    """A non-negative number up to `maximum`, to two places (like money), or DecimalRefused.

    Text may carry thousands separators (, and ，) and ¥; full-width digits are digits. Zero is
    refused unless `allow_zero`. A person's typing is taken exactly: 12.340 is fine, 12.345 is
    refused as a likely typo. With `exported` the value comes from a spreadsheet export, not a
    person: spaces inside the number and 元 are tolerated too, and places beyond the fen are
    rounded half-up (Excel's 0.1 + 0.2). Spreadsheet cells may also be numbers: a float is read
    via its shortest representation (0.1 stays 0.1); a boolean is not a number.
    """
    if isinstance(raw, bool):
        raise DecimalRefused(Problem.NOT_A_NUMBER)
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    else:
        number = _from_text(str(raw), _EXPORTED_NOISE if exported else _TYPED_NOISE)
    if not number.is_finite():
        raise DecimalRefused(Problem.NOT_A_NUMBER)
    if number < 0:
        raise DecimalRefused(Problem.NEGATIVE)
    if number == 0 and not allow_zero:
        raise DecimalRefused(Problem.ZERO)
    if number > maximum:
        raise DecimalRefused(Problem.TOO_LARGE)
    if exported:
        return number.quantize(FEN, rounding=ROUND_HALF_UP)
    if number != number.quantize(FEN):
        raise DecimalRefused(Problem.TOO_PRECISE)
    return number.quantize(FEN)


def _from_text(text: str, noise: re.Pattern) -> Decimal:
    try:
        return Decimal(text)  # the common case: plain digits (surrounding spaces are fine)
    except InvalidOperation:
        pass
    cleaned = noise.sub("", text).strip()
    if not cleaned:
        raise DecimalRefused(Problem.EMPTY)
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise DecimalRefused(Problem.NOT_A_NUMBER) from None


def refusal_message(problem: Problem, label: str) -> str:
    """A form's words for a refused number, naming the field ("Quantity must be a number.")."""
    if problem is Problem.EMPTY:
        return _("%(label)s is required.", label=label)
    if problem is Problem.NEGATIVE:
        return _("%(label)s cannot be negative.", label=label)
    if problem is Problem.ZERO:
        return _("%(label)s must be greater than zero.", label=label)
    if problem is Problem.TOO_LARGE:
        return _("%(label)s is unrealistically large.", label=label)
    if problem is Problem.TOO_PRECISE:
        return _("%(label)s has at most two decimals.", label=label)
    return _("%(label)s must be a number.", label=label)
