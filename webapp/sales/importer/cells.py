"""What a cell holds: text, amounts and quantities, dates and months, as spreadsheets and
people write them; and the two refusals the importer reports (a cell's, a whole file's), each
as a reason code with values so the reader sees it in their own language."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from webapp.common import decimals
from webapp.common.decimals import DecimalRefused, Problem

MAX_AMOUNT = Decimal("100000000000")  # ¥100 billion: anything above is a typo


class FileRefused(Exception):
    """The file as a whole cannot be imported (not a table, required columns missing)."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class CellError(Exception):
    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def shown(value) -> str:
    """A cell as the reader saw it in the spreadsheet (dates without a midnight, 12 not 12.0)."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def blank(value) -> bool:
    """An empty cell: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


CONTROL_MARK = "\ufffd"  # what the reader put in place of a control character (tables.py)


def parse_text(max_length: int) -> Callable:
    def parse(value) -> str:
        text = shown(value)
        if CONTROL_MARK in text:
            raise CellError("control")
        if len(text) > max_length:
            raise CellError("too_long", max=max_length)
        return text

    return parse


def parse_decimal(value) -> Decimal:
    """A non-negative amount or quantity to two places, read as exported (common.decimals):
    Excel floats via their shortest representation (0.1 stays 0.1), text with thousands
    separators, spaces, ¥ and 元; more places are rounded half-up."""
    try:
        return decimals.parse_decimal(value, maximum=MAX_AMOUNT, allow_zero=True, exported=True)
    except DecimalRefused as refused:
        if refused.problem is Problem.NEGATIVE:
            raise CellError("negative") from None
        if refused.problem is Problem.TOO_LARGE:
            raise CellError("too_large") from None
        raise CellError("number", value=shown(value)) from None


class Settled:
    """已结算 given as a yes/no flag: the whole amount settled (yes) or none of it (no)."""

    def __init__(self, whole: bool) -> None:
        self.whole = whole

    def of(self, amount: Decimal) -> Decimal:
        return amount if self.whole else Decimal("0.00")

    def __eq__(self, other) -> bool:
        return isinstance(other, Settled) and other.whole == self.whole

    def __hash__(self) -> int:
        return hash(self.whole)


# What ERPs and people write for "settled" besides an amount; 1/0 read as yes/no (an amount of
# exactly ¥1 is therefore read as "settled"), as exports of a check box do.
SETTLED_YES = {
    "是",
    "已",
    "已结",
    "已结算",
    "已结清",
    "结清",
    "y",
    "yes",
    "true",
    "t",
    "1",
    "√",
    "✓",
}
SETTLED_NO = {"否", "未", "未结", "未结算", "n", "no", "false", "f", "0", "×", "✗", "-"}


def parse_settled(value) -> Decimal | Settled:
    """已结算: an amount (what was settled at purchase), or a flag 是/否, Y/N, 1/0, 已/未 meaning
    the whole amount or nothing."""
    if isinstance(value, bool):
        return Settled(value)
    text = shown(value).lower()
    if text in SETTLED_YES:
        return Settled(True)
    if text in SETTLED_NO:
        return Settled(False)
    try:
        return parse_decimal(value)
    except CellError as error:
        if error.code == "number":
            raise CellError("settled", value=shown(value)) from None
        raise


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?: \d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)
EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value) -> date:
    """2026-03-05, 2026/3/5, 2026年3月5日, 2026.3.5, 20260305, or an Excel date cell."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 20000 <= value <= 80000 and float(value).is_integer():
        return EXCEL_EPOCH + timedelta(days=int(value))  # a date cell that lost its format
    text = shown(value).replace("\u3000", " ")
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)  # the common case, fast
        except ValueError:
            pass
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                break
    raise CellError("date", value=text)


def parse_month(value) -> date:
    """2026-03, 2026/3, 2026年3月, 202603, or any date of the month."""
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        return day.replace(day=1)
    text = shown(value)
    for pattern in _MONTH_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = (int(g) for g in match.groups())
            if 1 <= month <= 12:
                return date(year, month, 1)
    try:
        return parse_date(value).replace(day=1)
    except CellError:
        raise CellError("month", value=text) from None
