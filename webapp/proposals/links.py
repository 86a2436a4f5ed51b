"""Tokens of the client links: a random key (unguessable) signed with the app's secret (so a
changed or made-up token is recognised before the database is asked).

The URL is /p/<token>, token = the key and its signature. The database keeps only the key; a copy
of the database without SECRET_KEY cannot produce a working link.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from itsdangerous import BadSignature, Signer

SALT = "keydesk.proposal-link"
KEY_BYTES = 32  # 256 bits of randomness, 43 URL-safe characters


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def _signer() -> Signer:
    return Signer(
        current_app.config["SECRET_KEY"], salt=SALT, sep=".", digest_method=hashlib.sha256
    )


def token_for(key: str) -> str:
    return _signer().sign(key).decode("ascii")


def key_from(token: str) -> str | None:
    """The key inside a token whose signature is right; None for anything else."""
    if not token or len(token) > 200 or not token.isascii():
        return None
    try:
        key = _signer().unsign(token).decode("ascii")
    except BadSignature:
        return None
    # Base64 ignores the low bits of the signature's last character, so a few altered tokens
    # still verify; only the one canonical spelling of a link is accepted.
    if len(key) > 43 or not hmac.compare_digest(token_for(key), token):
        return None
    return key
