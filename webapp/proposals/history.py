"""A proposal's changes in the account's history, field by field and quoted line by line, and
its links: sent (to whom, until when) and revoked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.core import UnboundField

from webapp import audit
from webapp.accounts.history import DATE, DATETIME, LONG_TEXT, MONEY
from webapp.auth.models import User
from webapp.contracts.lines import line_text
from webapp.proposals.models import TEAM_FIELDS, Proposal

FIELDS = (
    "title",
    "valid_until",
    "client_needs",
    "solution",
    "implementation_plan",
    "timeline",
    "reference_clients",
    *TEAM_FIELDS,
)
LONG_FIELDS = ("client_needs", "solution", "implementation_plan", "timeline", "reference_clients")


def snapshot(proposal: Proposal) -> dict[str, str | None]:
    values = {f"proposal.{k}": v for k, v in audit.snapshot(proposal, FIELDS).items()}
    for n, line in enumerate(proposal.lines, start=1):
        values[f"proposal.line_{n}"] = line_text(line)
    values["proposal.total"] = audit.display_value(proposal.total)
    return values


def record_save(
    proposal: Proposal, actor: User, before: dict[str, str | None], action: str = "update"
) -> None:
    """One history entry per field and quoted line the save changed (new: per filled one)."""
    audit.record_revision(
        actor,
        "proposal",
        proposal,
        before,
        snapshot(proposal),
        subject=proposal.title,
        action=action,
    )


def history_terms(form_class) -> dict:
    """`register_history_terms` keywords for proposals; labels from the proposal form."""
    fields = {
        f"proposal.{name}": unbound.args[0]
        for name, unbound in vars(form_class).items()
        if isinstance(unbound, UnboundField) and unbound.args and name in FIELDS
    }
    fields.update(
        {
            "proposal.line_#": _l("Line %(n)s"),
            "proposal.total": _l("Total"),
            "proposal.link_version": _l("Version sent"),
            "proposal.link_email": _l("Sent to"),
            "proposal.link_expires": _l("Link valid until"),
        }
    )
    kinds = {f"proposal.{name}": LONG_TEXT for name in LONG_FIELDS}
    kinds.update(
        {"proposal.total": MONEY, "proposal.valid_until": DATE, "proposal.link_expires": DATETIME}
    )
    return {
        "prefixes": {"proposal": _l("Proposal")},
        "entities": {"proposal": _l("Proposal")},
        "fields": fields,
        "kinds": kinds,
        "actions": {"send": _l("sent to the client"), "revoke": _l("link revoked")},
    }
