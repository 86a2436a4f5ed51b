"""`flask create-user`: the first administrator of a new installation, or anyone else."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from webapp.auth.models import Role
from webapp.common.errors import ValidationFailed


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", required=True, help="At least 8 characters.")
@click.option("--department", default=None, help="Department name; created if new.")
@click.option("--full-name", default=None)
@click.option("--email", default=None)
@click.option("--phone", default=None, help="Shown to clients whose proposal link expired.")
@with_appcontext
def create_user_command(username, role, password, department, full_name, email, phone):
    """Create a user, e.g. the first administrator of a new installation."""
    from webapp.auth import service

    department_id = service.get_or_create_department(department).id if department else None
    try:
        user = service.create_user(
            username=username,
            full_name=full_name or username,
            role=Role(role),
            password=password,
            department_id=department_id,
            email=email,
            phone=phone,
        )
    except ValidationFailed as error:
        raise click.ClickException(error.message) from None
    click.echo(f"created user {user.username} ({user.role.value})")
