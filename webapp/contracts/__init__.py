"""Standard purchase-and-sale contracts (购销合同): drafting, clause deviations, lifecycle."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

# The document types init_app registers (`flask render contract` needs this area: cli.py).
DOCUMENT_KINDS = ("contract",)


def init_app(app: Flask) -> None:
    """Contract pages and their administration (standard wording, company profile), the
    account's Contracts tab, the contract's history terms and its document type (标准合同)."""
    from webapp.accounts.history import register_history_terms
    from webapp.accounts.tabs import register_tab
    from webapp.common.background import register_task
    from webapp.contracts import admin_views, documents, lists, prerender, views
    from webapp.contracts import history as contract_history
    from webapp.contracts.signals import status_changed
    from webapp.documents.registry import register_document_type
    from webapp.lists.registry import register_list

    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    register_tab(app, "contracts", _l("Contracts"), "contracts.account_contracts", 40)
    register_history_terms(app, **contract_history.history_terms())
    register_document_type(app, documents.CONTRACT)
    register_list(app, lists.CONTRACTS)
    register_task(app, prerender.TASK, prerender.render_pdf)
    status_changed.connect(prerender.on_status_changed)
