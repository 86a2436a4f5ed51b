"""Key accounts (大客户档案): identity, classification, contacts, visits, credit history."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """The account pages and their own tabs (the areas above add theirs)."""
    from webapp.accounts import lists, views
    from webapp.accounts.tabs import register_tab
    from webapp.lists.registry import register_list

    app.register_blueprint(views.bp)
    register_list(app, lists.ACCOUNTS)
    register_list(app, lists.CONTACTS)
    register_tab(app, "profile", _l("Profile"), "accounts.profile", 10)
    register_tab(app, "contacts", _l("Contacts"), "accounts.contacts", 20)
    register_tab(app, "activities", _l("Activities"), "accounts.activities", 30)
    register_tab(app, "history", _l("History"), "accounts.history", 90)
