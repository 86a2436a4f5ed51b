import pytest
from flask.testing import FlaskClient

from tests.conftest import PASSWORD
from tests.web.world import build_world


@pytest.fixture
def world(make_department, make_user, make_account, make_contact):
    return build_world(make_department, make_user, make_account, make_contact)


@pytest.fixture
def login(app, client):
    """A new client signed in as `user` (English UI unless `lang` says otherwise)."""

    def sign_in(user, lang: str = "en") -> FlaskClient:
        other = app.test_client()
        other.set_cookie("lang", lang)
        response = other.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 303, response.status_code
        return other

    return sign_in
