"""Views hand templates answers (values, booleans, ready rows), never code to call: no module,
no function of ours. Every page of the route table is opened and each rendered template's
context is checked, so a view that passes `service` or `service.some_rule` again fails here."""

from __future__ import annotations

import inspect
import types

import pytest
from flask import template_rendered

from tests.web.test_routes_by_role import SKIPPED_ENDPOINTS, _actor_user, _reset, _url


def handed_code(value) -> bool:
    if isinstance(value, types.ModuleType):
        return True
    if inspect.isfunction(value) or inspect.ismethod(value):
        return (value.__module__ or "").startswith("webapp")
    return False


@pytest.mark.parametrize("actor", ["account_manager", "finance", "admin"])
def test_no_page_hands_its_template_a_module_or_a_function(app, world, login, actor):
    found = set()

    def check(sender, template, context, **extra):
        found.update(
            f"{template.name}: {name} = {value!r}"
            for name, value in context.items()
            if handed_code(value)
        )

    session = login(_actor_user(world, actor))
    pages = 0
    with template_rendered.connected_to(check, app):
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
            if rule.endpoint in SKIPPED_ENDPOINTS or "GET" not in rule.methods:
                continue
            if session.get(_url(app, rule, _reset(world))).status_code == 200:
                pages += 1
    assert pages > 10  # the sweep really opened pages
    assert not found, "\n".join(sorted(found))


def test_the_check_would_see_a_service_handed_to_a_template():
    from webapp.approvals import service
    from webapp.approvals.models import RequestStatus

    assert handed_code(service)
    assert handed_code(service.can_withdraw)
    assert not handed_code(RequestStatus)  # an enum to list its members is fine
    assert not handed_code([RequestStatus.PENDING])
