"""Notifications: in-app messages with a bell, and e-mail for approvals with single-use links."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The notification pages and e-mail decision links; listens to the approval engine's
    announcements (sent after its commits)."""
    from webapp.approvals.signals import credit_deadline_near, request_closed, step_opened
    from webapp.notifications import approvals, views

    app.register_blueprint(views.bp)
    step_opened.connect(approvals.on_step_opened)
    request_closed.connect(approvals.on_request_closed)
    credit_deadline_near.connect(approvals.on_credit_deadline_near)
