"""The cooperation-evaluation report (合作评估报告, DOMAIN.md "Generated documents"): after
signing, how the cooperation with a key account went over a period, scored and graded.

- `scoring.py`    the score, its criteria and weights, grade and recommendation (pure rules)
- `models.py`     `evaluation_weights`: the weights and grade thresholds an admin changed
- `service.py`    an account's evaluation for a period, from the other areas' figures
- `chart.py`      the monthly sales-against-plan chart as a PNG (Pillow)
- `documents.py`  the report as document kind ``evaluation`` (PDF and Word)
- `views.py`      the account's Evaluation tab and the weights page
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

# The document types init_app registers (`flask render evaluation` needs this area: cli.py).
DOCUMENT_KINDS = ("evaluation",)


def init_app(app: Flask) -> None:
    """The account's Evaluation tab, the weights page and the report's document type."""
    from webapp.accounts.tabs import register_tab
    from webapp.documents.registry import register_document_type
    from webapp.evaluations import documents, views

    app.register_blueprint(views.bp)
    register_tab(app, "evaluation", _l("Evaluation"), "evaluations.account_evaluation", 49)
    register_document_type(app, documents.EVALUATION)
