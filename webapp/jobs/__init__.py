"""Background jobs: the task queue (Huey) behind `common.background`, job records users see,
periodic jobs, `flask worker` and `flask jobs sweep`.

`queue_reachable()` answers whether the queue's storage answers (for `/readyz`).
"""

from __future__ import annotations

from flask import Flask, current_app


def init_app(app: Flask) -> None:
    """Choose the runner (KEYDESK_QUEUE: `huey`, the default, or `thread`), register the
    sweep that re-queues stranded jobs (each minute) and the worker commands."""
    from webapp.common.background import set_runner
    from webapp.jobs import cli, queue
    from webapp.ops.health import register_readiness_check

    kind = app.config.get("QUEUE") or ("thread" if app.config.get("TESTING") else "huey")
    if kind == "huey":
        set_runner(app, queue.HueyRunner(app))
    elif kind == "thread":
        set_runner(app, queue.RecordingThreadRunner())
    else:
        raise RuntimeError(f"KEYDESK_QUEUE must be 'huey' or 'thread', not {kind!r}")
    queue.register_periodic(app, "jobs.sweep", sweep, minute="*")
    register_readiness_check(app, "queue", _queue_check)
    app.cli.add_command(cli.worker_command)
    app.cli.add_command(cli.jobs_group)


def runner():
    from webapp.common.background import RUNNER

    return current_app.extensions.get(RUNNER)


def queue_reachable() -> bool:
    """True when the queue answers (always for the thread runner): for `/readyz`."""
    found = runner()
    return bool(found is None or found.reachable())


def _queue_check() -> tuple[bool, str]:
    if queue_reachable():
        return True, "ok"
    return False, "the task queue does not answer; jobs wait in the database until it does"


def sweep() -> int:
    """Hand stranded jobs to the queue again (it was down, or their worker died); returns how
    many the queue took. Runs each minute in the periodic worker, and at every worker start."""
    from webapp.jobs import service

    found = runner()
    if found is None or not hasattr(found, "enqueue"):
        return 0
    taken = 0
    for job in service.stranded():
        name, args, job_id = job.name, tuple(job.args or ()), job.id
        service.requeue(job)
        taken += found.enqueue(current_app._get_current_object(), job_id, name, args)
    return taken
