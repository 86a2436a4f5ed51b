"""Audit entries as people read them: field names, enum codes and actions shown as their labels.

Areas above accounts (contracts, proposals, complaints, warnings) write audit entries too;
they name their fields, values and actions with `register_history_terms` from their
`init_app`, since this module may not import them. The terms live on the app."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from webapp.accounts.models import ENUM_BY_FIELD

FIELD_LABELS = {
    "name": _l("Full legal name"),
    "short_name": _l("Short name"),
    "tax_number": _l("Unified social credit code"),
    "legal_representative": _l("Legal representative"),
    "address": _l("Registered address"),
    "bank_name": _l("Bank"),
    "bank_account": _l("Bank account"),
    "phone": _l("Phone"),
    "kind": _l("Kind"),
    "relation": _l("Relation"),
    "channel": _l("Channel"),
    "ownership": _l("Ownership"),
    "loyalty": _l("Loyalty"),
    "stage": _l("Development stage"),
    "abandoned": _l("Given up"),
    "abandon_reason": _l("Reason for giving up"),
    "man_money": _l("Money (budget)"),
    "man_authority": _l("Authority"),
    "man_need": _l("Need"),
    "value_class": _l("Value class"),
    "tier": _l("Sales tier"),
    "notes": _l("Notes"),
    "owner_id": _l("Account owner"),
    "team": _l("Account team"),
    "visit": _l("Visit"),
    "title": _l("Position"),
    "email": _l("E-mail"),
    "buying_role": _l("Buying role"),
    "personality": _l("Personality"),
    "decision_style": _l("Decision style"),
    "stance": _l("Stance"),
    "ladder": _l("Relationship"),
    "reports_to_id": _l("Reports to"),
    "birthday": _l("Birthday"),
    "hometown": _l("Hometown"),
    "interests": _l("Interests"),
    "tenure": _l("Tenure"),
    "authority": _l("Authority"),
    "personal_notes": _l("Personal notes"),
    "credit_grade": _l("Credit grade"),
    "credit_limit": _l("Credit limit"),
    "status": _l("Status"),
    "total": _l("Total"),
}
PREFIXED_FIELD_LABELS = {"contact.name": _l("Name"), "contract.title": _l("Title")}
PREFIX_LABELS = {"contact": _l("Contact"), "contract": _l("Contract")}
VALUE_ENUMS = ENUM_BY_FIELD
BOOLEAN_FIELDS = {"abandoned", "man_money", "man_authority", "man_need"}
ACTION_LABELS = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "add": _l("added"),
    "remove": _l("removed"),
}


_KEY = "keydesk.history_terms"


@dataclass
class HistoryTerms:
    """What one app's areas call their audit entries' prefixes, values and actions."""

    prefixes: dict = field(default_factory=lambda: dict(PREFIX_LABELS))
    # enums of one prefixed field ("complaint.status"), before the bare name is looked up
    values: dict = field(default_factory=dict)
    actions: dict = field(default_factory=lambda: dict(ACTION_LABELS))
    # labels of one prefixed field ("development.pool"), before the bare name is looked up
    fields: dict = field(default_factory=dict)


def register_history_terms(
    app: Flask,
    *,
    prefixes: dict | None = None,
    values: dict | None = None,
    actions: dict | None = None,
    fields: dict | None = None,
) -> None:
    """Labels for another area's audit entries: `prefixes` {"complaint": _l("Complaint")},
    `values` {"complaint.status": ComplaintStatus}, `actions` {"send": _l("sent")}."""
    terms = app.extensions.setdefault(_KEY, HistoryTerms())
    terms.prefixes.update(prefixes or {})
    terms.values.update(values or {})
    terms.actions.update(actions or {})
    terms.fields.update(fields or {})


def _terms() -> HistoryTerms:
    return current_app.extensions.get(_KEY) or HistoryTerms()


def action_label(action: str | None) -> str:
    return str(_terms().actions.get(action, action or ""))


def field_label(field: str | None) -> str:
    if not field:
        return ""
    prefix, _dot, name = field.rpartition(".")
    label = str(
        _terms().fields.get(field)
        or PREFIXED_FIELD_LABELS.get(field)
        or FIELD_LABELS.get(name, name)
    )
    prefixes = _terms().prefixes
    if prefix in prefixes:
        return f"{prefixes[prefix]} · {label}"
    return label


def value_label(field: str | None, value: str | None) -> str:
    if value is None or field is None:
        return "—" if value is None else value
    name = field.rpartition(".")[2]
    enum = _terms().values.get(field) or VALUE_ENUMS.get(name)
    if enum is not None:
        try:
            return enum(value).label
        except ValueError:
            return value
    if name in BOOLEAN_FIELDS:
        return str(_l("Yes")) if value == "1" else str(_l("No"))
    return value
