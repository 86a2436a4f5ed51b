"""The tabs of an account's page. Areas above accounts (contracts, approvals, sales, …) add
their own tab from their `init_app` instead of the account page importing them; the tabs live
on the app, so an app has exactly the tabs its areas registered."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import LazyString

from webapp.common.rendering import render_fragment, render_page, wants_fragment

_KEY = "keydesk.account_tabs"


@dataclass(frozen=True)
class AccountTab:
    key: str
    label: LazyString | str
    endpoint: str  # takes account_id; answers the tab's fragment to htmx
    order: int


def register_tab(app: Flask, key: str, label, endpoint: str, order: int) -> None:
    app.extensions.setdefault(_KEY, {})[key] = AccountTab(key, label, endpoint, order)


def account_tabs() -> list[AccountTab]:
    return sorted(current_app.extensions.get(_KEY, {}).values(), key=lambda t: t.order)


def render_tab(key: str, fragment: str, *, status: int = 200, **context):
    """A tab of the account page: its fragment for an htmx swap, the whole account page (with
    this tab open) otherwise. `context` carries the `account` and what the fragment shows."""
    if wants_fragment():
        return render_fragment(fragment, status=status, **context)
    return render_page(
        "accounts/detail.html",
        status=status,
        tabs=account_tabs(),
        active_tab=key,
        fragment=fragment,
        **context,
    )
