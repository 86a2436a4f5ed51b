"""Contract editor speed: the edit page of a 200-line contract and a line-item recompute,
with 20,000 contracts in the database (SQLite). Prints one JSON line per figure.

    .venv/bin/python benchmarks/contracts.py [--contracts 20000] [--lines 200] [--n 200]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

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
from webapp.contracts.models import (  # noqa: E402
    ClauseKey,
    Contract,
    ContractClause,
    ContractLine,
    ContractStatus,
)
from webapp.contracts.standard_text import BUILT_IN  # noqa: E402
from webapp.extensions import db  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(name, timings, **extra):
    ms = [t * 1000 for t in timings]
    print(
        json.dumps(
            {
                "benchmark": name,
                "n": len(ms),
                "p50_ms": round(statistics.median(ms), 2),
                "p95_ms": round(percentile(ms, 95), 2),
                "max_ms": round(max(ms), 2),
                **extra,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def seed(n_contracts: int, n_lines: int) -> tuple[int, int]:
    now = datetime.now(UTC)
    department = Department(name="华东大客户部")
    db.session.add(department)
    db.session.flush()
    manager = User(
        username="bench",
        full_name="基准",
        role=Role.ACCOUNT_MANAGER,
        department_id=department.id,
        password_hash=generate_password_hash("bench-password", "pbkdf2:sha256:1000"),
    )
    db.session.add(manager)
    db.session.flush()
    accounts = [
        dict(
            name=f"基准客户{i}有限公司",
            short_name=f"基准{i}",
            tax_number=make_uscc(f"91310000{i:09d}"),
            kind=AccountKind.ECONOMIC,
            relation=Relation.DOWNSTREAM,
            channel=Channel.TERMINAL,
            ownership=Ownership.PRIVATE,
            loyalty=Loyalty.LOYAL,
            stage=Stage.MAINTENANCE,
            credit_grade=CreditGrade.GREEN,
            credit_limit=Decimal("5000000.00"),
            owner_id=manager.id,
            department_id=department.id,
            created_at=now,
            updated_at=now,
            version=1,
            value_class="A",
            abandoned=False,
        )
        for i in range(1, 501)
    ]
    db.session.execute(sa.insert(Account), accounts)
    rng = random.Random(7)
    statuses = list(ContractStatus)
    batch = []
    for i in range(1, n_contracts + 1):
        batch.append(
            dict(
                number=f"HT-2025-{i:05d}",
                account_id=rng.randint(1, 500),
                owner_id=manager.id,
                department_id=department.id,
                status=rng.choice(statuses),
                title="购销合同",
                tax_rate=Decimal("13.00"),
                total=Decimal(rng.randint(10_000, 5_000_000)),
                effective_on=date(2025, 1, 1),
                expires_on=date(2026, 12, 31),
                version=1,
                created_at=now,
                updated_at=now,
                we_sell=True,
                dist_exclusive=False,
                over_credit=False,
                deviates=False,
            )
        )
        if len(batch) == 5000:
            db.session.execute(sa.insert(Contract), batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(Contract), batch)
    contract = Contract(
        number="HT-2026-00001",
        account_id=1,
        owner_id=manager.id,
        department_id=department.id,
        status=ContractStatus.DRAFT,
        title="购销合同（200 行）",
        client_name="基准客户1有限公司",
    )
    for key in ClauseKey:
        contract.clauses.append(ContractClause(key=key, text=BUILT_IN[key], standard_version=0))
    for n in range(1, n_lines + 1):
        quantity, price = Decimal(rng.randint(1, 500)), Decimal(rng.randint(100, 99999)) / 100
        contract.lines.append(
            ContractLine(
                position=n,
                product=f"冷轧钢板{n}",
                brand="宝钢",
                spec=f"{n % 9 + 1}.0mm×1250",
                unit="吨",
                quantity=quantity,
                unit_price=price,
                amount=(quantity * price).quantize(Decimal("0.01")),
            )
        )
    contract.total = sum((line.amount for line in contract.lines), Decimal("0"))
    db.session.add(contract)
    db.session.commit()
    return contract.id, db.session.scalar(sa.select(sa.func.count()).select_from(Contract))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=20000)
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "WTF_CSRF_ENABLED": False,
                "SESSION_COOKIE_SECURE": False,
            }
        )
        with app.app_context():
            db.create_all()
            contract_id, total = seed(args.contracts, args.lines)
        # Requests run outside the seeding context, each with its own session, and with the
        # start-up heap frozen as webapp/wsgi.py does for the production workers.
        gc.collect()
        gc.freeze()
        client = app.test_client()
        client.post("/login", data={"username": "bench", "password": "bench-password"})
        edit_url = f"/contracts/{contract_id}/edit"
        page = client.get(edit_url)
        assert page.status_code == 200, page.status_code
        form = {
            f"lines-{i}-{k}": v
            for i in range(args.lines)
            for k, v in (
                ("product", f"冷轧钢板{i}"),
                ("brand", "宝钢"),
                ("spec", "2.0mm"),
                ("unit", "吨"),
                ("quantity", str(i % 50 + 1)),
                ("unit_price", f"{(i * 37) % 9000 + 100}.25"),
            )
        }
        timings = []
        for _ in range(args.n):
            start = time.perf_counter()
            response = client.get(edit_url)
            timings.append(time.perf_counter() - start)
        report(
            "contracts.edit_page",
            timings,
            contracts=total,
            lines=args.lines,
            bytes=len(response.data),
            target_p95_ms=80,
        )
        # Encode the 1,200-field form once: the figure is server time, not the test client's.
        body = urlencode({**form, "action": "recompute"})
        timings = []
        for _ in range(args.n):
            start = time.perf_counter()
            response = client.post(
                "/contracts/lines",
                data=body,
                headers={
                    "HX-Request": "true",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200
        report(
            "contracts.recompute_partial",
            timings,
            contracts=total,
            lines=args.lines,
            bytes=len(response.data),
            target_p95_ms=20,
        )
        timings = []
        for _ in range(args.n):
            start = time.perf_counter()
            client.get("/contracts/?stage=in_approval&min_total=100000&page=2")
            timings.append(time.perf_counter() - start)
        report("contracts.list_filtered", timings, contracts=total)


if __name__ == "__main__":
    main()
