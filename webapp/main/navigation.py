"""The top navigation: its links in order, who sees each, and which one is the current page.

base.html only loops over the ready list (`nav_items`, given to every template by the main
blueprint). Who sees a link follows the roles of auth.permissions: everyone who works with
accounts sees the work pages, those who may import sales records (the route's own rule) see
the imports, and the administrator sees the settings pages and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from webapp.auth.models import Role
from webapp.auth.permissions import ACCOUNT_READERS, SALES_OPERATORS
from webapp.dashboard.service import DASHBOARD_ROLES
from webapp.development.pool import POOL_ROLES
from webapp.lists.saved import view_links


@dataclass(frozen=True)
class NavItem:
    """One link as base.html shows it."""

    url: str
    label: str
    current: bool  # the page shown belongs to this link (aria-current="page")
    badge_id: str | None = None  # an element inside the link that loads a count …
    badge_url: str | None = None  # … from this address
    children: tuple[tuple[str, str], ...] = ()  # (label, address) of a menu under the link


@dataclass(frozen=True)
class _Link:
    endpoint: str
    label: Any  # lazy gettext, translated when the page is rendered
    roles: frozenset[Role]
    is_current: Callable[[str, str | None], bool]  # (endpoint, blueprint) of the page shown
    badge: tuple[str, str] | None = None  # (element id, endpoint of the count)
    children: Callable[[Any], list[tuple[str, str]]] | None = None  # the menu under it


def _on_endpoint(name: str) -> Callable[[str, str | None], bool]:
    return lambda endpoint, blueprint: endpoint == name


def _in_blueprint(name: str) -> Callable[[str, str | None], bool]:
    return lambda endpoint, blueprint: blueprint == name


def _users_pages(endpoint: str, blueprint: str | None) -> bool:
    # as base.html had it: matches admin.users only (admin.new_user and admin.edit_user do not
    # start with "admin.user")
    return endpoint.startswith("admin.user")


def _importing(endpoint: str, blueprint: str | None) -> bool:
    # an account's Sales records tab belongs to the account, not to the imports
    return blueprint == "sales" and endpoint != "sales.account_records"


ADMIN = frozenset({Role.ADMIN})
LINKS = (
    _Link("main.home", _l("Home"), ACCOUNT_READERS, _on_endpoint("main.home")),
    _Link("dashboard.index", _l("Dashboard"), DASHBOARD_ROLES, _in_blueprint("dashboard")),
    _Link("accounts.index", _l("Key accounts"), ACCOUNT_READERS, _in_blueprint("accounts")),
    _Link("development.board", _l("Pipeline"), ACCOUNT_READERS, _on_endpoint("development.board")),
    _Link(
        "development.pool_index",
        _l("Customer pool"),
        POOL_ROLES,
        _on_endpoint("development.pool_index"),
    ),
    _Link("contracts.index", _l("Contracts"), ACCOUNT_READERS, _in_blueprint("contracts")),
    _Link(
        "approvals.inbox",
        _l("Approvals"),
        ACCOUNT_READERS,
        _in_blueprint("approvals"),
        badge=("approvals-badge", "approvals.badge"),
    ),
    _Link(
        "lists.saved_views",
        _l("My views"),
        ACCOUNT_READERS,
        _in_blueprint("lists"),
        children=view_links,
    ),
    _Link("sales.imports", _l("Import records"), SALES_OPERATORS, _importing),
    _Link("admin.users", _l("Users"), ADMIN, _users_pages),
    _Link("admin.departments", _l("Departments"), ADMIN, _on_endpoint("admin.departments")),
    _Link(
        "contract_admin.standard_clauses",
        _l("Standard wording"),
        ADMIN,
        _on_endpoint("contract_admin.standard_clause"),
    ),
    _Link(
        "contract_admin.company",
        _l("Company profile"),
        ADMIN,
        _on_endpoint("contract_admin.company"),
    ),
    _Link(
        "proposals.branding_settings",
        _l("Branding"),
        ADMIN,
        _on_endpoint("proposals.branding_settings"),
    ),
    _Link("warnings.rules", _l("Warning rules"), ADMIN, _on_endpoint("warnings.rules")),
    _Link(
        "approvals.admin_settings",
        _l("Approval settings"),
        ADMIN,
        _on_endpoint("approvals.admin_settings"),
    ),
    _Link(
        "evaluations.weights",
        _l("Evaluation weights"),
        ADMIN,
        _on_endpoint("evaluations.weights"),
    ),
    _Link(
        "development_admin.index",
        _l("Development settings"),
        ADMIN,
        _in_blueprint("development_admin"),
    ),
)


def nav_items(user, endpoint: str | None, blueprint: str | None) -> list[NavItem]:
    """The links `user` sees, in order, marking the one the page (`endpoint`) belongs to.
    Nobody signed in sees none."""
    if not getattr(user, "is_authenticated", False):
        return []
    endpoint = endpoint or ""  # an unknown address has no endpoint
    return [
        NavItem(
            url=url_for(link.endpoint),
            label=str(link.label),
            current=link.is_current(endpoint, blueprint),
            badge_id=link.badge[0] if link.badge else None,
            badge_url=url_for(link.badge[1]) if link.badge else None,
            children=tuple(link.children(user)) if link.children else (),
        )
        for link in LINKS
        if user.role in link.roles
    ]
