"""`flask dashboard rebuild-totals`: recompute the monthly sales totals from every purchase
(after restoring a backup, or after writing purchases around the import)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from webapp.dashboard import totals
from webapp.extensions import db


@click.group("dashboard")
def dashboard_group():
    """The dashboard's derived data."""


@dashboard_group.command("rebuild-totals")
@with_appcontext
def rebuild_totals_command():
    """Recompute sales_monthly_totals from the purchases, in one transaction."""
    rows = totals.rebuild()
    db.session.commit()
    click.echo(f"Monthly sales totals rebuilt: {rows} rows.")
