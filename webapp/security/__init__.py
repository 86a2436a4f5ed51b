"""Hardening that every request passes through, wired by `init_app` before any area:

- `headers`: Content-Security-Policy, frame-ancestors, nosniff, Referrer-Policy, HSTS over
  HTTPS, `Cache-Control: no-store` on everything the app itself answers.
- `inputs`: ids beyond what the database stores answer 404 at routing; text with control
  characters (NUL and the like) is refused with a message before any view sees it.
- `outage`: a database that is down or too slow answers a friendly 503 with Retry-After, logged
  once per outage; the next request after it comes back works again by itself.

SECURITY.md maps every promise to the test that proves it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.security import headers, inputs, outage

    inputs.init_app(app)
    headers.init_app(app)
    outage.init_app(app)
