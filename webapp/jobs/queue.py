"""The task queue behind `common.background`: Huey.

Storage from the configuration: without REDIS_URL an embedded `SqliteHuey` file in the instance
folder (one machine, no server); with REDIS_URL a `PriorityRedisHuey` every app server and
worker shares. Each task registered with `background.register_task` becomes a Huey task of the
same name, carrying the job id and the plain arguments; periodic jobs registered with
`register_periodic` run in the consumer started with periodic work on (`flask worker`, one
machine only: `--no-periodic` on the others).

Huey (and with it its Redis and PostgreSQL storage modules) is imported when the runner first
touches its queue, not when the app is created: a process that submits no job (a one-off
`flask render`, a migration) does not load it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask

from webapp.common.background import TASKS, task_function
from webapp.extensions import db
from webapp.jobs import service

if TYPE_CHECKING:
    from huey.api import Huey

log = logging.getLogger(__name__)
PERIODIC = "keydesk.periodic"


def register_periodic(app: Flask, name: str, fn: Callable[[], Any], **schedule: str) -> None:
    """Run `fn()` (in an app context) on a crontab schedule, in UTC: `minute="*/5"`,
    `hour="18", minute="0"` … (Huey's `crontab` fields). A name is registered once."""
    periodic = app.extensions.setdefault(PERIODIC, {})
    if name in periodic and periodic[name][0] is not fn:
        raise ValueError(f"periodic job {name!r} is registered twice")
    periodic[name] = (fn, schedule)


def make_huey(app: Flask) -> Huey:
    from huey import PriorityRedisHuey, SqliteHuey

    config = app.config
    name = config.get("QUEUE_NAME") or "keydesk"
    url = config.get("REDIS_URL")
    if url:
        from redis import ConnectionPool

        pool = ConnectionPool.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        return PriorityRedisHuey(name, connection_pool=pool, results=False, utc=True)
    path = config.get("QUEUE_PATH") or str(Path(app.instance_path) / "queue.sqlite3")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=path, results=False, utc=True, timeout=10)


class HueyRunner:
    """The runner of an app whose background work goes through Huey."""

    def __init__(self, app: Flask, huey: Huey | None = None):
        self._app = app
        if huey is not None:
            self.huey = huey
        self.retries = int(app.config.get("JOB_RETRIES", 3))
        self.retry_delay = int(app.config.get("JOB_RETRY_DELAY", 10))
        self._tasks: dict[str, Any] = {}
        self._periodic: set[str] = set()

    @cached_property
    def huey(self) -> Huey:
        """The queue, made when first used (see the module docstring)."""
        return make_huey(self._app)

    def prepare(self, app: Flask) -> None:
        """Make every registered task and periodic job known to Huey (idempotent)."""
        from huey import crontab

        for name in app.extensions.get(TASKS, {}):
            self._task(app, name)
        for name, (fn, schedule) in app.extensions.get(PERIODIC, {}).items():
            if name not in self._periodic:
                self._periodic.add(name)
                self.huey.periodic_task(crontab(**schedule), name=name)(_periodic(app, name, fn))

    def _task(self, app: Flask, name: str):
        if name not in self._tasks:
            retries = self.retries

            def run(job_id: int, *args: Any, task=None) -> None:
                left = task.retries if task is not None else 0
                with app.app_context():
                    try:
                        service.execute(job_id, task_function(app, name), args, left)
                    finally:
                        db.session.remove()

            self._tasks[name] = self.huey.task(
                retries=retries,
                retry_delay=self.retry_delay,
                retry_backoff=2,
                context=True,
                name=name,
            )(run)
        return self._tasks[name]

    def submit(self, app: Flask, name: str, args: tuple[Any, ...]) -> None:
        job_id = service.record(name, args, max_attempts=self.retries + 1)
        self.enqueue(app, job_id, name, args)

    def enqueue(self, app: Flask, job_id: int, name: str, args: tuple[Any, ...]) -> bool:
        """Hand the job to Huey; a queue that is down is logged and the job waits in the
        database for `sweep` (fail soft: the request that started it still succeeds)."""
        try:
            self._task(app, name)(job_id, *args)
        except Exception:
            log.warning("queue unavailable; job %s (%s) waits for the sweep", job_id, name)
            return False
        service.mark_enqueued(job_id)
        return True

    def reachable(self) -> bool:
        try:
            self.huey.pending_count()
        except Exception:
            return False
        return True


class RecordingThreadRunner:
    """Without a queue (tests, `KEYDESK_QUEUE=thread`): a daemon thread in this process, still
    with a job record so pages show the same state."""

    def submit(self, app: Flask, name: str, args: tuple[Any, ...]) -> None:
        import threading

        with app.app_context():
            job_id = service.record(name, args, max_attempts=1)
            service.mark_enqueued(job_id)

        def run() -> None:
            with app.app_context():
                try:
                    service.execute(job_id, task_function(app, name), args, 0)
                except Exception:
                    log.exception("background job %s (%s) failed", job_id, name)
                finally:
                    db.session.remove()

        threading.Thread(target=run, name=f"keydesk-{name}", daemon=True).start()

    def reachable(self) -> bool:
        return True


def _periodic(app: Flask, name: str, fn: Callable[[], Any]):
    def run() -> None:
        with app.app_context():
            try:
                fn()
            except Exception:
                log.exception("periodic job %s failed", name)
                raise
            finally:
                db.session.remove()

    run.__name__ = name.replace(".", "_")
    return run
