"""E-mail through SMTP (smtplib), when MAIL_SERVER is configured.

Messages are built in the request (they need the database, translations and templates) and
written to the outbox (`outbox.py`) in the same transaction as what they tell of; a background
job sends them after the commit, so a slow or unreachable mail server never holds or fails a
request, and a crash loses nothing. With MAIL_SYNC they go out right after the commit, in this
process (tests, CLI); `wait_for_mail` waits for the outbox to empty.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app

from webapp.extensions import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpSettings:
    server: str
    port: int
    use_tls: bool
    use_ssl: bool
    username: str | None
    password: str | None
    timeout: float = 15.0


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def _settings() -> SmtpSettings:
    config = current_app.config
    use_ssl = bool(config.get("MAIL_USE_SSL"))
    return SmtpSettings(
        server=config["MAIL_SERVER"],
        port=int(config.get("MAIL_PORT") or (465 if use_ssl else 25)),
        use_tls=bool(config.get("MAIL_USE_TLS")),
        use_ssl=use_ssl,
        username=config.get("MAIL_USERNAME") or None,
        password=config.get("MAIL_PASSWORD") or None,
    )


def build_message(to: str, to_name: str | None, subject: str, text: str, html: str) -> EmailMessage:
    """A plain-text message with an HTML alternative, from MAIL_FROM."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config.get("MAIL_FROM") or "keydesk@localhost"
    message["To"] = formataddr((to_name, to)) if to_name else to
    message["Message-ID"] = make_msgid(domain="keydesk")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def queue(messages: list[EmailMessage]) -> None:
    """Put `messages` in the outbox, in the caller's transaction (sent after its commit)."""
    if not messages or not mail_enabled():
        return
    from webapp.notifications import outbox

    outbox.queue(messages)


def send(messages: list[EmailMessage]) -> None:
    """Put `messages` in the outbox and commit: for callers whose event is already committed.
    With MAIL_SYNC they are sent before this returns. Does nothing without MAIL_SERVER."""
    if not messages or not mail_enabled():
        return
    queue(messages)
    db.session.commit()


def smtp_settings() -> SmtpSettings:
    return _settings()


def open_smtp(settings: SmtpSettings) -> smtplib.SMTP:
    """An SMTP connection, signed in, ready to send (use it in a `with`)."""
    if settings.use_ssl:
        smtp = smtplib.SMTP_SSL(
            settings.server,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    try:
        if settings.use_tls and not settings.use_ssl:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def deliver(settings: SmtpSettings, messages: list[EmailMessage]) -> int:
    """Send over one SMTP connection now, bypassing the outbox (diagnostics); returns how many
    were accepted. Never raises."""
    sent = 0
    try:
        with open_smtp(settings) as smtp:
            for message in messages:
                try:
                    smtp.send_message(message)
                    sent += 1
                except smtplib.SMTPException:
                    log.exception("mail to %s refused", message["To"])
    except (OSError, smtplib.SMTPException):
        log.exception("mail server %s:%s unavailable", settings.server, settings.port)
    return sent


def wait_for_mail(timeout: float = 10.0) -> bool:
    """Wait until the outbox has nothing unsent; True when so (tests, a clean shutdown)."""
    from webapp.notifications import outbox

    deadline = time.monotonic() + timeout
    while outbox.unsent_count():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
