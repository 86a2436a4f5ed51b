"""Saved views: a list's filter and sort under a name, in the navigation, only the owner's;
a view whose filter no longer applies still opens, with a message."""

from __future__ import annotations

import pytest

from webapp.auth.models import Role
from webapp.extensions import db
from webapp.lists.models import SavedView


@pytest.fixture
def manager(make_user):
    return make_user(Role.ACCOUNT_MANAGER)


def _save(client, name="收尾阶段", query="stage=closing&sort=name&page=3"):
    return client.post("/views", data={"list_key": "accounts", "query": query, "name": name})


def test_save_then_open_from_the_navigation(manager, login):
    client = login(manager)
    response = _save(client)
    assert response.status_code == 303
    view = db.session.scalars(db.select(SavedView)).one()
    assert view.args["stage"] == "closing" and view.args["sort"] == "name"
    assert "page" not in view.args
    home = client.get("/").get_data(as_text=True)
    assert f'href="/views/{view.id}"' in home and "收尾阶段" in home
    opened = client.get(f"/views/{view.id}")
    assert opened.status_code == 303
    assert "stage=closing" in opened.headers["Location"]
    assert "sort=name" in opened.headers["Location"]


def test_list_page_offers_to_save_its_filter(manager, login):
    page = login(manager).get("/accounts/?stage=closing&sort=name").get_data(as_text=True)
    assert 'name="list_key"' in page and "stage=closing" in page


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "name"), ("x" * 61, "60"), ("  ", "name")],
)
def test_bad_names_are_refused_with_a_message(manager, login, name, message):
    response = _save(login(manager), name=name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(SavedView.id))) == 0


def test_duplicate_name_is_refused(manager, login):
    client = login(manager)
    _save(client)
    response = _save(client)
    assert response.status_code == 422
    assert "already" in response.get_data(as_text=True)


def test_unknown_list_is_refused(manager, login):
    response = login(manager).post("/views", data={"list_key": "nope", "query": "", "name": "x"})
    assert response.status_code == 422


def test_rename_and_delete(manager, login):
    client = login(manager)
    _save(client)
    view = db.session.scalars(db.select(SavedView)).one()
    response = client.post(f"/views/{view.id}/rename", data={f"v{view.id}-name": "新名字"})
    assert response.status_code == 303
    db.session.refresh(view)
    assert view.name == "新名字"
    assert client.post(f"/views/{view.id}/rename", data={f"v{view.id}-name": ""}).status_code == 422
    assert client.post(f"/views/{view.id}/delete").status_code == 303
    assert db.session.scalar(db.select(db.func.count(SavedView.id))) == 0


def test_only_the_owner_sees_a_view(manager, make_user, login):
    _save(login(manager))
    view = db.session.scalars(db.select(SavedView)).one()
    other = login(make_user(Role.ACCOUNT_MANAGER))
    assert other.get(f"/views/{view.id}").status_code == 404
    assert other.post(f"/views/{view.id}/rename", data={f"v{view.id}-name": "x"}).status_code == 404
    assert other.post(f"/views/{view.id}/delete").status_code == 404
    assert "收尾阶段" not in other.get("/views").get_data(as_text=True)


def test_a_view_whose_filter_no_longer_applies_still_opens(manager, login):
    client = login(manager)
    _save(client)
    view = db.session.scalars(db.select(SavedView)).one()
    view.args = {"stage": "retired-stage", "sort": "name"}  # a stage the app no longer has
    db.session.commit()
    opened = client.get(f"/views/{view.id}", follow_redirects=True)
    assert opened.status_code == 200
    text = opened.get_data(as_text=True)
    assert "no longer applies" in text and "stage" in text
