"""Key-account development (DOMAIN.md "Key account", seed 001 大客户开发流程, seed 004 tables
4-1/4-2): lead capture with the duplicate check, MAN qualification with its veto, value
assessment A–D, sales tiers from the sales records, the five stages with their checklists, the
pipeline board and the customer pool.

- `models.py`         profiles, qualifications, assessments, tier tables and figures, checks,
                      moves, pool events, settings
- `profiles.py`       the profile of an account and the duplicate-check keys
- `leads.py`          lead capture, the duplicate check, daily lead counts
- `qualification.py`  MAN with the veto (also refuses a vetoed client's contract submission)
- `assessment.py`     value criteria A–G, weights, class
- `tiers.py`          tables 4-1/4-2 as data, tier computation, recompute on sales changes
- `stages.py`         checklists, moves, give up / reopen, forecast
- `pipeline.py`       the board and list
- `pool.py`           the pool rule, claims, assignments
- `views.py`, `account_views.py`, `admin_views.py`, `cli.py`
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

# The document types init_app registers (`flask render weekly` needs this area: cli.py).
DOCUMENT_KINDS = ("weekly",)


def on_records_changed(_kind, account_ids=(), **_kw) -> None:
    """`sales.signals.records_changed`: recompute the tiers of those accounts, same transaction."""
    from webapp.development import tiers

    tiers.recompute(list(account_ids))


def init_app(app: Flask) -> None:
    """Pages (pipeline, leads, pool, the account's Development tab, the admin settings), the
    listeners on accounts, sales and contracts, history terms and the CLI commands."""
    from webapp.accounts.history import register_history_terms
    from webapp.accounts.signals import account_saved
    from webapp.accounts.tabs import register_tab
    from webapp.approvals.credit_hints import CreditHints, register_credit_hints
    from webapp.contracts.signals import submission_checked
    from webapp.development import (
        account_views,
        admin_views,
        cli,
        credit,
        leads,
        profiles,
        views,
        weekly,
    )
    from webapp.development.models import PoolReason, Qualification
    from webapp.development.qualification import on_contract_checked
    from webapp.documents.registry import register_document_type
    from webapp.sales.signals import records_changed
    from webapp.warnings.signals import job_ran

    app.register_blueprint(views.bp)
    app.register_blueprint(account_views.bp)
    app.register_blueprint(admin_views.bp)
    register_tab(app, "development", _l("Development"), "development_account.development", 15)
    register_history_terms(
        app,
        prefixes={"development": _l("Development")},
        values={"development.qualification": Qualification, "development.pool": PoolReason},
        fields={
            "development.qualification": _l("MAN qualification"),
            "development.checklist": _l("Checklist item"),
            "development.expected_value": _l("Expected annual value"),
            "development.expected_close": _l("Expected close month"),
            "development.pool": _l("Customer pool"),
            "development.owner_id": _l("Account owner"),
            "lead_source": _l("Lead source"),
        },
    )
    profiles.listen()  # every account gets its profile and duplicate-check keys
    account_saved.connect(leads.on_account_saved)
    records_changed.connect(on_records_changed)
    submission_checked.connect(on_contract_checked)
    job_ran.connect(leads.on_job_ran)  # the pool rule and the daily-lead check
    register_credit_hints(app, CreditHints(credit.suggestion, credit.deviations))
    register_document_type(app, weekly.WEEKLY)
    app.cli.add_command(cli.pool_group)
    app.cli.add_command(cli.development_group)
