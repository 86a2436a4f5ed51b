"""The contract list as a list that exports and saves as views (`webapp.lists`)."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from webapp.contracts import service
from webapp.contracts.models import Lifecycle
from webapp.lists.registry import Column, Kind, ListSpec

FILTER_LABELS = {
    "q": _l("Search"),
    "stage": _l("Status"),
    "owner_id": _l("Owner"),
    "expiring_within": _l("Expires"),
    "min_total": _l("Total"),
    "max_total": _l("Total"),
}


def _normalize(args: Mapping[str, str]) -> dict[str, str]:
    return dict(service.ContractQuery.from_args(args).args)


def _describe(args: Mapping[str, str]) -> list[tuple[str, str]]:
    words = []
    for name, value in args.items():
        if name == "stage":
            value = Lifecycle(value).label
        prefix = {"min_total": "≥ ", "max_total": "≤ ", "expiring_within": "≤ "}.get(name, "")
        words.append((str(FILTER_LABELS.get(name, name)), prefix + value))
    return words


def _query(user, args):
    return service.contracts_statement(user, service.ContractQuery.from_args(args))


def _with_stage(user, contracts):
    stages = service.stages_of(contracts)
    return [(c, stages[c.id]) for c in contracts]


CONTRACTS = ListSpec(
    key="contracts",
    title=_l("Contracts"),
    endpoint="contracts.index",
    query=_query,
    normalize=_normalize,
    describe=_describe,
    prepare=_with_stage,
    columns=(
        Column(_l("Number"), lambda r: r[0].number),
        Column(_l("Client"), lambda r: r[0].account.name),
        Column(_l("Title"), lambda r: r[0].title),
        Column(_l("Status"), lambda r: r[1].label),
        Column(_l("Total"), lambda r: r[0].total, Kind.MONEY),
        Column(_l("Effective from"), lambda r: r[0].effective_on, Kind.DATE),
        Column(_l("Expires on"), lambda r: r[0].expires_on, Kind.DATE),
        Column(_l("Owner"), lambda r: r[0].owner.full_name),
        Column(_l("Changed"), lambda r: r[0].updated_at, Kind.DATETIME),
    ),
)
