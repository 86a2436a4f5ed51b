"""The jobs layer without a consumer: job records and their states, the sweep's choice of
stranded jobs, Huey storage from the configuration, periodic registrations, and the outbox's
claims (no row is handed to two senders; a lease that ran out is taken again)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.web.test_mail import free_port
from webapp import create_app, jobs
from webapp.common.background import register_task
from webapp.common.timeutil import utcnow
from webapp.extensions import db
from webapp.jobs import service
from webapp.jobs.models import Job, JobState
from webapp.jobs.queue import HueyRunner, register_periodic
from webapp.notifications import outbox
from webapp.notifications.models import OutboxMail


def boom():
    raise ValueError("the ERP file server is down")


def test_a_job_records_attempts_and_ends_done(app):
    job_id = service.record("t.ok", (1, "x"), max_attempts=3)
    assert service.execute(job_id, lambda a, b: f"{a}{b}", (1, "x"), 2) == "1x"
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    assert job.state is JobState.DONE and job.attempts == 1 and job.finished_at
    assert service.latest("t.ok", 1, "x").id == job_id


@pytest.mark.parametrize(("left", "state"), [(2, JobState.RETRYING), (0, JobState.FAILED)])
def test_a_failing_job_says_retrying_or_failed_with_its_error(app, left, state):
    job_id = service.record("t.boom", (), max_attempts=3)
    with pytest.raises(ValueError):
        service.execute(job_id, boom, (), left)
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    assert job.state is state and job.is_failed
    assert job.last_error == "ValueError: the ERP file server is down"


def test_a_job_already_done_is_not_run_again(app):
    job_id = service.record("t.once", (), max_attempts=1)
    calls = []
    service.execute(job_id, lambda: calls.append(1), (), 0)
    service.execute(job_id, lambda: calls.append(1), (), 0)
    assert calls == [1]


def test_the_sweep_picks_jobs_the_queue_never_took_and_those_whose_worker_died(app):
    old = utcnow() - timedelta(minutes=10)
    fresh = Job(name="t", args=[], subject="", state=JobState.QUEUED)
    refused = Job(name="t", args=[], subject="", state=JobState.QUEUED, created_at=old)
    taken = Job(name="t", args=[], subject="", enqueued=True, created_at=old)
    dead = Job(name="t", args=[], subject="", state=JobState.RUNNING, updated_at=old)
    alive = Job(name="t", args=[], subject="", state=JobState.RUNNING)
    done = Job(name="t", args=[], subject="", state=JobState.DONE, updated_at=old)
    db.session.add_all([fresh, refused, taken, dead, alive, done])
    db.session.commit()
    assert {j.id for j in service.stranded()} == {refused.id, dead.id}


def test_the_thread_runner_has_no_queue_to_sweep(app):
    assert jobs.queue_reachable() and jobs.sweep() == 0


def test_storage_comes_from_the_configuration(tmp_path):
    from huey import PriorityRedisHuey, SqliteHuey

    base = {"TESTING": True, "SECRET_KEY": "t", "QUEUE": "huey"}
    embedded = create_app({**base, "QUEUE_PATH": str(tmp_path / "q.sqlite3")})
    with embedded.app_context():
        assert isinstance(jobs.runner().huey, SqliteHuey) and jobs.queue_reachable()
    dead = create_app({**base, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/5"})
    with dead.app_context():
        assert isinstance(jobs.runner().huey, PriorityRedisHuey)
        assert not jobs.queue_reachable()
    with pytest.raises(RuntimeError):
        create_app({**base, "QUEUE": "celery"})


def test_registered_tasks_and_periodic_jobs_become_huey_tasks(tmp_path):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "t", "QUEUE": "huey", "QUEUE_PATH": str(tmp_path / "q")}
    )
    register_task(app, "t.echo", print)
    register_periodic(app, "t.tick", print, minute="*/5")
    with pytest.raises(ValueError):
        register_periodic(app, "t.tick", repr, minute="*")
    runner: HueyRunner = app.extensions["keydesk.background"]
    runner.prepare(app)
    runner.prepare(app)  # idempotent
    periodic = {t.name for t in runner.huey._registry.periodic_tasks}
    assert {"jobs.sweep", "mail.sweep", "warnings.run", "t.tick"} <= periodic
    assert {"sales.import", "mail.send", "t.echo"} <= set(runner._tasks)


def _row(n: int) -> OutboxMail:
    return OutboxMail(message_id=f"<{n}@keydesk>", recipient=f"p{n}@x", subject="s", raw=b"x")


def test_outbox_claims_never_overlap_and_a_lapsed_lease_is_taken_again(app):
    db.session.add_all([_row(n) for n in range(5)])
    db.session.commit()
    first = outbox.claim(limit=3)
    second = outbox.claim(limit=3)
    assert len(first) == 3 and len(second) == 2 and not set(first) & set(second)
    assert outbox.claim() == []
    db.session.execute(
        sa.update(OutboxMail)
        .where(OutboxMail.id == first[0])
        .values(claimed_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()
    assert outbox.claim() == [first[0]]


def test_a_rolled_back_event_leaves_no_mail(app):
    from email.message import EmailMessage

    message = EmailMessage()
    message["To"], message["Subject"], message["Message-ID"] = "a@x", "s", "<1@keydesk>"
    message.set_content("x")
    outbox.queue([message])
    db.session.rollback()
    assert outbox.unsent_count() == 0


def test_a_job_from_another_database_is_skipped(app):
    calls = []
    assert service.execute(987654, lambda: calls.append(1), (), 0) is None
    assert calls == []
