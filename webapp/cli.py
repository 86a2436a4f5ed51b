"""`flask demo-data`: the Chinese demo data set, above every area (it fills them all); and
which areas a `flask` command needs (`command_areas`)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

# The `flask` command's own options that take a value (before the command's name).
_FLASK_VALUE_OPTIONS = ("-A", "--app", "-e", "--env-file")
# `flask render`'s options that take a value.
_RENDER_VALUE_OPTIONS = ("--format", "-o", "--output", "--jobs")


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


def _words(args: list[str], value_options: tuple[str, ...]):
    """(position, word) of the positional words of `args`, skipping options and the values
    of `value_options`."""
    position = 0
    while position < len(args):
        word = args[position]
        if word in value_options:
            position += 1
        elif not word.startswith("-"):
            yield position, word
        position += 1


def command_areas(areas: tuple, argv: list[str] | None = None) -> tuple[str, ...] | None:
    """The areas the command the `flask` command is looking up needs, when it is one that
    says so; None (every area) otherwise, and outside the `flask` command.

    `create_app` is called by `flask` to find the command in `argv`. `flask render KIND …`
    needs the area whose DOCUMENT_KINDS names KIND (and those below it, which it may use): a
    one-off contract PDF then loads 5 areas, not 15. Whatever is not understood (an unknown
    kind, `--help` before the command) gives None, the whole app."""
    context = click.get_current_context(silent=True)
    if context is None or not isinstance(context.command, FlaskGroup):
        return None
    args = (sys.argv if argv is None else argv)[1:]
    position, command = next(_words(args, _FLASK_VALUE_OPTIONS), (0, None))
    if command != "render":
        return None
    _position, kind = next(_words(args[position + 1 :], _RENDER_VALUE_OPTIONS), (0, None))
    for area in areas:
        if kind in getattr(area, "DOCUMENT_KINDS", ()):
            return (area.__name__.rpartition(".")[2],)
    return None
