"""The task queue's overhead: a one-row sales import submitted through `background.submit`
until its batch is DONE (dry run and import in one job), on a real consumer process. The
embedded default (SqliteHuey in a file, SQLite database) unless --redis is given. Target:
p50 < 200 ms on the embedded default. Prints one JSON line per figure.

    .venv/bin/python benchmarks/queue_overhead.py [--runs 30] [--redis redis://127.0.0.1:6379/5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from webapp import create_app  # noqa: E402
from webapp.common import background  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.jobs import service as jobs  # noqa: E402
from webapp.sales.importer.batches import create_batch  # noqa: E402
from webapp.sales.models import BatchStatus, ImportBatch, ImportKind  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from sales import as_csv, seed_accounts  # noqa: E402


def emit(name: str, **figures) -> None:
    print(json.dumps({"benchmark": name, **figures}, ensure_ascii=False), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--redis", default="")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="keydesk-queue-bench-"))
    config = {
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
        "QUEUE": "huey",
        "QUEUE_PATH": str(folder / "queue.sqlite3"),
    }
    if args.redis:
        config.update(REDIS_URL=args.redis, QUEUE_NAME=f"keydesk-bench-{uuid.uuid4().hex[:8]}")
    app = create_app(config)
    env = dict(
        os.environ,
        DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY="bench",
        KEYDESK_QUEUE="huey",
        KEYDESK_QUEUE_PATH=config["QUEUE_PATH"],
        PYTHONPATH=str(ROOT),
    )
    if args.redis:
        env.update(REDIS_URL=args.redis, KEYDESK_QUEUE_NAME=config["QUEUE_NAME"])
    with app.app_context():
        db.create_all()
        finance, taxes = seed_accounts(10)
        data = as_csv([[taxes[0], "2026-03-05", "CK1", "钢材", "Q235", 1, 1000, 0]])
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "webapp", "worker", "-w", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            runs = [run_once(finance, data, n) for n in range(args.runs + 3)][3:]  # warm-up
        finally:
            worker.terminate()
            worker.wait(10)
    storage = "redis" if args.redis else "sqlite (embedded)"
    for name, values in (
        ("one_row_import_enqueue_to_done", [total for total, _work in runs]),
        ("import_task_itself", [work for _total, work in runs]),
        ("queue_overhead_without_the_task", [total - work for total, work in runs]),
    ):
        emit(
            f"queue_overhead.{name}",
            storage=storage,
            runs=len(values),
            p50_ms=round(statistics.median(values), 1),
            p95_ms=round(sorted(values)[int(len(values) * 0.95) - 1], 1),
            max_ms=round(max(values), 1),
            target_p50_ms=200,
        )


def run_once(finance, data: bytes, n: int) -> tuple[float, float]:
    """(enqueue to done, the task's own run time from its job record), in ms."""
    batch = create_batch(finance, f"one-{n}.csv", data, ImportKind.PURCHASE)
    batch.commit_requested = True  # the dry run and the import in the one job
    db.session.commit()
    started = time.perf_counter()
    background.submit("sales.import", batch.id)
    deadline = started + 30
    query = sa.select(ImportBatch.status).where(ImportBatch.id == batch.id)
    while time.perf_counter() < deadline:
        with db.engine.connect() as connection:
            if connection.execute(query).scalar() is BatchStatus.DONE:
                total = (time.perf_counter() - started) * 1000
                break
        time.sleep(0.002)
    else:
        raise RuntimeError(f"batch {batch.id} not done within 30 s")
    job = jobs.latest("sales.import", batch.id)
    while job.finished_at is None:  # the job row is marked done right after the batch
        time.sleep(0.002)
        db.session.commit()  # a new snapshot (expires the row)
    return total, (job.finished_at - job.started_at).total_seconds() * 1000


if __name__ == "__main__":
    main()
