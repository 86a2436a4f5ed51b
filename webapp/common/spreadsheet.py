"""Cells written into files people open in Excel or WPS: never a formula (CSV injection).

OWASP's rule: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a
formula by spreadsheets (`=HYPERLINK(…)`, `+cmd|' /C calc'!A0`, `-2+3`), so such text gets a
leading apostrophe, which shows the text as typed and runs nothing. The full-width forms (`＝`,
`＋`, `－`, `＠`), which some spreadsheets also take for formulas, are treated alike.

Numbers stay numbers: a value that is a number (an int, a Decimal, a float) is written as it
is, and in a column meant to hold numbers, text that is exactly a plain number (`-1200.50`,
`-1,200`) is kept too, so a negative amount is still an amount."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
PLAIN_NUMBER = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?")


def neutralise(value: object, *, numeric: bool = False) -> object:
    """The value as a cell may safely hold it."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    text = str(value)
    if not text.startswith(FORMULA_STARTS):
        return text
    if numeric and PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text


def safe_row(cells: Iterable[object], numeric_columns: Iterable[int] = ()) -> list[object]:
    """A row of cells, each neutralised; `numeric_columns` are the indexes of number columns."""
    numeric = frozenset(numeric_columns)
    return [neutralise(cell, numeric=i in numeric) for i, cell in enumerate(cells)]
