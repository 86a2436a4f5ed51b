"""KeyDesk (大客户工作台): the app factory.

`create_app` is the map of the application: configuration, extensions, then each area's
`init_app` in dependency order, lower areas first. An area's `init_app` registers everything it
adds (blueprints, CLI commands, account tabs, history terms, document types, signal listeners);
nothing registers itself when a module is imported. ARCHITECTURE.md tells the rest.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from webapp import (
    accounts,
    approvals,
    attachments,
    auth,
    cli,
    complaints,
    contracts,
    dashboard,
    database,
    development,
    documents,
    evaluations,
    filters,
    jobs,
    lists,
    main,
    notifications,
    ops,
    plans,
    proposals,
    relationships,
    sales,
    search,
    security,
    warnings,
)
from webapp.config import Config, engine_options, environment_config
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
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)

    db.init_app(app)
    database.init_app(app, db)  # SQLite pragmas on this app's engines
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(
        app,
        locale_selector=filters.select_locale,
        default_translation_directories=str(ROOT / "translations"),
    )
    filters.init_app(app)  # money, dates in Asia/Shanghai, labels
    security.init_app(app)  # headers, id bounds, control characters, database outages
    ops.init_app(app)  # production refusal, proxies, request ids and JSON logs, /healthz, backup
    jobs.init_app(app)  # the task queue behind common.background, job records, `worker`

    # the areas, lower first: each may use those above it in this list, never those below
    auth.init_app(app)  # sign-in, users, `create-user`
    lists.init_app(app)  # every list's exports (jobs in the background) and saved views
    accounts.init_app(app)  # accounts, contacts, visits; the tab and history registries
    documents.init_app(app)  # the generator, file store, downloads, `render`, `doctor`
    attachments.init_app(app)  # files on requests and visits; the visit target
    contracts.init_app(app)  # contracts; their tab, history terms, document type
    approvals.init_app(app)  # inbox, requests; files a submitted contract's request
    notifications.init_app(app)  # the bell and e-mail; listens to approval announcements
    proposals.init_app(app)  # proposals and client links /p/<token>; their document type
    sales.init_app(app)  # sales records and imports; arrears for available credit
    complaints.init_app(app)  # complaints
    warnings.init_app(app)  # early warnings, major events, `warnings run`
    evaluations.init_app(app)  # cooperation evaluation tab, weights, report type
    development.init_app(app)  # leads, qualification, assessment, tiers, pipeline, pool
    relationships.init_app(app)  # role map, coverage, competitors, whitespace, account plan
    plans.init_app(app)  # service plans, monthly reviews, calendar feed, attack plan pages
    search.init_app(app)  # the top bar's search over accounts, contacts, contracts, requests
    dashboard.init_app(app)  # figures for those who run the department; the monthly report
    main.init_app(app)  # home page, error pages
    cli.init_app(app)  # `demo-data`, which fills every area
    return app
