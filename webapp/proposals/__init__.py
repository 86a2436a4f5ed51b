"""Proposals for the client (合作方案书), their branding and the links that send them."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

# The document types init_app registers (`flask render proposal` needs this area: cli.py).
DOCUMENT_KINDS = ("proposal",)


def init_app(app: Flask) -> None:
    """Proposal pages and the public client link /p/<token>, the account's Proposals tab, the
    history terms of proposals and links, and the proposal's document type."""
    from webapp.accounts.history import register_history_terms
    from webapp.accounts.tabs import register_tab
    from webapp.documents.registry import register_document_type
    from webapp.proposals import documents, views
    from webapp.proposals import history as proposal_history
    from webapp.proposals.forms import ProposalForm

    app.register_blueprint(views.bp)
    register_tab(app, "proposals", _l("Proposals"), "proposals.account_proposals", 45)
    register_history_terms(app, **proposal_history.history_terms(ProposalForm))
    register_document_type(app, documents.PROPOSAL)
