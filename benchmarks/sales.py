"""Sales records speed on SQLite: importing 100,000 purchase rows (CSV and .xlsx; the one-pass
CLI path, the web path's dry run plus confirm, and an idempotent re-import), and `warnings run`
over 10,000 accounts. Prints one JSON line per figure.

    .venv/bin/python benchmarks/sales.py [--accounts 10000] [--rows 100000] [--skip-xlsx]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from werkzeug.security import generate_password_hash  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.accounts.models import (  # noqa: E402
    Account,
    AccountKind,
    Channel,
    CreditGrade,
    Loyalty,
    Ownership,
    Relation,
    Stage,
)
from webapp.accounts.uscc import make_uscc  # noqa: E402
from webapp.auth.models import Department, Role, User  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.sales.importer.batches import create_batch, import_file, process_batch  # noqa: E402
from webapp.sales.models import ImportBatch, ImportKind, Purchase, RowOutcome, SalesPlan  # noqa: E402
from webapp.sales.service import add_months, month_start  # noqa: E402
from webapp.warnings import service as warnings  # noqa: E402
from webapp.warnings.models import EarlyWarning  # noqa: E402

HEADER = ["税号", "进货日期", "单号", "品种", "规格", "数量", "金额", "已结算"]
PRODUCTS = ("热轧卷板", "冷轧薄板", "镀锌板", "螺纹钢", "不锈钢板")


def emit(name: str, **figures) -> None:
    print(json.dumps({"benchmark": name, **figures}, ensure_ascii=False), flush=True)


def seed_accounts(n: int) -> tuple[User, list[str]]:
    department = Department(name="华东大客户部")
    db.session.add(department)
    db.session.flush()
    owner = User(
        username="owner", full_name="张伟", role=Role.ACCOUNT_MANAGER,
        department_id=department.id, password_hash=generate_password_hash("x", "pbkdf2:sha256:1"),
    )  # fmt: skip
    finance = User(
        username="finance", full_name="陈静", role=Role.FINANCE,
        password_hash=generate_password_hash("x", "pbkdf2:sha256:1"),
    )  # fmt: skip
    db.session.add_all([owner, finance])
    db.session.flush()
    now = datetime.now(UTC)
    taxes = [make_uscc(f"91310000{i:09d}") for i in range(1, n + 1)]
    rows = [
        dict(
            name=f"上海基准客户{i}有限公司", short_name=f"基准{i}", tax_number=taxes[i - 1],
            kind=AccountKind.ECONOMIC, relation=Relation.DOWNSTREAM, channel=Channel.TERMINAL,
            ownership=Ownership.PRIVATE, loyalty=Loyalty.LOYAL, stage=Stage.MAINTENANCE,
            value_class="A", credit_grade=CreditGrade.GREEN,
            credit_limit=Decimal(random.randrange(1, 50) * 10_000), owner_id=owner.id,
            department_id=department.id, version=1, created_at=now, updated_at=now,
            abandoned=False,
        )
        for i in range(1, n + 1)
    ]  # fmt: skip
    for start in range(0, n, 2000):
        db.session.execute(sa.insert(Account), rows[start : start + 2000])
    db.session.commit()
    return finance, taxes


def purchase_rows(taxes: list[str], n: int) -> list[list]:
    today = date.today()
    rng = random.Random(7)
    rows = []
    for i in range(n):
        day = today - timedelta(days=rng.randint(0, 720))
        quantity = rng.randint(1, 200)
        amount = quantity * rng.choice((3700, 4100, 4800, 5200))
        settled = amount if rng.random() < 0.7 else 0
        rows.append(
            [rng.choice(taxes), day.isoformat(), f"CK{i:07d}", rng.choice(PRODUCTS), "标准",
             quantity, amount, settled]
        )  # fmt: skip
    return rows


def as_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def as_xlsx(rows: list[list]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def clear_purchases() -> None:
    db.session.execute(sa.delete(Purchase))
    db.session.commit()


def timed_import(name: str, filename: str, data: bytes, user, n: int, dry_run=False) -> None:
    started = time.perf_counter()
    result = import_file(filename, data, ImportKind.PURCHASE, user, dry_run)
    seconds = time.perf_counter() - started
    emit(
        name,
        rows=n,
        seconds=round(seconds, 2),
        rows_per_s=round(n / seconds),
        new=result.counts[RowOutcome.NEW],
        unchanged=result.counts[RowOutcome.SAME],
        bad=result.counts[RowOutcome.BAD],
        limit_s=30,
        ok=seconds < 30,
    )


def web_path(data: bytes, user, n: int) -> None:
    """Upload → dry run (rows' fates stored) → confirm (checked again and written)."""
    started = time.perf_counter()
    batch = create_batch(user, "purchases.csv", data, ImportKind.PURCHASE)
    process_batch(batch.id)
    dry = time.perf_counter() - started
    db.session.execute(
        sa.update(ImportBatch).where(ImportBatch.id == batch.id).values(commit_requested=True)
    )
    db.session.commit()
    process_batch(batch.id)
    seconds = time.perf_counter() - started
    emit(
        "import_purchases_web_dry_run_then_confirm",
        rows=n,
        dry_run_s=round(dry, 2),
        seconds=round(seconds, 2),
        rows_per_s=round(n / seconds),
        limit_s=30,
        ok=seconds < 30,
    )


def seed_plans(n_accounts: int) -> None:
    month = add_months(month_start(date.today()), -1)
    ids = list(db.session.scalars(sa.select(Account.id)))
    rows = [
        dict(account_id=i, month=month, product=PRODUCTS[i % 5], spec="标准",
             quantity=Decimal(100), natural_key=f"bench-plan-{i}",
             updated_at=datetime.now(UTC))
        for i in ids[: n_accounts // 2]
    ]  # fmt: skip
    db.session.execute(sa.insert(SalesPlan), rows)
    db.session.commit()


def warnings_run(n_accounts: int) -> None:
    for label in ("first", "again"):
        started = time.perf_counter()
        summary = warnings.evaluate()
        seconds = time.perf_counter() - started
        emit(
            f"warnings_run_{label}",
            accounts=n_accounts,
            purchases=db.session.scalar(sa.select(sa.func.count()).select_from(Purchase)),
            raised=summary.raised,
            updated=summary.updated,
            holding=summary.holding,
            warnings=db.session.scalar(sa.select(sa.func.count()).select_from(EarlyWarning)),
            seconds=round(seconds, 2),
            limit_s=10,
            ok=seconds < 10,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-xlsx", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            }
        )
        with app.app_context():
            db.create_all()
            finance, taxes = seed_accounts(args.accounts)
            rows = purchase_rows(taxes, args.rows)
            data = as_csv(rows)
            timed_import("import_purchases_csv_dry_run", "p.csv", data, finance, args.rows, True)
            timed_import("import_purchases_csv", "p.csv", data, finance, args.rows)
            timed_import("reimport_same_csv_changes_nothing", "p.csv", data, finance, args.rows)
            clear_purchases()
            web_path(data, finance, args.rows)
            if not args.skip_xlsx:
                clear_purchases()
                workbook = as_xlsx(rows)
                timed_import("import_purchases_xlsx", "p.xlsx", workbook, finance, args.rows)
            seed_plans(args.accounts)
            warnings_run(args.accounts)
            db.engine.dispose()


if __name__ == "__main__":
    main()
