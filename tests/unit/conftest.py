import pytest
from flask_babel import refresh

from tests.web.world import build_world


@pytest.fixture
def ctx(app):
    """A request context: service messages are translated for the current request's locale."""
    with app.test_request_context():
        refresh()  # the app context outlives requests in tests; forget a cached locale
        yield


@pytest.fixture
def world(ctx, make_department, make_user, make_account, make_contact):
    return build_world(make_department, make_user, make_account, make_contact)
