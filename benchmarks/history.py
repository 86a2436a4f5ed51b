"""The account's history tab with 5,000 history entries, and the contract editor's live
checklist partial. Prints one JSON line per figure (server time measured around the WSGI call).

    .venv/bin/python benchmarks/history.py [--entries 5000] [--n 200] [--database-url URL]

Targets (issue 12): history tab first page p95 < 50 ms; checklist partial p95 < 20 ms.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp import create_app, demo  # noqa: E402
from webapp.accounts.models import Account, Contact  # noqa: E402
from webapp.audit import AuditEntry  # noqa: E402
from webapp.auth.models import User  # noqa: E402
from webapp.common.timeutil import utcnow  # noqa: E402
from webapp.contracts.completeness import needed_fields  # noqa: E402
from webapp.contracts.models import ClauseKey  # noqa: E402
from webapp.contracts.standard_text import BUILT_IN  # noqa: E402
from webapp.extensions import db  # noqa: E402

NEEDED = needed_fields()


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _columns(results):
    timings, sizes, cpu = zip(*results, strict=True)
    return timings, sizes, cpu


def report(name, data, timings, sizes, cpu, **extra):
    print(
        json.dumps(
            {
                "benchmark": name,
                **data,
                "n": len(timings),
                "p50_ms": round(statistics.median(timings), 2),
                "p95_ms": round(percentile(timings, 95), 2),
                "max_ms": round(max(timings), 2),
                "cpu_p50_ms": round(statistics.median(cpu), 2),
                "cpu_p95_ms": round(percentile(cpu, 95), 2),
                "load_average": round(os.getloadavg()[0], 1),
                "bytes_max": max(sizes),
                **extra,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def history_rows(account_id: int, people: list[int], contacts: list[int], count: int, rng):
    """A realistic mix: contract saves field by field and line by line, contact edits,
    approval events (some by deputies), credit changes, visits, complaint steps."""
    start = utcnow() - timedelta(days=720)
    rows = []
    version = 0
    while len(rows) < count:
        version += 1
        at = start + timedelta(minutes=len(rows) * 7)
        actor = rng.choice(people)
        kind = rng.random()
        base = {"at": at, "actor_id": actor, "account_id": account_id, "version": version}
        if kind < 0.4:
            number = f"HT-2026-{rng.randint(1, 300):05d}"
            for field, old, new in (
                ("contract.delivery_place", "上海宝山仓库", "宁波北仑港仓库"),
                ("contract.line_2", "镀锌卷 鞍钢 0.5mm · 0.5 吨 × ¥5,780.00 = ¥2,890.00",
                 "镀锌卷 鞍钢 0.5mm · 2 吨 × ¥5,780.00 = ¥11,560.00"),
                ("contract.total", "47890.99", "56560.99"),
                ("contract.clause_breach", "违约方应承担……" * 20, "违约方应赔偿……" * 20),
            ):  # fmt: skip
                rows.append({**base, "entity_type": "contract", "entity_id": 1, "action": "update",
                             "field": field, "old_value": old, "new_value": new,
                             "subject": number})  # fmt: skip
        elif kind < 0.6:
            rows.append({**base, "entity_type": "contact", "entity_id": rng.choice(contacts),
                         "action": "update", "field": "contact.reports_to_id",
                         "old_value": str(rng.choice(contacts)),
                         "new_value": str(rng.choice(contacts)), "subject": "陈总"})  # fmt: skip
            rows.append({**base, "entity_type": "contact", "entity_id": 1, "action": "update",
                         "field": "contact.decision_style", "old_value": "leader",
                         "new_value": "checker", "subject": "陈总"})  # fmt: skip
        elif kind < 0.8:
            deputy = rng.random() < 0.3
            rows.append({**base, "entity_type": "request", "entity_id": 1,
                         "action": rng.choice(["request.approve", "request.file"]),
                         "subject": f"SP-2026-{rng.randint(1, 500):05d}",
                         "on_behalf_of_id": rng.choice(people) if deputy else None,
                         "new_value": "同意，回款记录良好"})  # fmt: skip
        elif kind < 0.9:
            for field, old, new in (
                ("credit_grade", "yellow", "green"),
                ("credit_limit", "16990000.00", "20000000.00"),
            ):
                rows.append({**base, "entity_type": "account", "entity_id": account_id,
                             "action": "update", "field": field, "old_value": old,
                             "new_value": new})  # fmt: skip
        else:
            for field, new in (
                ("visit.kind", "meeting"),
                ("visit.visited_on", "2026-03-02"),
                ("visit.summary", "面谈采购计划，客户希望四月前确定年度框架合同"),
            ):
                rows.append({**base, "entity_type": "visit", "entity_id": 1, "action": "create",
                             "field": field, "old_value": None, "new_value": new,
                             "subject": "2026-03-02"})  # fmt: skip
    return rows[:count]


def checklist_form(rng) -> dict[str, str]:
    """The contract editor as posted while typing: most fields filled, a few still empty."""
    data = {
        "title": "年度购销合同", "tax_rate": "13", "delivery_time": "每月 5 日前",
        "delivery_place": "", "transport": "road", "freight_payer": "seller",
        "dist_level": "first_level", "dist_territory": "华东", "dist_products": "冷轧板",
        "dist_term": "", "settlement_method": "月结 30 天", "policy_rebate": "1%",
        "policy_annual_bonus": "", "policy_promotion": "无", "policy_advertising": "无",
        "policy_staff": "无", "signing_place": "上海", "signing_date": "2026-03-01",
        "effective_on": "2026-03-01", "expires_on": "2026-12-31",
    }  # fmt: skip
    for side in ("client", "our"):
        for name in ("name", "address", "legal_rep", "signing_rep", "contact", "phone", "bank",
                     "account_no", "tax_number"):  # fmt: skip
            data[f"{side}_{name}"] = "" if rng.random() < 0.1 else f"{side}-{name}"
    for key in ClauseKey:  # the standard wording, now and then edited
        data[f"clause_{key.value}"] = BUILT_IN[key] + (
            "另行约定。" * 10 if rng.random() < 0.2 else ""
        )
    for i in range(rng.randint(1, 12)):
        data[f"lines-{i}-product"] = "冷轧钢板"
    # what the editor posts (hx-include): the needed fields and the lines' products
    return {k: v for k, v in data.items() if k in NEEDED or k.endswith("-product")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": url,
                "WTF_CSRF_ENABLED": False,
                "SESSION_COOKIE_SECURE": False,
            }
        )
        with app.app_context():
            db.drop_all()
            db.create_all()
            demo.load(n_accounts=30, seed=1, if_empty=False, echo=lambda _m: None)
            owner = db.session.scalar(sa.select(User).where(User.username == "zhangwei"))
            account = db.session.scalar(
                sa.select(Account).where(Account.owner_id == owner.id).order_by(Account.id)
            )
            people = list(db.session.scalars(sa.select(User.id)))
            contacts = list(
                db.session.scalars(sa.select(Contact.id).where(Contact.account_id == account.id))
            ) or [1]
            rows = history_rows(account.id, people, contacts, args.entries, rng)
            for start in range(0, len(rows), 1000):
                db.session.execute(sa.insert(AuditEntry), rows[start : start + 1000])
            db.session.commit()
            data = {
                "database": db.engine.dialect.name,
                "history_entries_of_account": db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(AuditEntry)
                    .where(AuditEntry.account_id == account.id)
                ),
            }
            account_id = account.id
        gc.collect()
        gc.freeze()  # as webapp/wsgi.py does in production workers
        client = app.test_client()
        client.post("/login", data={"username": "zhangwei", "password": demo.PASSWORD})
        hx = {"HX-Request": "true"}

        def timed(call):
            """Wall time, and the CPU time of this process: on a machine shared with other
            work the wall time also counts the waits for a free core."""
            start, cpu = time.perf_counter(), time.process_time()
            response = call()
            elapsed = (time.perf_counter() - start) * 1000
            cpu_ms = (time.process_time() - cpu) * 1000
            assert response.status_code == 200, response.status_code
            return elapsed, len(response.data), cpu_ms

        for name, headers, path in (
            ("history.tab_first_page_partial", hx, f"/accounts/{account_id}/history"),
            ("history.tab_first_page_full", {}, f"/accounts/{account_id}/history"),
        ):
            results = [
                timed(lambda p=path, h=headers: client.get(p, headers=h)) for _ in range(args.n)
            ]  # noqa: E501
            report(name, data, *zip(*results, strict=True), target_p95_ms=50)
        forms = [checklist_form(rng) for _ in range(args.n)]
        results = [
            timed(lambda f=f: client.post("/contracts/checklist", data=f, headers=hx))
            for f in forms
        ]
        report("contracts.checklist_partial", data, *_columns(results), target_p95_ms=20)


if __name__ == "__main__":
    main()
