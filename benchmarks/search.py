"""Global search speed with 10,000 accounts (and their contacts, contracts, requests and
proposals from the demo data) on SQLite, and the 10,000-row account export.
Prints one JSON line per figure (server time measured around the WSGI call).

    .venv/bin/python benchmarks/search.py [--accounts 10000] [--n 200] [--db PATH]

Queries mix pinyin initials (`hdjt`-style, 4 letters), full pinyin, Chinese name fragments,
USCC fragments and phone fragments, as the top bar's htmx active search sends them (5 hits per
kind) and as the full results page (20 per kind)."""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp import create_app, demo  # noqa: E402
from webapp.accounts.models import Account, Contact  # noqa: E402
from webapp.accounts.service import account_scope  # noqa: E402
from webapp.auth.models import User  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.lists.exports import build_file  # noqa: E402
from webapp.lists.registry import list_spec  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(client, urls, headers=None, cpu=None):
    """Wall time of each request (ms); with `cpu` (a list), the process's CPU time too (the
    test client runs the app in this process, so that is the server's CPU)."""
    timings = []
    for url in urls:
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers or {})
        timings.append((time.perf_counter() - start) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


KINDS = ("initials", "full_pinyin", "chinese", "uscc", "phone")  # queries() cycles through them


def report_kinds(name, role, data, timings, cpu):
    """p50/p95 of wall and CPU time per kind of query."""
    for k, kind in enumerate(KINDS):
        wall = timings[k :: len(KINDS)]
        used = cpu[k :: len(KINDS)]
        line = {
            "benchmark": f"{name}.{kind}",
            "role": role,
            "n": len(wall),
            "p50_ms": round(statistics.median(wall), 2),
            "p95_ms": round(percentile(wall, 95), 2),
            "cpu_p50_ms": round(statistics.median(used), 2),
            "cpu_p95_ms": round(percentile(used, 95), 2),
        }
        print(json.dumps(line, ensure_ascii=False), flush=True)


def report(name, role, data, timings, **extra):
    line = {
        "benchmark": name,
        "role": role,
        **data,
        "n": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "max_ms": round(max(timings), 2),
        **extra,
    }
    print(json.dumps(line, ensure_ascii=False), flush=True)


def queries(rng, accounts, n):
    out = []
    for i in range(n):
        a = rng.choice(accounts)
        words = a.search_key.split()
        kind = i % 5
        if kind == 0:
            out.append(words[-1][:4])  # initials of the short name
        elif kind == 1:
            out.append(words[0][:8])  # full pinyin
        elif kind == 2:
            out.append((a.short_name or a.name)[:2])
        elif kind == 3:
            out.append(a.tax_number[4:12])
        else:
            out.append((a.phone or "021")[-6:])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=10000)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--db", help="a database the demo data was loaded into before (reused)")
    args = parser.parse_args()
    rng = random.Random(16)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.db or tmp + '/bench.sqlite3'}",
                "WTF_CSRF_ENABLED": False,
                "SESSION_COOKIE_SECURE": False,
                "EXPORT_BACKGROUND_ROWS": 100_000,
            }
        )
        with app.app_context():
            db.create_all()
            demo.load(n_accounts=args.accounts, seed=1, if_empty=True, echo=lambda _m: None)
            data = {
                "accounts": db.session.scalar(sa.select(sa.func.count()).select_from(Account)),
                "contacts": db.session.scalar(sa.select(sa.func.count()).select_from(Contact)),
            }
            visible = {}
            for username in ("zhangwei", "lina", "zhaomin"):
                user = db.session.scalar(sa.select(User).where(User.username == username))
                visible[username] = list(
                    db.session.scalars(sa.select(Account).where(account_scope(user)))
                )
        gc.collect()
        gc.freeze()
        for username, role in (
            ("zhangwei", "account_manager"),
            ("lina", "supervisor"),
            ("zhaomin", "executive"),
        ):
            client = app.test_client()
            client.post("/login", data={"username": username, "password": demo.PASSWORD})
            urls = [f"/search?q={q}" for q in queries(rng, visible[username], args.n)]
            cpu = []
            timings = measure(client, urls, {"HX-Request": "true"}, cpu)
            report(
                "search.top_bar_htmx",
                role,
                data,
                timings,
                target_p95_ms=50,
                cpu_p50_ms=round(statistics.median(cpu), 2),
                cpu_p95_ms=round(percentile(cpu, 95), 2),
            )
            report_kinds("search.top_bar_htmx", role, data, timings, cpu)
            cpu = []
            timings = measure(client, urls, cpu=cpu)
            report(
                "search.results_page",
                role,
                data,
                timings,
                target_p95_ms=50,
                cpu_p50_ms=round(statistics.median(cpu), 2),
                cpu_p95_ms=round(percentile(cpu, 95), 2),
            )
        client = app.test_client()
        client.post("/login", data={"username": "zhaomin", "password": demo.PASSWORD})
        for fmt in ("xlsx", "csv"):
            cpu = []
            timings = measure(client, [f"/accounts/?export={fmt}"] * 3, cpu=cpu)
            report(
                f"exports.accounts_{fmt}_http",
                "executive",
                data,
                timings,
                target_max_ms=5000,
                cpu_max_ms=round(max(cpu), 1),
            )
        with app.test_request_context():
            user = db.session.scalar(sa.select(User).where(User.username == "zhaomin"))
            start, start_cpu = time.perf_counter(), time.process_time()
            built = build_file(list_spec("accounts"), user, {}, "xlsx")
            elapsed = (time.perf_counter() - start) * 1000
            used = (time.process_time() - start_cpu) * 1000
            print(
                json.dumps(
                    {
                        "benchmark": "exports.accounts_xlsx_build",
                        "rows": data["accounts"],
                        "ms": round(elapsed, 1),
                        "cpu_ms": round(used, 1),
                        "bytes": len(built.content),
                        "target_ms": 5000,
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
