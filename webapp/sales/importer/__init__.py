"""Import of sales plans, purchases, payments and sales expenses from .xlsx and .csv files.

The rules (DOMAIN.md "Activities": users bring their records from the ERP as Excel/CSV):

* The first non-empty row is the header. Columns are found by name, Chinese or English (see
  the aliases in `KINDS`); their order does not matter and unknown columns are ignored. A file
  without a required column is refused as a whole, naming what is missing.
* The kind of file is given, or read from the header: a month column means plans; product and
  quantity mean purchases; an expense category means expenses; a date and an amount alone
  mean payments.
* Each row is matched to an account by tax number (税号) or, without one, by full legal name.
* A dry run decides every row's fate (new, update, unchanged, duplicate in the file, error)
  and stores it; nothing else is written. Importing writes the good rows in one transaction.
* Each record has a natural key (`KindSpec.key`); importing the same file again finds every
  row unchanged and writes nothing. A later export of the same record (e.g. more settled)
  updates it.
* Bad rows keep their original cells and their problems as (column, reason code, values), so
  the report and the downloadable fix file can be shown in the reader's language.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa

from webapp.accounts.models import Account
from webapp.accounts.service import account_scope
from webapp.auth.models import User
from webapp.common.timeutil import utcnow
from webapp.extensions import db
from webapp.sales.models import (
    BatchStatus,
    ImportBatch,
    ImportKind,
    ImportRow,
    Payment,
    Purchase,
    RowOutcome,
    SalesExpense,
    SalesPlan,
)

MAX_AMOUNT = Decimal("100000000000")  # ¥100 billion: anything above is a typo
CHUNK = 1000
PROGRESS_EVERY = 5000


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


# --- cell parsers -------------------------------------------------------------------------------


def _shown(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(max_length: int) -> Callable:
    def parse(value) -> str:
        text = _shown(value)
        if len(text) > max_length:
            raise CellError("too_long", max=max_length)
        return text

    return parse


_NUMBER_NOISE = re.compile(r"[,，\s¥￥元]")


def parse_decimal(value) -> Decimal:
    """A non-negative amount or quantity to two places; Excel floats are read via their shortest
    representation (0.1 stays 0.1), text may carry thousands separators and ¥."""
    if isinstance(value, bool):
        raise CellError("number", value=_shown(value))
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        try:
            number = Decimal(value)  # the common case: plain digits
        except InvalidOperation:
            try:
                number = Decimal(_NUMBER_NOISE.sub("", str(value)))
            except InvalidOperation:
                raise CellError("number", value=_shown(value)) from None
    if not number.is_finite():
        raise CellError("number", value=_shown(value))
    if number < 0:
        raise CellError("negative")
    if number > MAX_AMOUNT:
        raise CellError("too_large")
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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
    text = _shown(value).replace("\u3000", " ")
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
    text = _shown(value)
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


# --- what each kind of file holds ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]
    parse: Callable
    required: bool = True


@dataclass(frozen=True)
class KindSpec:
    kind: ImportKind
    model: type
    columns: tuple[Column, ...]
    key: Callable[[dict], tuple]  # the fields that identify a record (besides the account)
    date_field: str

    @property
    def fields(self) -> list[str]:
        return [c.name for c in self.columns]


def _norm(header) -> str:
    """Header text compared loosely: no spaces, units in brackets, asterisks or colons."""
    text = re.sub(r"[（(].*?[)）]", "", _shown(header)) if not _blank(header) else ""
    return re.sub(r"[\s*：:_\-]", "", text).lower()


ACCOUNT_COLUMNS = (
    Column(
        "tax_number",
        ("税号", "客户税号", "纳税人识别号", "统一社会信用代码", "taxnumber", "taxno", "uscc"),
        parse_text(18),
        required=False,
    ),
    Column(
        "client",
        ("客户名称", "客户", "客户全称", "单位名称", "标准名称", "client", "clientname", "account")
        + ("legalname", "customer"),
        parse_text(120),
        required=False,
    ),
)
PRODUCT = Column("product", ("产品", "品种", "产品名称", "商品名称", "product"), parse_text(80))
SPEC = Column(
    "spec", ("规格", "型号", "规格型号", "spec", "specification"), parse_text(80), required=False
)
AMOUNT_ALIASES = ("金额", "amount")

KINDS: dict[ImportKind, KindSpec] = {
    ImportKind.PLAN: KindSpec(
        ImportKind.PLAN,
        SalesPlan,
        (
            Column("month", ("月份", "计划月份", "month"), parse_month),
            PRODUCT,
            SPEC,
            Column("quantity", ("计划数量", "数量", "quantity", "qty"), parse_decimal),
            Column("amount", ("计划金额", *AMOUNT_ALIASES), parse_decimal, required=False),
            Column("schedule", ("进度计划", "进度", "schedule"), parse_text(200), required=False),
            Column("support", ("销售支援", "支援", "support"), parse_text(200), required=False),
        ),
        key=lambda v: (v["month"].isoformat(), v["product"], v["spec"]),
        date_field="month",
    ),
    ImportKind.PURCHASE: KindSpec(
        ImportKind.PURCHASE,
        Purchase,
        (
            Column(
                "purchased_on",
                ("进货日期", "进货时间", "购货日期", "日期", "date", "purchasedate"),
                parse_date,
            ),
            Column(
                "document_no",
                ("单号", "单据号", "单据编号", "出库单号", "documentno", "docno", "document"),
                parse_text(40),
                required=False,
            ),
            PRODUCT,
            SPEC,
            Column("quantity", ("数量", "进货数量", "quantity", "qty"), parse_decimal),
            Column("amount", ("进货金额", *AMOUNT_ALIASES), parse_decimal),
            Column(
                "settled",
                ("已结算", "结账金额", "已结账", "结算金额", "已付", "settled"),
                parse_decimal,
                required=False,
            ),
        ),
        key=lambda v: (
            ("doc", v["document_no"])
            if v["document_no"]
            else (
                v["purchased_on"].isoformat(),
                v["product"],
                v["spec"],
                str(v["quantity"]),
                str(v["amount"]),
            )
        ),
        date_field="purchased_on",
    ),
    ImportKind.PAYMENT: KindSpec(
        ImportKind.PAYMENT,
        Payment,
        (
            Column("paid_on", ("回款日期", "到账日期", "日期", "date", "paymentdate"), parse_date),
            Column("amount", ("回款金额", *AMOUNT_ALIASES), parse_decimal),
            Column(
                "reference",
                ("凭证号", "流水号", "回单号", "单号", "reference", "ref"),
                parse_text(60),
                required=False,
            ),
        ),
        key=lambda v: (
            ("ref", v["reference"])
            if v["reference"]
            else (v["paid_on"].isoformat(), str(v["amount"]))
        ),
        date_field="paid_on",
    ),
    ImportKind.EXPENSE: KindSpec(
        ImportKind.EXPENSE,
        SalesExpense,
        (
            Column("spent_on", ("费用日期", "日期", "date"), parse_date),
            Column("category", ("费用类别", "费用项目", "类别", "category"), parse_text(60)),
            Column("amount", ("费用金额", *AMOUNT_ALIASES), parse_decimal),
            Column(
                "reference",
                ("凭证号", "单号", "reference", "ref"),
                parse_text(60),
                required=False,
            ),
        ),
        key=lambda v: (
            ("ref", v["reference"])
            if v["reference"]
            else (v["spent_on"].isoformat(), v["category"], str(v["amount"]))
        ),
        date_field="spent_on",
    ),
}


def _find(header_norm: list[str], aliases: tuple[str, ...]) -> int | None:
    wanted = {_norm(a) for a in aliases}
    for index, text in enumerate(header_norm):
        if text in wanted:
            return index
    return None


def detect_kind(header: list) -> ImportKind:
    """Which kind a header describes (module docstring); FileRefused when it cannot tell."""
    norm = [_norm(h) for h in header]

    def has(column: Column) -> bool:
        return _find(norm, column.aliases) is not None

    plan, purchase = KINDS[ImportKind.PLAN], KINDS[ImportKind.PURCHASE]
    expense, payment = KINDS[ImportKind.EXPENSE], KINDS[ImportKind.PAYMENT]
    if has(plan.columns[0]):
        return ImportKind.PLAN
    if has(PRODUCT) and has(purchase.columns[4]):
        return ImportKind.PURCHASE
    if has(expense.columns[1]):
        return ImportKind.EXPENSE
    if has(payment.columns[0]) and has(payment.columns[1]):
        return ImportKind.PAYMENT
    raise FileRefused("unknown_kind")


def map_columns(spec: KindSpec, header: list) -> dict[str, int]:
    """Column name → index in the row; FileRefused listing the required columns not found."""
    norm = [_norm(h) for h in header]
    mapping, missing = {}, []
    for column in (*ACCOUNT_COLUMNS, *spec.columns):
        index = _find(norm, column.aliases)
        if index is not None:
            mapping[column.name] = index
        elif column.required:
            missing.append(column.aliases[0])
    if "tax_number" not in mapping and "client" not in mapping:
        missing.insert(0, "税号 / 客户名称")
    if missing:
        raise FileRefused("missing_columns", columns="、".join(missing))
    return mapping


# --- reading files ------------------------------------------------------------------------------


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
        if any(not _blank(c) for c in cells):
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


# --- matching accounts --------------------------------------------------------------------------


@dataclass
class AccountIndex:
    by_tax: dict[str, int]
    by_name: dict[str, int]
    allowed: set[int] | None  # None: every account
    names: dict[int, str]

    @classmethod
    def load(cls, user: User | None) -> AccountIndex:
        rows = db.session.execute(sa.select(Account.id, Account.tax_number, Account.name)).all()
        allowed = None
        if user is not None:
            allowed = set(db.session.scalars(sa.select(Account.id).where(account_scope(user))))
        return cls(
            by_tax={t.upper(): i for i, t, _ in rows},
            by_name={n: i for i, _, n in rows},
            allowed=allowed,
            names={i: n for i, _, n in rows},
        )

    def match(self, tax: str, name: str) -> int:
        if not tax and not name:
            raise CellError("empty")
        tax_id = self.by_tax.get(tax.upper()) if tax else None
        name_id = self.by_name.get(name) if name else None
        if tax and tax_id is None and not name_id:
            raise CellError("no_account", value=tax)
        if not tax and name_id is None:
            raise CellError("no_account", value=name)
        if tax_id and name_id and tax_id != name_id:
            raise CellError("mismatch")
        account_id = tax_id or name_id
        if self.allowed is not None and account_id not in self.allowed:
            raise CellError("not_yours", value=self.names[account_id])
        return account_id


# --- the dry run and the import -----------------------------------------------------------------


def natural_key(spec: KindSpec, account_id: int, values: dict) -> str:
    parts = (spec.kind.value, str(account_id), *spec.key(values))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _cells_json(cells: list) -> list:
    return ["" if _blank(c) else _shown(c) for c in cells]


@dataclass
class Result:
    kind: ImportKind
    header: list
    outcomes: list[dict]  # ImportRow values, one per data row
    new: list[dict]
    updates: list[dict]
    counts: dict[RowOutcome, int]


def evaluate(
    spec: KindSpec,
    table: Table,
    user: User | None,
    progress: Callable[[int], None] | None = None,
) -> Result:
    """Decide each row's fate against the file itself and the database; write nothing."""
    mapping = map_columns(spec, table.header)
    header_text = [_shown(h) if not _blank(h) else "" for h in table.header]
    accounts = AccountIndex.load(user)
    money_fields = {c.name for c in spec.columns if c.parse is parse_decimal}

    parsed: list[tuple[int, list, int | None, dict | None, list]] = []
    seen: dict[str, tuple[int, dict]] = {}
    for count, (number, cells) in enumerate(table.rows, start=1):
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
        if all(_blank(c) for c in cells):
            continue
        problems: list = []
        account_cells_ok = True
        values: dict = {}
        covered = {col: ref for col, ref in table.merged.get(number, ())}
        for column in (*ACCOUNT_COLUMNS, *spec.columns):
            index = mapping.get(column.name)
            raw = cells[index] if index is not None and index < len(cells) else None
            title = header_text[index] if index is not None else column.aliases[0]
            if index is not None and index in covered:
                problems.append([title, "merged", {"range": covered[index]}])
                account_cells_ok &= column not in ACCOUNT_COLUMNS
                continue
            if _blank(raw):
                if column.required:
                    problems.append([title, "empty", {}])
                values[column.name] = None if column.name in money_fields else ""
                continue
            try:
                values[column.name] = column.parse(raw)
            except CellError as error:
                problems.append([title, error.code, error.params])
                account_cells_ok &= column not in ACCOUNT_COLUMNS
        account_id = None
        if account_cells_ok:
            try:
                account_id = accounts.match(values.get("tax_number", ""), values.get("client", ""))
            except CellError as error:
                used = "tax_number" if values.get("tax_number") else "client"
                title = header_text[mapping.get(used, mapping.get("tax_number", 0))]
                problems.append([title, error.code, error.params])
        if not problems:
            values.pop("tax_number", None)
            values.pop("client", None)
            if "settled" in values:
                values["settled"] = values["settled"] or Decimal("0.00")
                if values["settled"] > values["amount"]:
                    title = header_text[mapping["settled"]]
                    problems.append([title, "settled_over", {}])
        if problems:
            parsed.append((number, cells, account_id, None, problems))
            continue
        key = natural_key(spec, account_id, values)
        earlier = seen.get(key)
        if earlier is not None:
            if earlier[1] == values:
                problem = ["", "duplicate", {"row": earlier[0]}]
            else:
                problem = ["", "conflict", {"row": earlier[0]}]
            parsed.append((number, cells, account_id, None, [problem]))
            continue
        seen[key] = (number, dict(values))
        values["natural_key"] = key
        values["account_id"] = account_id
        parsed.append((number, cells, account_id, values, []))

    existing = _existing(spec, list(seen))
    outcomes, new, updates = [], [], []
    counts = dict.fromkeys(RowOutcome, 0)
    for number, cells, account_id, values, problems in parsed:
        if values is None:
            outcome = RowOutcome.DUPLICATE if problems[0][1] == "duplicate" else RowOutcome.BAD
        else:
            stored = existing.get(values["natural_key"])
            if stored is None:
                outcome = RowOutcome.NEW
                new.append(values)
            elif all(stored[f] == values[f] for f in spec.fields if f in values):
                outcome = RowOutcome.SAME
            else:
                outcome = RowOutcome.UPDATE
                updates.append({"id": stored["id"], **values})
        counts[outcome] += 1
        outcomes.append(
            {
                "row_number": number,
                "outcome": outcome,
                "account_id": account_id,
                "problems": problems or None,
                "cells": _cells_json(cells) if outcome is RowOutcome.BAD else None,
            }
        )
    return Result(spec.kind, header_text, outcomes, new, updates, counts)


def _existing(spec: KindSpec, keys: list[str]) -> dict[str, dict]:
    model = spec.model
    columns = [model.id, model.natural_key, *(getattr(model, f) for f in spec.fields)]
    found = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for row in db.session.execute(sa.select(*columns).where(model.natural_key.in_(chunk))):
            found[row.natural_key] = row._asdict()
    return found


def write(spec: KindSpec, result: Result, batch_id: int | None) -> None:
    """Insert new rows and update changed ones; the caller commits (one transaction)."""
    now = utcnow()
    model = spec.model
    for start in range(0, len(result.new), CHUNK):
        rows = [
            {**v, "batch_id": batch_id, "updated_at": now}
            for v in result.new[start : start + CHUNK]
        ]
        db.session.execute(model.__table__.insert(), rows)  # Core: no ORM bookkeeping
    for start in range(0, len(result.updates), CHUNK):
        rows = [
            {**v, "batch_id": batch_id, "updated_at": now}
            for v in result.updates[start : start + CHUNK]
        ]
        db.session.execute(sa.update(model), rows)


# --- batches: stored uploads processed outside the request -------------------------------------


def create_batch(user: User, filename: str, data: bytes, kind: ImportKind | None) -> ImportBatch:
    batch = ImportBatch(
        kind=kind,
        filename=filename[:200] or "upload",
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        size=len(data),
        uploaded_by_id=user.id,
        status=BatchStatus.QUEUED,
    )
    db.session.add(batch)
    db.session.commit()
    return batch


def _claim(batch_id: int, from_status: BatchStatus, to_status: BatchStatus) -> bool:
    """Take the batch for this worker: one conditional UPDATE, so two workers never both run."""
    claimed = db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch_id, ImportBatch.status == from_status)
        .values(status=to_status, heartbeat_at=utcnow())
    ).rowcount
    db.session.commit()
    return claimed == 1


def recover_stale(batch_id: int, max_age: timedelta = timedelta(minutes=2)) -> bool:
    """A worker that stopped sending heartbeats died with its process (the import's own
    transaction rolled back with it): put the batch back where it was, to be run again."""
    stale = utcnow() - max_age
    recovered = 0
    for running, back in (
        (BatchStatus.CHECKING, BatchStatus.QUEUED),
        (BatchStatus.IMPORTING, BatchStatus.CHECKED),
    ):
        recovered += db.session.execute(
            sa.update(ImportBatch)
            .where(
                ImportBatch.id == batch_id,
                ImportBatch.status == running,
                ImportBatch.heartbeat_at < stale,
            )
            .values(status=back)
        ).rowcount
    db.session.commit()
    return bool(recovered)


def process_batch(batch_id: int) -> None:
    """Run whatever the batch waits for: its dry run (QUEUED), or its import (commit requested).
    Safe to call from several places at once: only the claimant works."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        return
    if batch.status is BatchStatus.QUEUED and _claim(
        batch_id, BatchStatus.QUEUED, BatchStatus.CHECKING
    ):
        _run(batch_id, write_rows=False)
    batch = db.session.get(ImportBatch, batch_id)
    db.session.refresh(batch)
    if (
        batch.status is BatchStatus.CHECKED
        and batch.commit_requested
        and _claim(batch_id, BatchStatus.CHECKED, BatchStatus.IMPORTING)
    ):
        _run(batch_id, write_rows=True)


def _run(batch_id: int, write_rows: bool) -> None:
    batch = db.session.get(ImportBatch, batch_id)
    db.session.refresh(batch)
    user = batch.uploaded_by

    def progress(count: int) -> None:
        db.session.execute(
            sa.update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(processed_rows=count, heartbeat_at=utcnow())
        )
        db.session.commit()

    try:
        table = read_table(batch.filename, batch.data)
        kind = batch.kind or detect_kind(table.header)
        db.session.execute(
            sa.update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(kind=kind, total_rows=table.total, header=[_shown(h) for h in table.header])
        )
        db.session.commit()
        result = evaluate(KINDS[kind], table, user, progress)
    except FileRefused as refused:
        db.session.rollback()
        db.session.execute(
            sa.update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(
                status=BatchStatus.FAILED,
                message=json.dumps({"code": refused.code, "params": refused.params}),
                checked_at=utcnow(),
            )
        )
        db.session.commit()
        return
    except Exception:
        db.session.rollback()
        db.session.execute(
            sa.update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(status=BatchStatus.FAILED, message=json.dumps({"code": "internal"}))
        )
        db.session.commit()
        raise
    try:
        store_result(batch_id, result, write_rows)
    except Exception:
        # Nothing of the import stays (one transaction); the dry run can be confirmed again.
        db.session.rollback()
        db.session.execute(
            sa.update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(
                status=BatchStatus.CHECKED if write_rows else BatchStatus.FAILED,
                commit_requested=False,
                message=json.dumps({"code": "internal"}),
            )
        )
        db.session.commit()
        raise


def store_result(batch_id: int, result: Result, write_rows: bool) -> None:
    """Replace the batch's row outcomes and counts; with write_rows also write the good rows,
    all in one transaction: either the whole import lands or nothing of it."""
    now = utcnow()
    db.session.execute(sa.delete(ImportRow).where(ImportRow.batch_id == batch_id))
    for start in range(0, len(result.outcomes), CHUNK):
        rows = [{"batch_id": batch_id, **o} for o in result.outcomes[start : start + CHUNK]]
        db.session.execute(ImportRow.__table__.insert(), rows)
    if write_rows:
        write(KINDS[result.kind], result, batch_id)
    counts = result.counts
    db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch_id)
        .values(
            kind=result.kind,
            status=BatchStatus.DONE if write_rows else BatchStatus.CHECKED,
            total_rows=len(result.outcomes),
            processed_rows=len(result.outcomes),
            new_rows=counts[RowOutcome.NEW],
            updated_rows=counts[RowOutcome.UPDATE],
            same_rows=counts[RowOutcome.SAME],
            duplicate_rows=counts[RowOutcome.DUPLICATE],
            bad_rows=counts[RowOutcome.BAD],
            heartbeat_at=now,
            message=None,
            **({"imported_at": now} if write_rows else {"checked_at": now}),
        )
    )
    db.session.commit()


def import_file(
    filename: str, data: bytes, kind: ImportKind | None, user: User | None, dry_run: bool
) -> Result:
    """Check (and unless dry_run, import) a file in one go, without a batch: the CLI's path."""
    table = read_table(filename, data)
    kind = kind or detect_kind(table.header)
    spec = KINDS[kind]
    result = evaluate(spec, table, user)
    if not dry_run:
        write(spec, result, None)
        db.session.commit()
    return result
