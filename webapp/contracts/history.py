"""A contract's changes in the account's history, field by field and line by line.

`snapshot(contract)` reads every field people edit (the terms, both parties, each clause's
wording, each line as one readable row, the total) as stored values; `record_save` writes one
audit entry per value that differs. `history_terms()` gives the accounts history registry the
labels and value kinds for them (wired in `contracts.init_app`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.core import UnboundField

from webapp import audit
from webapp.accounts.history import BOOL, DATE, LONG_TEXT, MONEY, PERCENT
from webapp.auth.models import User
from webapp.contracts.forms import PARTY_LABELS, ContractForm
from webapp.contracts.lines import line_text
from webapp.contracts.models import (
    PARTY_FIELDS,
    ClauseKey,
    Contract,
    ContractStatus,
    DistributionLevel,
    FreightPayer,
    Transport,
)

SCALARS = (
    "title",
    "tax_rate",
    "delivery_time",
    "delivery_place",
    "transport",
    "freight_payer",
    "dist_level",
    "dist_exclusive",
    "dist_territory",
    "dist_products",
    "dist_term",
    "settlement_method",
    "policy_rebate",
    "policy_annual_bonus",
    "policy_promotion",
    "policy_advertising",
    "policy_staff",
    "signing_place",
    "signing_date",
    "effective_on",
    "expires_on",
)
PARTIES = tuple(f"{side}_{name}" for side in ("client", "our") for name in PARTY_FIELDS)
SIDES = {"client": _l("Client (buyer)"), "our": _l("Our company (seller)")}


def snapshot(contract: Contract) -> dict[str, str | None]:
    values = audit.snapshot(contract, (*SCALARS, *PARTIES))
    values = {f"contract.{k}": v for k, v in values.items()}
    for clause in contract.clauses:
        values[f"contract.clause_{clause.key.value}"] = clause.text or None
    for n, line in enumerate(contract.lines, start=1):
        values[f"contract.line_{n}"] = line_text(line)
    values["contract.total"] = audit.display_value(contract.total)
    return values


def record_save(
    contract: Contract, actor: User, before: dict[str, str | None], action: str = "update"
) -> None:
    """One history entry per field, clause and line the save changed (a new draft: filled)."""
    audit.record_revision(
        actor,
        "contract",
        contract,
        before,
        snapshot(contract),
        subject=contract.number,
        action=action,
    )


def history_terms() -> dict:
    """`register_history_terms` keywords for contracts."""
    fields = {
        f"contract.{name}": unbound.args[0]
        for name, unbound in vars(ContractForm).items()
        if isinstance(unbound, UnboundField) and unbound.args and name in SCALARS
    }
    for side, side_label in SIDES.items():
        for name in PARTY_FIELDS:
            fields[f"contract.{side}_{name}"] = _l(
                "%(side)s: %(field)s", side=side_label, field=PARTY_LABELS[name]
            )
    for key in ClauseKey:
        fields[f"contract.clause_{key.value}"] = _l("%(clause)s clause", clause=key.lazy_label)
    fields["contract.line_#"] = _l("Line %(n)s")
    fields["contract.total"] = _l("Total")
    kinds = {f"contract.clause_{key.value}": LONG_TEXT for key in ClauseKey}
    kinds.update(
        {
            "contract.total": MONEY,
            "contract.tax_rate": PERCENT,
            "contract.signing_date": DATE,
            "contract.effective_on": DATE,
            "contract.expires_on": DATE,
            "contract.dist_exclusive": BOOL,
        }
    )
    return {
        "entities": {"contract": _l("Contract")},
        "values": {
            "contract.status": ContractStatus,
            "contract.transport": Transport,
            "contract.freight_payer": FreightPayer,
            "contract.dist_level": DistributionLevel,
        },
        "fields": fields,
        "kinds": kinds,
        "actions": {
            "submit": _l("submitted for approval"),
            "withdraw": _l("withdrawn from approval"),
            "sign": _l("signed"),
            "archive": _l("archived as signed"),
            "terminate": _l("terminated"),
        },
    }
