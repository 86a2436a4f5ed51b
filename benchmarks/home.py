"""Home page speed per role with 10,000 accounts on SQLite (issue: each home page p95 < 50 ms),
and the full lists behind its boxes. Prints one JSON line per figure (server time measured
around the WSGI call).

    .venv/bin/python benchmarks/home.py [--accounts 10000] [--n 100]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp import create_app, demo  # noqa: E402
from webapp.accounts.models import Account, Visit  # noqa: E402
from webapp.approvals.models import ApprovalRequest  # noqa: E402
from webapp.contracts.models import Contract  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.warnings import service as warnings  # noqa: E402
from webapp.warnings.models import EarlyWarning  # noqa: E402

ROLES = (
    ("zhangwei", "account_manager"),
    ("lina", "supervisor"),
    ("wangqiang", "department_head"),
    ("zhaomin", "executive"),
    ("chenjing", "finance"),
    ("liuyang", "custodian"),
)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(client, url, n):
    """Wall-clock and CPU milliseconds of each request. On a shared, busy machine the CPU time
    of this process (SQLite runs inside it) is the better estimate of an idle server's time."""
    timings, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings, cpu, len(response.data)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=10000)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument(
        "--db", default=None, help="keep the data set in this SQLite file (reused if it exists)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "bench.sqlite3"
        seeded = path.exists()
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                "WTF_CSRF_ENABLED": False,
                "SESSION_COOKIE_SECURE": False,
                "DOCUMENT_DIR": f"{tmp}/documents",
            }
        )
        with app.app_context():
            if not seeded:
                db.create_all()
                demo.load(n_accounts=args.accounts, seed=1, if_empty=False, echo=lambda _m: None)
                warnings.evaluate()
            data = {
                "accounts": count(Account),
                "visits": count(Visit),
                "requests": count(ApprovalRequest),
                "contracts": count(Contract),
                "warnings": count(EarlyWarning),
            }
        gc.collect()
        gc.freeze()  # as webapp/wsgi.py does in production workers
        for username, role in ROLES:
            client = app.test_client()
            client.post("/login", data={"username": username, "password": demo.PASSWORD})
            for name, url in (
                ("home.page", "/"),
                ("home.next_steps_list", "/next-steps"),
                ("home.warnings_list", "/open-warnings?scope=team"),
            ):
                timings, cpu, size = measure(client, url, args.n)
                print(
                    json.dumps(
                        {
                            "benchmark": name,
                            "role": role,
                            **data,
                            "n": len(timings),
                            "p50_ms": round(statistics.median(timings), 2),
                            "p95_ms": round(percentile(timings, 95), 2),
                            "max_ms": round(max(timings), 2),
                            "cpu_p50_ms": round(statistics.median(cpu), 2),
                            "cpu_p95_ms": round(percentile(cpu, 95), 2),
                            "bytes": size,
                            "target_p95_ms": 50,
                        },
                        ensure_ascii=False,
                    ),
                    flush=True,
                )


if __name__ == "__main__":
    main()
