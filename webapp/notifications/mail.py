"""E-mail through SMTP (smtplib), when MAIL_SERVER is configured.

Messages are built in the request (they need the database, translations and templates) and
handed to a daemon thread that only talks SMTP, so a slow or unreachable mail server never
holds a request and never fails one: errors are logged. Nothing is kept on the app server but
that thread; a message lost with a crashing process is lost (the in-app notification remains).
With MAIL_SYNC the messages go out before the call returns (tests, CLI); `wait_for_mail` joins
the threads still sending.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app

log = logging.getLogger(__name__)
_sending: set[threading.Thread] = set()
_lock = threading.Lock()


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


def send(messages: list[EmailMessage]) -> None:
    """Send `messages` after the caller's commit: in a daemon thread, or now with MAIL_SYNC.
    Does nothing when no MAIL_SERVER is configured."""
    if not messages or not mail_enabled():
        return
    settings = _settings()
    if current_app.config.get("MAIL_SYNC"):
        deliver(settings, messages)
        return
    thread = threading.Thread(
        target=_deliver_and_forget, args=(settings, messages), name="keydesk-mail", daemon=True
    )
    with _lock:
        _sending.add(thread)
    thread.start()


def _deliver_and_forget(settings: SmtpSettings, messages: list[EmailMessage]) -> None:
    try:
        deliver(settings, messages)
    finally:
        with _lock:
            _sending.discard(threading.current_thread())


def deliver(settings: SmtpSettings, messages: list[EmailMessage]) -> int:
    """Send over one SMTP connection; returns how many were accepted. Never raises."""
    sent = 0
    try:
        if settings.use_ssl:
            smtp = smtplib.SMTP_SSL(
                settings.server,
                settings.port,
                timeout=settings.timeout,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
        with smtp:
            if settings.use_tls and not settings.use_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            for message in messages:
                try:
                    smtp.send_message(message)
                    sent += 1
                except smtplib.SMTPException:
                    log.exception("mail to %s refused", message["To"])
    except (OSError, smtplib.SMTPException):
        log.exception("mail server %s:%s unavailable", settings.server, settings.port)
    if sent:
        log.info("sent %d of %d mail(s)", sent, len(messages))
    return sent


def wait_for_mail(timeout: float = 10.0) -> bool:
    """Join the threads still sending; True when none is left (tests, a clean shutdown)."""
    with _lock:
        threads = list(_sending)
    for thread in threads:
        thread.join(timeout)
    return not any(t.is_alive() for t in threads)
