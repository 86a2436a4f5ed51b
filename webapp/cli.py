"""flask commands: create-user, demo-data; the areas add theirs (import sales, warnings run,
render, doctor)."""

from __future__ import annotations

import click
from flask import Flask

from webapp.auth.models import Role
from webapp.common.errors import ValidationFailed


def register_cli(app: Flask) -> None:
    from webapp.documents.cli import register_document_commands
    from webapp.sales.cli import import_group
    from webapp.warnings.cli import warnings_group

    app.cli.add_command(import_group)  # flask import sales FILE
    app.cli.add_command(warnings_group)  # flask warnings run
    register_document_commands(app)  # render KIND …, doctor

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
    @click.option("--password", required=True, help="At least 8 characters.")
    @click.option("--department", default=None, help="Department name; created if new.")
    @click.option("--full-name", default=None)
    @click.option("--email", default=None)
    def create_user_command(username, role, password, department, full_name, email):
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
            )
        except ValidationFailed as error:
            raise click.ClickException("; ".join(error.errors.values())) from None
        click.echo(f"created user {user.username} ({user.role.value})")

    @app.cli.command("demo-data")
    @click.option("--accounts", "n_accounts", default=200, show_default=True, type=int)
    @click.option("--seed", default=20261122, show_default=True, type=int)
    @click.option("--if-empty", is_flag=True, help="Do nothing when users already exist.")
    def demo_data_command(n_accounts, seed, if_empty):
        """Load a realistic Chinese demo data set and print the demo logins."""
        from webapp import demo

        demo.load(n_accounts=n_accounts, seed=seed, if_empty=if_empty, echo=click.echo)
