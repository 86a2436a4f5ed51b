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


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")  # for browsers without frame-ancestors
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE"):
        # Secure cookies mean the site is served over HTTPS, usually behind a proxy that the
        # app sees as plain HTTP; browsers ignore HSTS that arrives over plain HTTP anyway.
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static":
        # Pages, fragments and downloads carry clients' data: no copy in any cache, and the
        # back button after sign-out does not show them again.
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
        headers.pop("ETag", None)
        headers.pop("Last-Modified", None)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
