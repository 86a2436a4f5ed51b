"""Plans (issue 15): the account manager's home page with the plans box, the full list of what
is due, and the calendar feed (.ics), with the demo data set plus `--items` extra service plan
items for the manager (SQLite). Prints one JSON line per figure.

    .venv/bin/python benchmarks/plans.py [--accounts 2000] [--items 500] [--n 50]
"""

from __future__ import annotations

import argparse
import json
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
from webapp.auth.models import User  # noqa: E402
from webapp.common.timeutil import local_today  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.plans import calendar  # noqa: E402
from webapp.plans.models import Frequency, ServicePlanItem  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(client, url, n):
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings, len(response.data)


def seed_items(username: str, n: int) -> int:
    """`n` more plan items of the manager's, spread over their accounts' contacts."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    contacts = db.session.execute(
        sa.select(Contact.id, Contact.account_id)
        .join(Account, Contact.account_id == Account.id)
        .where(Account.owner_id == user.id)
    ).all()
    today = local_today()
    frequencies = list(Frequency)
    db.session.add_all(
        ServicePlanItem(
            account_id=contacts[i % len(contacts)].account_id,
            contact_id=contacts[i % len(contacts)].id,
            goal="目标",
            method="方法",
            action=f"行动 {i}",
            frequency=frequencies[i % len(frequencies)],
            due_on=today + timedelta(days=i % 40 - 5),
            owner_id=user.id,
        )
        for i in range(n)
    )
    db.session.commit()
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ServicePlanItem)
        .where(ServicePlanItem.owner_id == user.id)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "WTF_CSRF_ENABLED": False,
                "SESSION_COOKIE_SECURE": False,
                "DOCUMENT_DIR": f"{tmp}/documents",
            }
        )
        with app.app_context(), app.test_request_context():
            db.create_all()
            demo.load(n_accounts=args.accounts, seed=1, if_empty=False, echo=lambda _m: None)
            items = seed_items("zhangwei", args.items)
            user = db.session.scalar(sa.select(User).where(User.username == "zhangwei"))
            token = calendar.new_address(user)
        client = app.test_client()
        client.post("/login", data={"username": "zhangwei", "password": demo.PASSWORD})
        anonymous = app.test_client()
        for name, who, url, target in (
            ("plans.home_page", client, "/", 50),
            ("plans.due_list", client, "/plans/due", None),
            ("plans.calendar_feed", anonymous, f"/calendar/{token}.ics", None),
        ):
            timings, size = measure(who, url, args.n)
            print(
                json.dumps(
                    {
                        "benchmark": name,
                        "accounts": args.accounts,
                        "plan_items_of_user": items,
                        "n": len(timings),
                        "p50_ms": round(statistics.median(timings), 2),
                        "p95_ms": round(percentile(timings, 95), 2),
                        "bytes": size,
                        "target_p95_ms": target,
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
