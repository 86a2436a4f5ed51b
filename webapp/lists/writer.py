"""Rows to .xlsx (openpyxl write-only: streamed, 10,000 rows in well under a second) or to CSV
in UTF-8 with a BOM (so Excel reads the Chinese right). Cells are typed: numbers and money stay
numbers (money with a two-decimal format), dates are dates; text goes through
`common.spreadsheet.neutralise`, so nothing a user typed becomes a formula.

The first line states the filter; the second holds the headers; a list of 0 rows still has both.
openpyxl is imported by `write_xlsx`, not with this module: every app imports the lists area,
and a process that writes no spreadsheet (a one-off `flask render`) need not load it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal

from webapp.common.enums import LabelledEnum
from webapp.common.spreadsheet import neutralise
from webapp.common.timeutil import to_local
from webapp.lists.registry import Column, Kind

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
Progress = Callable[[int], None]


def typed(value: object, kind: Kind) -> object:
    """The Python value a cell of `kind` holds (an enum member: its label)."""
    if value is None or value == "":
        return None
    if isinstance(value, LabelledEnum):
        value = value.label
    if kind is Kind.MONEY or kind is Kind.NUMBER:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int | Decimal | float):
            return value
        return neutralise(value, numeric=True)
    if kind is Kind.DATETIME and isinstance(value, datetime):
        local = to_local(value) if value.tzinfo else value
        return local.replace(tzinfo=None, microsecond=0)
    if kind is Kind.DATE and isinstance(value, datetime):
        return (to_local(value) if value.tzinfo else value).date()
    if kind is Kind.DATE and isinstance(value, date):
        return value
    return neutralise(str(value))


class _Cells:
    """One export's cell values: typed once per enum member (a label is a translation lookup,
    50,000 of them in a 10,000-row list), and one styled cell per column and number format,
    reused row after row (write-only rows are written as they are appended; a styled cell
    costs an object and a style lookup, which 10,000 rows need not pay again)."""

    def __init__(self, sheet, columns: tuple[Column, ...], cell_class):
        self.sheet = sheet
        self.cell_class = cell_class  # openpyxl's WriteOnlyCell (imported by write_xlsx)
        self.columns = columns
        self.labels: dict[tuple[object, Kind], object] = {}
        self.styled: dict[tuple[int, str], object] = {}

    def value(self, value: object, kind: Kind) -> object:
        if isinstance(value, LabelledEnum):
            key = (value, kind)
            if key not in self.labels:
                self.labels[key] = typed(value, kind)
            return self.labels[key]
        return typed(value, kind)

    def row(self, record: object) -> list[object]:
        return [
            self.cell(i, self.value(c.value(record), c.kind), c.kind)
            for i, c in enumerate(self.columns)
        ]

    def cell(self, index: int, value: object, kind: Kind):
        """A plain value, or the column's styled cell where a number format is needed."""
        if isinstance(value, Decimal | int | float) and kind is Kind.MONEY:
            number_format = MONEY_FORMAT
        elif isinstance(value, datetime):
            number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            number_format = DATE_FORMAT
        else:
            return value
        cell = self.styled.get((index, number_format))
        if cell is None:
            cell = self.styled[(index, number_format)] = self.cell_class(self.sheet)
            cell.number_format = number_format
        cell.value = value
        return cell


def write_xlsx(
    title: str,
    filter_line: str,
    columns: tuple[Column, ...],
    rows: Iterable[object],
    progress: Progress | None = None,
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title))
    bold = Font(bold=True)
    line = WriteOnlyCell(sheet, value=neutralise(filter_line))
    sheet.append([line])
    headers = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(str(column.header)))
        cell.font = bold
        headers.append(cell)
    sheet.append(headers)
    cells = _Cells(sheet, columns, WriteOnlyCell)
    for done, row in enumerate(rows, start=1):
        sheet.append(cells.row(row))
        if progress is not None and done % 500 == 0:
            progress(done)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(
    title: str,
    filter_line: str,
    columns: tuple[Column, ...],
    rows: Iterable[object],
    progress: Progress | None = None,
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(filter_line)])
    writer.writerow([neutralise(str(c.header)) for c in columns])
    cells = _Cells(None, columns)
    for done, row in enumerate(rows, start=1):
        writer.writerow([_text(cells.value(c.value(row), c.kind)) for c in columns])
        if progress is not None and done % 500 == 0:
            progress(done)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_title(title: str) -> str:
    # Excel refuses these in a sheet name and more than 31 characters
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31] or "Sheet"


WRITERS = {"xlsx": write_xlsx, "csv": write_csv}
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
