"""Input the database cannot take, refused before any view sees it.

- Ids in URLs: every `<int:…>` is bounded to what the id columns hold (`common.ids.MAX_ID`),
  so `/accounts/99999999999999999999` is simply not a route (404) instead of an overflow deep
  in the driver (PostgreSQL refuses integers beyond 2³¹−1 for INTEGER, SQLite beyond 2⁶³−1).
- Control characters: PostgreSQL cannot store NUL in text at all, and the other C0 controls (and
  DEL) are never meant in a name, a note or a search. A request carrying one in its query string,
  its form fields or an uploaded file's name is answered 422 with a message saying what to fix,
  before sign-in and before any view: every form and filter, the sign-in form included. Tab, line
  feed and carriage return stay allowed (text areas need them).
"""

from __future__ import annotations

import re

from flask import Flask, current_app, request
from flask_babel import gettext as _
from sqlalchemy import exc
from werkzeug.routing import IntegerConverter

from webapp.common.ids import MAX_ID
from webapp.common.rendering import error_page
from webapp.extensions import db

# C0 controls but tab, LF, CR; DEL; lone surrogates (never valid text).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` with an upper bound the database can store (and no lower than 0)."""

    def __init__(self, map, fixed_digits=0, min=0, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def _offending_request() -> bool:
    sources = [request.args] if request.method == "GET" else [request.args, request.form]
    for values in sources:
        for key, value in values.items(multi=True):
            if has_control_characters(key) or has_control_characters(value):
                return True
    if request.method == "GET":
        return False
    return any(has_control_characters(upload.filename or "") for upload in request.files.values())


def refuse_control_characters():
    if request.endpoint == "static" or not (request.query_string or request.method != "GET"):
        return None
    if not _offending_request():
        return None
    return error_page(
        422,
        _("Invisible characters"),
        _(
            "What you sent contains control characters (such as NUL) that text cannot hold. "
            "Remove them — they often come along when copying from another program — and "
            "try again."
        ),
    )


def value_out_of_range(error: Exception):
    """The last line of defence when a value beyond what a column holds slipped past a form's
    own checks (SQLite: OverflowError; PostgreSQL: a DataError). Validation should have caught
    it, so it is logged with its traceback; the user gets a message, never a 500."""
    current_app.logger.warning("value out of range reached the database", exc_info=error)
    db.session.rollback()
    return error_page(
        422,
        _("A value is out of range"),
        _(
            "A number or text in what you sent is larger than KeyDesk can store. "
            "Check it and try again."
        ),
    )


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_control_characters)
    app.register_error_handler(OverflowError, value_out_of_range)
    app.register_error_handler(exc.DataError, value_out_of_range)
