"""Notifications: in-app messages with a bell, and e-mail for approvals with single-use links."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The notification pages and e-mail decision links; listens to the approval engine's
    announcements (sent after its commits); the e-mail outbox, its `mail.send` task and the
    `mail.sweep` each minute."""
    from webapp.approvals.signals import credit_deadline_near, request_closed, step_opened
    from webapp.common.background import register_task
    from webapp.jobs.queue import register_periodic
    from webapp.notifications import approvals, outbox, views

    app.register_blueprint(views.bp)
    register_task(app, "mail.send", outbox.send_pending)
    register_periodic(app, "mail.sweep", outbox.sweep, minute="*")
    outbox.mail_queued.connect(outbox.on_mail_queued)
    step_opened.connect(approvals.on_step_opened)
    request_closed.connect(approvals.on_request_closed)
    credit_deadline_near.connect(approvals.on_credit_deadline_near)
