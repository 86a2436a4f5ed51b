"""The app refuses to start in production with a configuration that is unsafe there.

Production is `KEYDESK_ENV=production` (the systemd units and `gunicorn.conf.py` set it). There
the SECRET_KEY must come from the environment, be at least 32 characters and not a placeholder
of the samples, and debug and testing must be off. `create_app` raises `UnsafeConfiguration`,
whose message says what to change; gunicorn and `flask` then exit with a non-zero status.
"""

from __future__ import annotations

import os

from flask import Flask

MIN_SECRET_LENGTH = 32
# Keys found in samples and tutorials: never a production key whatever their length.
PLACEHOLDERS = ("change-me", "changeme", "replace-me", "secret", "dev", "test-secret")


class UnsafeConfiguration(RuntimeError):
    """Production was asked for with a configuration that is not safe to serve."""


def is_production() -> bool:
    return os.environ.get("KEYDESK_ENV", "").strip().lower() == "production"


def problems(app: Flask) -> list[str]:
    """What is unsafe in `app`'s configuration for production (empty: nothing)."""
    found = []
    key = str(app.config.get("SECRET_KEY") or "")
    if not os.environ.get("SECRET_KEY", "").strip():
        found.append(
            "SECRET_KEY is not set in the environment (every app server must share one key);"
            " generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    elif len(key) < MIN_SECRET_LENGTH:
        found.append(f"SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters")
    elif key.lower().startswith(PLACEHOLDERS):
        found.append("SECRET_KEY is the placeholder of a sample; generate a random one")
    if app.debug or os.environ.get("FLASK_DEBUG", "").strip().lower() in {"1", "true", "yes"}:
        found.append("debug is on (unset FLASK_DEBUG): it shows code and allows running it")
    if app.testing:
        found.append("TESTING is on")
    return found


def refuse_unsafe(app: Flask) -> None:
    if not is_production():
        return
    found = problems(app)
    if found:
        raise UnsafeConfiguration(
            "KeyDesk refuses to start in production (KEYDESK_ENV=production): " + "; ".join(found)
        )
