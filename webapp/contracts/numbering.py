"""Contract numbers HT-YYYY-NNNNN, unique and gap-free per year (see common.numbering)."""

from __future__ import annotations

from webapp.common.numbering import next_in_sequence
from webapp.contracts.models import ContractCounter


def allocate_number(year: int) -> str:
    return f"HT-{year}-{next_in_sequence(ContractCounter.__table__, year):05d}"
