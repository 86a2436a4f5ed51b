"""The words of an inbox row, translated once per page instead of once per row (fifty rows of
a dozen labels each cost more than the queries). Patterns keep their %(n)s placeholders for
the template's `format` filter."""

from __future__ import annotations

from flask_babel import gettext as _


def row_labels() -> dict[str, str]:
    return {
        "days_ago": _("%(n)s days ago"),
        "days_left": _("%(n)s days left to decide"),
        "overdue_by": _("Overdue by %(n)s days"),
        "comment_on": _("Comment on %(number)s"),
        "approve": _("Approve"),
        "pass_review": _("Pass review"),
        "cosign": _("Co-sign"),
        "return": _("Return for revision"),
        "reject": _("Reject"),
        "arrears": _("Arrears"),
        "budget": _("Budget"),
        "expenses": _("Expense plan"),
        "close_on": _("expected close"),
        "contract_total": _("Contract total"),
        "over_credit": _("Exceeds available credit"),
        "deviates": _("Clauses differ from standard"),
        "due_today": _("Due today"),
        "filed_today": _("filed today"),
        "overdue": _("overdue"),
        "comment_hint": _("Comment (required to reject or return)"),
        "select": _("Select"),
        "number": _("Request number"),
        "type": _("Type"),
        "figures": _("Key figures"),
        "step": _("Step"),
        "filed": _("Filed"),
    }
