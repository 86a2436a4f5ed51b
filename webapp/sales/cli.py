"""`flask import sales FILE`: check and import a sales file from the command line (cron, or a
file too big to upload). The kind comes from the header row unless --kind names it."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from webapp.auth.models import User
from webapp.extensions import db
from webapp.sales import service
from webapp.sales.importer.batches import import_file
from webapp.sales.importer.cells import FileRefused
from webapp.sales.models import ImportKind, RowOutcome


@click.group("import")
def import_group():
    """Import records from files."""


@import_group.command("sales")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice([k.value for k in ImportKind]),
    default=None,
    help="plan, purchase, payment or expense; default: detected from the header row.",
)
@click.option("--dry-run", is_flag=True, help="Report every row's outcome; write nothing.")
@click.option(
    "--as",
    "username",
    default=None,
    help="Import with this user's rights (their department's accounts only for a supervisor).",
)
@click.option(
    "--bad-rows",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the rows with errors to this CSV file, to fix and import again.",
)
@with_appcontext
def import_sales_command(file: Path, kind, dry_run, username, bad_rows):
    """Check FILE (.xlsx or .csv, UTF-8 or GBK) and import its good rows in one transaction.
    Importing the same file again changes nothing."""
    user = None
    if username:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None or not service.can_import(user):
            raise click.ClickException(f"{username} is not a user who may import sales records")
    try:
        result = import_file(
            file.name, file.read_bytes(), ImportKind(kind) if kind else None, user, dry_run
        )
    except FileRefused as refused:
        raise click.ClickException(service.reason_text(refused.code, refused.params)) from None
    counts = result.counts
    for row in result.outcomes:
        if row["outcome"] in (RowOutcome.BAD, RowOutcome.DUPLICATE):
            click.echo(
                f"row {row['row_number']}: {row['outcome'].value}: "
                f"{service.problem_text(row['problems'])}",
                err=True,
            )
    click.echo(
        f"{result.kind.value}: {len(result.outcomes)} rows; new {counts[RowOutcome.NEW]}, "
        f"updated {counts[RowOutcome.UPDATE]}, unchanged {counts[RowOutcome.SAME]}, "
        f"duplicate {counts[RowOutcome.DUPLICATE]}, errors {counts[RowOutcome.BAD]}"
        + (" (dry run: nothing written)" if dry_run else "")
    )
    if bad_rows is not None:
        bad_rows.write_bytes(service.rows_csv(result.header, result.outcomes, result.kind))
