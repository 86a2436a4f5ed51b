"""One place that decides between a full page and an htmx fragment."""

from __future__ import annotations

from flask import Response, get_flashed_messages, make_response, render_template, request
from jinja2_fragments.flask import render_block


def wants_fragment() -> bool:
    """An htmx swap wants a fragment; a boosted navigation or a plain request wants a page."""
    return (
        bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request
    )


def render_page(template: str, block: str | None = None, status: int = 200, **context) -> Response:
    """Render `template` whole, or only `block` of it for an htmx swap.

    Flash messages ride along with a fragment as an out-of-band #flash element so the user sees
    them without a reload. The response varies on HX-Request so caches keep both forms apart.
    """
    if block and wants_fragment():
        body = render_block(template, block, **context)
        messages = get_flashed_messages(with_categories=True)
        if messages:
            body += render_template("_flash.html", messages=messages, oob=True)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.headers.add("Vary", "HX-Request")
    return response


def render_fragment(template: str, status: int = 200, **context) -> Response:
    """Render a fragment template (one whose name starts with _) for an htmx swap."""
    body = render_template(template, **context)
    messages = get_flashed_messages(with_categories=True)
    if messages:
        body += render_template("_flash.html", messages=messages, oob=True)
    response = make_response(body, status)
    response.headers.add("Vary", "HX-Request")
    return response


def error_page(status: int, title: str, message: str) -> Response:
    """The friendly error page (errors/error.html), or its #error-page block for htmx."""
    return render_page(
        "errors/error.html", block="error", status=status, code=status, title=title, message=message
    )
