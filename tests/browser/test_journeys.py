"""First journeys in a real browser: what a user sees after each click, and what was stored.

Selectors use ids, names and data attributes rather than labels, so the journeys hold whether
the UI reads in Chinese or English.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from webapp.accounts.models import Account, BuyingRole, Contact
from webapp.accounts.uscc import make_uscc
from webapp.audit import AuditEntry
from webapp.extensions import db

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says why: a skip locally, a failure in CI
    expect = None

pytestmark = pytest.mark.browser


def account_link(account_id: int) -> str:
    return f'a[href$="/accounts/{account_id}"]'


def test_manager_finds_account_adds_contact_and_sees_it_in_history(
    page, live_server, login, screenshot
):
    world = live_server.world

    page.goto(live_server("/login"))
    expect(page.locator("input[name=username]")).to_be_visible()
    screenshot(page, "01-login")
    login(world.east_manager)

    # The list shows the manager's own accounts; the search narrows it as they type.
    page.goto(live_server("/accounts/"))
    results = page.locator("#account-results")
    expect(results.locator(account_link(world.pujiang_id))).to_be_visible()
    expect(results.locator(account_link(world.xihu_id))).to_be_visible()
    expect(results).not_to_contain_text(world.north_account_short)
    screenshot(page, "02-account-list")

    page.fill("#account-search", world.pujiang_short[:2])
    expect(results.locator(account_link(world.xihu_id))).to_have_count(0)
    expect(results).to_have_count(1)  # the swap replaced the results, not nested them
    expect(results.locator(account_link(world.pujiang_id))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/\?.*q="))
    screenshot(page, "03-account-search")

    results.locator(account_link(world.pujiang_id)).click()
    page.wait_for_url(re.compile(rf"/accounts/{world.pujiang_id}$"))
    expect(page.locator("h1")).to_have_text(world.pujiang_name)
    screenshot(page, "04-account-profile")

    # Contacts tab, then the add form inside it.
    page.click(".tabs a[data-tab=contacts]")
    contacts = page.locator("#account-tab #account-contacts")
    expect(contacts).to_be_visible()
    expect(page.locator(".tabs a[data-tab=contacts]")).to_have_attribute("aria-selected", "true")
    expect(page).to_have_url(re.compile(r"tab=contacts|/contacts$"))
    screenshot(page, "05-contacts-tab")

    contacts.locator('a[hx-get$="/contacts/new"]').click()
    form = page.locator("#contact-editor #contact-form")
    expect(form).to_be_visible()
    form.locator("input[name=name]").fill("周建国")
    form.locator("input[name=title]").fill("采购总监")
    form.locator("select[name=buying_role]").select_option(BuyingRole.DECISION_MAKER.value)
    screenshot(page, "06-contact-form")
    form.locator("button[type=submit]").click()

    # The saved contact shows once in the table and the form is gone.
    expect(page.locator("#contact-form")).to_have_count(0)
    expect(page.locator("#account-contacts")).to_have_count(1)
    row = page.locator("#account-contacts tbody tr", has_text="周建国")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("采购总监")
    screenshot(page, "07-contact-added")

    with live_server.app.app_context():
        contact = db.session.scalars(
            sa.select(Contact).where(Contact.account_id == world.pujiang_id)
        ).one()
        assert (contact.name, contact.title, contact.buying_role) == (
            "周建国",
            "采购总监",
            BuyingRole.DECISION_MAKER,
        )
        logged = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.entity_type == "contact", AuditEntry.entity_id == contact.id
            )
        ).all()
        actor_names = {entry.actor.username for entry in logged}
        logged_values = {entry.new_value for entry in logged}
    assert actor_names == {world.east_manager}
    assert "周建国" in logged_values

    # The History tab shows the change, with who made it.
    page.click(".tabs a[data-tab=history]")
    history = page.locator("#account-tab #account-history")
    expect(history).to_be_visible()
    audit_row = history.locator(".history-item", has_text="周建国")
    expect(audit_row).to_have_count(1)
    expect(audit_row).to_contain_text("张伟")
    screenshot(page, "08-history-tab")


def test_manager_of_another_department_cannot_find_or_open_the_account(
    page, live_server, login, screenshot
):
    world = live_server.world
    login(world.north_manager)

    page.goto(live_server("/accounts/"))
    results = page.locator("#account-results")
    expect(results).to_contain_text(world.north_account_short)
    expect(results.locator(account_link(world.pujiang_id))).to_have_count(0)

    page.fill("#account-search", world.pujiang_short[:2])
    # The search has answered once the URL carries it and their own account is filtered out.
    expect(page).to_have_url(re.compile(r"q="))
    expect(results).not_to_contain_text(world.north_account_short)
    expect(results.locator(account_link(world.pujiang_id))).to_have_count(0)
    expect(results).not_to_contain_text(world.pujiang_short)

    # Another department's account answers exactly like one that does not exist (issue 13).
    response = page.goto(live_server(f"/accounts/{world.pujiang_id}"))
    assert response is not None and response.status == 404
    expect(page.locator("#error-page .error-code")).to_have_text("404")
    expect(page.locator("body")).not_to_contain_text(world.pujiang_name)
    screenshot(page, "09-forbidden")

    # Tabs answer 404 too, so nothing leaks through the fragments.
    response = page.goto(live_server(f"/accounts/{world.pujiang_id}/contacts"))
    assert response is not None and response.status == 404


def test_bad_credit_code_shows_inline_error_and_keeps_what_was_typed(
    page, live_server, login, screenshot
):
    world = live_server.world
    login(world.east_manager)
    legal_name = "苏州太湖电子科技有限公司"
    valid = make_uscc("91320506MA1PK3RB2")
    wrong_check = valid[:17] + ("0" if valid[17] != "0" else "1")

    page.goto(live_server("/accounts/new"))
    form = page.locator("#account-form")
    form.locator("input[name=name]").fill(legal_name)
    form.locator("input[name=short_name]").fill("太湖电子")
    form.locator("input[name=tax_number]").fill(wrong_check)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.locator("button[type=submit]").click()
    assert posted.value.status == 422

    form = page.locator("#account-form")
    tax_field = form.locator(".field.has-error:has(input[name=tax_number])")
    expect(tax_field).to_have_count(1)
    expect(tax_field.locator(".error")).not_to_be_empty()
    expect(form.locator("input[name=tax_number]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("input[name=name]")).to_have_value(legal_name)
    expect(form.locator("input[name=short_name]")).to_have_value("太湖电子")
    expect(form.locator(".field.has-error")).to_have_count(1)
    screenshot(page, "10-account-form-error")

    with live_server.app.app_context():
        stored = db.session.scalar(
            sa.select(sa.func.count()).select_from(Account).where(Account.name == legal_name)
        )
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Account))
    assert stored == 0
    assert total == 3
