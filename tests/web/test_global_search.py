"""The global search: pinyin full and initials, numbers, tax numbers, phones; grouped by kind;
only what the user may see; any text, NUL included, answers without an error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.auth.models import Role
from webapp.common.pinyin import pinyin_key
from webapp.extensions import db
from webapp.search import service


@pytest.fixture
def people(make_user, make_department):
    manager = make_user(Role.ACCOUNT_MANAGER)
    other_department = make_department("华南大客户部")
    stranger = make_user(Role.ACCOUNT_MANAGER, department=other_department)
    return manager, stranger


def test_pinyin_key_holds_full_pinyin_and_initials():
    assert pinyin_key("华东集团") == "huadongjituan hdjt"
    assert "chongqing" in pinyin_key("重庆钢铁")
    assert pinyin_key(None, "") == ""


def test_key_follows_renames(people, make_account):
    manager, _ = people
    account = make_account(manager, name="华东集团有限公司", short_name="华东集团")
    assert "hdjt" in account.search_key
    account.short_name = "苏南"
    account.name = "苏南钢铁有限公司"
    db.session.commit()
    assert "sngtyxgs" in account.search_key and "hdjt" not in account.search_key


def test_initials_find_the_account_and_its_contacts(people, make_account, make_contact, login):
    manager, _ = people
    account = make_account(
        manager, name="华东集团有限公司", short_name="华东集团", phone="021-5555"
    )
    make_contact(account, name="黄大军", phone="13912345678")
    page = login(manager).get("/search?q=hdjt").get_data(as_text=True)
    assert "华东集团" in page
    page = login(manager).get("/search?q=huangdajun").get_data(as_text=True)
    assert "黄大军" in page
    assert "黄大军" in login(manager).get("/search?q=139123").get_data(as_text=True)


def test_number_and_tax_number_find_records(people, make_account, login):
    manager, _ = people
    account = make_account(manager, name="华东集团有限公司")
    page = login(manager).get(f"/search?q={account.tax_number[:10]}").get_data(as_text=True)
    assert "华东集团有限公司" in page


def test_another_departments_records_are_absent(people, make_account, make_contact, login):
    manager, stranger = people
    theirs = make_account(stranger, name="华东集团南方有限公司")
    make_contact(theirs, name="黄大军")
    page = login(manager).get("/search?q=hdjt").get_data(as_text=True)
    assert "华东集团南方" not in page and "黄大军" not in page
    assert "华东集团南方" in login(stranger).get("/search?q=hdjt").get_data(as_text=True)


def test_htmx_answers_the_grouped_listbox_only(people, make_account, login, hx):
    manager, _ = people
    make_account(manager, name="华东集团有限公司")
    response = login(manager).get("/search?q=hdjt", headers=hx)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in text
    assert 'role="listbox"' in text and 'role="option"' in text
    assert "HX-Request" in response.headers.get("Vary", "")


def test_top_bar_has_the_search_combobox(people, login):
    manager, _ = people
    page = login(manager).get("/").get_data(as_text=True)
    assert 'id="global-search"' in page and 'role="combobox"' in page
    assert 'hx-trigger="input changed delay:200ms, search"' in page


@pytest.mark.parametrize("q", ["%00", "%", "_", "'\"<>", "%F0%9F%98%80", "%ED%A0%80", "a" * 500])
def test_odd_queries_never_fail(people, login, q):
    manager, _ = people
    response = login(manager).get(f"/search?q={q}")
    assert response.status_code in (200, 422), response.status_code


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text())
def test_any_unicode_searches_without_error(people, text):
    manager, _ = people
    with_results = service.search(manager, text)
    assert with_results.q == service.clean_query(text)
    db.session.rollback()


def test_percent_is_not_a_wildcard(people, make_account, login):
    manager, _ = people
    make_account(manager, name="华东集团有限公司")
    assert "华东集团" not in login(manager).get("/search?q=%25").get_data(as_text=True)
