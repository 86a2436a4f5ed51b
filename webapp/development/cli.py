"""`flask pool run` and `flask development recompute-tiers`."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from webapp.development import pool, tiers
from webapp.development.profiles import ensure_profiles
from webapp.extensions import db


@click.group("pool")
def pool_group():
    """The customer pool (公海)."""


@pool_group.command("run")
@with_appcontext
def run_command():
    """Return unqualified and neglected accounts to their department's pool."""
    started = time.perf_counter()
    result = pool.run_rule()
    click.echo(
        f"pool: {result.returned} returned ({result.unqualified} unqualified, "
        f"{result.neglected} neglected) in {time.perf_counter() - started:.2f}s"
    )


@click.group("development")
def development_group():
    """Key-account development."""


@development_group.command("recompute-tiers")
@with_appcontext
def recompute_command():
    """Recompute every account's sales tier from its purchase records."""
    started = time.perf_counter()
    ensure_profiles()
    changed = tiers.recompute()
    db.session.commit()
    click.echo(f"tiers: {changed} changed in {time.perf_counter() - started:.2f}s")
