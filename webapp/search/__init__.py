"""The global search in the top bar: accounts, contacts, contracts, requests and proposals in
one box, by name, number, tax number, phone and pinyin; each kind through its area's scope.
Accounts and contacts are found through the index in `search_terms` (`index.py`)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.search import cli, index, views

    index.init_app(app)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.search_group)
