"""Approval requests (审批): service & support applications, credit adjustments and contract
approval, all run by one workflow engine whose request types are data."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

# The document types init_app registers (`flask render request` needs this area: cli.py).
DOCUMENT_KINDS = ("request",)


def init_app(app: Flask) -> None:
    """The inbox and request pages, the account's Requests tab, the printed request form, and
    the link to contracts: a submitted contract files its request, a withdrawn one withdraws
    it (inside the contract's transaction)."""
    from webapp.accounts.history import DATE, LONG_TEXT, MONEY, register_history_terms
    from webapp.accounts.models import CreditGrade
    from webapp.accounts.tabs import register_tab
    from webapp.approvals import cli, documents, lists, service, views
    from webapp.approvals.models import SupportKind
    from webapp.approvals.signals import request_finished
    from webapp.approvals.workflow import EVENT_LABELS
    from webapp.attachments.registry import register_target
    from webapp.contracts.service import register_approval_lookup
    from webapp.contracts.signals import contract_submitted, contract_withdrawn
    from webapp.documents.registry import register_document_type
    from webapp.lists.registry import register_list

    app.register_blueprint(views.bp)
    register_list(app, lists.INBOX)
    app.cli.add_command(cli.approvals_group)
    register_tab(app, "requests", _l("Requests"), "approvals.account_requests", 50)
    register_document_type(app, documents.REQUEST_FORM)
    register_target(app, service.REQUEST_ATTACHMENTS)  # files per round
    register_history_terms(
        app,
        entities={"request": _l("Approval request")},
        actions={f"request.{action}": label for action, label in EVENT_LABELS.items()},
        fields={f"request.{name}": label for name, label in views.FIELD_LABELS.items()},
        values={"request.support_kind": SupportKind, "request.proposed_grade": CreditGrade},
        kinds={
            "request.amount": MONEY,
            "request.proposed_limit": MONEY,
            "request.starts_on": DATE,
            "request.ends_on": DATE,
            "request.content": LONG_TEXT,
        },
    )
    register_approval_lookup(app, service.contract_approval_link)  # contract page → request
    contract_submitted.connect(service.on_contract_submitted)
    contract_withdrawn.connect(service.on_contract_withdrawn)
    request_finished.connect(service.on_request_finished)  # the contract follows its request
