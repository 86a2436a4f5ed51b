"""Who decides at the client and who we compete with (issue 15, part A).

- `models.py`      influence lines, relationship owners, competitors, whitespace estimates
- `rolemap.py`     the rules on lines (no loops), coverage of the six buying roles, the layout
- `drawing.py`     the map as SVG (page) and a picture (documents) from one layout
- `printmap.py`    the map laid out for print: four boxes across, teams listed, the rest "+N"
- (`accounts/advice.py`: how to approach each personality and decision style, seed texts)
- `service.py`     influence lines and owners: changes and the Decision map tab's answer
- `competitors.py` competitors per account and company-wide
- `whitespace.py`  product lines × client units: bought, potential, gap; sums per product
- `plan.py`        the account plan document and its section registry; `sections.py` ours
- `views.py`       the tabs Decision map, Competitors, Whitespace and /competitors/
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def _coverage_notes(account_ids):
    from webapp.relationships.rolemap import coverage_for_accounts

    return {i: [g.text for g in c.gaps] for i, c in coverage_for_accounts(account_ids).items()}


# The document types init_app registers (`flask render account-plan` needs this area: cli.py).
DOCUMENT_KINDS = ("account-plan",)


def init_app(app: Flask) -> None:
    """The tabs, the competitors page, the account plan document type and its sections, the
    reporting-line check (no loop through influence lines) and the board cards' coverage."""
    from webapp.accounts.contact_checks import register_reporting_check
    from webapp.accounts.history import register_history_terms
    from webapp.accounts.tabs import register_tab
    from webapp.development.card_notes import register_card_notes
    from webapp.documents.registry import register_document_type
    from webapp.relationships import plan, rolemap, sections, views

    app.register_blueprint(views.bp)
    register_tab(app, "map", _l("Decision map"), "relationships.account_map", 22)
    register_tab(app, "competitors", _l("Competitors"), "relationships.account_competitors", 52)
    register_tab(app, "whitespace", _l("Whitespace"), "relationships.account_whitespace", 53)
    register_document_type(app, plan.ACCOUNT_PLAN)
    for key, title, order, build in sections.SECTIONS:
        plan.register_account_plan_section(app, key, title, order, build)
    register_reporting_check(app, rolemap.reporting_problem)
    register_card_notes(app, _coverage_notes)
    register_history_terms(
        app,
        entities={
            "influence_line": _l("Influence line"),
            "account_competitor": _l("Competitor"),
            "whitespace": _l("Whitespace estimate"),
        },
        actions={"owner": _l("relationship owner set")},
    )
