"""When the database is down or too slow: a friendly 503 instead of a bare 500.

Any request that meets a connection failure or a timeout (SQLAlchemy's OperationalError, which
wraps the driver's; the pool's TimeoutError) answers 503 with `Retry-After`, as a page or, for
htmx, as the #error-page fragment. The page itself touches no database: the user counts as
signed out while it renders, so the navigation and the user's language are not looked up.

The outage is logged once, when it starts, and once more when a request succeeds again; the pool
checks connections before use (`pool_pre_ping`), so the app recovers by itself."""

from __future__ import annotations

import contextlib

from flask import Flask, Response, current_app, g
from flask_babel import gettext as _
from sqlalchemy import exc

from webapp.common.rendering import render_page
from webapp.extensions import db, login_manager

RETRY_AFTER_SECONDS = 30
_STATE = "keydesk.database_outage"


def _state(app: Flask) -> dict:
    return app.extensions.setdefault(_STATE, {"down": False})


def database_unavailable(error: Exception) -> Response:
    app = current_app._get_current_object()
    state = _state(app)
    if not state["down"]:
        state["down"] = True
        app.logger.error("database unavailable, answering 503 until it is back: %s", error)
    with contextlib.suppress(Exception):  # the connection is gone; the pool discards it
        db.session.rollback()
    g._login_user = login_manager.anonymous_user()  # render without asking the database
    response = render_page(
        "errors/unavailable.html",
        block="unavailable",
        status=503,
        title=_("KeyDesk is briefly unavailable"),
        message=_(
            "The database is not answering right now. Nothing you sent was saved; please try "
            "again in a minute. If this lasts, tell your administrator."
        ),
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _note_recovery(response: Response) -> Response:
    state = current_app.extensions.get(_STATE)
    if state and state["down"] and response.status_code < 500:
        state["down"] = False
        current_app.logger.warning("database available again")
    return response


def init_app(app: Flask) -> None:
    _state(app)
    app.register_error_handler(exc.OperationalError, database_unavailable)
    app.register_error_handler(exc.TimeoutError, database_unavailable)
    app.after_request(_note_recovery)
