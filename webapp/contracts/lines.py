"""Parsing and computing line items. The browser's amounts are never trusted: each line's
amount is quantity × unit price, rounded half-up to the fen, computed here.

The line-item editor (templates/_lines.html) is shared by contracts and proposals; the end of
this module is its view side: reading the posted rows, checking and totalling them, and
answering the editor's htmx posts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from webapp.common import decimals
from webapp.common.decimals import DecimalRefused, Problem, refusal_message
from webapp.common.money import amount_in_words
from webapp.common.types import FEN

MAX_QUANTITY = Decimal("100000000")  # a hundred million units
MAX_UNIT_PRICE = Decimal("1000000000")  # a billion yuan
MAX_TOTAL = Decimal("999999999999.99")  # what 大写 can write
MAX_LINES = 500
DEFAULT_VAT_RATE = Decimal("13.00")  # percent: the general VAT rate on goods
TEXT_LIMITS = {"product": 100, "brand": 60, "spec": 100, "unit": 10}
LINE_FIELDS = ("product", "brand", "spec", "unit", "quantity", "unit_price")


@dataclass
class LineInput:
    """One row as the user typed it, with its parsed values and any errors."""

    product: str = ""
    brand: str = ""
    spec: str = ""
    unit: str = ""
    quantity_text: str = ""
    unit_price_text: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def amount(self) -> Decimal | None:
        if self.quantity is None or self.unit_price is None:
            return None
        return (self.quantity * self.unit_price).quantize(FEN, rounding=ROUND_HALF_UP)

    @property
    def is_blank(self) -> bool:
        return not any(
            (
                self.product,
                self.brand,
                self.spec,
                self.unit,
                self.quantity_text,
                self.unit_price_text,
            )
        )

    @classmethod
    def from_line(cls, line) -> LineInput:
        return cls(
            product=line.product,
            brand=line.brand or "",
            spec=line.spec or "",
            unit=line.unit,
            quantity_text=_plain(line.quantity),
            unit_price_text=f"{line.unit_price:.2f}",
            quantity=line.quantity,
            unit_price=line.unit_price,
        )


def _plain(value: Decimal) -> str:
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_decimal(text: str, *, maximum: Decimal, label: str) -> tuple[Decimal | None, str | None]:
    """A positive amount with at most two decimals; commas and ¥ are tolerated (the parser is
    common.decimals). A negative number is told what zero is told: it must be greater than
    zero."""
    try:
        return decimals.parse_decimal(text, maximum=maximum), None
    except DecimalRefused as refused:
        problem = Problem.ZERO if refused.problem is Problem.NEGATIVE else refused.problem
        return None, refusal_message(problem, label)


def _is_index(text: str) -> bool:
    # str.isdigit() alone also accepts "²", which int() refuses.
    return text.isascii() and text.isdigit()


def parse_lines(form) -> list[LineInput]:
    """Read rows lines-<n>-<field> from the submitted form, in the order of n."""
    indexes = set()
    for key in form:
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "lines" and _is_index(parts[1]):
            indexes.add(int(parts[1]))
    rows = []
    for n in sorted(indexes)[: MAX_LINES + 1]:
        get = lambda name, n=n: (form.get(f"lines-{n}-{name}") or "").strip()  # noqa: E731
        row = LineInput(
            product=get("product"),
            brand=get("brand"),
            spec=get("spec"),
            unit=get("unit"),
            quantity_text=get("quantity"),
            unit_price_text=get("unit_price"),
        )
        rows.append(row)
    return rows


def validate_line(row: LineInput) -> None:
    """Fill row.errors and the parsed numbers; a blank row is left alone (it is dropped)."""
    if row.is_blank:
        return
    if not row.product:
        row.errors["product"] = _("Name the product.")
    if not row.unit:
        row.errors["unit"] = _("Give the unit, e.g. 吨, 件, 台.")
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(row, name)) > limit:
            row.errors[name] = _("At most %(n)d characters.", n=limit)
    row.quantity, error = parse_decimal(
        row.quantity_text, maximum=MAX_QUANTITY, label=_("Quantity")
    )
    if error:
        row.errors["quantity"] = error
    row.unit_price, error = parse_decimal(
        row.unit_price_text, maximum=MAX_UNIT_PRICE, label=_("Unit price")
    )
    if error:
        row.errors["unit_price"] = error


def line_text(line) -> str:
    """A stored line (a contract's or a proposal's) as one readable row for the history:
    product, brand, spec · quantity unit × price = amount."""
    what = " ".join(p for p in (line.product, line.brand, line.spec) if p)
    return (
        f"{what} · {_plain(line.quantity)} {line.unit} × ¥{line.unit_price:,.2f}"
        f" = ¥{line.amount:,.2f}"
    )


def total_of(rows: list[LineInput]) -> Decimal:
    return sum((r.amount for r in rows if r.amount is not None), Decimal("0.00"))


def tax_included(total: Decimal, rate_percent: Decimal) -> Decimal:
    """The VAT contained in a tax-inclusive total: total × r / (1 + r)."""
    rate = rate_percent / 100
    return (total * rate / (1 + rate)).quantize(FEN, rounding=ROUND_HALF_UP)


def apply_action(rows: list[LineInput], action: str) -> list[LineInput]:
    """Row edits the page offers: add, remove:n, up:n, down:n (n counts from 0)."""
    verb, _sep, arg = action.partition(":")
    index = int(arg) if _is_index(arg) else -1
    if verb == "add" and len(rows) < MAX_LINES:
        rows.append(LineInput())
    elif verb == "remove" and 0 <= index < len(rows):
        rows.pop(index)
    elif verb == "up" and 0 < index < len(rows):
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    elif verb == "down" and 0 <= index < len(rows) - 1:
        rows[index], rows[index + 1] = rows[index + 1], rows[index]
    return rows


# --- the editor's view side -------------------------------------------------------------------


@dataclass(frozen=True)
class LineEditor:
    """A page's line-item editor: where its htmx posts go and how its elements are named (each
    page keeps the ids its tests and scripts know)."""

    endpoint: str  # answers row edits and recomputes (editor_answer)
    name: str  # ids <name>-lines (the table), <name>-totals, <name>-total, <name>-total-words
    amount_id: str  # each line's amount cell is <amount_id>-<row index>
    add_id: str  # the add-line button


LINES_TEMPLATE = "_lines.html"
AMOUNTS_TEMPLATE = "_line_amounts.html"


def posted_lines(form) -> tuple[list[LineInput], str]:
    """The rows an editor posted, with the row edit it asked for applied (add, remove:n, up:n,
    down:n), and the action itself; other actions (save, submit, recompute) leave the rows."""
    action = form.get("action", "")
    return apply_action(parse_lines(form), action), action


def posted_vat_rate(text: str | None) -> Decimal:
    """The VAT rate as typed while the editor recomputes: the default until it reads as a
    percent between 0 and 100 (saving refuses it then)."""
    try:
        rate = Decimal(text or DEFAULT_VAT_RATE)
        return rate if Decimal(0) <= rate <= Decimal(100) else DEFAULT_VAT_RATE
    except ArithmeticError:
        return DEFAULT_VAT_RATE


def in_words(total: Decimal) -> str:
    """大写 of a total being typed; one too large to write is already refused as unrealistic."""
    return amount_in_words(total) if total <= MAX_TOTAL else "—"


def editor_context(
    editor: LineEditor,
    rows: list[LineInput],
    *,
    validate: Callable[[LineInput], None] = validate_line,
    tax_rate: Decimal | None = None,
) -> dict:
    """What the editor shows: every row checked by `validate` (errors shown at the row), the
    total of the non-blank rows in figures and in words, and the VAT it contains when a rate is
    given (contracts; a proposal's quotation shows none)."""
    for row in rows:
        row.errors.clear()
        validate(row)
    total = total_of([r for r in rows if not r.is_blank])
    return dict(
        editor=editor,
        rows=rows,
        total=total,
        tax=None if tax_rate is None else tax_included(total, tax_rate),
        words=in_words(total),
    )


def editor_answer(
    editor: LineEditor,
    form,
    *,
    validate: Callable[[LineInput], None] = validate_line,
    tax_rate: Decimal | None = None,
) -> tuple[str, dict]:
    """The template and context answering an htmx post of the editor: a row edit (add, remove,
    move) answers the whole table; `recompute`, sent when a quantity or price changes, only the
    amounts and totals, out of band, so the field being typed in keeps its focus."""
    rows, action = posted_lines(form)
    template = AMOUNTS_TEMPLATE if action == "recompute" else LINES_TEMPLATE
    return template, editor_context(editor, rows, validate=validate, tax_rate=tax_rate)
