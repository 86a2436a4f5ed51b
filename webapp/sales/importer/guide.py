"""What each kind of file may hold, for people: every column with the names it is found by and
the forms its cells are read in (the upload page and README list them), and a template workbook
per kind (.xlsx) whose first sheet has the header and whose second explains the columns."""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from webapp.sales.importer.cells import (
    parse_date,
    parse_decimal,
    parse_month,
    parse_settled,
)
from webapp.sales.importer.kinds import ACCOUNT_COLUMNS, KINDS, Column
from webapp.sales.models import ImportKind

FORMS = {
    parse_date: _l("a date: 2026-03-05, 2026/3/5, 2026年3月5日, 20260305 or an Excel date"),
    parse_month: _l("a month: 2026-03, 2026/3, 2026年3月 or any date of the month"),
    parse_decimal: _l("a number: 1234.5, ¥1,234.50 or 1 234.50 元; not negative"),
    parse_settled: _l(
        "the amount settled at purchase (e.g. 45000), or 是/否, Y/N, 1/0, 已/未 "
        "for all of the amount or none of it; empty means none"
    ),
}
TEXT = _l("text")
EITHER = _l("tax number or client name: at least one of the two")

# One example row per kind for the explanation sheet (never on the sheet that is imported).
EXAMPLES = {
    ImportKind.PLAN: {
        "month": "2026-03", "product": "冷轧钢板", "spec": "1.0mm", "quantity": "100",
        "amount": "450000", "schedule": "上旬 40 吨，下旬 60 吨", "support": "驻厂技术员",
    },
    ImportKind.PURCHASE: {
        "purchased_on": "2026-03-05", "document_no": "CK-20260305-01", "product": "冷轧钢板",
        "spec": "1.0mm", "quantity": "10", "amount": "45000", "settled": "是",
    },
    ImportKind.PAYMENT: {"paid_on": "2026-03-20", "amount": "30000", "reference": "HD-0320"},
    ImportKind.EXPENSE: {
        "spent_on": "2026-03-12", "category": "差旅费", "amount": "1860", "reference": "PZ-031",
    },
}  # fmt: skip
EXAMPLE_CLIENT = {"tax_number": "91310000000000001X", "client": "上海宝钢测试有限公司"}


@dataclass(frozen=True)
class ColumnGuide:
    header: str  # the name the template uses
    also: tuple[str, ...]  # other names it is found by
    required: str  # "yes", "no" or the rule for the account columns, in words
    accepts: str


def _guide(column: Column, required: str) -> ColumnGuide:
    return ColumnGuide(
        header=column.aliases[0],
        also=column.aliases[1:],
        required=required,
        accepts=str(FORMS.get(column.parse, TEXT)),
    )


def columns_of(kind: ImportKind) -> list[ColumnGuide]:
    either = str(EITHER)
    rows = [_guide(c, either) for c in ACCOUNT_COLUMNS]
    for column in KINDS[kind].columns:
        rows.append(_guide(column, str(_l("yes")) if column.required else str(_l("no"))))
    return rows


def guide() -> dict[ImportKind, list[ColumnGuide]]:
    """Every kind's columns, for the upload page."""
    return {kind: columns_of(kind) for kind in ImportKind}


def template_workbook(kind: ImportKind) -> bytes:
    """An .xlsx to fill in: sheet 1 the header row (import it as it is, columns may be moved or
    renamed to any listed name), sheet 2 what each column takes and an example row."""
    from openpyxl import Workbook  # noqa: PLC0415 - loaded only when someone asks for one
    from openpyxl.styles import Font

    columns = [*ACCOUNT_COLUMNS, *KINDS[kind].columns]
    book = Workbook()
    sheet = book.active
    sheet.title = str(kind.label)[:31]
    sheet.append([c.aliases[0] for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            12, 2 * len(column.aliases[0]) + 4
        )
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(str(_l("Columns")))
    notes.append([str(_l("Column")), str(_l("Required")), str(_l("Accepts")), str(_l("Also"))])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for row in columns_of(kind):
        notes.append([row.header, row.required, row.accepts, "、".join(row.also)])
    notes.append([])
    notes.append([str(_l("Example row"))])
    example = {**EXAMPLE_CLIENT, **EXAMPLES[kind]}
    notes.append([c.aliases[0] for c in columns])
    notes.append([example.get(c.name, "") for c in columns])
    for letter, width in zip("ABCD", (16, 22, 70, 50), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
