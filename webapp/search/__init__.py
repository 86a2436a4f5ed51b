"""The global search in the top bar: accounts, contacts, contracts, requests and proposals in
one box, by name, number, tax number, phone and pinyin; each kind through its area's scope."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.search import views

    app.register_blueprint(views.bp)
