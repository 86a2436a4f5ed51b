"""Trusted reverse proxies: how many hops of X-Forwarded-* headers to believe.

Behind nginx (deploy/nginx/keydesk.conf) one proxy adds X-Forwarded-For/-Proto/-Host, so
`KEYDESK_PROXY_HOPS=1` makes `request.remote_addr` the client's address and `url_for(...,
_external=True)` use the public scheme and host. Each header may be set apart
(`KEYDESK_PROXY_FOR`, `_PROTO`, `_HOST`, `_PREFIX`). Without them (the default, 0) no header
is believed: a client could otherwise claim any address by sending X-Forwarded-For itself.
"""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

HEADERS = ("for", "proto", "host", "prefix")


def _count(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 10:
        raise RuntimeError(f"{name} must be a number of proxies from 0 to 10, not {raw!r}")
    return int(raw)


def hop_counts() -> dict[str, int]:
    """The hops to trust per header, from the environment."""
    hops = _count("KEYDESK_PROXY_HOPS", 0)
    counts = {"for": hops, "proto": hops, "host": hops, "prefix": 0}
    for header in HEADERS:
        counts[header] = _count(f"KEYDESK_PROXY_{header.upper()}", counts[header])
    return counts


def init_app(app: Flask) -> None:
    counts = app.config.get("PROXY_HOPS") or hop_counts()
    if any(counts.values()):
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=counts["for"],
            x_proto=counts["proto"],
            x_host=counts["host"],
            x_prefix=counts["prefix"],
        )
