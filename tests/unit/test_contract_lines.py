"""Line items of a contract (webapp.contracts.lines): parsing what was typed, amounts to the fen,
row edits, VAT contained in a tax-inclusive total. Pure functions, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from webapp.contracts.lines import (
    AMOUNTS_TEMPLATE,
    DEFAULT_VAT_RATE,
    LINES_TEMPLATE,
    MAX_LINES,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    LineEditor,
    LineInput,
    apply_action,
    editor_answer,
    editor_context,
    parse_decimal,
    parse_lines,
    posted_lines,
    posted_vat_rate,
    tax_included,
    total_of,
    validate_line,
)

# --- parse_decimal ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", Decimal("1.00")),
        ("0.01", Decimal("0.01")),
        ("12.34", Decimal("12.34")),
        ("12.340", Decimal("12.34")),
        ("1,234.50", Decimal("1234.50")),
        ("1，234.5", Decimal("1234.50")),  # full-width comma, as a Chinese IME types it
        ("¥ 4,500", Decimal("4500.00")),
        ("￥99.9", Decimal("99.90")),
        ("  7  ", Decimal("7.00")),
        ("100000000", MAX_QUANTITY),  # exactly the limit is allowed
    ],
)
def test_parse_decimal_accepts_plain_and_formatted_amounts(text, expected):
    value, error = parse_decimal(text, maximum=MAX_QUANTITY, label="Quantity")
    assert error is None
    assert value == expected
    assert value.as_tuple().exponent == -2  # always two places, like money


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Quantity is required."),
        ("   ", "Quantity is required."),
        ("12.345", "Quantity has at most two decimals."),
        ("0.001", "Quantity has at most two decimals."),
        ("1E-3", "Quantity has at most two decimals."),
        ("-1", "Quantity must be greater than zero."),
        ("0", "Quantity must be greater than zero."),
        ("0.00", "Quantity must be greater than zero."),
        ("-0", "Quantity must be greater than zero."),
        ("abc", "Quantity must be a number."),
        ("12元", "Quantity must be a number."),
        ("1.2.3", "Quantity must be a number."),
        ("NaN", "Quantity must be a number."),
        ("sNaN", "Quantity must be a number."),
        ("Infinity", "Quantity must be a number."),
        ("-inf", "Quantity must be a number."),
        ("1e400", "Quantity is unrealistically large."),
        ("100000000.01", "Quantity is unrealistically large."),
        ("99999999999999999999999999999999", "Quantity is unrealistically large."),
    ],
)
def test_parse_decimal_refuses_what_is_not_a_sensible_amount(text, message):
    assert parse_decimal(text, maximum=MAX_QUANTITY, label="Quantity") == (None, message)


def test_parse_decimal_uses_the_maximum_it_is_given():
    assert parse_decimal("200000000", maximum=MAX_UNIT_PRICE, label="Unit price") == (
        Decimal("200000000.00"),
        None,
    )
    value, error = parse_decimal("1000000000.01", maximum=MAX_UNIT_PRICE, label="Unit price")
    assert value is None
    assert error == "Unit price is unrealistically large."


# --- validate_line and amounts ----------------------------------------------------------------


def row(quantity="1", price="1", product="冷轧钢板", unit="吨", **text) -> LineInput:
    return LineInput(
        product=product, unit=unit, quantity_text=quantity, unit_price_text=price, **text
    )


@pytest.mark.parametrize(
    ("quantity", "price", "amount"),
    [
        ("3", "0.33", Decimal("0.99")),
        ("2.5", "0.45", Decimal("1.13")),  # 1.125 rounds half-up, not to even
        ("0.5", "0.01", Decimal("0.01")),  # 0.005 rounds up
        ("0.49", "0.01", Decimal("0.00")),  # 0.0049 rounds down
        ("3", "0.335", None),  # three decimals in the price: no amount at all
        ("10", "4,500.00", Decimal("45000.00")),
        ("1.1", "1.1", Decimal("1.21")),  # exact, no binary-float 1.2100000000000002
        ("100000000", "1000000000", Decimal("100000000000000000.00")),
    ],
)
def test_line_amount_is_quantity_times_price_rounded_half_up_to_the_fen(quantity, price, amount):
    line = row(quantity, price)
    validate_line(line)
    assert line.amount == amount
    if amount is None:
        assert "unit_price" in line.errors
    else:
        assert line.errors == {}
        assert line.amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({}, {}),
        ({"quantity": "-5"}, {"quantity": "Quantity must be greater than zero."}),
        ({"price": "1.234"}, {"unit_price": "Unit price has at most two decimals."}),
        ({"price": "abc"}, {"unit_price": "Unit price must be a number."}),
        ({"price": "1000000000.01"}, {"unit_price": "Unit price is unrealistically large."}),
        ({"quantity": ""}, {"quantity": "Quantity is required."}),
        ({"product": ""}, {"product": "Name the product."}),
        ({"unit": ""}, {"unit": "Give the unit, e.g. 吨, 件, 台."}),
        ({"unit": "单" * 11}, {"unit": "At most 10 characters."}),
        ({"product": "钢" * 101}, {"product": "At most 100 characters."}),
        ({"brand": "B" * 61}, {"brand": "At most 60 characters."}),
    ],
)
def test_validate_line_reports_each_field_in_error(changes, errors):
    line = row(
        quantity=changes.get("quantity", "2"),
        price=changes.get("price", "10"),
        product=changes.get("product", "冷轧钢板"),
        unit=changes.get("unit", "吨"),
        brand=changes.get("brand", ""),
    )
    validate_line(line)
    assert line.errors == errors
    if "quantity" in errors or "unit_price" in errors:
        assert line.amount is None
    else:
        assert line.amount == Decimal("20.00")


def test_a_blank_row_has_no_errors_and_no_amount():
    line = LineInput()
    validate_line(line)
    assert line.is_blank
    assert line.errors == {}
    assert line.amount is None


def test_total_of_adds_only_rows_with_an_amount():
    rows = [row("3", "0.33"), row("2.5", "0.45"), row("-1", "5"), LineInput()]
    for line in rows:
        validate_line(line)
    assert total_of(rows) == Decimal("2.12")
    assert total_of([]) == Decimal("0.00")


def test_parse_lines_reads_rows_in_index_order_and_ignores_other_keys():
    form = MultiDict(
        {
            "lines-10-product": "第三行",
            "lines-10-quantity": "3",
            "lines-2-product": "第二行",
            "lines-2-unit_price": "2.50",
            "lines-0-product": "第一行",
            "lines-0-unit": " 吨 ",
            "lines-x-product": "not a row",
            "lines-1": "not a field",
            "title": "合同",
            "lines-1-2-product": "too many parts",
        }
    )
    rows = parse_lines(form)
    assert [r.product for r in rows] == ["第一行", "第二行", "第三行"]
    assert rows[0].unit == "吨"
    assert rows[1].unit_price_text == "2.50"
    assert rows[2].quantity_text == "3"


def test_parse_lines_caps_the_number_of_rows():
    form = MultiDict({f"lines-{n}-product": f"P{n}" for n in range(MAX_LINES + 50)})
    assert len(parse_lines(form)) == MAX_LINES + 1  # one over, so validation can refuse it


def test_parse_lines_ignores_an_index_written_with_a_non_ascii_digit():
    form = MultiDict({"lines-0-product": "第一行", "lines-²-product": "上标"})
    assert [r.product for r in parse_lines(form)] == ["第一行"]


# --- apply_action -----------------------------------------------------------------------------


def named(*names) -> list[LineInput]:
    return [LineInput(product=n) for n in names]


def products(rows) -> list[str]:
    return [r.product for r in rows]


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("add", ["A", "B", "C", ""]),
        ("remove:0", ["B", "C"]),
        ("remove:2", ["A", "B"]),
        ("remove:3", ["A", "B", "C"]),  # out of range: nothing happens
        ("remove:-1", ["A", "B", "C"]),
        ("remove:", ["A", "B", "C"]),
        ("remove:x", ["A", "B", "C"]),
        ("remove:²", ["A", "B", "C"]),  # isdigit() but not a decimal number
        ("remove:99999999999999999999", ["A", "B", "C"]),
        ("up:1", ["B", "A", "C"]),
        ("up:2", ["A", "C", "B"]),
        ("up:0", ["A", "B", "C"]),  # the first row cannot move up
        ("up:3", ["A", "B", "C"]),
        ("down:0", ["B", "A", "C"]),
        ("down:1", ["A", "C", "B"]),
        ("down:2", ["A", "B", "C"]),  # the last row cannot move down
        ("down:7", ["A", "B", "C"]),
        ("recompute", ["A", "B", "C"]),
        ("save", ["A", "B", "C"]),
        ("", ["A", "B", "C"]),
        ("explode:1", ["A", "B", "C"]),
    ],
)
def test_apply_action_edits_rows_and_ignores_indexes_out_of_range(action, expected):
    assert products(apply_action(named("A", "B", "C"), action)) == expected


def test_apply_action_keeps_what_was_typed_in_a_moved_row():
    rows = [row("3", "0.33", product="A"), row("2.5", "0.45", product="B")]
    moved = apply_action(rows, "down:0")
    assert [(r.product, r.quantity_text, r.unit_price_text) for r in moved] == [
        ("B", "2.5", "0.45"),
        ("A", "3", "0.33"),
    ]


def test_apply_action_add_stops_at_the_line_limit():
    rows = [LineInput(product=str(n)) for n in range(MAX_LINES)]
    assert len(apply_action(rows, "add")) == MAX_LINES


def test_apply_action_on_no_rows():
    assert products(apply_action([], "add")) == [""]
    assert apply_action([], "remove:0") == []
    assert apply_action([], "up:0") == []


# --- VAT --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "rate", "tax"),
    [
        ("113.00", "13", "13.00"),
        ("106.00", "6", "6.00"),
        ("100.00", "13", "11.50"),  # 11.504… rounds down
        ("47890.99", "13", "5509.58"),  # 5509.5829…
        ("0.00", "13", "0.00"),
        ("1000.00", "0", "0.00"),
    ],
)
def test_tax_included_is_the_vat_inside_a_tax_inclusive_total(total, rate, tax):
    result = tax_included(Decimal(total), Decimal(rate))
    assert result == Decimal(tax)
    assert result.as_tuple().exponent == -2


# --- the editor's view side -------------------------------------------------------------------

EDITOR = LineEditor(endpoint="contracts.lines", name="contract", amount_id="a", add_id="add")


def posted(action: str, **fields) -> MultiDict:
    form = {"lines-0-product": "A", "lines-1-product": "B", "action": action}
    return MultiDict({**form, **fields})


@pytest.mark.parametrize(
    ("action", "expected"),
    [("down:0", ["B", "A"]), ("add", ["A", "B", ""]), ("save", ["A", "B"]), ("submit", ["A", "B"])],
)
def test_posted_lines_applies_the_row_edit_asked_for(action, expected):
    rows, answered = posted_lines(posted(action))
    assert (products(rows), answered) == (expected, action)


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("6", Decimal("6")),
        ("0", Decimal("0")),
        ("100", Decimal("100")),
        ("", DEFAULT_VAT_RATE),
        (None, DEFAULT_VAT_RATE),
        ("101", DEFAULT_VAT_RATE),
        ("-1", DEFAULT_VAT_RATE),
        ("abc", DEFAULT_VAT_RATE),
        ("NaN", DEFAULT_VAT_RATE),
    ],
)
def test_posted_vat_rate_falls_back_to_the_default_until_it_is_a_percent(text, rate):
    assert posted_vat_rate(text) == rate


def test_editor_context_checks_every_row_and_totals_the_rest():
    rows = [row("2", "10"), row("-1", "5"), LineInput()]
    rows[0].errors["product"] = "an error from an earlier round"
    context = editor_context(EDITOR, rows, tax_rate=Decimal("13"))
    assert context["editor"] is EDITOR and context["rows"] is rows
    assert [r.errors for r in rows] == [
        {},
        {"quantity": "Quantity must be greater than zero."},
        {},
    ]
    assert context["total"] == Decimal("20.00")
    assert context["tax"] == Decimal("2.30")
    assert context["words"] == "贰拾元整"


def test_editor_context_without_a_rate_shows_no_vat_and_its_own_rules():
    def price_may_be_zero(line: LineInput) -> None:
        line.quantity, line.unit_price = Decimal("1.00"), Decimal("0.00")

    context = editor_context(EDITOR, [row("1", "0")], validate=price_may_be_zero)
    assert (context["total"], context["tax"], context["rows"][0].errors) == (0, None, {})


def test_editor_context_writes_no_words_for_a_total_too_large_to_write():
    rows = [row("100000000", "1000000000"), row("1", "1")]
    assert editor_context(EDITOR, rows)["words"] == "—"


@pytest.mark.parametrize(
    ("action", "template"),
    [("recompute", AMOUNTS_TEMPLATE), ("add", LINES_TEMPLATE), ("up:1", LINES_TEMPLATE)],
)
def test_editor_answer_sends_only_amounts_for_a_recompute(action, template):
    answered, context = editor_answer(EDITOR, posted(action))
    assert answered == template
    assert len(context["rows"]) == (3 if action == "add" else 2)
