"""Monthly plans, purchases, payments and sales expenses of an account, and import batches.

Every imported record carries a `natural_key` (a digest of the fields that identify it, see
`importer.kinds.KINDS`), unique per table: importing the same file twice finds every row already
there and writes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.common.enums import LabelledEnum, set_labels
from webapp.common.timeutil import utcnow
from webapp.common.types import Money, UTCDateTime, enum_column
from webapp.extensions import db


class ImportKind(LabelledEnum):
    PLAN = "plan"
    PURCHASE = "purchase"
    PAYMENT = "payment"
    EXPENSE = "expense"


class BatchStatus(LabelledEnum):
    QUEUED = "queued"  # stored, waiting for a worker
    CHECKING = "checking"  # dry run under way
    CHECKED = "checked"  # dry run done; nothing written yet
    IMPORTING = "importing"  # good rows being written (one transaction)
    DONE = "done"
    FAILED = "failed"  # the file could not be read at all (wrong columns, not a table)


class RowOutcome(LabelledEnum):
    NEW = "new"
    UPDATE = "update"
    SAME = "same"  # already imported, identical: nothing to write
    DUPLICATE = "duplicate"  # the same record appears earlier in the file
    BAD = "bad"


set_labels(
    {
        ImportKind.PLAN: _l("Sales plans"),
        ImportKind.PURCHASE: _l("Purchase records"),
        ImportKind.PAYMENT: _l("Payments"),
        ImportKind.EXPENSE: _l("Sales expenses"),
        BatchStatus.QUEUED: _l("Queued"),
        BatchStatus.CHECKING: _l("Checking"),
        BatchStatus.CHECKED: _l("Checked, not imported yet"),
        BatchStatus.IMPORTING: _l("Importing"),
        BatchStatus.DONE: _l("Imported"),
        BatchStatus.FAILED: _l("Failed"),
        RowOutcome.NEW: _l("New"),
        RowOutcome.UPDATE: _l("Update"),
        RowOutcome.SAME: _l("Unchanged"),
        RowOutcome.DUPLICATE: _l("Duplicate in file"),
        RowOutcome.BAD: _l("Error"),
    }
)


class SalesPlan(db.Model):
    """A monthly plan per client and product (seed 004: 品种、规格、数量、进度计划、销售支援)."""

    __tablename__ = "sales_plans"
    __table_args__ = (
        sa.Index("ix_sales_plans_account_month", "account_id", "month"),
        # a period's plans of every account, with what attainment sums (the dashboard reads
        # this index alone)
        sa.Index("ix_sales_plans_month_owed", "month", "account_id", "product", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column()  # the first day of the month
    product: Mapped[str] = mapped_column(sa.String(80))
    spec: Mapped[str] = mapped_column(sa.String(80), default="")
    quantity: Mapped[Decimal] = mapped_column(Money)  # two decimals, like amounts
    amount: Mapped[Decimal | None] = mapped_column(Money)
    schedule: Mapped[str | None] = mapped_column(sa.String(200))
    support: Mapped[str | None] = mapped_column(sa.String(200))
    natural_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("import_batches.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Purchase(db.Model):
    """One purchase by the client (进货时间、品种、规格、数量、金额、结账情况、欠款情况).

    `settled` is what was paid against this purchase when it was recorded; later payments are
    `Payment` rows. The account's arrears are Σ(amount − settled) − Σ payments.
    """

    __tablename__ = "purchases"
    __table_args__ = (
        sa.Index("ix_purchases_account_date", "account_id", "purchased_on"),
        # the recent purchases of every account, with what ageing sums (the dashboard's
        # receivables ageing reads this index alone)
        sa.Index("ix_purchases_date_owed", "purchased_on", "account_id", "amount", "settled"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    purchased_on: Mapped[date] = mapped_column()
    document_no: Mapped[str | None] = mapped_column(sa.String(40))
    product: Mapped[str] = mapped_column(sa.String(80))
    spec: Mapped[str] = mapped_column(sa.String(80), default="")
    quantity: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)
    settled: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    # 毛利: what the sale earned us, when the ERP export has it (the sales tier's margin lift)
    gross_profit: Mapped[Decimal | None] = mapped_column(Money)
    natural_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("import_batches.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def arrears(self) -> Decimal:
        return self.amount - self.settled


class Payment(db.Model):
    """Money received from the client (回款)."""

    __tablename__ = "payments"
    __table_args__ = (sa.Index("ix_payments_account_date", "account_id", "paid_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    paid_on: Mapped[date] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(Money)
    reference: Mapped[str | None] = mapped_column(sa.String(60))
    natural_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("import_batches.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SalesExpense(db.Model):
    """A sales expense spent on the client (seed 004 销售费用: 每一笔销售费用记入客户档案)."""

    __tablename__ = "sales_expenses"
    __table_args__ = (sa.Index("ix_sales_expenses_account_date", "account_id", "spent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"))
    spent_on: Mapped[date] = mapped_column()
    category: Mapped[str] = mapped_column(sa.String(60))
    amount: Mapped[Decimal] = mapped_column(Money)
    reference: Mapped[str | None] = mapped_column(sa.String(60))
    natural_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("import_batches.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImportBatch(db.Model):
    """An uploaded file, its dry-run result and progress. Everything lives here (the file too)
    so any app server, or the CLI, can pick the work up; no server keeps state of its own."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind | None] = mapped_column(enum_column(ImportKind))
    filename: Mapped[str] = mapped_column(sa.String(200))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(default=0)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[BatchStatus] = mapped_column(
        enum_column(BatchStatus), default=BatchStatus.QUEUED
    )
    commit_requested: Mapped[bool] = mapped_column(default=False)
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    new_rows: Mapped[int] = mapped_column(default=0)
    updated_rows: Mapped[int] = mapped_column(default=0)
    same_rows: Mapped[int] = mapped_column(default=0)
    duplicate_rows: Mapped[int] = mapped_column(default=0)
    bad_rows: Mapped[int] = mapped_column(default=0)
    header: Mapped[list | None] = mapped_column(sa.JSON)
    message: Mapped[str | None] = mapped_column(sa.Text)  # why the whole file failed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    uploaded_by: Mapped[User] = relationship()

    @property
    def good_rows(self) -> int:
        return self.new_rows + self.updated_rows

    @property
    def running(self) -> bool:
        return self.status in (BatchStatus.QUEUED, BatchStatus.CHECKING, BatchStatus.IMPORTING)

    @property
    def is_failed(self) -> bool:
        return self.status is BatchStatus.FAILED

    @property
    def is_checked(self) -> bool:
        """The dry run is done and nothing is written yet: the import waits for a confirm."""
        return self.status is BatchStatus.CHECKED

    @property
    def is_done(self) -> bool:
        return self.status is BatchStatus.DONE


class ImportRow(db.Model):
    """The fate of one row of a batch: its outcome, the account it matched, and for a bad row
    the original cells and the problems (column, reason) so it can be fixed and re-imported."""

    __tablename__ = "import_rows"

    batch_id: Mapped[int] = mapped_column(
        sa.ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True
    )
    row_number: Mapped[int] = mapped_column(primary_key=True)  # as the spreadsheet numbers it
    outcome: Mapped[RowOutcome] = mapped_column(enum_column(RowOutcome))
    account_id: Mapped[int | None] = mapped_column()
    problems: Mapped[list | None] = mapped_column(sa.JSON)  # [[column, reason], …]
    cells: Mapped[list | None] = mapped_column(sa.JSON)  # the original cells of a bad row
    # what the dry run lists beside the fate: client, date, what (product…), amount
    summary: Mapped[dict | None] = mapped_column(sa.JSON)

    @property
    def is_bad(self) -> bool:
        return self.outcome is RowOutcome.BAD
