"""Rules for sales records: who imports what, an account's plan against actual, purchases,
payments, arrears and available credit.

Arrears (欠款) are never stored: they are Σ(purchase amount − settled at purchase) − Σ payments,
floored at zero, read from the records whenever asked, so they always follow the latest import.
Contracts' available-credit rule reads the same figure through `account_arrears`, which the
area's `init_app` registers with `contracts.service.register_arrears_provider`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from webapp import audit
from webapp.accounts.models import Account
from webapp.accounts.service import account_scope
from webapp.auth.models import User
from webapp.auth.permissions import SALES_OPERATORS
from webapp.common.errors import Forbidden, NotFound, ValidationFailed
from webapp.common.spreadsheet import safe_row
from webapp.common.timeutil import local_today
from webapp.extensions import db
from webapp.sales.importer.batches import create_batch
from webapp.sales.importer.kinds import numeric_columns
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

ZERO = Decimal("0.00")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the app refuses bigger requests anyway

# Why a row or a file was refused, by the code the importer stores (shown in the reader's
# language, and in the fix file).
REASONS = {
    "empty": _l("is empty"),
    "number": _l("not a number: %(value)s"),
    "negative": _l("must not be negative"),
    "too_large": _l("too large"),
    "too_long": _l("longer than %(max)s characters"),
    "control": _l("holds invisible control characters (shown as �); retype the text"),
    "date": _l("not a date: %(value)s (write 2026-03-05, 2026/3/5 or 2026年3月5日)"),
    "month": _l("not a month: %(value)s (write 2026-03 or 2026年3月)"),
    "merged": _l("part of the merged cells %(range)s; unmerge them and fill in every row"),
    "no_account": _l("no account with this tax number or name: %(value)s"),
    "mismatch": _l("the tax number and the name belong to different accounts"),
    "not_yours": _l("the account %(value)s is not yours to import for"),
    "settled_over": _l("settled is more than the amount"),
    "settled": _l(
        "not an amount or a yes/no: %(value)s (write an amount, 是/否, Y/N, 1/0 or 已/未)"
    ),
    "duplicate": _l("the same record as row %(row)s; skipped"),
    "conflict": _l("the same record as row %(row)s but with other figures"),
    "missing_columns": _l("required columns are missing: %(columns)s"),
    "unknown_kind": _l(
        "cannot tell plans, purchases, payments or expenses apart from the header; choose the kind"
    ),
    "unreadable": _l("the file is not a readable .xlsx workbook"),
    "zip_members": _l("the workbook holds more than %(max)s parts; save it again from Excel"),
    "zip_size": _l(
        "the workbook would unpack to more than %(max)s MB; split it into smaller files"
    ),
    "zip_ratio": _l(
        "the workbook is compressed far more than any spreadsheet is; it looks like a zip bomb "
        "and was not opened"
    ),
    "too_many_rows": _l("the sheet has more than %(max)s rows; split it into smaller files"),
    "too_many_columns": _l("the sheet has more than %(max)s columns; keep only the columns needed"),
    "cell_size": _l("a cell in row %(row)s holds more than %(max)s characters"),
    "xls": _l("old .xls workbooks are not supported; save the file as .xlsx or .csv"),
    "encoding": _l("the file is neither UTF-8 nor GBK text"),
    "empty_file": _l("the file has no rows"),
    "internal": _l("the import stopped on an unexpected error; try again"),
}


def reason_text(code: str, params: dict | None = None) -> str:
    template = REASONS.get(code)
    if template is None:
        return code
    text = str(template)
    return text % params if params else text


def problem_text(problems: list | None) -> str:
    return "; ".join(
        f"{column}: {reason_text(code, params)}" if column else reason_text(code, params)
        for column, code, params in problems or []
    )


def failure_text(batch: ImportBatch) -> str:
    """Why a batch failed as a whole, in the reader's language."""
    try:
        stored = json.loads(batch.message or "{}")
    except ValueError:
        stored = {}
    return reason_text(stored.get("code", "internal"), stored.get("params") or None)


# --- who may import ---------------------------------------------------------------------------


def can_import(user: User) -> bool:
    return user.role in SALES_OPERATORS


def _check_importer(user: User) -> None:
    if not can_import(user):
        raise Forbidden(_("Only finance, supervisors and department heads import sales records."))


def start_import(user: User, filename: str, data: bytes, kind: str | None) -> ImportBatch:
    """Store an upload as a batch waiting for its dry run. Nothing is imported yet."""
    _check_importer(user)
    errors = {}
    if not data:
        errors["file"] = _("Choose a file.")
    elif len(data) > MAX_UPLOAD_BYTES:
        errors["file"] = _("The file is larger than 20 MB.")
    elif not filename.lower().endswith((".xlsx", ".xlsm", ".csv", ".txt")):
        errors["file"] = _("Upload an .xlsx or .csv file.")
    chosen = None
    if kind:
        try:
            chosen = ImportKind(kind)
        except ValueError:
            errors["kind"] = _("Choose a kind of file.")
    if errors:
        raise ValidationFailed(errors)
    return create_batch(user, filename, data, chosen)


def get_batch(user: User, batch_id: int) -> ImportBatch:
    """A batch is seen by whoever uploaded it, and by finance (who answer for all records)."""
    _check_importer(user)
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(_("No such import."))
    if batch.uploaded_by_id != user.id and user.role.value != "finance":
        raise NotFound(_("No such import."))  # someone else's: answered like a missing one
    return batch


def dry_run_verdict(batch: ImportBatch) -> str:
    """What a checked batch's dry run comes to, in words that are true for its counts."""
    bad, good = batch.bad_rows, batch.good_rows
    if bad and not good:
        return ngettext(
            "%(num)d row has errors and no row can be imported; fix it and upload the file again.",
            "%(num)d rows have errors and no row can be imported; fix them and upload the file "
            "again.",
            bad,
        )
    if bad:
        return ngettext(
            "%(num)d row has errors; nothing will be imported until it is fixed or skipped.",
            "%(num)d rows have errors; nothing will be imported until they are fixed or skipped.",
            bad,
        )
    if not good:
        return _("Nothing new to import: every row of the file is already there.")
    return ngettext("%(num)d row is ready to import.", "%(num)d rows are ready to import.", good)


def request_commit(user: User, batch_id: int, skip_errors: bool = False) -> ImportBatch:
    """Ask for the checked batch's good rows to be written; rows with errors must be fixed or
    knowingly skipped first (`skip_errors`). Re-running the check inside the import (in one
    transaction) means rows changed since the dry run are judged afresh."""
    batch = get_batch(user, batch_id)
    if batch.status is not BatchStatus.CHECKED:
        raise ValidationFailed({"batch": _("This import is not waiting to be confirmed.")})
    if batch.good_rows == 0 or (batch.bad_rows and not skip_errors):
        raise ValidationFailed({"batch": dry_run_verdict(batch)})
    claimed = db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch_id, ImportBatch.status == BatchStatus.CHECKED)
        .values(commit_requested=True)
    ).rowcount
    audit.record_event(
        actor=user, entity_type="import_batch", entity_id=batch_id, account_id=None, action="import"
    )
    db.session.commit()
    if not claimed:
        raise ValidationFailed({"batch": _("This import is not waiting to be confirmed.")})
    db.session.refresh(batch)
    return batch


def recent_batches(user: User, limit: int = 20) -> list[ImportBatch]:
    stmt = sa.select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)
    if user.role.value != "finance":
        stmt = stmt.where(ImportBatch.uploaded_by_id == user.id)
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class RowsPage:
    """One page of a batch's rows, with the figures of its pager."""

    rows: list[tuple[ImportRow, str]]  # each row with its problems in words
    total: int  # rows of the batch (of the chosen outcome)
    first: int  # numbers of the first and last row shown, counting from 1
    last: int
    previous: int | None  # page numbers to link to, None at either end
    next: int | None

    @property
    def is_partial(self) -> bool:
        """Not every row fits on the page (the pager is shown)."""
        return self.total > len(self.rows)


def batch_rows(
    batch: ImportBatch, outcome: RowOutcome | None, page: int, per_page: int = 100
) -> RowsPage:
    """Page `page` (from 1) of the batch's rows, of one outcome or all."""
    stmt = sa.select(ImportRow).where(ImportRow.batch_id == batch.id)
    if outcome is not None:
        stmt = stmt.where(ImportRow.outcome == outcome)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    skipped = (page - 1) * per_page
    rows = list(
        db.session.scalars(stmt.order_by(ImportRow.row_number).offset(skipped).limit(per_page))
    )
    return RowsPage(
        rows=[(row, problem_text(row.problems)) for row in rows],
        total=total,
        first=skipped + 1,
        last=skipped + len(rows),
        previous=page - 1 if page > 1 else None,
        next=page + 1 if page * per_page < total else None,
    )


def bad_rows_csv(batch: ImportBatch) -> bytes:
    """The batch's bad rows as a fix file (see `rows_csv`)."""
    rows = db.session.scalars(
        sa.select(ImportRow)
        .where(ImportRow.batch_id == batch.id, ImportRow.outcome == RowOutcome.BAD)
        .order_by(ImportRow.row_number)
    )
    outcomes = [
        {"row_number": r.row_number, "outcome": r.outcome, "cells": r.cells, "problems": r.problems}
        for r in rows
    ]
    return rows_csv(list(batch.header or []), outcomes, batch.kind)


def rows_csv(header: list, outcomes: list[dict], kind: ImportKind | None = None) -> bytes:
    """Bad rows as they were, plus the row number and what is wrong, with a byte-order mark so
    Excel opens the UTF-8 correctly. Fix the cells and import the file again: the two extra
    columns are ignored. No cell (nor header) runs as a formula when opened; amounts in the
    kind's number columns stay numbers (`common.spreadsheet`)."""
    numeric = numeric_columns(kind, header) if kind else frozenset()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row([*header, _("Row"), _("Problems")]))
    for row in outcomes:
        if row["outcome"] is not RowOutcome.BAD:
            continue
        cells = list(row["cells"] or [])
        cells += [""] * (len(header) - len(cells))
        problems = problem_text(row["problems"])
        writer.writerow(safe_row([*cells[: len(header)], row["row_number"], problems], numeric))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def inline_limit() -> int:
    """Uploads up to this size are checked within the request; bigger ones in the background."""
    return int(current_app.config.get("SALES_IMPORT_INLINE_BYTES", 256 * 1024))


# --- records ----------------------------------------------------------------------------------


def account_arrears(account_id: int) -> Decimal:
    """What the client owes: unsettled purchase amounts minus payments, never below zero."""
    return arrears_by_account([account_id]).get(account_id, ZERO)


def fen(column) -> sa.ColumnElement:
    """A Money column as its stored whole fen, for arithmetic and sums in SQL."""
    return sa.type_coerce(column, sa.BigInteger)


def fen_sum(column) -> sa.ColumnElement:
    """Σ of a Money column in whole fen (PostgreSQL sums bigints as numeric: cast back)."""
    return sa.cast(sa.func.coalesce(sa.func.sum(fen(column)), 0), sa.BigInteger)


def arrears_query(account_ids: list[int] | None = None) -> sa.Select:
    """(account_id, arrears in fen) for every account with records: the set-based form of the
    rule, for one account or ten thousand. Given `account_ids`, each half is filtered before
    the union, so a few accounts are read through their indexes instead of every record."""
    owed = sa.select(
        Purchase.account_id.label("account_id"),
        (fen(Purchase.amount) - fen(Purchase.settled)).label("delta"),
    )
    paid = sa.select(Payment.account_id, -fen(Payment.amount))
    if account_ids is not None:
        owed = owed.where(Purchase.account_id.in_(account_ids))
        paid = paid.where(Payment.account_id.in_(account_ids))
    moves = sa.union_all(owed, paid).subquery()
    total = sa.cast(sa.func.sum(moves.c.delta), sa.BigInteger)
    return sa.select(
        moves.c.account_id, sa.case((total > 0, total), else_=0).label("arrears")
    ).group_by(moves.c.account_id)


def arrears_by_account(account_ids: list[int] | None = None) -> dict[int, Decimal]:
    stmt = arrears_query(account_ids)
    return {account_id: _fen(owed) for account_id, owed in db.session.execute(stmt)}


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class MonthFigures:
    month: date
    plan_quantity: Decimal
    plan_amount: Decimal
    actual_quantity: Decimal
    actual_amount: Decimal

    @property
    def percent(self) -> int | None:
        if not self.plan_quantity:
            return None
        return int(self.actual_quantity * 100 / self.plan_quantity)


def monthly_plan_vs_actual(account_id: int, start: date, end: date) -> list[MonthFigures]:
    """Plan and actual per month from `start`'s month to `end`'s month, months without either
    included (a chart needs every month)."""
    first, last = month_start(start), month_start(end)
    plans = db.session.execute(
        sa.select(
            SalesPlan.month,
            fen_sum(SalesPlan.quantity),
            fen_sum(SalesPlan.amount),
        )
        .where(
            SalesPlan.account_id == account_id,
            SalesPlan.month >= first,
            SalesPlan.month <= last,
        )
        .group_by(SalesPlan.month)
    ).all()
    plan_by_month = {m: (q, a) for m, q, a in plans}
    purchases = db.session.execute(
        sa.select(Purchase.purchased_on, Purchase.quantity, Purchase.amount).where(
            Purchase.account_id == account_id,
            Purchase.purchased_on >= first,
            Purchase.purchased_on < add_months(last, 1),
        )
    ).all()
    actual: dict[date, list[Decimal]] = {}
    for day, quantity, amount in purchases:
        slot = actual.setdefault(month_start(day), [ZERO, ZERO])
        slot[0] += quantity
        slot[1] += amount
    months, cursor = [], first
    while cursor <= last:
        plan_q, plan_a = plan_by_month.get(cursor, (0, 0))
        act_q, act_a = actual.get(cursor, (ZERO, ZERO))
        months.append(MonthFigures(cursor, _fen(plan_q), _fen(plan_a), act_q, act_a))
        cursor = add_months(cursor, 1)
    return months


def _fen(value) -> Decimal:
    """Whole fen from a SQL sum back to yuan."""
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


@dataclass
class ProductRow:
    product: str
    spec: str
    cells: list[tuple[Decimal, Decimal]]  # (plan, actual) per month


def plan_vs_actual_by_product(account_id: int, months: list[date]) -> list[ProductRow]:
    """Monthly plan against actual quantity, one row per product and spec."""
    if not months:
        return []
    first, after = months[0], add_months(months[-1], 1)
    table: dict[tuple[str, str], dict[date, list[Decimal]]] = {}
    for plan in db.session.scalars(
        sa.select(SalesPlan).where(
            SalesPlan.account_id == account_id,
            SalesPlan.month >= first,
            SalesPlan.month < after,
        )
    ):
        cell = table.setdefault((plan.product, plan.spec), {}).setdefault(plan.month, [ZERO, ZERO])
        cell[0] += plan.quantity
    for day, product, spec, quantity in db.session.execute(
        sa.select(Purchase.purchased_on, Purchase.product, Purchase.spec, Purchase.quantity).where(
            Purchase.account_id == account_id,
            Purchase.purchased_on >= first,
            Purchase.purchased_on < after,
        )
    ):
        cell = table.setdefault((product, spec), {}).setdefault(month_start(day), [ZERO, ZERO])
        cell[1] += quantity
    return [
        ProductRow(product, spec, [tuple(by_month.get(m, (ZERO, ZERO))) for m in months])
        for (product, spec), by_month in sorted(table.items())
    ]


@dataclass
class Records:
    account: Account
    months: list[MonthFigures]
    products: list[ProductRow]
    purchases: list[Purchase]
    payments: list[Payment]
    expenses: list[SalesExpense]
    purchase_total: Decimal
    payment_total: Decimal
    arrears: Decimal
    available_credit: Decimal
    settled_total: Decimal = ZERO  # settled at purchase, of purchase_total

    @property
    def unsettled_total(self) -> Decimal:
        """Purchases not settled when bought: what the payments pay off."""
        return self.purchase_total - self.settled_total

    @property
    def overpaid(self) -> Decimal:
        """Payments beyond what was owed (arrears never go below zero)."""
        return max(self.payment_total - self.unsettled_total, ZERO)


def account_records(user: User, account: Account, months: int = 12, limit: int = 200) -> Records:
    """Everything the records tab shows; `account` was already fetched through get_account."""
    from webapp.contracts.service import available_credit  # contracts sit below sales

    today = local_today()
    first = add_months(month_start(today), -(months - 1))
    figures = monthly_plan_vs_actual(account.id, first, today)
    purchases = list(
        db.session.scalars(
            sa.select(Purchase)
            .where(Purchase.account_id == account.id)
            .order_by(Purchase.purchased_on.desc(), Purchase.id.desc())
            .limit(limit)
        )
    )
    payments = list(
        db.session.scalars(
            sa.select(Payment)
            .where(Payment.account_id == account.id)
            .order_by(Payment.paid_on.desc(), Payment.id.desc())
            .limit(limit)
        )
    )
    expenses = list(
        db.session.scalars(
            sa.select(SalesExpense)
            .where(SalesExpense.account_id == account.id)
            .order_by(SalesExpense.spent_on.desc())
            .limit(limit)
        )
    )
    purchase_total, settled_total = (
        _fen(fen)
        for fen in db.session.execute(
            sa.select(fen_sum(Purchase.amount), fen_sum(Purchase.settled)).where(
                Purchase.account_id == account.id
            )
        ).one()
    )
    payment_total = _fen(
        db.session.scalar(
            sa.select(fen_sum(Payment.amount)).where(Payment.account_id == account.id)
        )
    )
    return Records(
        account=account,
        months=figures,
        products=plan_vs_actual_by_product(account.id, [m.month for m in figures]),
        purchases=purchases,
        payments=payments,
        expenses=expenses,
        purchase_total=purchase_total,
        payment_total=payment_total,
        settled_total=settled_total,
        arrears=account_arrears(account.id),
        available_credit=available_credit(account),
    )


def accounts_in_scope(user: User) -> sa.Select:
    return sa.select(Account.id).where(account_scope(user))


def days_ago(days: int) -> date:
    return local_today() - timedelta(days=days)
