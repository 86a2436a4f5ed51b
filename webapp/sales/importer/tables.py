"""Reading an uploaded file as a table: .xlsx (rows read with lxml for speed, merged cells
noted) or .csv (UTF-8 or GBK, delimiter sniffed); the first non-empty row is the header.

An upload cannot hurt the server (issue 13): an .xlsx is a zip archive, checked before anything
is read (how many members, how much they inflate to in all, how much each is compressed), and
its sheet is streamed, never read whole. Rows, columns and the length of a cell are limited as
they are read; a row number or a claimed sheet size far beyond the limits is refused at once
rather than walked up to. Each limit answers a `FileRefused` with its own message."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from webapp.sales.importer.cells import CONTROL_MARK, FileRefused, blank

# Limits of an upload (an Excel sheet holds 1,048,576 rows; a sales export rarely 100,000).
MAX_ROWS = 300_000  # data rows, and the highest row number a sheet may use
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_ZIP_MEMBERS = 1_000
MAX_UNCOMPRESSED_BYTES = 160 * 1024 * 1024  # all members together
MAX_COMPRESSION_RATIO = 100  # per member larger than RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1024 * 1024


def check_archive(data: bytes) -> zipfile.ZipFile:
    """The archive if it is safe to read; FileRefused (before inflating anything) when it has
    too many members, would inflate to too much in all, or one member is compressed more than
    any spreadsheet is (a zip bomb). The sizes are those the archive declares; reading never
    goes beyond them (zipfile stops a member at its declared size)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise FileRefused("unreadable") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise FileRefused("zip_members", max=MAX_ZIP_MEMBERS)
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FileRefused("zip_size", max=MAX_UNCOMPRESSED_BYTES // (1024 * 1024))
    for member in members:
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        ):
            raise FileRefused("zip_ratio")
    return archive


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _check_cell(value, row: int):
    """A cell's value, refused when too long; control characters (which PostgreSQL cannot store
    and nobody means) become U+FFFD, so the row is kept to show and the cell refused
    (`cells.parse_text`)."""
    if isinstance(value, str):
        if len(value) > MAX_CELL_CHARS:
            raise FileRefused("cell_size", row=row, max=f"{MAX_CELL_CHARS:,}")
        if _CONTROL.search(value):
            return _CONTROL.sub(CONTROL_MARK, value)
    return value


def _check_row_number(row: int) -> None:
    if row > MAX_ROWS:
        raise FileRefused("too_many_rows", max=f"{MAX_ROWS:,}")


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


def _merge_refs(archive: zipfile.ZipFile, sheet_path: str) -> Iterator[tuple]:
    """The merge ranges of the sheet, scanned from its XML in chunks (never read whole)."""
    tail = b""
    with archive.open(sheet_path) as stream:
        while chunk := stream.read(1024 * 1024):
            text = tail + chunk
            last_end = 0
            for match in _MERGE_REF.finditer(text):
                yield match.groups()
                last_end = match.end()
            tail = text[max(last_end, len(text) - 200) :]


def _merged_cells(archive: zipfile.ZipFile, sheet_path: str) -> dict[int, list[tuple[int, str]]]:
    """Cells covered by a merge but not its top-left cell: their value is gone in the file.
    Read straight from the sheet's XML (read-only openpyxl does not expose merges)."""
    covered: dict[int, list[tuple[int, str]]] = {}
    for c1, r1, c2, r2 in _merge_refs(archive, sheet_path):
        first_col, last_col, first_row, last_row = _col_index(c1), _col_index(c2), int(r1), int(r2)
        _check_row_number(last_row)
        if last_col >= MAX_COLUMNS:
            raise FileRefused("too_many_columns", max=MAX_COLUMNS)
        ref = f"{c1.decode()}{r1.decode()}:{c2.decode()}{r2.decode()}"
        for row in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                if (row, col) != (first_row, first_col):
                    covered.setdefault(row, []).append((col, ref))
    return covered


def _xlsx_table(data: bytes) -> Table:
    archive = check_archive(data)  # before anything else, even importing openpyxl
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        merged = _merged_cells(archive, sheet._worksheet_path)
    except FileRefused:
        raise
    except Exception:
        raise FileRefused("unreadable") from None
    fast = _fast_rows(archive, workbook, sheet)
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

    # The sheet's claimed size is only an estimate for the progress bar, never a loop bound.
    claimed = sheet.max_row if isinstance(sheet.max_row, int) else header_row
    total = min(max(claimed - header_row, 0), MAX_ROWS)
    return Table(header, header_row, data_rows(), merged, total)


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_COLUMN_LETTERS = re.compile(r"[A-Z]+")


def _fast_rows(archive: zipfile.ZipFile, workbook, sheet) -> Iterator[tuple] | None:
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
        expected = 1
        with archive.open(sheet._worksheet_path) as stream:
            parser = etree.iterparse(
                stream, events=("end",), tag=row_tag, resolve_entities=False, no_network=True
            )
            for _event, row in parser:
                number = _row_number(row.get("r"), expected)
                _check_row_number(number)  # before walking up to a row numbered 20,000,000
                while expected < number:  # rows Excel left out are empty rows
                    yield ()
                    expected += 1
                cells: list = []
                for c in row.iter(cell_tag):
                    ref = c.get("r")
                    if ref:
                        letters = _COLUMN_LETTERS.match(ref)
                        if letters is None or len(letters.group()) > 3:
                            raise FileRefused("too_many_columns", max=MAX_COLUMNS)
                        index = column_index_from_string(letters.group()) - 1
                        if index >= MAX_COLUMNS:
                            raise FileRefused("too_many_columns", max=MAX_COLUMNS)
                        cells.extend([None] * (index - len(cells)))
                    if len(cells) >= MAX_COLUMNS:
                        raise FileRefused("too_many_columns", max=MAX_COLUMNS)
                    cells.append(_check_cell(cell_value(c), number))
                yield tuple(cells)
                expected = number + 1
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]

    return rows()


def _row_number(given: str | None, expected: int) -> int:
    if not given:
        return expected
    if not given.isascii() or not given.isdigit() or len(given) > 9:
        raise FileRefused("too_many_rows", max=f"{MAX_ROWS:,}")
    return int(given)


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
    lines = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            _check_row_number(number - 1)
            if len(cells) > MAX_COLUMNS:
                raise FileRefused("too_many_columns", max=MAX_COLUMNS)
            lines.append([_check_cell(cell, number) for cell in cells])
    except csv.Error:  # a field beyond csv's own limit, or a broken quote
        raise FileRefused("cell_size", row=len(lines) + 1, max=f"{MAX_CELL_CHARS:,}") from None
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
