"""The tabs of an account's page. Areas above accounts (contracts, approvals, documents)
register their own tab here instead of the account page importing them."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString


@dataclass(frozen=True)
class AccountTab:
    key: str
    label: LazyString | str
    endpoint: str  # takes account_id; answers the tab's fragment to htmx
    order: int


_TABS: dict[str, AccountTab] = {}


def register_tab(key: str, label, endpoint: str, order: int) -> None:
    _TABS[key] = AccountTab(key, label, endpoint, order)


def account_tabs() -> list[AccountTab]:
    return sorted(_TABS.values(), key=lambda t: t.order)
