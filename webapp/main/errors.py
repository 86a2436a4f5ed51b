"""Friendly error pages: a fragment for htmx, a page otherwise; the session is always rolled
back so a failed request never leaves half-written data behind."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from webapp.common.errors import Forbidden, NotFound
from webapp.common.rendering import error_page
from webapp.extensions import db


def _page(status: int, title: str, message: str):
    db.session.rollback()
    return error_page(status, title, message)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def domain_not_found(error: NotFound):
        return _page(404, _("Not found"), error.message)

    @app.errorhandler(Forbidden)
    def domain_forbidden(error: Forbidden):
        return _page(403, _("Not allowed"), error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _page(
            400,
            _("The form expired"),
            _(
                "The page was open too long or was sent twice. Reload it and try again; "
                "what you typed in other tabs is unaffected."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        titles = {
            403: (_("Not allowed"), _("Your role does not give access to this page.")),
            404: (_("Not found"), _("There is nothing at this address.")),
            405: (_("Not allowed"), _("This address does not accept that kind of request.")),
            413: (_("Too large"), _("The upload is larger than allowed.")),
        }
        title, message = titles.get(error.code or 500, (error.name, error.description or ""))
        response = _page(error.code or 500, title, message)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unhandled error")
        db.session.rollback()
        return render_template(
            "errors/error.html",
            code=500,
            title=_("Something went wrong"),
            message=_("The error was logged. Nothing was saved; please try again."),
        ), 500
