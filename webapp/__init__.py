"""KeyDesk (大客户工作台): the app factory.

`create_app` is the map of the application: configuration, extensions, then each area's
`init_app` in dependency order, lower areas first. An area's `init_app` registers everything it
adds (blueprints, CLI commands, account tabs, history terms, document types, signal listeners);
nothing registers itself when a module is imported. ARCHITECTURE.md tells the rest.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from webapp.common.startup import long_lived

# The app's modules (and SQLAlchemy, Flask-Babel, WTForms they import) live as long as the
# process: imported without the collector's repeated passes, then frozen (common/startup.py).
with long_lived():
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
    from webapp.common import html_params
    from webapp.config import Config, engine_options, environment_config
    from webapp.extensions import babel, csrf, db, htmx, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


# The areas, lower first: each may use those above it in this list, never those below.
AREAS = (
    auth,  # sign-in, users, `create-user`
    lists,  # every list's exports (jobs in the background) and saved views
    accounts,  # accounts, contacts, visits; the tab and history registries
    documents,  # the generator, file store, downloads, `render`, `doctor`
    attachments,  # files on requests and visits; the visit target
    contracts,  # contracts; their tab, history terms, document type
    approvals,  # inbox, requests; files a submitted contract's request
    notifications,  # the bell and e-mail; listens to approval announcements
    proposals,  # proposals and client links /p/<token>; their document type
    sales,  # sales records and imports; arrears for available credit
    complaints,  # complaints
    warnings,  # early warnings, major events, `warnings run`
    evaluations,  # cooperation evaluation tab, weights, report type
    development,  # leads, qualification, assessment, tiers, pipeline, pool
    relationships,  # role map, coverage, competitors, whitespace, account plan
    plans,  # service plans, monthly reviews, calendar feed, attack plan pages
    search,  # the top bar's search over accounts, contacts, contracts, requests
    dashboard,  # figures for those who run the department; the monthly report
    main,  # home page, error pages
    cli,  # `demo-data`, which fills every area
)


def area_name(area) -> str:
    return area.__name__.rpartition(".")[2]


def wired_areas(areas=None) -> tuple:
    """The areas an app with `areas` (names) wires: each named one and every area before it
    in AREAS, which it may use. None: all of them."""
    if areas is None:
        return AREAS
    names = [area_name(area) for area in AREAS]
    unknown = set(areas) - set(names)
    if unknown:
        raise ValueError(f"no such area: {', '.join(sorted(unknown))}")
    return AREAS[: max(names.index(name) for name in areas) + 1] if areas else ()


def create_app(config: dict | None = None, *, areas: tuple[str, ...] | None = None) -> Flask:
    """The app with every area, or with the named `areas` and those below them (a process
    that needs only some: `wired_areas`). Under the `flask` command a command may say what it
    needs (`cli.command_areas`: `flask render contract 12` wires the areas up to contracts
    and not the other ten, about half a second of its start)."""
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
    html_params.install()  # WTForms' attribute writer: same output, a third of its cost
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

    if areas is None and config is None:
        areas = cli.command_areas(AREAS)
    for area in wired_areas(areas):
        area.init_app(app)
    return app
