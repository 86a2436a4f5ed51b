"""What a draft still lacks before it can be submitted, per clause group, by the fields' labels.

The same rule as `service.submission_problems` (REQUIRED_FOR_SUBMIT, a line item, every
clause's wording), read either from a stored contract or from the editor's current input, so
the editor's live checklist, the marks on the fields and the refusal of an incomplete submit
always agree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from wtforms.fields.core import UnboundField

from webapp.contracts.forms import PARTY_LABELS, ContractForm
from webapp.contracts.models import ClauseKey, Contract
from webapp.contracts.service import REQUIRED_FOR_SUBMIT

SIDES = {"client": _l("Client (buyer)"), "our": _l("Our company (seller)")}
SUBJECT = _l("Subject: products, quantities, prices")
SIGNING = _l("Signing time, place and validity")
PARTIES = _l("Parties")


@dataclass(frozen=True)
class Missing:
    name: str  # the field's name, which is also its element id in the editor
    label: str


@dataclass
class GroupCheck:
    key: str  # the editor's fieldset is #clause-<key>
    number: int  # as the contract numbers its clauses
    title: str
    missing: list[Missing] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def _label(name: str) -> str:
    """A field's label as the editor shows it (only looked up for what is missing)."""
    side, _sep, party_field = name.partition("_")
    if side in SIDES and party_field in PARTY_LABELS:
        return f"{SIDES[side]} · {PARTY_LABELS[party_field]}"
    unbound = getattr(ContractForm, name, None)
    if isinstance(unbound, UnboundField) and unbound.args:
        return str(unbound.args[0])
    return name


def needed_fields() -> frozenset[str]:
    """Every form field a submission needs, to mark from the start."""
    names = {n for names in REQUIRED_FOR_SUBMIT.values() for n in names}
    return frozenset(names | {f"clause_{key.value}" for key in ClauseKey})


def checklist(
    value_of: Callable[[str], object], clause_text: Callable[[ClauseKey], str], has_lines: bool
) -> list[GroupCheck]:
    """The clause groups in the contract's order, each with the fields it still lacks."""

    def lacking(names) -> list[Missing]:
        return [Missing(n, _label(n)) for n in names if value_of(n) in (None, "")]

    groups = [GroupCheck("subject", 1, str(SUBJECT))]
    if not has_lines:
        groups[0].missing.append(Missing("clause-subject", str(_l("At least one line item"))))
    for number, key in enumerate(ClauseKey, start=2):
        group = GroupCheck(key.value, number, str(key.label))
        group.missing = lacking(REQUIRED_FOR_SUBMIT.get(key.value, ()))
        if not (clause_text(key) or "").strip():
            name = f"clause_{key.value}"
            group.missing.append(Missing(name, _label(name)))
        groups.append(group)
    groups.append(GroupCheck("signing", len(groups) + 1, str(SIGNING)))
    groups[-1].missing = lacking(REQUIRED_FOR_SUBMIT["signing"])
    groups.append(GroupCheck("parties", len(groups) + 1, str(PARTIES)))
    groups[-1].missing = lacking(REQUIRED_FOR_SUBMIT["parties"])
    return groups


def for_contract(contract: Contract) -> list[GroupCheck]:
    texts = {c.key: c.text for c in contract.clauses}
    return checklist(
        lambda n: getattr(contract, n), lambda k: texts.get(k, ""), bool(contract.lines)
    )


def for_form(form: ContractForm, rows) -> list[GroupCheck]:
    """From the editor's form as shown (nothing saved): selects hold "" when unchosen, dates
    None when empty or unreadable."""
    return checklist(
        lambda n: getattr(form, n).data,
        lambda k: getattr(form, f"clause_{k.value}").data or "",
        any(not r.is_blank for r in rows),
    )


def for_posted(values, rows) -> list[GroupCheck]:
    """From the editor's input as posted while typing (the live checklist): a field counts as
    filled when it holds anything; whether it is valid is checked when the draft is saved."""

    def value_of(name: str) -> str:
        return (values.get(name) or "").strip()

    return checklist(
        value_of,
        lambda k: value_of(f"clause_{k.value}"),
        any(not r.is_blank for r in rows),
    )


def missing_count(groups: list[GroupCheck]) -> int:
    return sum(len(g.missing) for g in groups)
