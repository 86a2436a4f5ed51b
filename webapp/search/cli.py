"""`flask search reindex`: rebuild the search index from the records."""

from __future__ import annotations

import click
from flask.cli import AppGroup

search_group = AppGroup("search", help="The global search's index.")


@search_group.command("reindex")
def reindex_command() -> None:
    """Rebuild the index of accounts, contacts, contracts, requests and proposals (after a
    bulk load or a repair by hand)."""
    from webapp.search.index import reindex

    for kind, count in reindex().items():
        click.echo(f"{kind}: {count} terms")
