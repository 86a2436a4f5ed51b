"""The standard contract (标准合同) as a document type: template docs_templates/contract/.

The context hands the template the contract, its line items, its clause texts by group, both
parties in seller/buyer order and the totals; the wording around them (clause titles, labels)
is Chinese document content and lives in the template. A draft or a contract in approval
carries the 草稿 watermark; an approved one may also be produced as PDF/A-3b for the archive.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from webapp.contracts import lines as line_rules
from webapp.contracts import service as contracts
from webapp.contracts.models import PARTY_FIELDS, Contract
from webapp.documents.registry import DocumentType
from webapp.extensions import db

TEMPLATE_VERSION = "2026.11-1"  # bump when contract.xml changes what a contract says


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
)
