"""`flask worker` (the Huey consumer with this app) and `flask jobs sweep`."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("-w", "--workers", default=2, show_default=True, help="Worker threads.")
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Also run the periodic jobs (on one machine only).",
)
@click.option(
    "--max-delay",
    default=0.5,
    show_default=True,
    help="Longest pause (s) between polls of an idle SQLite queue (Redis blocks instead).",
)
@with_appcontext
def worker_command(workers: int, periodic: bool, max_delay: float) -> None:
    """Run background jobs: imports, e-mail, periodic jobs. Stops on Ctrl-C / SIGTERM."""
    from webapp.jobs import runner, sweep
    from webapp.jobs.queue import HueyRunner

    app = current_app._get_current_object()
    found = runner()
    if not isinstance(found, HueyRunner):
        raise click.ClickException("the queue is off (KEYDESK_QUEUE=thread): nothing to consume")
    found.prepare(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        click.echo(f"worker: {sweep()} stranded job(s) handed to the queue again")
    except Exception as error:  # the queue may be down: the periodic sweep retries
        click.echo(f"worker: sweep failed ({error})")
    consumer = found.huey.create_consumer(
        workers=workers,
        periodic=periodic,
        worker_type="thread",
        check_worker_health=True,
        initial_delay=0.02,
        backoff=1.3,
        max_delay=max_delay,
    )
    consumer.run()


@click.group("jobs")
def jobs_group():
    """Background jobs."""


@jobs_group.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """Hand jobs the queue never took (it was down) or whose worker died to the queue again."""
    from webapp.jobs import sweep

    click.echo(f"jobs: {sweep()} handed to the queue again")
