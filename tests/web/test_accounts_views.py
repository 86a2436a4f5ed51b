"""Request tests for the key-account pages: list, create, edit, tabs, contacts, visits, team."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.helpers import assert_fragment, assert_full_page, vary
from tests.web.formdata import account_form, contact_form, field_errors, input_value, visit_form
from webapp.accounts.models import (
    Account,
    AccountKind,
    AccountMember,
    Contact,
    CreditGrade,
    SalesTier,
    Stage,
    Visit,
)
from webapp.audit import AuditEntry
from webapp.extensions import db

HX = {"HX-Request": "true"}


def listed_ids(html: str) -> list[int]:
    """Ids of the accounts linked from the result rows, in order."""
    ids: list[int] = []
    for found in re.findall(r'href="/accounts/(\d+)"', html):
        if int(found) not in ids:
            ids.append(int(found))
    return ids


def count_account_entries() -> int:
    """Audit entries of accounts (sign-in events are logged too)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.entity_type != "user")
    )


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def stored_account(account_id: int) -> Account:
    db.session.expire_all()
    return db.session.get(Account, account_id)


# --- list -------------------------------------------------------------------------------------


def test_list_shows_only_visible_accounts(world, make_account, login):
    mine = world.account
    colleagues = make_account(world.colleague, name="南京同事测试有限公司")
    southern = make_account(world.other_manager, name="广州南方测试有限公司")

    response = login(world.owner).get("/accounts/")
    assert response.status_code == 200
    assert listed_ids(response.get_data(as_text=True)) == [mine.id]

    supervisor_sees = listed_ids(login(world.supervisor).get("/accounts/").get_data(as_text=True))
    assert sorted(supervisor_sees) == sorted([mine.id, colleagues.id])

    executive_sees = listed_ids(login(world.executive).get("/accounts/").get_data(as_text=True))
    assert sorted(executive_sees) == sorted([mine.id, colleagues.id, southern.id])


@pytest.fixture
def three_accounts(world, make_account):
    return {
        "steel": make_account(
            world.owner,
            name="Alpha钢铁集团有限公司",
            short_name="阿尔法钢铁",
            kind=AccountKind.GROUP,
            stage=Stage.CLOSING,
            credit_grade=CreditGrade.RED,
            credit_limit=Decimal("300.00"),
        ),
        "school": make_account(
            world.owner,
            name="Beta职业技术学院",
            short_name="贝塔学院",
            kind=AccountKind.IMPORTANT,
            stage=Stage.TARGET,
            credit_grade=CreditGrade.GREEN,
            credit_limit=Decimal("900.00"),
        ),
        "colleague": make_account(
            world.colleague,
            name="Gamma物流有限公司",
            short_name="伽马物流",
            kind=AccountKind.GROUP,
            stage=Stage.CLOSING,
            credit_grade=CreditGrade.GREEN,
            credit_limit=Decimal("100.00"),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "钢铁集团"}, ["steel"]),  # part of the legal name
        ({"q": "贝塔"}, ["school"]),  # part of the short name
        ({"q": "alpha"}, ["steel"]),  # case-insensitive
        ({"q": "不存在的客户"}, []),
        ({"kind": "group"}, ["steel", "colleague"]),
        ({"stage": "target"}, ["school"]),
        ({"credit_grade": "green"}, ["school", "colleague", "world"]),
        ({"kind": "group", "credit_grade": "green"}, ["colleague"]),
        ({"kind": "no-such-kind"}, ["steel", "school", "colleague", "world"]),  # ignored
    ],
)
def test_search_and_filters(world, three_accounts, login, query, expected):
    ids = {key: a.id for key, a in three_accounts.items()} | {"world": world.account.id}
    response = login(world.supervisor).get("/accounts/", query_string=query)
    assert response.status_code == 200
    assert sorted(listed_ids(response.get_data(as_text=True))) == sorted(ids[k] for k in expected)


def test_search_by_tax_number(world, three_accounts, login):
    school = three_accounts["school"]
    response = login(world.supervisor).get("/accounts/", query_string={"q": school.tax_number})
    assert listed_ids(response.get_data(as_text=True)) == [school.id]


def test_filter_by_owner(world, three_accounts, login):
    response = login(world.supervisor).get(
        "/accounts/", query_string={"owner_id": world.colleague.id}
    )
    assert listed_ids(response.get_data(as_text=True)) == [three_accounts["colleague"].id]


def test_owner_filter_cannot_reveal_other_departments(world, make_account, login):
    make_account(world.other_manager)
    response = login(world.supervisor).get(
        "/accounts/", query_string={"owner_id": world.other_manager.id}
    )
    assert response.status_code == 200
    assert listed_ids(response.get_data(as_text=True)) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["steel", "school", "colleague"]),
        ("credit_limit", ["school", "steel", "colleague"]),
        ("stage", ["school", "steel", "colleague"]),
    ],
)
def test_sort(world, three_accounts, login, sort, expected):
    response = login(world.supervisor).get("/accounts/", query_string={"sort": sort, "q": "a"})
    ids = listed_ids(response.get_data(as_text=True))
    assert ids == [three_accounts[k].id for k in expected]


def test_sort_by_tier_follows_the_tier_ladder(world, make_account, login):
    tiers = [SalesTier.B_PLUS, None, SalesTier.AAA, SalesTier.C, SalesTier.A]
    accounts = [make_account(world.owner, tier=t) for t in tiers]
    response = login(world.owner).get("/accounts/", query_string={"sort": "tier", "q": "测试"})
    by_tier = {a.tier: a.id for a in accounts}
    expected = [SalesTier.AAA, SalesTier.A, SalesTier.B_PLUS, SalesTier.C, None]
    ids = listed_ids(response.get_data(as_text=True))
    assert [i for i in ids if i != world.account.id] == [by_tier[t] for t in expected]


@pytest.fixture
def thirty_accounts(world, make_account):
    return [
        make_account(
            world.owner,
            name=f"上海第{n:02d}号精密机械制造股份有限公司",
            short_name=f"精密机械{n:02d}",
            legal_representative="王某某",
            tier=None,
        )
        for n in range(30)
    ]


def test_second_page_shows_the_rest(world, thirty_accounts, login):
    client = login(world.owner)
    first = listed_ids(
        client.get("/accounts/", query_string={"sort": "name"}).get_data(as_text=True)
    )
    second_page = client.get("/accounts/", query_string={"sort": "name", "page": 2})
    second = listed_ids(second_page.get_data(as_text=True))
    assert len(first) == 25
    assert len(second) == 6  # 30 + the world's account
    assert not set(first) & set(second)
    assert 'rel="prev"' in second_page.get_data(as_text=True)


def test_page_beyond_the_end_is_empty_not_an_error(world, login):
    response = login(world.owner).get("/accounts/", query_string={"page": 99})
    assert response.status_code == 200
    assert listed_ids(response.get_data(as_text=True)) == []


def test_htmx_list_request_gets_a_small_fragment(world, thirty_accounts, login):
    response = login(world.owner).get("/accounts/", headers=HX)
    assert response.status_code == 200
    body = assert_fragment(response, "account-results")
    assert len(listed_ids(body)) == 25
    assert len(response.get_data()) < 15 * 1024, len(response.get_data())


def test_list_fragment_replaces_its_target_whole(world, thirty_accounts, login):
    """The fragment's root is #account-results itself, so every swap into it is outerHTML;
    an innerHTML swap would nest a second element with the same id."""
    client = login(world.owner)
    fragment = client.get("/accounts/", headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="account-results">')
    page = client.get("/accounts/").get_data(as_text=True)
    swappers = re.findall(r'<[^>]*hx-target="#account-results"[^>]*>', page)
    assert len(swappers) == 2  # the filter form and the "next page" link
    assert all('hx-swap="outerHTML"' in tag for tag in swappers), swappers


def test_plain_and_boosted_list_requests_get_the_page(world, login):
    client = login(world.owner)
    plain = client.get("/accounts/")
    assert_full_page(plain, "account-results")
    assert "HX-Request" in vary(plain)
    boosted = client.get("/accounts/", headers={**HX, "HX-Boosted": "true"})
    assert_full_page(boosted, "account-results")


# --- create -----------------------------------------------------------------------------------


def test_create_account_redirects_to_it_and_stores_it(world, login):
    client = login(world.owner)
    data = account_form(tax_number=" 91350100m000100y43 ")  # typed loosely, normalised
    response = client.post("/accounts/new", data=data)
    assert response.status_code == 303
    account = db.session.scalar(sa.select(Account).where(Account.name == data["name"]))
    assert response.headers["Location"] == f"/accounts/{account.id}"
    assert account.tax_number == "91350100M000100Y43"
    assert account.owner_id == world.owner.id
    assert account.department_id == world.dept_a.id
    created = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.entity_id == account.id, AuditEntry.action == "create"
        )
    ).all()
    assert {e.field for e in created} >= {"name", "tax_number", "kind"}
    assert all(e.actor_id == world.owner.id for e in created)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert data["name"] in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"tax_number": "91350100M000100Y44"}, "tax_number"),  # wrong check character
        ({"tax_number": "91350100M000100Y4"}, "tax_number"),  # 17 characters
        ({"tax_number": "91350100O000100Y43"}, "tax_number"),  # forbidden letter
        ({"name": ""}, "name"),
        ({"kind": "nonsense"}, "kind"),
        ({"phone": "call me"}, "phone"),
    ],
)
def test_invalid_account_is_refused_inline_keeping_input(world, login, values, field):
    before = count(Account)
    data = account_form(short_name="我刚输入的简称", **values)
    response = login(world.owner).post("/accounts/new", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert field_errors(body).get(field), field_errors(body)
    assert input_value(body, "short_name") == "我刚输入的简称"
    if "tax_number" in values:
        assert input_value(body, "tax_number") == values["tax_number"]
    assert count(Account) == before


def test_duplicate_tax_number_is_refused_inline(world, login):
    data = account_form(tax_number=world.account.tax_number)
    response = login(world.owner).post("/accounts/new", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert field_errors(body)["tax_number"] == ["Another account already has this credit code."]
    assert input_value(body, "name") == data["name"]
    assert count(Account) == 1
    assert count_account_entries() == 0


def test_duplicate_legal_name_is_refused_inline(world, login):
    response = login(world.owner).post("/accounts/new", data=account_form(name=world.account.name))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True))["name"]
    assert count(Account) == 1


# --- edit -------------------------------------------------------------------------------------


def test_edit_saves_and_records_history(world, login):
    client = login(world.owner)
    assert client.get(f"/accounts/{world.account.id}/edit").status_code == 200
    # MAN answers are recorded by a qualification (development area), not by this form
    data = account_form(world.account, short_name="宝钢新简称", man_money="no")
    response = client.post(f"/accounts/{world.account.id}/edit", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/accounts/{world.account.id}"
    stored = stored_account(world.account.id)
    assert (stored.short_name, stored.man_money, stored.version) == ("宝钢新简称", None, 2)
    history = client.get(f"/accounts/{world.account.id}/history").get_data(as_text=True)
    assert "宝钢测试" in history and "宝钢新简称" in history


def test_edit_with_stale_version_is_a_409_keeping_the_input(world, login):
    account_id = world.account.id
    mine = account_form(world.account, short_name="我的简称")  # loaded at version 1
    theirs = account_form(world.account, short_name="主管的简称")
    assert (
        login(world.supervisor).post(f"/accounts/{account_id}/edit", data=theirs).status_code == 303
    )

    response = login(world.owner).post(f"/accounts/{account_id}/edit", data=mine)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Someone else saved this record while you were editing it." in body
    assert "主管的简称" in body  # their change is listed
    assert input_value(body, "short_name") == "我的简称"  # my input is kept
    assert input_value(body, "version") == "2"  # saving again applies my input
    stored = stored_account(account_id)
    assert (stored.short_name, stored.version) == ("主管的简称", 2)


def test_script_in_a_name_is_shown_escaped(world, make_account, login):
    account = make_account(world.owner, name="<script>alert(1)</script>", short_name=None)
    client = login(world.owner)
    for url in ("/accounts/", f"/accounts/{account.id}", f"/accounts/{account.id}/edit"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url


# --- not found, forbidden ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/accounts/999999", "/accounts/999999/contacts"])
def test_unknown_account_is_a_friendly_404(world, login, path):
    client = login(world.owner)
    response = client.get(path)
    assert response.status_code == 404
    body = assert_full_page(response, "error-page")
    assert 'href="/"' in body
    fragment = client.get(path, headers=HX)
    assert fragment.status_code == 404
    assert 'href="/"' in assert_fragment(fragment, "error-page")


@pytest.mark.parametrize("suffix", ["", "/contacts", "/history", "/edit"])
def test_other_teams_account_is_a_friendly_404(world, login, suffix):
    """Answered exactly like a missing account, so ids cannot be probed (issue 13)."""
    client = login(world.other_manager)
    response = client.get(f"/accounts/{world.account.id}{suffix}")
    assert response.status_code == 404
    body = assert_full_page(response, "error-page")
    assert 'href="/"' in body
    assert world.account.name not in body
    fragment = client.get(f"/accounts/{world.account.id}{suffix}", headers=HX)
    assert fragment.status_code == 404
    assert world.account.name not in assert_fragment(fragment, "error-page")


# --- tabs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("tab", ["profile", "contacts", "activities", "history"])
def test_tab_answers_fragment_to_htmx_and_page_otherwise(world, login, tab):
    client = login(world.owner)
    url = f"/accounts/{world.account.id}/{tab}"
    fragment = client.get(url, headers=HX)
    assert fragment.status_code == 200
    assert 'id="account-tab"' not in assert_fragment(fragment, f"account-{tab}")
    page = client.get(url)
    assert page.status_code == 200
    body = assert_full_page(page, "account-tab")
    assert f'id="account-{tab}"' in body
    assert world.account.name in body


def test_detail_with_tab_parameter_redirects_to_that_tab(world, login):
    response = login(world.owner).get(f"/accounts/{world.account.id}?tab=history")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/accounts/{world.account.id}/history"


def test_profile_shows_man_verdict_and_credit(world, make_account, login):
    account = make_account(
        world.owner, man_money=True, man_authority=False, credit_limit=Decimal("1234567.89")
    )
    body = login(world.owner).get(f"/accounts/{account.id}/profile").get_data(as_text=True)
    assert "Vetoed (one indicator fails)" in body
    assert "¥1,234,567.89" in body


# --- contacts ---------------------------------------------------------------------------------


def test_add_contact_via_htmx_returns_contacts_fragment_and_is_audited(world, login):
    client = login(world.owner)
    url = f"/accounts/{world.account.id}/contacts/new"
    form = client.get(url, headers=HX)
    assert form.status_code == 200
    assert_fragment(form, "contact-form")
    response = client.post(url, data=contact_form(name="刘采购", hometown="湖南长沙"), headers=HX)
    assert response.status_code == 200
    assert "刘采购" in assert_fragment(response, "account-contacts")
    # The form sits in #contact-editor; the refreshed list must replace the tab, not nest in it.
    assert response.headers["HX-Retarget"] == "#account-tab"
    contact = db.session.scalar(sa.select(Contact).where(Contact.name == "刘采购"))
    assert (contact.account_id, contact.hometown) == (world.account.id, "湖南长沙")
    history = client.get(f"/accounts/{world.account.id}/history", headers=HX)
    body = assert_fragment(history, "account-history")
    assert "Contact 刘采购" in body and "<dt>Name</dt>" in body


def test_add_contact_without_htmx_redirects_to_contacts(world, login):
    response = login(world.owner).post(
        f"/accounts/{world.account.id}/contacts/new", data=contact_form(name="刘采购")
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/accounts/{world.account.id}/contacts"
    assert count(Contact) == 2


def test_invalid_contact_is_refused_inline(world, login):
    response = login(world.owner).post(
        f"/accounts/{world.account.id}/contacts/new",
        data=contact_form(name="", email="not-an-email"),
        headers=HX,
    )
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert errors.get("name") and errors.get("email")
    assert count(Contact) == 1


def test_edit_contact_with_stale_version_is_a_409(world, login):
    contact = world.contact
    mine = contact_form(contact, title="我的职务")
    theirs = contact_form(contact, title="副总经理")
    url = f"/accounts/contacts/{contact.id}/edit"
    assert login(world.supervisor).post(url, data=theirs).status_code == 303

    response = login(world.owner).post(url, data=mine, headers=HX)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Someone else saved this record" in body
    assert "副总经理" in body
    assert input_value(body, "title") == "我的职务"
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).title == "副总经理"


def test_contact_reports_to_cycle_is_refused_inline(world, make_contact, login):
    deputy = make_contact(world.account, name="副总", reports_to_id=world.contact.id)
    data = contact_form(world.contact, reports_to_id=deputy.id)
    response = login(world.owner).post(f"/accounts/contacts/{world.contact.id}/edit", data=data)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True))["reports_to_id"]
    db.session.expire_all()
    assert db.session.get(Contact, world.contact.id).reports_to_id is None


def test_personal_file_is_hidden_from_supervisor_outside_the_team(world, make_contact, login):
    contact = make_contact(
        world.account, name="周总", hometown="福建泉州", interests="茶道", birthday=date(1970, 5, 1)
    )
    url = f"/accounts/{world.account.id}/contacts"
    owner_sees = login(world.owner).get(url).get_data(as_text=True)
    assert "福建泉州" in owner_sees and "茶道" in owner_sees and "1970-05-01" in owner_sees

    supervisor = login(world.supervisor)
    supervisor_sees = supervisor.get(url).get_data(as_text=True)
    assert "周总" in supervisor_sees
    assert "福建泉州" not in supervisor_sees and "茶道" not in supervisor_sees
    assert "1970-05-01" not in supervisor_sees
    edit = supervisor.get(f"/accounts/contacts/{contact.id}/edit").get_data(as_text=True)
    assert 'name="hometown"' not in edit and "福建泉州" not in edit


def test_personal_file_changes_are_hidden_in_history_outside_the_team(world, login):
    client = login(world.owner)
    client.post(
        f"/accounts/{world.account.id}/contacts/new",
        data=contact_form(name="刘采购", hometown="湖南长沙"),
    )
    url = f"/accounts/{world.account.id}/history"
    assert "湖南长沙" in client.get(url).get_data(as_text=True)
    supervisor_sees = login(world.supervisor).get(url).get_data(as_text=True)
    assert "刘采购" in supervisor_sees
    assert "湖南长沙" not in supervisor_sees


def test_delete_contact(world, login):
    response = login(world.owner).post(f"/accounts/contacts/{world.contact.id}/delete", headers=HX)
    assert response.status_code == 200
    body = assert_fragment(response, "account-contacts")
    assert world.contact.name not in body.split('id="flash"')[0]
    assert count(Contact) == 0


def test_deleting_a_boss_keeps_the_people_and_visits_that_pointed_to_them(
    world, make_contact, login
):
    deputy = make_contact(world.account, name="副总", reports_to_id=world.contact.id)
    client = login(world.owner)
    client.post(
        f"/accounts/{world.account.id}/visits", data=visit_form(contact_id=world.contact.id)
    )
    response = client.post(f"/accounts/contacts/{world.contact.id}/delete")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Contact, world.contact.id) is None
    assert db.session.get(Contact, deputy.id).reports_to_id is None
    assert db.session.scalar(sa.select(Visit.contact_id)) is None
    assert count(Visit) == 1


# --- visits -----------------------------------------------------------------------------------


def test_add_visit_is_stored(world, login):
    client = login(world.owner)
    response = client.post(
        f"/accounts/{world.account.id}/visits",
        data=visit_form(contact_id=world.contact.id),
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/accounts/{world.account.id}/activities"
    visit = db.session.scalar(sa.select(Visit))
    assert (visit.user_id, visit.contact_id, visit.visited_on, visit.next_date) == (
        world.owner.id,
        world.contact.id,
        date(2026, 3, 2),
        date(2026, 3, 9),
    )
    fragment = client.get(f"/accounts/{world.account.id}/activities", headers=HX)
    assert "拜访采购部" in assert_fragment(fragment, "account-activities")


def test_add_visit_via_htmx_returns_the_activities_fragment(world, login):
    response = login(world.owner).post(
        f"/accounts/{world.account.id}/visits", data=visit_form(), headers=HX
    )
    assert response.status_code == 200
    assert "拜访采购部" in assert_fragment(response, "account-activities")
    assert count(Visit) == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"next_date": "2026-03-01"}, "next_date"),  # before the visit
        ({"summary": ""}, "summary"),
        ({"visited_on": "yesterday"}, "visited_on"),
    ],
)
def test_invalid_visit_is_a_422_and_nothing_is_stored(world, login, values, field):
    response = login(world.owner).post(
        f"/accounts/{world.account.id}/visits", data=visit_form(**values), headers=HX
    )
    assert response.status_code == 422
    body = assert_fragment(response, "account-activities")
    assert field_errors(body).get(field), field_errors(body)
    assert count(Visit) == 0


def test_visit_next_date_error_says_why(world, login):
    response = login(world.owner).post(
        f"/accounts/{world.account.id}/visits", data=visit_form(next_date="2026-03-01")
    )
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True))["next_date"] == [
        "The next date cannot be before the visit."
    ]


# --- team -------------------------------------------------------------------------------------


def test_team_member_add_and_remove(world, login):
    owner = login(world.owner)
    account_url = f"/accounts/{world.account.id}"
    assert login(world.colleague).get(account_url).status_code == 404

    response = owner.post(f"{account_url}/members", data={"user_id": world.colleague.id})
    assert response.status_code == 303
    assert db.session.get(AccountMember, (world.account.id, world.colleague.id)) is not None
    assert login(world.colleague).get(account_url).status_code == 200
    assert world.colleague.full_name in owner.get(account_url).get_data(as_text=True)

    response = owner.post(f"{account_url}/members/{world.colleague.id}/delete", headers=HX)
    assert response.status_code == 200
    assert (
        world.colleague.full_name
        not in assert_fragment(response, "account-team").split("<select")[0]
    )
    db.session.expire_all()
    assert db.session.get(AccountMember, (world.account.id, world.colleague.id)) is None
    assert login(world.colleague).get(account_url).status_code == 404
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.field == "team").order_by(AuditEntry.id)
    ).all()
    assert actions == ["add", "remove"]


def test_member_from_another_department_is_refused(world, login):
    response = login(world.owner).post(
        f"/accounts/{world.account.id}/members", data={"user_id": world.other_manager.id}
    )
    assert response.status_code == 303
    assert count(AccountMember) == 0


def test_other_team_cannot_add_itself_to_the_account(world, login):
    response = login(world.other_manager).post(
        f"/accounts/{world.account.id}/members", data={"user_id": world.other_manager.id}
    )
    assert response.status_code == 404
    assert count(AccountMember) == 0


# --- read-only roles --------------------------------------------------------------------------


def test_finance_can_view_but_not_edit(world, login):
    client = login(world.finance)
    account_url = f"/accounts/{world.account.id}"
    body = client.get(account_url).get_data(as_text=True)
    assert world.account.name in body
    assert f'href="{account_url}/edit"' not in body  # no edit button
    assert client.get(f"{account_url}/edit").status_code == 403
    response = client.post(
        f"{account_url}/edit", data=account_form(world.account, short_name="财务改的")
    )
    assert response.status_code == 403
    assert client.post(f"{account_url}/visits", data=visit_form()).status_code == 403
    assert client.get(f"{account_url}/contacts/new").status_code == 403
    stored = stored_account(world.account.id)
    assert (stored.short_name, stored.version) == ("宝钢测试", 1)
    assert count(Visit) == 0


def test_executive_sees_account_but_no_personal_file(world, make_contact, login):
    make_contact(world.account, name="周总", hometown="福建泉州")
    client = login(world.executive)
    body = client.get(f"/accounts/{world.account.id}/contacts").get_data(as_text=True)
    assert "周总" in body and "福建泉州" not in body
    assert client.get(f"/accounts/{world.account.id}/edit").status_code == 403


def test_contacts_tab_shows_how_to_approach_each_contact_beside_them(world, login, make_contact):
    """Issue 15 item 2: the advice for a personality and decision style sits on the contact's
    own row (collapsed to the combination, the full texts one tap away), in the UI's language."""
    from webapp.accounts.models import DecisionStyle, Personality

    tiger = make_contact(
        world.account,
        name="周总",
        personality=Personality.TIGER,
        decision_style=DecisionStyle.LEADER,
    )
    owl = make_contact(world.account, name="钱工", personality=Personality.OWL)
    url = f"/accounts/{world.account.id}/contacts"
    body = assert_fragment(login(world.owner).get(url, headers=HX), "account-contacts")
    row = re.search(rf'<tr id="contact-{tiger.id}".*?</tr>', body, re.S).group(0)
    assert "<details" in row
    assert "Go to them directly; there, keep it short: results and options only." in row
    assert "Tiger (dominant)" in row and "Show simply and directly" in row
    owl_row = re.search(rf'<tr id="contact-{owl.id}".*?</tr>', body, re.S).group(0)
    assert "Owl (analytical)" in owl_row and "Tiger" not in owl_row
    bare = re.search(rf'<tr id="contact-{world.contact.id}".*?</tr>', body, re.S).group(0)
    assert "<details" not in bare  # nothing recorded, no advice
    zh = login(world.owner, lang="zh_CN").get(url, headers=HX).get_data(as_text=True)
    assert "直接约见本人；见面时谈话简短、只讲结果和选项。" in zh
