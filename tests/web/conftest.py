import pytest
from flask.testing import FlaskClient

from tests.helpers import sign_in
from tests.web.world import build_world


@pytest.fixture
def world(make_department, make_user, make_account, make_contact):
    return build_world(make_department, make_user, make_account, make_contact)


@pytest.fixture
def login(app, client):
    """A new client signed in as `user` (English UI unless `lang` says otherwise)."""

    def client_of(user, lang: str = "en") -> FlaskClient:
        other = app.test_client()
        other.set_cookie("lang", lang)
        response = sign_in(other, user)
        assert response.status_code == 303, response.status_code
        return other

    return client_of
