"""Security headers on every response (OWASP Secure Headers; a small after_request rather than
a library: the rules below are the whole of it, and pages, fragments and downloads differ only
in Cache-Control).

The policy allows scripts only from our own origin: no inline scripts or handlers (behaviour
lives in static/js/app.js), htmx configured in base.html's meta tag not to inject styles or
evaluate code. Styles allow inline `style` attributes, which cannot run code."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HSTS = "max-age=31536000; includeSubDomains"

# Added unless a view set its own (e.g. the e-mail link pages' Referrer-Policy: no-referrer).
ALWAYS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),  # for browsers without frame-ancestors
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
# Validators and expiry that would let a cache keep a copy of a page or download.
CACHE_HEADERS = ("expires", "etag", "last-modified")


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    # One pass over the names already set (werkzeug's setdefault scans the list per header).
    present = {name.lower() for name, _value in headers.items()}
    for name, value in ALWAYS:
        if name.lower() not in present:
            headers.add(name, value)
    secure = request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE")
    if secure and "strict-transport-security" not in present:
        # Secure cookies mean the site is served over HTTPS, usually behind a proxy that the
        # app sees as plain HTTP; browsers ignore HSTS that arrives over plain HTTP anyway.
        headers.add("Strict-Transport-Security", HSTS)
    if request.endpoint != "static":
        # Pages, fragments and downloads carry clients' data: no copy in any cache, and the
        # back button after sign-out does not show them again.
        headers["Cache-Control"] = "no-store"
        for name in CACHE_HEADERS:
            if name in present:
                del headers[name]
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
