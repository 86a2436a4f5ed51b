"""The top navigation: one list in webapp/main/navigation.py says which links each role sees;
base.html only loops over it."""

from __future__ import annotations

import re

import pytest

from webapp.auth.models import Role

WORK = ["Home", "Key accounts", "Pipeline", "Customer pool", "Contracts", "Approvals", "My views"]
# those who run the department also see the dashboard, right after their home page
LEADING = ["Home", "Dashboard", *WORK[1:]]
READ_ONLY = ["Home", "Key accounts", "Pipeline", "Contracts", "Approvals", "My views"]
SETTINGS = [
    "Users",
    "Departments",
    "Standard wording",
    "Company profile",
    "Branding",
    "Warning rules",
    "Approval settings",
    "Evaluation weights",
    "Development settings",
]
EXPECTED = {
    Role.ACCOUNT_MANAGER: WORK,
    Role.SUPERVISOR: [*LEADING, "Import records"],
    Role.DEPARTMENT_HEAD: [*LEADING, "Import records"],
    Role.EXECUTIVE: LEADING,
    Role.FINANCE: [*READ_ONLY, "Import records"],
    Role.CUSTODIAN: READ_ONLY,
    Role.ADMIN: SETTINGS,
}


def links(page: str) -> list[tuple[str, str, bool]]:
    """(href, label, current) of each link of the main navigation, the bell left out."""
    nav = re.search(r'<nav class="mainnav".*?</nav>', page, re.S).group(0)
    return [
        (
            href,
            re.sub(r"<span.*?</span>", "", label, flags=re.S).strip(),
            'aria-current="page"' in attrs,
        )
        for href, attrs, label in re.findall(r'<a href="([^"]+)"([^>]*)>(.*?)</a>', nav, re.S)
    ]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_links_in_order_and_each_opens(world, login, role):
    client = login(world.by_role(role))
    start = "/admin/users" if role is Role.ADMIN else "/"
    shown = links(client.get(start).get_data(as_text=True))
    assert [label for _href, label, _current in shown] == EXPECTED[role]
    for href, label, _current in shown:
        assert client.get(href, follow_redirects=True).status_code == 200, label


@pytest.mark.parametrize(
    ("role", "path", "current"),
    [
        (Role.ACCOUNT_MANAGER, "/", "Home"),
        (Role.ACCOUNT_MANAGER, "/accounts/", "Key accounts"),
        (Role.ACCOUNT_MANAGER, "/contracts/", "Contracts"),
        (Role.ACCOUNT_MANAGER, "/approvals/deputies", "Approvals"),
        (Role.FINANCE, "/sales/imports", "Import records"),
        (Role.FINANCE, "/accounts/{account}/records", None),  # the account's tab, not imports
        (Role.ACCOUNT_MANAGER, "/notifications/", None),
        (Role.ADMIN, "/admin/users", "Users"),
        (Role.ADMIN, "/admin/clauses/quality", "Standard wording"),
        (Role.ADMIN, "/admin/evaluation-weights", "Evaluation weights"),
        (Role.ADMIN, "/no-such-page", None),
    ],
)
def test_the_link_of_the_page_shown_is_marked_current(world, login, role, path, current):
    page = login(world.by_role(role)).get(path.format(account=world.account.id))
    marked = [
        label for _href, label, is_current in links(page.get_data(as_text=True)) if is_current
    ]
    assert marked == ([current] if current else [])


def test_the_approvals_link_loads_its_badge(world, login):
    page = login(world.owner).get("/").get_data(as_text=True)
    assert re.search(
        r'<a href="/approvals/" >Approvals\s*<span id="approvals-badge" hx-get="/approvals/badge"',
        page,
    )


def test_nobody_signed_in_sees_no_navigation(client):
    assert 'class="mainnav"' not in client.get("/login").get_data(as_text=True)
