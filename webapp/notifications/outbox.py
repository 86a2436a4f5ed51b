"""The transactional outbox: e-mail is a row written in the same transaction as what it tells
of (`queue`), sent after the commit by a background job (`send_pending`, the `mail.send` task)
and, for anything a crash left unsent, by the periodic `mail.sweep`.

Exactly once, as far as SMTP allows: a sender claims rows with a lease (PostgreSQL: `FOR UPDATE
SKIP LOCKED` under one UPDATE; SQLite: the same UPDATE, atomic under its write lock), sends each,
and marks it sent right after the server accepted it. Only a crash between the server's "250"
and that commit can repeat a mail, and then with the same Message-ID.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import parseaddr

import sqlalchemy as sa
from blinker import Signal
from flask import current_app

from webapp.common.events import after_commit
from webapp.common.timeutil import utcnow
from webapp.extensions import db
from webapp.notifications.models import OutboxMail

log = logging.getLogger(__name__)
mail_queued = Signal("mail-queued")  # after a commit that wrote outbox rows
MAX_ATTEMPTS = 10
BATCH = 50


def queue(messages: list[EmailMessage]) -> None:
    """Write `messages` into the outbox in the caller's transaction; they go out after its
    commit (and never if it rolls back)."""
    if not messages:
        return
    for message in messages:
        db.session.add(
            OutboxMail(
                message_id=str(message["Message-ID"]),
                recipient=parseaddr(str(message["To"]))[1],
                subject=str(message["Subject"] or "")[:300],
                raw=message.as_bytes(policy=SMTP),
            )
        )
    waiting = db.session().info.get("keydesk.after_commit", [])
    if not any(signal is mail_queued for signal, _s, _k in waiting):
        after_commit(mail_queued, None)


def on_mail_queued(_sender, **_kw) -> None:
    """After the commit: send now with MAIL_SYNC, else hand the sending to the queue."""
    if current_app.config.get("MAIL_SYNC"):
        sweep()  # never raises: the rows wait for the next sweep
        return
    from webapp.common import background

    try:
        background.submit("mail.send")
    except Exception:  # the rows wait for the sweep; the event itself is committed
        log.exception("could not start sending mail; the outbox sweep will")


def _lease() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("OUTBOX_LEASE_SECONDS", 300)))


def claim(limit: int = BATCH) -> list[int]:
    """Take up to `limit` unsent rows nobody holds (or whose holder's lease ran out)."""
    now, token = utcnow(), uuid.uuid4().hex
    free = sa.and_(
        OutboxMail.sent_at.is_(None),
        OutboxMail.attempts < MAX_ATTEMPTS,
        sa.or_(OutboxMail.claimed_at.is_(None), OutboxMail.claimed_at < now - _lease()),
    )
    candidates = sa.select(OutboxMail.id).where(free).order_by(OutboxMail.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        # lock the chosen rows until this commit; rows another sender holds are skipped (an
        # IN (subquery … LIMIT … SKIP LOCKED) may be rescanned by the planner and take more)
        chosen = list(db.session.scalars(candidates.with_for_update(skip_locked=True)))
    else:
        chosen = candidates.scalar_subquery()  # one UPDATE: atomic under SQLite's write lock
    db.session.execute(
        sa.update(OutboxMail)
        .where(OutboxMail.id.in_(chosen), free)
        .values(claimed_at=now, claim=token, attempts=OutboxMail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            sa.select(OutboxMail.id).where(OutboxMail.claim == token).order_by(OutboxMail.id)
        )
    )


def _mark(row_id: int, **values) -> None:
    db.session.execute(sa.update(OutboxMail).where(OutboxMail.id == row_id).values(**values))
    db.session.commit()


def send_pending() -> int:
    """Send every unsent row this process can claim; returns how many went out. Raises when
    the mail server cannot be reached (the job retries; the rows are released)."""
    from webapp.notifications import mail

    if not mail.mail_enabled():
        return 0
    sent = 0
    while ids := claim():
        sent += _send_rows(mail.smtp_settings(), ids)
    return sent


def _send_rows(settings, ids: list[int]) -> int:
    from webapp.notifications import mail

    delay = float(current_app.config.get("TEST_MAIL_DELAY") or 0)
    sender = parseaddr(current_app.config.get("MAIL_FROM") or "")[1] or "keydesk@localhost"
    sent = 0
    try:
        with mail.open_smtp(settings) as smtp:
            for row_id in ids:
                row = db.session.get(OutboxMail, row_id)
                try:
                    smtp.sendmail(sender, [row.recipient], row.raw)
                except smtplib.SMTPException as error:
                    # kept claimed: tried again when the lease runs out, not in this loop
                    log.warning("mail %s to %s refused: %s", row_id, row.recipient, error)
                    _mark(row_id, last_error=str(error)[:2000])
                    continue
                _mark(row_id, sent_at=utcnow(), last_error=None)
                sent += 1
                if delay:  # a test hook: slow sending, so a test can kill the worker mid-way
                    time.sleep(delay)
    except (OSError, smtplib.SMTPException) as error:
        db.session.rollback()
        db.session.execute(
            sa.update(OutboxMail)
            .where(OutboxMail.id.in_(ids), OutboxMail.sent_at.is_(None))
            .values(claimed_at=None, claim=None, last_error=str(error)[:2000])
        )
        db.session.commit()
        raise
    if sent:
        log.info("sent %d mail(s)", sent)
    return sent


def sweep() -> int:
    """The periodic catch-up: rows a crash or an outage left unsent (their lease ran out)."""
    try:
        return send_pending()
    except (OSError, smtplib.SMTPException):
        log.warning("mail server unavailable; the outbox waits", exc_info=True)
        return 0


def unsent_count() -> int:
    """Unsent rows as committed now (a fresh connection, not this session's snapshot)."""
    with db.engine.begin() as conn:
        query = sa.select(sa.func.count()).select_from(OutboxMail)
        return conn.execute(query.where(OutboxMail.sent_at.is_(None))).scalar_one()
