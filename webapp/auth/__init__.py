"""Users, roles, departments, sign-in and the permission checks every area goes through."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Sign-in and the administrator's user pages; `flask create-user`."""
    from webapp.auth import admin_views, cli, views
    from webapp.extensions import login_manager

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(views.load_user)
    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    app.cli.add_command(cli.create_user_command)
