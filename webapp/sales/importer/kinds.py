"""What each kind of file holds: its columns (names in Chinese and English, how each cell is
read, which are required), the natural key of its records, and reading the kind and the
columns' places from a header row."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from webapp.sales.importer.cells import (
    FileRefused,
    blank,
    parse_date,
    parse_decimal,
    parse_month,
    parse_settled,
    parse_text,
    shown,
)
from webapp.sales.models import ImportKind, Payment, Purchase, SalesExpense, SalesPlan


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
    text = re.sub(r"[（(].*?[)）]", "", shown(header)) if not blank(header) else ""
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
                ("已结算", "结账金额", "已结账", "结算金额", "已付", "是否结算", "结算状态")
                + ("结算", "settled", "paid"),
                parse_settled,
                required=False,
            ),
            Column(
                "gross_profit",
                ("毛利", "毛利额", "毛利金额", "grossprofit", "profit"),
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


def numeric_columns(kind: ImportKind, header: list) -> frozenset[int]:
    """The indexes of the header's columns that hold amounts or quantities for `kind` (none
    when the header does not fit the kind)."""
    spec = KINDS[kind]
    try:
        mapping = map_columns(spec, header)
    except FileRefused:
        return frozenset()
    return frozenset(
        mapping[c.name] for c in spec.columns if c.parse is parse_decimal and c.name in mapping
    )
