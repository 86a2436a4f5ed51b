"""The standard contract (标准合同) as a document type: template docs_templates/contract/.

The context hands the template the contract, its line items, its clause texts by group, both
parties in seller/buyer order and the totals; the wording around them (clause titles, labels)
is Chinese document content and lives in the template. A draft or a contract in approval
carries the 草稿 watermark; an approved one may also be produced as PDF/A-3b for the archive,
with its data embedded as contract.json (`archive_data`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from webapp.contracts import lines as line_rules
from webapp.contracts import service as contracts
from webapp.contracts.models import PARTY_FIELDS, Contract
from webapp.documents.registry import DocumentType
from webapp.extensions import db

TEMPLATE_VERSION = "2026.12-1"  # bump when contract.xml changes what a contract says


def _party(contract: Contract, side: str) -> dict:
    return {name: getattr(contract, f"{side}_{name}") for name in PARTY_FIELDS}


def contract_context(contract: Contract) -> dict:
    seller, buyer = ("our", "client") if contract.we_sell else ("client", "our")
    return {
        "contract": contract,
        "lines": list(contract.lines),
        "clauses": {clause.key.value: clause.text for clause in contract.clauses},
        "seller": _party(contract, seller),
        "buyer": _party(contract, buyer),
        "tax": line_rules.tax_included(contract.total, contract.tax_rate),
        "draft": contract.is_unapproved,
    }


def _amount(value) -> str | None:
    return None if value is None else str(value)


def archive_data(contract: Contract) -> dict:
    """The contract as data for the PDF/A-3b attachment (contract.json): an ERP reads parties,
    lines, totals and the clause versions of an archived contract without OCR. Amounts are
    decimal strings (never floats), dates ISO 8601."""
    context = contract_context(contract)
    return {
        "schema": "keydesk.contract/1",
        "number": contract.number,
        "title": contract.title,
        "status": contract.status.value,
        "record_version": contract.version,
        "currency": "CNY",
        "seller": context["seller"],
        "buyer": context["buyer"],
        "we_sell": contract.we_sell,
        "signing_place": contract.signing_place,
        "signing_date": contract.signing_date.isoformat() if contract.signing_date else None,
        "effective_on": contract.effective_on.isoformat() if contract.effective_on else None,
        "expires_on": contract.expires_on.isoformat() if contract.expires_on else None,
        "lines": [
            {
                "position": line.position,
                "product": line.product,
                "brand": line.brand,
                "spec": line.spec,
                "unit": line.unit,
                "quantity": _amount(line.quantity),
                "unit_price_tax_included": _amount(line.unit_price),
                "amount": _amount(line.amount),
            }
            for line in contract.lines
        ],
        "totals": {
            "total_tax_included": _amount(contract.total),
            "tax_rate_percent": _amount(contract.tax_rate),
            "tax": _amount(context["tax"]),
        },
        "clauses": [
            {"key": clause.key.value, "standard_version": clause.standard_version}
            for clause in contract.clauses
        ],
    }


def archive_variant(contract: Contract) -> str | None:
    return None if contract.is_unapproved else "pdf/a-3b"


def all_contract_ids() -> list[int]:
    return list(db.session.scalars(sa.select(Contract.id).order_by(Contract.id)))


CONTRACT = DocumentType(
    kind="contract",
    label=_l("Contract"),
    template="contract/contract.xml",
    template_version=TEMPLATE_VERSION,
    get_for_user=contracts.get_contract,
    get_any=lambda contract_id: db.session.get(Contract, contract_id),
    source_version=lambda contract: contract.version,
    context=contract_context,
    filename=lambda contract: f"购销合同-{contract.number}",
    all_ids=all_contract_ids,
    archive_variant=archive_variant,
    archive_data=archive_data,
)
