"""The one decimal parser (webapp.common.decimals): amounts, quantities and prices as people type
them into forms and as spreadsheets export them. Pure functions, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from webapp.common.decimals import DecimalRefused, Problem, parse_decimal, refusal_message

MAXIMUM = Decimal("1000000000")
E, N, NEG, Z, BIG, PRECISE = (
    Problem.EMPTY,
    Problem.NOT_A_NUMBER,
    Problem.NEGATIVE,
    Problem.ZERO,
    Problem.TOO_LARGE,
    Problem.TOO_PRECISE,
)


@pytest.mark.parametrize(
    ("raw", "typed", "exported"),
    [
        # what people and exports write around a number
        ("12", "12.00", "12.00"),
        ("  7  ", "7.00", "7.00"),
        ("1,234.50", "1234.50", "1234.50"),
        ("1，234.5", "1234.50", "1234.50"),  # full-width comma, as a Chinese IME types it
        ("¥ 4,500", "4500.00", "4500.00"),
        ("￥99.9", "99.90", "99.90"),
        ("¥1 234", N, "1234.00"),  # a space inside the number: only exports write that
        ("12元", N, "12.00"),
        (" 3 元", N, "3.00"),
        ("１２３", "123.00", "123.00"),  # full-width digits are digits
        ("1e3", "1000.00", "1000.00"),
        # places: a person's typing exactly, an export's rounded half-up
        ("12.340", "12.34", "12.34"),  # pasted from Excel
        ("12.345", PRECISE, "12.35"),
        ("0.125", PRECISE, "0.13"),  # half-up, not to even
        ("1E-3", PRECISE, "0.00"),
        # sign and zero (zero refused unless allowed; see the next test)
        ("-5", NEG, NEG),
        ("-0.01", NEG, NEG),
        ("0", Z, Z),
        ("-0", Z, Z),
        # the maximum
        ("1000000000", "1000000000.00", "1000000000.00"),  # exactly the limit is allowed
        ("1000000000.01", BIG, BIG),
        ("1e400", BIG, BIG),
        ("99999999999999999999999999999999", BIG, BIG),
        # garbage
        ("", E, E),
        ("   ", E, E),
        ("¥", E, E),
        ("元", N, E),
        ("abc", N, N),
        ("一千", N, N),
        ("1.2.3", N, N),
        ("NaN", N, N),
        ("sNaN", N, N),
        ("Infinity", N, N),
        ("-inf", N, N),
        # spreadsheet cells that are numbers already
        (12, "12.00", "12.00"),
        (Decimal("3.5"), "3.50", "3.50"),
        (0.1, "0.10", "0.10"),  # the float's shortest representation, not 0.1000000000000000055
        (0.1 + 0.2, PRECISE, "0.30"),
        (float("nan"), N, N),
        (float("inf"), N, N),
        (True, N, N),  # a spreadsheet's TRUE is not 1
    ],
)
def test_parse_decimal_typed_and_exported(raw, typed, exported):
    for is_exported, expected in ((False, typed), (True, exported)):
        if isinstance(expected, Problem):
            with pytest.raises(DecimalRefused) as refused:
                parse_decimal(raw, maximum=MAXIMUM, exported=is_exported)
            assert refused.value.problem is expected, (raw, is_exported)
        else:
            value = parse_decimal(raw, maximum=MAXIMUM, exported=is_exported)
            assert value == Decimal(expected), (raw, is_exported)
            assert value.as_tuple().exponent == -2  # always two places, like money


@pytest.mark.parametrize(("raw", "expected"), [("0", "0.00"), ("0.00", "0.00"), ("¥0", "0.00")])
def test_zero_only_where_allowed(raw, expected):
    assert parse_decimal(raw, maximum=MAXIMUM, allow_zero=True) == Decimal(expected)
    with pytest.raises(DecimalRefused) as refused:
        parse_decimal(raw, maximum=MAXIMUM)
    assert refused.value.problem is Problem.ZERO


def test_a_negative_stays_negative_where_zero_is_allowed():
    with pytest.raises(DecimalRefused) as refused:
        parse_decimal("-1", maximum=MAXIMUM, allow_zero=True)
    assert refused.value.problem is Problem.NEGATIVE


def test_the_maximum_is_the_callers():
    assert parse_decimal("5000", maximum=Decimal("5000")) == Decimal("5000.00")
    with pytest.raises(DecimalRefused) as refused:
        parse_decimal("5000.01", maximum=Decimal("5000"))
    assert refused.value.problem is Problem.TOO_LARGE


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (Problem.EMPTY, "Quantity is required."),
        (Problem.NOT_A_NUMBER, "Quantity must be a number."),
        (Problem.NEGATIVE, "Quantity cannot be negative."),
        (Problem.ZERO, "Quantity must be greater than zero."),
        (Problem.TOO_LARGE, "Quantity is unrealistically large."),
        (Problem.TOO_PRECISE, "Quantity has at most two decimals."),
    ],
)
def test_each_problem_has_a_message_naming_the_field(problem, message):
    assert refusal_message(problem, "Quantity") == message
