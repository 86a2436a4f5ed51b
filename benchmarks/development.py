"""Key-account development speed with 10,000 accounts, 50,000 contacts and 100,000 activities
on SQLite: the pipeline board (page and htmx swap, three roles), the duplicate check while a
lead is typed, `pool run` and the tier recompute over all accounts. One JSON line per figure.

    .venv/bin/python benchmarks/development.py [--accounts 10000] [--visits 100000] [--n 200]
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
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp import create_app, demo  # noqa: E402
from webapp.accounts.models import Account, Contact, Visit, VisitKind  # noqa: E402
from webapp.common.timeutil import local_today  # noqa: E402
from webapp.development import pool, tiers  # noqa: E402
from webapp.development.models import DevelopmentProfile  # noqa: E402
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


def report(name, data, timings=None, sizes=None, **extra):
    line = {"benchmark": name, **data, **extra}
    if timings:
        line.update(
            n=len(timings),
            p50_ms=round(statistics.median(timings), 2),
            p95_ms=round(percentile(timings, 95), 2),
            max_ms=round(max(timings), 2),
            bytes_max=max(sizes),
        )
    print(json.dumps(line, ensure_ascii=False), flush=True)


def top_up_visits(rng, target: int) -> None:
    """The demo records ~4 visits an account; add older ones up to `target`."""
    have = db.session.scalar(sa.select(sa.func.count()).select_from(Visit))
    accounts = db.session.execute(sa.select(Account.id, Account.owner_id)).all()
    today = local_today()
    rows = []
    for _ in range(max(0, target - have)):
        account_id, owner_id = rng.choice(accounts)
        rows.append(
            {
                "account_id": account_id,
                "user_id": owner_id,
                "kind": VisitKind.VISIT,
                "visited_on": today - timedelta(days=rng.randint(20, 700)),
                "summary": "例行拜访，了解近期采购计划",
                "version": 1,
            }
        )
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Visit), rows[start : start + 5000])
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=10000)
    parser.add_argument("--visits", type=int, default=100000)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--database", help="an SQLite file already holding the demo data set")
    args = parser.parse_args()
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.database or tmp + '/bench.sqlite3'}",
                "WTF_CSRF_ENABLED": False,
                "SESSION_COOKIE_SECURE": False,
            }
        )
        with app.app_context():
            if not args.database:
                db.create_all()
                demo.load(n_accounts=args.accounts, seed=1, if_empty=False, echo=lambda _m: None)
            top_up_visits(rng, args.visits)
            data = {
                "accounts": db.session.scalar(sa.select(sa.func.count()).select_from(Account)),
                "contacts": db.session.scalar(sa.select(sa.func.count()).select_from(Contact)),
                "visits": db.session.scalar(sa.select(sa.func.count()).select_from(Visit)),
            }
            names = list(db.session.scalars(sa.select(Account.name)))

            # the tier recompute over every account (one grouped query, bulk writes)
            start = time.perf_counter()
            changed = tiers.recompute()
            db.session.commit()
            report(
                "development.tier_recompute_all",
                data,
                seconds=round(time.perf_counter() - start, 2),
                changed=changed,
                target_seconds=10,
            )

            # pool run: everything back out of the pool first, a third neglected
            db.session.execute(sa.update(DevelopmentProfile).values(in_pool=False))
            ids = list(db.session.scalars(sa.select(DevelopmentProfile.account_id)))
            stale = rng.sample(ids, len(ids) // 3)
            for chunk in range(0, len(stale), 500):
                db.session.execute(
                    sa.update(DevelopmentProfile)
                    .where(DevelopmentProfile.account_id.in_(stale[chunk : chunk + 500]))
                    .values(last_contact_on=local_today() - timedelta(days=400))
                )
            db.session.commit()
            with app.test_request_context():
                start = time.perf_counter()
                result = pool.run_rule()
                seconds = time.perf_counter() - start
            report(
                "development.pool_run",
                data,
                seconds=round(seconds, 2),
                returned=result.returned,
                target_seconds=10,
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
            filters = ["", "?value_class=A", "?tier=AAA", "?owner_id=3", "?value_class=B&tier=C"]
            urls = [f"/pipeline{rng.choice(filters)}" for _ in range(args.n)]
            report(
                "development.board_page",
                {**data, "role": role},
                *measure(client, urls),
                target_p95_ms=100,
            )
            report(
                "development.board_htmx",
                {**data, "role": role},
                *measure(client, urls, {"HX-Request": "true"}),
                target_p95_ms=100,
            )
        client = app.test_client()
        client.post("/login", data={"username": "zhangwei", "password": demo.PASSWORD})
        variants = []
        for _ in range(args.n):
            name = rng.choice(names)
            kind = rng.randrange(3)
            typed = (
                name
                if kind == 0
                else name.replace("有限公司", "")
                if kind == 1
                else name + "有限责任公司"
            )
            variants.append(
                f"/leads/check?name={typed}&phone=021-{rng.randint(10000000, 99999999)}"
            )
        report(
            "development.duplicate_check",
            data,
            *measure(client, variants, {"HX-Request": "true"}),
            target_p95_ms=30,
        )


if __name__ == "__main__":
    main()
