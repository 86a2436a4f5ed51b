"""Client complaints (客户投诉), seed 004: record → investigate → leader's instruction → tell the
client the result → archive. A complaint never ends without the client being told."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Complaint pages, the account's Complaints tab and the complaints' history terms."""
    from webapp.accounts.history import DATE, LONG_TEXT, register_history_terms
    from webapp.accounts.tabs import register_tab
    from webapp.complaints import views
    from webapp.complaints.models import ComplaintStatus

    app.register_blueprint(views.bp)
    register_tab(app, "complaints", _l("Complaints"), "complaints.account_complaints", 47)
    register_history_terms(
        app,
        prefixes={"complaint": _l("Complaint")},
        entities={"complaint": _l("Complaint")},
        values={"complaint.status": ComplaintStatus},
        fields={
            "complaint.received_on": _l("Received on"),
            "complaint.description": _l("What the client said"),
            "complaint.note": _l("Note"),
        },
        kinds={
            "complaint.received_on": DATE,
            "complaint.description": LONG_TEXT,
            "complaint.note": LONG_TEXT,
        },
    )
