"""`flask demo-data`: the Chinese demo data set, above every area (it fills them all)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext


@click.command("demo-data")
@click.option("--accounts", "n_accounts", default=200, show_default=True, type=int)
@click.option("--seed", default=20261122, show_default=True, type=int)
@click.option("--if-empty", is_flag=True, help="Do nothing when users already exist.")
@with_appcontext
def demo_data_command(n_accounts, seed, if_empty):
    """Load a realistic Chinese demo data set and print the demo logins."""
    from webapp import demo

    demo.load(n_accounts=n_accounts, seed=seed, if_empty=if_empty, echo=click.echo)


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_data_command)
