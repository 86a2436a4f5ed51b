"""Notifications: in-app messages with a bell, and e-mail for approvals with single-use links."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprint and subscribe to the approval engine's signals."""
    from webapp.notifications.approvals import connect
    from webapp.notifications.views import bp

    app.register_blueprint(bp)
    connect()
