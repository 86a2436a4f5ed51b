"""KeyDesk (大客户工作台): the app factory. It wires configuration, extensions, blueprints,
error handlers and CLI commands, and nothing else: no schema creation, no seeding."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from webapp import filters
from webapp.config import Config, environment_config
from webapp.extensions import babel, csrf, db, htmx, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=True,
    )
    app.config.from_object(Config)
    app.config.from_mapping(environment_config(Path(app.instance_path), config or {}))
    if config:
        app.config.from_mapping(config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(
        app,
        locale_selector=filters.select_locale,
        default_translation_directories=str(ROOT / "translations"),
    )

    from webapp import database  # noqa: F401  (registers the SQLite pragmas)
    from webapp.accounts.views import bp as accounts_bp
    from webapp.approvals.service import install_contract_lookup
    from webapp.approvals.views import bp as approvals_bp
    from webapp.auth.admin_views import bp as admin_bp
    from webapp.auth.views import bp as auth_bp
    from webapp.cli import register_cli
    from webapp.complaints.views import bp as complaints_bp
    from webapp.contracts.views import bp as contracts_bp
    from webapp.documents import init_app as init_documents
    from webapp.evaluations.views import bp as evaluations_bp
    from webapp.main.errors import register_error_handlers
    from webapp.main.views import bp as main_bp
    from webapp.notifications import init_app as init_notifications
    from webapp.proposals.views import bp as proposals_bp
    from webapp.sales.views import bp as sales_bp
    from webapp.warnings.views import bp as warnings_bp

    # one blueprint per area, lower areas first (auth ← accounts ← contracts ← approvals …)
    for blueprint in (
        auth_bp,
        admin_bp,
        main_bp,
        accounts_bp,
        contracts_bp,
        approvals_bp,
        proposals_bp,  # includes the public client link page /p/<token>
        sales_bp,  # sales records and their import
        complaints_bp,
        warnings_bp,  # rules, the home list, major events
        evaluations_bp,  # the cooperation evaluation tab, report and weights
    ):
        app.register_blueprint(blueprint)
    install_contract_lookup(app)  # moves to approvals.init_app
    init_notifications(app)  # its blueprint, and the approval signals it listens to
    init_documents(app)  # its blueprint and the document store folder
    register_error_handlers(app)
    filters.register(app)
    register_cli(app)
    return app
