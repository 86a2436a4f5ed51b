"""`flask approvals remind`: the daily reminders of the 10-day credit rule."""

from __future__ import annotations

import click
from flask.cli import AppGroup

approvals_group = AppGroup("approvals", help="Approval requests.")


@approvals_group.command("remind")
def remind_command() -> None:
    """Remind the approvers of credit adjustments on their settings' reminder days."""
    from webapp.approvals.service.reminders import send_credit_reminders

    sent = send_credit_reminders()
    for request, left in sent:
        click.echo(f"{request.number}: {left}")
    click.echo(f"{len(sent)} reminder(s) announced.")
