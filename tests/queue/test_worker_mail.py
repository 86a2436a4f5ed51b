"""E-mail through the outbox and a real consumer: the rows are written with their event, a
worker sends them to a local aiosmtpd sink; killed in the middle of sending, the next worker
sends the rest and every mail arrives once."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from tests.queue.conftest import count, wait_for
from tests.web.test_mail import SUPPORT, Inbox, free_port
from webapp.approvals import service as approvals
from webapp.approvals.models import RequestType
from webapp.extensions import db
from webapp.jobs.models import Job, JobState
from webapp.notifications import mail
from webapp.notifications.models import OutboxMail

pytestmark = pytest.mark.queue


@pytest.fixture
def sink(app):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_FROM="keydesk@example.com",
        MAIL_SYNC=False,
    )
    yield inbox
    controller.stop()


def test_filing_a_request_mails_through_the_outbox_and_the_worker(app, world, sink, workers):
    world.supervisor.email = "supervisor@example.com"
    db.session.commit()
    with app.test_request_context():
        approvals.file_request(world.owner, world.account.id, RequestType.SUPPORT, SUPPORT)
    assert count(OutboxMail) == 1 and count(OutboxMail, OutboxMail.sent_at.is_(None)) == 1
    assert sink.messages == []  # nothing goes out in the request
    workers.start()
    wait_for(lambda: count(OutboxMail, OutboxMail.sent_at.isnot(None)) == 1, workers=workers)
    wait_for(lambda: len(sink.messages) == 1, what="the mail")
    assert sink.to("supervisor@example.com")
    wait_for(lambda: count(Job, Job.name == "mail.send", Job.state == JobState.DONE) == 1)


def test_a_worker_killed_mid_send_leaves_each_mail_sent_once(app, world, sink, workers):
    with app.test_request_context():
        messages = [
            mail.build_message(f"p{n}@example.com", None, f"Mail {n}", "text", "<p>html</p>")
            for n in range(4)
        ]
        mail.send(messages)  # four outbox rows, one commit
    slow = workers.start(periodic=False, KEYDESK_TEST_MAIL_DELAY=30)
    wait_for(lambda: len(sink.messages) >= 1, what="the first mail", workers=workers)
    # killed between two mails: the first is accepted and marked, three wait. (Between the
    # server's "250" and that mark, milliseconds, a kill would repeat the mail, with the same
    # Message-ID: SMTP cannot do better; outbox.py says so.)
    wait_for(lambda: count(OutboxMail, OutboxMail.sent_at.isnot(None)) == 1, what="the mark")
    workers.kill(slow)
    assert len(sink.messages) == 1
    time.sleep(1.2)  # the dead worker's claims and its job go stale
    workers.start()
    wait_for(lambda: len(sink.messages) == 4, what="the other mails", workers=workers)
    time.sleep(1.0)  # anything sent twice would arrive now
    ids = [m["Message-ID"] for _rcpt, m in sink.messages]
    assert len(ids) == 4 and len(set(ids)) == 4
    assert sorted(r[0] for r, _m in sink.messages) == [f"p{n}@example.com" for n in range(4)]
    assert count(OutboxMail, OutboxMail.sent_at.is_(None)) == 0


def test_a_failing_job_is_retried_with_backoff_and_its_state_shows(app, world, workers):
    """The mail server is down: the send job fails, says so (retrying, the error), and a
    later attempt (1 s, then 2 s…) delivers once the server is up."""
    from aiosmtpd.controller import Controller

    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SYNC=False)
    with app.test_request_context():
        mail.send([mail.build_message("a@example.com", None, "Hello", "text", "<p>x</p>")])
    workers.start(periodic=False)  # only the job's own retries (no sweep racing it)
    retrying = sa.select(Job).where(Job.name == "mail.send", Job.state == JobState.RETRYING)
    wait_for(lambda: scalar_row(retrying), what="a retrying job", workers=workers)
    job = scalar_row(retrying)
    assert job.attempts >= 1 and "Connection refused" in job.last_error
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        wait_for(lambda: len(inbox.messages) == 1, what="the retried mail", workers=workers)
        done = sa.select(Job).where(Job.name == "mail.send", Job.state == JobState.DONE)
        wait_for(lambda: scalar_row(done), what="the job done")
        assert scalar_row(done).attempts >= 2
    finally:
        controller.stop()


def scalar_row(query):
    db.session.rollback()  # a fresh snapshot
    return db.session.scalars(query).first()
