"""A real Huey consumer for the queue tests: `flask --app webapp worker` in a subprocess, on the
test's database and on the queue storage the test chose (an embedded SQLite file, or the
machine's Redis db 5 under a name unique to the test)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.web.conftest import login, world  # noqa: F401  (the web fixtures, for these tests)
from webapp.extensions import db

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/5"


@pytest.fixture(params=["sqlite-queue", "redis-queue"])
def storage(request, tmp_path):
    if request.param == "sqlite-queue":
        yield {"QUEUE_PATH": str(tmp_path / "queue.sqlite3")}
        return
    name = f"keydesk-q18-{uuid.uuid4().hex[:12]}"
    yield {"REDIS_URL": REDIS, "QUEUE_NAME": name}
    import redis

    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"huey.*{name}*"):
        client.delete(key)


@pytest.fixture
def app_config(app_config, storage):
    app_config.update(QUEUE="huey", SALES_IMPORT_INLINE_BYTES=0, **storage)
    return app_config


class Workers:
    """Start and stop consumer processes of the test's app."""

    def __init__(self, app, tmp_path):
        self.app, self.tmp_path, self.running, self.files = app, tmp_path, [], []

    def env(self, **extra) -> dict:
        config = self.app.config
        env = dict(os.environ)
        env.update(
            DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"],
            SECRET_KEY=config["SECRET_KEY"],
            KEYDESK_QUEUE="huey",
            KEYDESK_SECURE_COOKIES="0",
            PYTHONPATH=str(ROOT),
            KEYDESK_JOB_STALE_SECONDS="1",
            KEYDESK_IMPORT_STALE_SECONDS="1",
            KEYDESK_OUTBOX_LEASE_SECONDS="1",
            KEYDESK_JOB_RETRY_DELAY="1",
        )
        for name, variable in (
            ("REDIS_URL", "REDIS_URL"),
            ("QUEUE_NAME", "KEYDESK_QUEUE_NAME"),
            ("QUEUE_PATH", "KEYDESK_QUEUE_PATH"),
            ("MAIL_SERVER", "MAIL_SERVER"),
            ("MAIL_PORT", "MAIL_PORT"),
            ("MAIL_FROM", "MAIL_FROM"),
        ):
            if config.get(name):
                env[variable] = str(config[name])
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def start(self, periodic: bool = True, **extra) -> subprocess.Popen:
        log = open(self.tmp_path / f"worker-{len(self.running)}.log", "w")  # noqa: SIM115
        self.files.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "webapp", "worker", "-w", "2"]
            + ([] if periodic else ["--no-periodic"]),
            cwd=ROOT,
            env=self.env(**extra),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.running.append(process)
        return process

    def kill(self, process) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)
        for log in self.files:
            log.close()

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.tmp_path.glob("worker-*.log")))


@pytest.fixture
def workers(app, tmp_path):
    found = Workers(app, tmp_path)
    yield found
    found.stop_all()


def scalar(query):
    """A value as committed now (a fresh connection, not the test session's snapshot)."""
    with db.engine.begin() as connection:
        return connection.execute(query).scalar()


def wait_for(check, timeout: float = 20.0, what: str = "", workers=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}\n" + (workers.logs() if workers else ""))


def count(model, *where) -> int:
    return scalar(sa.select(sa.func.count()).select_from(model).where(*where))
