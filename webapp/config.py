"""Configuration read from the environment.

Every setting a deployment may need to change comes from an environment variable; nothing
secret lives in code. App servers stay stateless: sessions are signed cookies, login throttling
and everything else lives in the database, so several gunicorn workers on one PostgreSQL work.
"""

from __future__ import annotations

import os
import secrets
from decimal import Decimal
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'keydesk.sqlite3'}"
    # Heroku-style URLs and bare postgresql:// both mean psycopg 3 here.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment; for a single-machine install, a key kept in instance/.

    Several app servers must share one key, so production sets SECRET_KEY explicitly.
    """
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


class Config:
    """Production defaults; each can be overridden from the environment."""

    TESTING = False
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    PAGE_SIZE = 25
    # A service & support request above this budget also needs the executive (DOMAIN.md).
    SUPPORT_EXECUTIVE_THRESHOLD = Decimal("50000.00")
    # Login throttling: this many failures inside the window lock the name for LOCK_MINUTES.
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    LOGIN_LOCK_MINUTES = 15
    # PostgreSQL: give up connecting after this many seconds, and cancel a statement running
    # longer than this (0: never); either answers the friendly 503 rather than hanging.
    DB_CONNECT_TIMEOUT_SECONDS = 5
    DB_STATEMENT_TIMEOUT_MS = 30_000


def environment_config(instance_path: Path, given: dict) -> dict:
    """Settings read from the environment, for those the caller did not give explicitly."""
    values: dict = {}
    if "SECRET_KEY" not in given:
        values["SECRET_KEY"] = _secret_key(instance_path)
    if "SQLALCHEMY_DATABASE_URI" not in given:
        values["SQLALCHEMY_DATABASE_URI"] = _database_url(instance_path)
    secure = _bool("KEYDESK_SECURE_COOKIES", True)
    values["SESSION_COOKIE_SECURE"] = secure
    values["REMEMBER_COOKIE_SECURE"] = secure
    values["CONTRACT_EXPIRY_WINDOW_DAYS"] = int(
        os.environ.get("KEYDESK_CONTRACT_EXPIRY_DAYS", "").strip() or 30
    )
    threshold = os.environ.get("KEYDESK_SUPPORT_EXECUTIVE_THRESHOLD", "").strip()
    if threshold:
        try:
            values["SUPPORT_EXECUTIVE_THRESHOLD"] = Decimal(threshold).quantize(Decimal("0.01"))
        except ArithmeticError:
            raise RuntimeError(
                f"KEYDESK_SUPPORT_EXECUTIVE_THRESHOLD must be an amount in yuan, not {threshold!r}"
            ) from None
    for name, variable in (
        ("DB_CONNECT_TIMEOUT_SECONDS", "KEYDESK_DB_CONNECT_TIMEOUT"),
        ("DB_STATEMENT_TIMEOUT_MS", "KEYDESK_DB_STATEMENT_TIMEOUT_MS"),
    ):
        if os.environ.get(variable, "").strip():
            values[name] = int(os.environ[variable])
    if os.environ.get("KEYDESK_DASHBOARD_CACHE_SECONDS", "").strip():  # dashboard/snapshot.py
        values["DASHBOARD_CACHE_SECONDS"] = int(os.environ["KEYDESK_DASHBOARD_CACHE_SECONDS"])
    if os.environ.get("KEYDESK_PRERENDER_PDF", "").strip():  # contracts/prerender.py
        values["CONTRACT_PDF_PRERENDER"] = _bool("KEYDESK_PRERENDER_PDF", True)
    values.update(_mail_config())
    values.update(_queue_config())
    return values


def _queue_config() -> dict:
    """Background jobs (webapp/jobs): KEYDESK_QUEUE `huey` (default) or `thread`; REDIS_URL
    selects Redis storage shared by several servers, else an embedded SQLite file
    (KEYDESK_QUEUE_PATH, default instance/queue.sqlite3). The test hooks slow an import or a
    mail down so a test can kill a worker in the middle."""
    values: dict = {}
    for name, variable in (
        ("QUEUE", "KEYDESK_QUEUE"),
        ("REDIS_URL", "REDIS_URL"),
        ("QUEUE_NAME", "KEYDESK_QUEUE_NAME"),
        ("QUEUE_PATH", "KEYDESK_QUEUE_PATH"),
    ):
        if os.environ.get(variable, "").strip():
            values[name] = os.environ[variable].strip()
    for name, variable in (
        ("JOB_STALE_SECONDS", "KEYDESK_JOB_STALE_SECONDS"),
        ("JOB_RETRIES", "KEYDESK_JOB_RETRIES"),
        ("JOB_RETRY_DELAY", "KEYDESK_JOB_RETRY_DELAY"),
        ("IMPORT_STALE_SECONDS", "KEYDESK_IMPORT_STALE_SECONDS"),
        ("OUTBOX_LEASE_SECONDS", "KEYDESK_OUTBOX_LEASE_SECONDS"),
        ("TEST_IMPORT_DELAY", "KEYDESK_TEST_IMPORT_DELAY"),
        ("TEST_MAIL_DELAY", "KEYDESK_TEST_MAIL_DELAY"),
    ):
        if os.environ.get(variable, "").strip():
            values[name] = float(os.environ[variable])
    return values


def engine_options(config) -> dict:
    """SQLAlchemy engine options for the configured database: PostgreSQL connections get the
    connect and statement timeouts (psycopg's `connect_timeout`, the server's
    `statement_timeout`)."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", int(config["DB_CONNECT_TIMEOUT_SECONDS"]))
        timeout = int(config["DB_STATEMENT_TIMEOUT_MS"])
        if timeout:
            connect_args.setdefault("options", f"-c statement_timeout={timeout}")
        options["connect_args"] = connect_args
    return options


def _mail_config() -> dict:
    """E-mail (notifications): off unless MAIL_SERVER is set. KEYDESK_BASE_URL is the address
    people open KeyDesk at (scheme and host), for links in e-mails."""
    env = {name: os.environ.get(name, "").strip() for name in MAIL_VARIABLES}
    use_ssl = _bool("MAIL_USE_SSL", False)
    return {
        "MAIL_SERVER": env["MAIL_SERVER"] or None,
        "MAIL_PORT": int(env["MAIL_PORT"] or (465 if use_ssl else 25)),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": use_ssl,
        "MAIL_USERNAME": env["MAIL_USERNAME"] or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_FROM": env["MAIL_FROM"] or env["MAIL_USERNAME"] or "keydesk@localhost",
        "MAIL_SYNC": _bool("MAIL_SYNC", False),  # send before answering (tests, debugging)
        "MAIL_LINK_HOURS": float(env["KEYDESK_MAIL_LINK_HOURS"] or 72),
        "BASE_URL": env["KEYDESK_BASE_URL"] or None,
    }


MAIL_VARIABLES = (
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_FROM",
    "KEYDESK_MAIL_LINK_HOURS",
    "KEYDESK_BASE_URL",
)
