"""Early warnings (预警, seed 004 and DOMAIN.md "Early warnings"): rules with thresholds an admin
edits, evaluated set-based by `flask warnings run`, each warning naming the account, the rule,
its figures and who must act."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Warning rules, the account's Warnings tab (warnings and major events), the warnings'
    history terms, `flask warnings run` and its daily periodic job."""
    from webapp.accounts.history import DATE, LONG_TEXT, register_history_terms
    from webapp.accounts.tabs import register_tab
    from webapp.jobs.queue import register_periodic
    from webapp.warnings import cli, service, views
    from webapp.warnings.models import EventKind, RuleKey, WarningStatus

    app.register_blueprint(views.bp)
    register_tab(app, "warnings", _l("Warnings"), "warnings.account_warnings", 48)
    register_history_terms(
        app,
        prefixes={"warning": _l("Warning")},
        entities={"warning": _l("Warning"), "major_event": _l("Major event")},
        subjects={"warning": RuleKey},
        values={"warning.status": WarningStatus, "major_event.kind": EventKind},
        fields={
            "warning.note": _l("Note"),
            "major_event.kind": _l("Kind"),
            "major_event.occurred_on": _l("Date"),
            "major_event.description": _l("What happened"),
        },
        kinds={
            "major_event.occurred_on": DATE,
            "major_event.description": LONG_TEXT,
            "warning.note": LONG_TEXT,
        },
    )
    app.cli.add_command(cli.warnings_group)
    # daily at 02:00 Asia/Shanghai (18:00 UTC) in the periodic worker; its `job_ran` runs the
    # development pool rule and the daily-lead check too (their areas listen)
    register_periodic(app, "warnings.run", service.evaluate, hour="18", minute="0")
