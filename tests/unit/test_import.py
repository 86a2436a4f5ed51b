"""Importing sales records: every row's fate in a dry run, nothing written before confirming,
good rows in one transaction, idempotent re-imports, and the fix file for bad rows."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from webapp.auth.models import Role
from webapp.common.timeutil import utcnow
from webapp.contracts.service import available_credit
from webapp.extensions import db
from webapp.sales import service
from webapp.sales.importer import batches, cells, kinds
from webapp.sales.importer.cells import CellError, FileRefused
from webapp.sales.models import (
    BatchStatus,
    ImportBatch,
    ImportKind,
    ImportRow,
    Payment,
    Purchase,
    RowOutcome,
    SalesPlan,
)

PURCHASE_HEADER = [
    "客户税号",
    "客户名称",
    "进货日期",
    "单号",
    "品种",
    "规格",
    "数量",
    "金额",
    "已结算",
]


def xlsx(rows: list[list], merge: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def run_batch(user, filename, data, kind=None) -> ImportBatch:
    batch = service.start_import(user, filename, data, kind)
    batches.process_batch(batch.id)
    db.session.refresh(batch)
    return batch


def commit(user, batch) -> ImportBatch:
    """Confirm the dry run, knowingly skipping its rows with errors."""
    service.request_commit(user, batch.id, skip_errors=True)
    batches.process_batch(batch.id)
    db.session.refresh(batch)
    return batch


def outcomes(batch) -> dict[int, ImportRow]:
    rows = db.session.scalars(sa.select(ImportRow).where(ImportRow.batch_id == batch.id))
    return {r.row_number: r for r in rows}


@pytest.mark.parametrize(
    "raw",
    ["2026-03-05", "2026/3/5", "2026年3月5日", "2026.3.5", "20260305", datetime(2026, 3, 5), 46086],
)
def test_dates_in_every_accepted_form(raw):
    assert cells.parse_date(raw) == date(2026, 3, 5)


@pytest.mark.parametrize("raw", ["3/5/2026", "2026-13-01", "昨天", "2026-02-30"])
def test_unreadable_dates_are_refused(raw):
    with pytest.raises(CellError) as error:
        cells.parse_date(raw)
    assert error.value.code == "date"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234.50", "1234.50"),
        ("¥1,234.5", "1234.50"),
        ("１２", None),  # full-width digits are a number to Decimal too
        (12, "12.00"),
        (0.1, "0.10"),
        (" 3 元", "3.00"),
    ],
)
def test_numbers_in_the_forms_people_type(raw, expected):
    value = cells.parse_decimal(raw)
    if expected is not None:
        assert value == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "code"),
    [("abc", "number"), ("-5", "negative"), (True, "number"), (datetime(2026, 3, 5), "number")],
)
def test_text_and_negative_numbers_are_refused(raw, code):
    with pytest.raises(CellError) as error:
        cells.parse_decimal(raw)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03", date(2026, 3, 1)),
        ("2026年3月", date(2026, 3, 1)),
        ("2026/3/17", date(2026, 3, 1)),
    ],
)
def test_months(raw, expected):
    assert cells.parse_month(raw) == expected


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (["税号", "月份", "品种", "计划数量"], ImportKind.PLAN),
        (PURCHASE_HEADER, ImportKind.PURCHASE),
        (["客户名称", "回款日期", "回款金额", "凭证号"], ImportKind.PAYMENT),
        (["client", "date", "amount"], ImportKind.PAYMENT),
        (["客户名称", "日期", "费用类别", "金额"], ImportKind.EXPENSE),
    ],
)
def test_the_kind_is_read_from_the_header(header, kind):
    assert kinds.detect_kind(header) is kind


def test_a_header_that_fits_no_kind_is_refused():
    with pytest.raises(FileRefused) as refused:
        kinds.detect_kind(["名称", "备注"])
    assert refused.value.code == "unknown_kind"


def _purchases(world, *rows):
    tax, name = world.account.tax_number, world.account.name
    return [PURCHASE_HEADER] + [
        [r.get("tax", tax), r.get("name", name), r.get("date", "2026-03-05"), r.get("doc", ""),
         r.get("product", "钢材"), r.get("spec", "Q235"), r.get("qty", 10), r.get("amount", 1000),
         r.get("settled", 0)]
        for r in rows
    ]  # fmt: skip


def test_dry_run_reports_every_row_and_writes_nothing(world):
    data = xlsx(
        _purchases(
            world,
            {"doc": "A1"},
            {"doc": "A2", "qty": "十个"},  # text in a number column
            {"doc": "A3", "tax": "", "name": "不存在的客户有限公司"},  # unknown client
            {"doc": "A4", "date": "2026/3/6"},
            {"doc": "A4", "date": "2026/3/6"},  # the same row again
            {"doc": "A5", "date": datetime(2026, 3, 7)},  # an Excel date cell
            {"doc": "A6", "date": "2026年3月8日", "amount": 500, "settled": 800},
        )
    )
    batch = run_batch(world.finance, "march.xlsx", data)
    assert batch.status is BatchStatus.CHECKED and batch.kind is ImportKind.PURCHASE
    assert count(Purchase) == 0
    rows = outcomes(batch)
    assert {n: r.outcome for n, r in rows.items()} == {
        2: RowOutcome.NEW,
        3: RowOutcome.BAD,
        4: RowOutcome.BAD,
        5: RowOutcome.NEW,
        6: RowOutcome.DUPLICATE,
        7: RowOutcome.NEW,
        8: RowOutcome.BAD,
    }
    assert rows[3].problems == [["数量", "number", {"value": "十个"}]]
    assert rows[4].problems == [["客户名称", "no_account", {"value": "不存在的客户有限公司"}]]
    assert rows[6].problems == [["", "duplicate", {"row": 5}]]
    assert rows[8].problems == [["已结算", "settled_over", {}]]
    assert service.problem_text(rows[3].problems) == "数量: " + service.reason_text(
        "number", {"value": "十个"}
    )
    assert (batch.new_rows, batch.bad_rows, batch.duplicate_rows) == (3, 3, 1)


def test_confirming_writes_the_good_rows_and_reimporting_changes_nothing(world):
    data = csv_bytes(
        _purchases(world, {"doc": "B1"}, {"doc": "B2", "amount": 2000, "settled": 500})
    )
    batch = commit(world.finance, run_batch(world.finance, "b.csv", data))
    assert batch.status is BatchStatus.DONE
    assert count(Purchase) == 2
    assert service.account_arrears(world.account.id) == Decimal("2500.00")
    stamps = set(db.session.scalars(sa.select(Purchase.updated_at)))

    again = run_batch(world.finance, "b.csv", data)
    assert (again.new_rows, again.updated_rows, again.same_rows) == (0, 0, 2)
    with pytest.raises(service.ValidationFailed):
        service.request_commit(world.finance, again.id)  # nothing to import
    assert count(Purchase) == 2
    assert set(db.session.scalars(sa.select(Purchase.updated_at))) == stamps


def test_a_later_export_updates_what_was_settled(world):
    commit(
        world.finance,
        run_batch(world.finance, "a.csv", csv_bytes(_purchases(world, {"doc": "C1"}))),
    )
    later = run_batch(
        world.finance, "a2.csv", csv_bytes(_purchases(world, {"doc": "C1", "settled": 1000}))
    )
    assert later.updated_rows == 1
    commit(world.finance, later)
    assert db.session.scalar(sa.select(Purchase.settled)) == Decimal("1000.00")
    assert service.account_arrears(world.account.id) == Decimal("0.00")


def test_arrears_follow_payments_and_reduce_available_credit(world):
    commit(
        world.finance,
        run_batch(world.finance, "p.csv", csv_bytes(_purchases(world, {"amount": 30000}))),
    )
    payments = csv_bytes(
        [
            ["税号", "回款日期", "回款金额", "凭证号"],
            [world.account.tax_number, "2026-03-20", "12,000", "R1"],
        ]
    )
    batch = commit(world.finance, run_batch(world.finance, "pay.csv", payments))
    assert batch.kind is ImportKind.PAYMENT and count(Payment) == 1
    assert service.account_arrears(world.account.id) == Decimal("18000.00")
    assert available_credit(world.account) == world.account.credit_limit - Decimal("18000.00")


def test_gbk_csv_is_read(world):
    rows = [["客户名称", "月份", "品种", "规格", "计划数量", "计划金额"],
            [world.account.name, "2026年4月", "钢材", "Q235", "100", "50000"]]  # fmt: skip
    batch = commit(world.finance, run_batch(world.finance, "plan.csv", csv_bytes(rows, "gbk")))
    plan = db.session.scalar(sa.select(SalesPlan))
    assert batch.kind is ImportKind.PLAN
    assert (plan.month, plan.product, plan.quantity) == (
        date(2026, 4, 1),
        "钢材",
        Decimal("100.00"),
    )


def test_wrong_columns_fail_the_file_naming_what_is_missing(world):
    data = csv_bytes(
        [["客户名称", "进货日期", "品种", "数量"], [world.account.name, "2026-03-05", "钢材", "1"]]
    )
    batch = run_batch(world.finance, "x.csv", data, "purchase")
    assert batch.status is BatchStatus.FAILED
    assert "金额" in service.failure_text(batch)
    assert '"missing_columns"' in batch.message
    assert count(ImportRow) == 0


def test_merged_cells_make_the_rows_they_cover_bad(world):
    data = xlsx(_purchases(world, {"doc": "M1"}, {"doc": "M2"}, {"doc": "M3"}), merge="G2:G3")
    rows = outcomes(run_batch(world.finance, "m.xlsx", data))
    assert rows[2].outcome is RowOutcome.NEW
    assert rows[3].outcome is RowOutcome.BAD
    assert rows[3].problems == [["数量", "merged", {"range": "G2:G3"}]]
    assert rows[4].outcome is RowOutcome.NEW


def test_a_supervisor_imports_only_for_their_department(world, make_user, make_account):
    other_owner = world.other_manager
    foreign = make_account(other_owner)
    rows = _purchases(world, {"doc": "S1"}) + [
        [foreign.tax_number, "", "2026-03-05", "S2", "钢材", "", 1, 100, 0]
    ]
    batch = run_batch(world.supervisor, "s.csv", csv_bytes(rows))
    found = outcomes(batch)
    assert found[2].outcome is RowOutcome.NEW
    assert found[3].outcome is RowOutcome.BAD
    # answered like an unknown client, with what the row says: never the other account's name
    assert found[3].problems == [["客户税号", "no_account", {"value": foreign.tax_number}]]
    assert foreign.name not in service.bad_rows_csv(batch).decode("utf-8-sig")


def test_account_managers_cannot_import(world):
    with pytest.raises(service.Forbidden):
        service.start_import(world.owner, "a.csv", b"x", None)
    assert world.owner.role is Role.ACCOUNT_MANAGER


def test_bad_rows_download_then_fixed_and_reimported(world):
    data = xlsx(_purchases(world, {"doc": "F1"}, {"doc": "F2", "amount": "一千"}))
    batch = commit(world.finance, run_batch(world.finance, "f.xlsx", data))
    fix = service.bad_rows_csv(batch).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(fix)))
    assert lines[0][: len(PURCHASE_HEADER)] == PURCHASE_HEADER
    assert lines[1][3] == "F2" and lines[1][-2] == "3"
    assert lines[1][-1] == "金额: " + service.reason_text("number", {"value": "一千"})
    lines[1][7] = "1000"
    fixed = run_batch(world.finance, "f-fixed.csv", csv_bytes(lines))
    assert (fixed.new_rows, fixed.bad_rows) == (1, 0)
    commit(world.finance, fixed)
    assert count(Purchase) == 2


def test_a_failing_write_leaves_nothing_half_imported(world, monkeypatch):
    data = csv_bytes(_purchases(world, *({"doc": f"H{i}"} for i in range(2500))))
    batch = run_batch(world.finance, "h.csv", data)
    real_write = batches.write

    def write_then_fail(spec, result, batch_id):
        real_write(spec, result, batch_id)
        raise RuntimeError("disk full")

    monkeypatch.setattr(batches, "write", write_then_fail)
    service.request_commit(world.finance, batch.id)
    with pytest.raises(RuntimeError):
        batches.process_batch(batch.id)
    db.session.rollback()
    assert count(Purchase) == 0
    batch = db.session.get(ImportBatch, batch.id)
    assert batch.status is BatchStatus.CHECKED  # the dry run stands; it can be confirmed again
    assert '"internal"' in batch.message


def test_a_large_file_reports_every_row(world):
    rows = _purchases(world, *({"doc": f"L{i}", "amount": i % 997 + 1} for i in range(50_000)))
    rows[4001][6] = "abc"
    batch = run_batch(world.finance, "big.csv", csv_bytes(rows))
    assert batch.total_rows == 50_000
    assert (batch.new_rows, batch.bad_rows) == (49_999, 1)
    assert count(ImportRow) == 50_000


def test_a_stale_batch_is_put_back_to_run_again(world):
    batch = service.start_import(world.finance, "s.csv", csv_bytes(_purchases(world, {})), None)
    db.session.execute(
        sa.update(ImportBatch).values(
            status=BatchStatus.CHECKING,
            heartbeat_at=datetime(2020, 1, 1, tzinfo=utcnow().tzinfo),
        )
    )
    db.session.commit()
    assert batches.recover_stale(batch.id)
    batches.process_batch(batch.id)
    db.session.refresh(batch)
    assert batch.status is BatchStatus.CHECKED and batch.new_rows == 1
