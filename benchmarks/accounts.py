"""Account list and detail speed with 10,000 accounts and 50,000 contacts on SQLite.
Prints one JSON line per figure (server time measured around the WSGI call).

    .venv/bin/python benchmarks/accounts.py [--accounts 10000] [--n 200]
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
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp import create_app, demo  # noqa: E402
from webapp.accounts.models import Account, Contact  # noqa: E402
from webapp.accounts.service import account_scope  # noqa: E402
from webapp.auth.models import User  # noqa: E402
from webapp.extensions import db  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(client, urls, headers=None):
    timings, sizes = [], []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        sizes.append(len(response.data))
    return timings, sizes


def report(name, role, sizes_data, timings, sizes, **extra):
    print(
        json.dumps(
            {
                "benchmark": name,
                "role": role,
                **sizes_data,
                "n": len(timings),
                "p50_ms": round(statistics.median(timings), 2),
                "p95_ms": round(percentile(timings, 95), 2),
                "max_ms": round(max(timings), 2),
                "bytes_max": max(sizes),
                **extra,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=10000)
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(11)
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
            demo.load(n_accounts=args.accounts, seed=1, if_empty=False, echo=lambda _m: None)
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
        gc.freeze()  # as webapp/wsgi.py does in production workers
        for username, role in (
            ("zhangwei", "account_manager"),
            ("lina", "supervisor"),
            ("zhaomin", "executive"),
        ):
            client = app.test_client()
            client.post("/login", data={"username": username, "password": demo.PASSWORD})
            accounts = visible[username]
            terms = [a.short_name[:2] for a in rng.sample(accounts, min(50, len(accounts)))]
            list_urls = [
                f"/accounts/?q={rng.choice(terms)}&stage=maintenance&sort=name&page=1"
                if i % 2
                else "/accounts/?credit_grade=green&kind=economic&page=2"
                for i in range(args.n)
            ]
            report(
                "accounts.list_search_filter_page",
                role,
                data,
                *measure(client, list_urls),
                target_p95_ms=50,
            )
            report(
                "accounts.list_htmx_partial",
                role,
                data,
                *measure(client, list_urls, {"HX-Request": "true"}),
                target_p95_ms=50,
                target_bytes=15 * 1024,
            )
            ids = [rng.choice(accounts).id for _ in range(args.n)]
            report(
                "accounts.detail_page",
                role,
                data,
                *measure(client, [f"/accounts/{i}" for i in ids]),
                target_p95_ms=50,
            )
            report(
                "accounts.contacts_tab_partial",
                role,
                data,
                *measure(client, [f"/accounts/{i}/contacts" for i in ids], {"HX-Request": "true"}),
                target_bytes=15 * 1024,
            )


if __name__ == "__main__":
    main()
