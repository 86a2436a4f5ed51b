"""`flask warnings run`: evaluate every warning rule; safe to run from cron at any interval."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from webapp.warnings import service


@click.group("warnings")
def warnings_group():
    """Early warnings."""


@warnings_group.command("run")
@with_appcontext
def run_command():
    """Raise new warnings, refresh the figures of those that still hold, close the others."""
    summary = service.evaluate()
    click.echo(
        f"warnings: {summary.raised} raised, {summary.updated} updated, "
        f"{summary.cleared} cleared, {summary.holding} holding"
    )
