"""Job records: each piece of work handed to the background runner is a `Job` row, written
before the queue sees it, so its state (queued, running, retrying, done, failed), attempts,
last error and progress survive any process and show to the user who started it. The queue
only carries the job's id and plain arguments.

A job the queue refused (Redis down) stays QUEUED with `enqueued=False`; one whose worker died
stays RUNNING. `sweep` hands both to the queue again; every task is idempotent (an import
claims its batch, a mail its outbox row), so a second run does no second write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context

from webapp.common.timeutil import utcnow
from webapp.extensions import db
from webapp.jobs.models import Job, JobState
from webapp.ops.logs import carry_request_id, current_request_id

log = logging.getLogger(__name__)
ERROR_LIMIT = 2000


def subject_of(args: tuple[Any, ...] | list[Any]) -> str:
    return ":".join(str(a) for a in args)[:200]


def _starter_id() -> int | None:
    if not has_request_context():
        return None
    from flask_login import current_user

    return current_user.id if getattr(current_user, "is_authenticated", False) else None


def record(name: str, args: tuple[Any, ...], max_attempts: int) -> int:
    """Write the job row (its own short transaction: `submit` runs after the caller's commit)."""
    job = Job(
        name=name,
        args=list(args),
        subject=subject_of(args),
        user_id=_starter_id(),
        max_attempts=max_attempts,
        request_id=current_request_id(),
    )
    db.session.add(job)
    db.session.commit()
    return job.id


def _update(job_id: int, **values: Any) -> None:
    db.session.execute(sa.update(Job).where(Job.id == job_id).values(updated_at=utcnow(), **values))
    db.session.commit()


def mark_enqueued(job_id: int) -> None:
    _update(job_id, enqueued=True)


def execute(job_id: int, fn: Callable[..., Any], args: tuple[Any, ...], retries_left: int) -> Any:
    """Run `fn(*args)` as job `job_id` (inside an app context): the row says running, then
    done, or retrying/failed with the error; the exception goes on to the queue (which retries)."""
    job = db.session.get(Job, job_id)
    if job is None:  # a message from another database's queue (a shared queue file or name)
        log.warning("job %s is not in this database; skipped", job_id)
        return None
    if job.state is JobState.DONE:
        return None  # handed out twice (a sweep after a slow start): the first run did it
    _update(
        job_id,
        state=JobState.RUNNING,
        attempts=Job.attempts + 1,
        enqueued=True,
        started_at=utcnow(),
    )
    try:
        with carry_request_id(job.request_id):
            result = fn(*args)
    except Exception as error:
        log.exception("job %s (%s) failed [request %s]", job_id, job.name, job.request_id)
        db.session.rollback()
        state = JobState.RETRYING if retries_left > 0 else JobState.FAILED
        text = f"{type(error).__name__}: {error}"[:ERROR_LIMIT]
        _update(job_id, state=state, last_error=text, finished_at=None)
        raise
    _update(job_id, state=JobState.DONE, finished_at=utcnow())
    return result


def set_progress(job_id: int, text: str) -> None:
    """A task may say how far it got (also a heartbeat: `sweep` leaves a fresh job alone)."""
    _update(job_id, progress=text[:200])


def latest(name: str, *args: Any) -> Job | None:
    """The newest job of task `name` for these arguments (e.g. the import of batch 12)."""
    return db.session.scalars(
        sa.select(Job)
        .where(Job.name == name, Job.subject == subject_of(args))
        .order_by(Job.id.desc())
        .limit(1)
    ).first()


def stranded(now=None) -> list[Job]:
    """Jobs to hand to the queue again: never accepted by it (it was down) and a few seconds
    old, or running with no sign of life for JOB_STALE_SECONDS (their worker died)."""
    now = now or utcnow()
    stale = timedelta(seconds=float(current_app.config.get("JOB_STALE_SECONDS", 300)))
    return list(
        db.session.scalars(
            sa.select(Job)
            .where(
                sa.or_(
                    sa.and_(
                        Job.state == JobState.QUEUED,
                        Job.enqueued.is_(False),
                        Job.created_at < now - timedelta(seconds=2),
                    ),
                    sa.and_(Job.state == JobState.RUNNING, Job.updated_at < now - stale),
                )
            )
            .order_by(Job.id)
            .limit(200)
        )
    )


def requeue(job: Job) -> None:
    _update(job.id, state=JobState.QUEUED, enqueued=False)
