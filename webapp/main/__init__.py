"""The home page and the error pages."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The home page, and error pages for every area (a fragment for htmx, a page otherwise)."""
    from webapp.lists.registry import register_list
    from webapp.main import errors, lists, views

    app.register_blueprint(views.bp)
    register_list(app, lists.WARNINGS)
    errors.register_error_handlers(app)
