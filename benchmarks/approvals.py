"""Approval inbox and decision speed with 50,000 requests on SQLite.
Prints one JSON line per figure (server time measured around the WSGI call).

    .venv/bin/python benchmarks/approvals.py [--requests 50000] [--n 200]

The demo data set (2,000 accounts, its users and requests) is loaded, then the requests table
is filled up to --requests with requests of all three types spread over every department and
status (a fifth still waiting, at every step). The inbox is measured for an approver and an
applicant; a decision is a real POST from the inbox (htmx) through commit and the swapped row.
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
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from webapp import create_app, demo  # noqa: E402
from webapp.accounts.models import Account  # noqa: E402
from webapp.approvals import service  # noqa: E402
from webapp.approvals.models import (  # noqa: E402
    ApprovalRequest,
    ApprovalStep,
    RequestStatus,
    RequestType,
    StepStatus,
)
from webapp.auth.models import Role, User  # noqa: E402
from webapp.extensions import db  # noqa: E402

STEPS = {
    RequestType.SUPPORT: ((Role.SUPERVISOR, "review"), (Role.DEPARTMENT_HEAD, "approve")),
    RequestType.CREDIT: (
        (Role.SUPERVISOR, "review"),
        (Role.FINANCE, "cosign"),
        (Role.DEPARTMENT_HEAD, "approve"),
    ),
    RequestType.CONTRACT: ((Role.DEPARTMENT_HEAD, "approve"),),
    # the attack plan's third step (the executive) only when expenses are high: left out here
    RequestType.ATTACK: ((Role.SUPERVISOR, "review"), (Role.DEPARTMENT_HEAD, "approve")),
}


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(name, role, data, timings, sizes, **extra):
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
                "bytes_max": max(sizes),
                **extra,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def fill(target: int, rng: random.Random) -> None:
    """Bulk-insert requests and their steps up to `target` rows."""
    have = db.session.scalar(sa.select(sa.func.count()).select_from(ApprovalRequest))
    accounts = db.session.execute(
        sa.select(Account.id, Account.owner_id, Account.department_id)
    ).all()
    users = {u.id: u for u in db.session.scalars(sa.select(User))}
    approvers = {
        (u.role, u.department_id if u.role in (Role.SUPERVISOR, Role.DEPARTMENT_HEAD) else None): u
        for u in users.values()
    }
    next_id = (db.session.scalar(sa.select(sa.func.max(ApprovalRequest.id))) or 0) + 1
    now = datetime.now(UTC)
    requests, steps = [], []
    for n in range(target - have):
        account_id, owner_id, department_id = rng.choice(accounts)
        type_ = rng.choice(list(RequestType))
        filed = now - timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1440))
        status = rng.choices(list(RequestStatus), weights=(20, 55, 10, 8, 7))[0]
        request_id = next_id + n
        requests.append(
            dict(
                id=request_id,
                number=f"BM-{request_id:08d}",
                type=type_,
                account_id=account_id,
                applicant_id=owner_id,
                department_id=department_id,
                status=status,
                round=1,
                title="基准测试申请",
                content="批量生成的申请，用于测量收件箱速度",
                amount=Decimal(rng.randint(1000, 200000)),
                filed_at=filed,
                deadline_at=filed + timedelta(days=10) if type_ is RequestType.CREDIT else None,
                decided_at=None if status is RequestStatus.PENDING else filed + timedelta(days=2),
                version=1,
            )
        )
        spec = STEPS[type_]
        open_at = rng.randrange(len(spec)) if status is RequestStatus.PENDING else None
        for position, (role, action) in enumerate(spec, start=1):
            dept = department_id if role in (Role.SUPERVISOR, Role.DEPARTMENT_HEAD) else None
            if open_at is not None:
                step_status = StepStatus.APPROVED if position - 1 < open_at else StepStatus.WAITING
            elif status is RequestStatus.APPROVED:
                step_status = StepStatus.APPROVED
            else:
                step_status = StepStatus.APPROVED if position == 1 else StepStatus.SKIPPED
            decider = approvers.get((role, dept))
            decided = step_status is StepStatus.APPROVED
            steps.append(
                dict(
                    request_id=request_id,
                    round=1,
                    position=position,
                    current=open_at is not None and position - 1 == open_at,
                    role=role,
                    action_name=action,
                    department_id=dept,
                    status=step_status,
                    due_at=filed + timedelta(days=3 * position),
                    decided_by_id=decider.id if decided and decider else None,
                    decided_at=filed + timedelta(days=position) if decided else None,
                )
            )
    for start in range(0, len(requests), 5000):
        db.session.execute(sa.insert(ApprovalRequest), requests[start : start + 5000])
    for start in range(0, len(steps), 5000):
        db.session.execute(sa.insert(ApprovalStep), steps[start : start + 5000])
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50000)
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="cProfile one inbox request")
    parser.add_argument("--db", help="keep the database in this file and reuse it next time")
    args = parser.parse_args()
    rng = random.Random(7)
    reuse = bool(args.db) and Path(args.db).exists()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.db or tmp + '/bench.sqlite3'}",
                "WTF_CSRF_ENABLED": False,
                "SESSION_COOKIE_SECURE": False,
            }
        )
        with app.app_context():
            if not reuse:
                db.create_all()
                demo.load(n_accounts=args.accounts, seed=1, if_empty=False, echo=lambda _m: None)
                fill(args.requests, rng)
            data = {
                "requests": db.session.scalar(
                    sa.select(sa.func.count()).select_from(ApprovalRequest)
                ),
                "steps": db.session.scalar(sa.select(sa.func.count()).select_from(ApprovalStep)),
            }
            lina = db.session.scalar(sa.select(User).where(User.username == "lina"))
            waiting = service.waiting_count(lina)
            # fresh requests waiting for the supervisor, one per decision measured
            manager = db.session.scalar(sa.select(User).where(User.username == "zhangwei"))
            account_ids = list(
                db.session.scalars(sa.select(Account.id).where(Account.owner_id == manager.id))
            )
            with app.test_request_context():
                to_decide = [
                    service.file_request(
                        manager,
                        rng.choice(account_ids),
                        RequestType.SUPPORT,
                        {"support_kind": "training", "content": "培训", "amount": "5000"},
                    )
                    for _ in range(args.n)
                ]
            decisions = [(r.id, r.steps[0].id) for r in to_decide]
        gc.collect()
        gc.freeze()  # as webapp/wsgi.py does in production workers
        if args.profile:
            import cProfile
            import pstats

            for username, box in (("lina", "waiting"), ("zhangwei", "filed"), ("lina", "decided")):
                client = app.test_client()
                client.post("/login", data={"username": username, "password": demo.PASSWORD})
                client.get(f"/approvals/?box={box}")
                profiler = cProfile.Profile()
                start = time.perf_counter()
                profiler.runcall(client.get, f"/approvals/?box={box}")
                print(box, round((time.perf_counter() - start) * 1000, 1), "ms", file=sys.stderr)
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
            return

        for username, role, box in (
            ("lina", "supervisor", "waiting"),
            ("zhangwei", "account_manager", "filed"),
            ("lina", "supervisor", "decided"),
        ):
            client = app.test_client()
            client.post("/login", data={"username": username, "password": demo.PASSWORD})
            timings, sizes = [], []
            for i in range(args.n):
                url = f"/approvals/?box={box}" + ("&type=credit" if i % 3 == 0 else "")
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.status_code
                sizes.append(len(response.data))
            report(
                f"approvals.inbox_{box}",
                role,
                {**data, "waiting_for_lina": waiting},
                timings,
                sizes,
                target_p95_ms=50,
            )

        client = app.test_client()
        client.post("/login", data={"username": "lina", "password": demo.PASSWORD})
        timings, sizes = [], []
        for request_id, step_id in decisions:
            start = time.perf_counter()
            response = client.post(
                f"/approvals/{request_id}/steps/{step_id}",
                data={"decision": "approve", "comment": "同意"},
                headers={"HX-Request": "true"},
            )
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
            sizes.append(len(response.data))
        report("approvals.decide_htmx", "supervisor", data, timings, sizes, target_p95_ms=30)

        timings, sizes = [], []
        for _ in range(args.n):
            start = time.perf_counter()
            response = client.get("/approvals/badge", headers={"HX-Request": "true"})
            timings.append((time.perf_counter() - start) * 1000)
            sizes.append(len(response.data))
        report("approvals.badge_poll", "supervisor", data, timings, sizes)


if __name__ == "__main__":
    main()
