"""Reading an uploaded file as a table: .xlsx (rows read with lxml for speed, merged cells
noted) or .csv (UTF-8 or GBK, delimiter sniffed); the first non-empty row is the header."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from webapp.sales.importer.cells import FileRefused, blank


@dataclass
class Table:
    header: list
    header_row: int
    rows: Iterator[tuple[int, list]]  # (row number as the spreadsheet shows it, cells)
    merged: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # row → (col, range)
    total: int = 0  # data rows, for progress (an estimate for xlsx)


_MERGE_REF = re.compile(rb'<mergeCell[^>]*ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _merged_cells(data: bytes, sheet_path: str) -> dict[int, list[tuple[int, str]]]:
    """Cells covered by a merge but not its top-left cell: their value is gone in the file.
    Read straight from the sheet's XML (read-only openpyxl does not expose merges)."""
    covered: dict[int, list[tuple[int, str]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(sheet_path)
    for c1, r1, c2, r2 in _MERGE_REF.findall(xml):
        first_col, last_col, first_row, last_row = _col_index(c1), _col_index(c2), int(r1), int(r2)
        ref = f"{c1.decode()}{r1.decode()}:{c2.decode()}{r2.decode()}"
        for row in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                if (row, col) != (first_row, first_col):
                    covered.setdefault(row, []).append((col, ref))
    return covered


def _xlsx_table(data: bytes) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise FileRefused("unreadable") from None
    sheet = workbook.worksheets[0]
    merged = _merged_cells(data, sheet._worksheet_path)
    fast = _fast_rows(data, workbook, sheet)
    rows = fast if fast is not None else sheet.iter_rows(values_only=True)
    header, header_row = None, 0
    for number, cells in enumerate(rows, start=1):
        if any(not blank(c) for c in cells):
            header, header_row = list(cells), number
            break
    if header is None:
        raise FileRefused("empty")

    def data_rows() -> Iterator[tuple[int, list]]:
        for number, cells in enumerate(rows, start=header_row + 1):
            yield number, list(cells)
        workbook.close()

    total = max((sheet.max_row or header_row) - header_row, 0)
    return Table(header, header_row, data_rows(), merged, total)


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_COLUMN_LETTERS = re.compile(r"[A-Z]+")


def _fast_rows(data: bytes, workbook, sheet) -> Iterator[tuple] | None:
    """The sheet's rows as value tuples, read with lxml directly: ten times faster than
    openpyxl's cell objects for 100,000-row exports. openpyxl still supplies the shared strings,
    the date styles and the sheet's path. None when lxml is missing (openpyxl reads then)."""
    try:
        from lxml import etree
    except ImportError:  # pragma: no cover - lxml comes with python-docx
        return None
    from openpyxl.utils.cell import column_index_from_string
    from openpyxl.utils.datetime import from_excel

    strings = sheet._shared_strings
    dates = workbook._date_formats
    epoch = workbook.epoch
    row_tag, cell_tag = _MAIN_NS + "row", _MAIN_NS + "c"
    value_tag, inline_tag = _MAIN_NS + "v", _MAIN_NS + "is"

    def cell_value(c):
        kind = c.get("t", "n")
        if kind == "inlineStr":
            node = c.find(inline_tag)
            return "".join(node.itertext()) if node is not None else None
        raw = c.findtext(value_tag)
        if raw is None or raw == "":
            return None
        if kind == "s":
            return strings[int(raw)]
        if kind == "b":
            return raw == "1"
        if kind in ("str", "e", "d"):
            return raw
        number = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
        style = c.get("s")
        if style and int(style) in dates:
            try:
                return from_excel(number, epoch)
            except (OverflowError, ValueError):
                return raw
        return number

    def rows():
        archive = zipfile.ZipFile(io.BytesIO(data))
        expected = 1
        with archive.open(sheet._worksheet_path) as stream:
            for _event, row in etree.iterparse(stream, events=("end",), tag=row_tag):
                number = int(row.get("r") or expected)
                while expected < number:  # rows Excel left out are empty rows
                    yield ()
                    expected += 1
                cells: list = []
                for c in row.iter(cell_tag):
                    ref = c.get("r")
                    if ref:
                        index = column_index_from_string(_COLUMN_LETTERS.match(ref).group()) - 1
                        cells.extend([None] * (index - len(cells)))
                    cells.append(cell_value(c))
                yield tuple(cells)
                expected = number + 1
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]

    return rows()


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GBK (read as GB18030, its superset)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRefused("encoding") from None


def _csv_table(data: bytes) -> Table:
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = list(csv.reader(io.StringIO(text), dialect))
    header_row = next((i for i, cells in enumerate(lines, 1) if any(c.strip() for c in cells)), 0)
    if not header_row:
        raise FileRefused("empty")

    def data_rows() -> Iterator[tuple[int, list]]:
        for number in range(header_row + 1, len(lines) + 1):
            yield number, lines[number - 1]

    return Table(lines[header_row - 1], header_row, data_rows(), {}, len(lines) - header_row)


def read_table(filename: str, data: bytes) -> Table:
    if data[:2] == b"PK" or filename.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx_table(data)
    if filename.lower().endswith(".xls"):
        raise FileRefused("xls")
    return _csv_table(data)
