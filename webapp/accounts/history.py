"""The account's history as people read it: one way to describe a change, for every area.

Every area writes audit entries (webapp/audit.py) with raw values; this module turns them into
what the history tab shows: the record ("Contract HT-2026-00012"), who did it ("Li Na for Wang
Qiang" when a deputy acted), what happened, and each field's label with its value before and
after as a label, money (¥16,990,000.00), a date, yes/no or a person's name.

Areas above accounts (contracts, approvals, proposals, complaints, warnings) name their record
types, fields, values, value kinds and actions with `register_history_terms` from their
`init_app`, since this module may not import them. The terms live on the app."""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.accounts import service
from webapp.accounts.models import ENUM_BY_FIELD, Account, Contact, VisitKind
from webapp.auth.models import User
from webapp.common.timeutil import to_local
from webapp.extensions import db

# How a field's stored value reads (webapp/audit.py display_value wrote it).
MONEY, DATE, DATETIME, BOOL, PERCENT, USER, CONTACT, LONG_TEXT = (
    "money",
    "date",
    "datetime",
    "bool",
    "percent",
    "user",
    "contact",
    "long_text",
)
_NUMBERED = re.compile(r"([a-z]+)_(\d+)")
LONG_TEXT_SHOWN = 80  # characters of a long text (a clause) shown before and after

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
PREFIXED_FIELD_LABELS = {
    "contact.name": _l("Name"),
    "contract.title": _l("Title"),
    "visit.kind": _l("Kind"),
    "visit.visited_on": _l("Date"),
    "visit.contact_id": _l("Contact"),
    "visit.summary": _l("Summary"),
    "visit.next_step": _l("Next step"),
    "visit.next_date": _l("Next date"),
}
PREFIX_LABELS = {"contact": _l("Contact"), "contract": _l("Contract")}
VALUE_ENUMS = ENUM_BY_FIELD
FIELD_KINDS = {
    "credit_limit": MONEY,
    "total": MONEY,
    "birthday": DATE,
    "abandoned": BOOL,
    "man_money": BOOL,
    "man_authority": BOOL,
    "man_need": BOOL,
    "owner_id": USER,
    "reports_to_id": CONTACT,
    "notes": LONG_TEXT,
    "personal_notes": LONG_TEXT,
    "visit.visited_on": DATE,
    "visit.next_date": DATE,
    "visit.contact_id": CONTACT,
    "visit.summary": LONG_TEXT,
}
ENTITY_LABELS = {"account": _l("Account"), "contact": _l("Contact"), "visit": _l("Visit")}
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
    """What one app's areas call their audit entries' records, fields, values and actions."""

    prefixes: dict = field(default_factory=lambda: dict(PREFIX_LABELS))
    # enums of one prefixed field ("complaint.status"), before the bare name is looked up
    values: dict = field(default_factory=lambda: {"visit.kind": VisitKind})
    actions: dict = field(default_factory=lambda: dict(ACTION_LABELS))
    # record types by entity_type ("contract": _l("Contract"))
    entities: dict = field(default_factory=lambda: dict(ENTITY_LABELS))
    # field labels by prefixed ("contract.client_name") or bare name
    fields: dict = field(default_factory=dict)
    # value kinds (MONEY, DATE…) by prefixed or bare name
    kinds: dict = field(default_factory=lambda: dict(FIELD_KINDS))
    # enums whose label names a record stored by its code (a warning by its rule)
    subjects: dict = field(default_factory=dict)


def register_history_terms(
    app: Flask,
    *,
    prefixes: dict | None = None,
    values: dict | None = None,
    actions: dict | None = None,
    entities: dict | None = None,
    fields: dict | None = None,
    kinds: dict | None = None,
    subjects: dict | None = None,
) -> None:
    """Words for another area's audit entries: `prefixes` {"complaint": _l("Complaint")},
    `values` {"complaint.status": ComplaintStatus}, `actions` {"send": _l("sent")},
    `entities` {"complaint": _l("Complaint")}, `fields` {"contract.client_name": _l("…")},
    `kinds` {"contract.total": MONEY}, `subjects` {"warning": RuleKey}."""
    terms = app.extensions.setdefault(_KEY, HistoryTerms())
    terms.prefixes.update(prefixes or {})
    terms.values.update(values or {})
    terms.actions.update(actions or {})
    terms.entities.update(entities or {})
    terms.fields.update(fields or {})
    terms.kinds.update(kinds or {})
    terms.subjects.update(subjects or {})


def _terms() -> HistoryTerms:
    return current_app.extensions.get(_KEY) or HistoryTerms()


def action_label(action: str | None) -> str:
    return str(_terms().actions.get(action, action or ""))


def _bare_label(field: str) -> str:
    """The field's own label, without its record type."""
    prefix, _dot, name = field.rpartition(".")
    terms = _terms()
    numbered = _NUMBERED.fullmatch(name)  # "line_3" reads "Line 3" when "line_#" is known
    if numbered and f"{prefix}.{numbered[1]}_#" in terms.fields:
        return str(terms.fields[f"{prefix}.{numbered[1]}_#"]).replace("%(n)s", numbered[2])
    label = (
        terms.fields.get(field)
        or PREFIXED_FIELD_LABELS.get(field)
        or terms.fields.get(name)
        or FIELD_LABELS.get(name, name)
    )
    return str(label)


def field_label(field: str | None) -> str:
    """The field's label, prefixed with its record type ("Contact · Name") when it has one."""
    if not field:
        return ""
    prefix = field.rpartition(".")[0]
    prefixes = _terms().prefixes
    if prefix in prefixes:
        return f"{prefixes[prefix]} · {_bare_label(field)}"
    return _bare_label(field)


def _kind(field: str) -> str | None:
    kinds = _terms().kinds
    return kinds.get(field) or kinds.get(field.rpartition(".")[2])


def value_label(field: str | None, value: str | None, names: dict | None = None) -> str:
    """A stored value as people read it: an enum's label, money, a date, yes/no, a name.
    `names` maps (kind, id) to a person's or contact's name (see `describe`)."""
    if value is None or field is None:
        return "—" if value is None else value
    name = field.rpartition(".")[2]
    enum = _terms().values.get(field) or VALUE_ENUMS.get(name)
    if enum is not None:
        try:
            return enum(value).label
        except ValueError:
            return value
    kind = _kind(field)
    try:
        if kind == MONEY:
            return f"¥{Decimal(value):,.2f}"
        if kind == PERCENT:
            return f"{Decimal(value).normalize():f}%"
        if kind == DATE:
            return date.fromisoformat(value[:10]).isoformat()
        if kind == DATETIME:
            return to_local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
    except (InvalidOperation, ValueError):
        return value
    if kind == BOOL:
        return _("Yes") if value == "1" else _("No")
    if kind in (USER, CONTACT):
        found = names if names is not None else _names_of([(kind, value)])
        return found.get((kind, value), value)
    if kind == LONG_TEXT and len(value) > LONG_TEXT_SHOWN:
        return value[:LONG_TEXT_SHOWN] + "…"
    return value


def _names_of(refs) -> dict:
    """Names of the people and contacts that entries refer to by id, in one query per kind."""
    names: dict = {}
    for kind, model, column in ((USER, User, User.full_name), (CONTACT, Contact, Contact.name)):
        ids = {int(v) for k, v in refs if k == kind and str(v).isascii() and str(v).isdigit()}
        if ids:
            rows = db.session.execute(sa.select(model.id, column).where(model.id.in_(ids)))
            names.update({(kind, str(i)): n for i, n in rows})
    return names


# --- the history tab: entries grouped into the changes people made -----------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class HistoryItem:
    """One change people made: a save of several fields, a decision, a link sent."""

    at: datetime
    who: str
    record: str
    action: str
    changes: list[FieldChange]
    note: str | None = None


def _who_named(actor, principal) -> str:
    if actor is None:
        return _("system")
    if principal is not None:
        return _(
            "%(deputy)s for %(principal)s", deputy=actor.full_name, principal=principal.full_name
        )
    return actor.full_name


def _record_named(entity_type: str, subject: str | None) -> str:
    terms = _terms()
    kind = str(terms.entities.get(entity_type, entity_type))
    enum = terms.subjects.get(entity_type)
    if subject and enum is not None:
        with contextlib.suppress(ValueError):  # a code no longer known stays as stored
            subject = enum(subject).label
    return f"{kind} {subject}" if subject else kind


def _same_change(a, b) -> bool:
    return (
        (a.entity_type, a.entity_id, a.action, a.actor_id, a.on_behalf_of_id, a.version)
        == (b.entity_type, b.entity_id, b.action, b.actor_id, b.on_behalf_of_id, b.version)
        and abs((a.at - b.at).total_seconds()) < 2
        and a.field is not None
        and b.field is not None
    )


def describe(entries) -> list[HistoryItem]:
    """The entries (newest first) as the changes people made, each field with its label and
    its values before and after as people read them. Labels are looked up once per call for
    each field, value, action, record and person (a page repeats them many times)."""
    entries = list(entries)
    refs = [
        (_kind(e.field), value)
        for e in entries
        if e.field and _kind(e.field) in (USER, CONTACT)
        for value in (e.old_value, e.new_value)
        if value
    ]
    names = _names_of(refs)
    label = functools.cache(_bare_label)
    action = functools.cache(action_label)
    value = functools.cache(lambda field, raw: value_label(field, raw, names))
    who = functools.cache(lambda actor, principal: _who_named(actor, principal))
    record = functools.cache(_record_named)
    items: list[HistoryItem] = []
    previous = None
    for entry in entries:
        head = (
            entry.at,
            who(entry.actor, entry.on_behalf_of),
            record(entry.entity_type, entry.subject),
            action(entry.action),
        )
        if entry.field is None:  # an event: created, sent, approved…, with its note if any
            items.append(HistoryItem(*head, [], entry.new_value))
            previous = None
            continue
        change = FieldChange(
            label(entry.field),
            value(entry.field, entry.old_value),
            value(entry.field, entry.new_value),
        )
        if previous is not None and _same_change(previous, entry):
            items[-1].changes.append(change)
        else:
            items.append(HistoryItem(*head, [change]))
        previous = entry
    for item in items:
        item.changes.reverse()  # the fields in the order the record lists them
    return items


# --- the history tab, one page at a time ------------------------------------------------------


HISTORY_PAGE = 50


@dataclass
class HistoryPage:
    items: list  # accounts.history.HistoryItem, newest first
    older_than: int | None  # the entry id to continue from, None on the last page


def history_page(user: User, account: Account, before: int | None = None) -> HistoryPage:
    """One page of the history tab: the changes as people read them (accounts.history)."""
    entries = service.history(user, account, limit=HISTORY_PAGE + 1, before=before)
    older_than = entries[HISTORY_PAGE - 1].id if len(entries) > HISTORY_PAGE else None
    return HistoryPage(describe(entries[:HISTORY_PAGE]), older_than)
