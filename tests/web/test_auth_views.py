"""Sign-in, sign-out, language, session cookies, user administration and the create-user CLI."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.web.formdata import field_errors, input_value
from webapp import create_app
from webapp.auth.models import Department, LoginThrottle, Role, User
from webapp.extensions import db

HX = {"HX-Request": "true"}


def user_named(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def session_cookie_header(response) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert len(headers) == 1, response.headers.getlist("Set-Cookie")
    return headers[0]


# --- sign-in ----------------------------------------------------------------------------------


def test_login_success_redirects_home_with_303(client, auth, make_user):
    user = make_user(username="zhang")
    response = auth.login(user)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert user.full_name in home.get_data(as_text=True)


def test_wrong_password_shows_error_with_401(client, auth, make_user):
    user = make_user(username="zhang")
    client.set_cookie("lang", "en")
    response = auth.login(user, "not-the-password")
    assert response.status_code == 401
    body = response.get_data(as_text=True)
    assert "Wrong username or password." in body
    assert input_value(body, "username") == "zhang"  # the typed name stays in the form
    assert client.get("/").status_code == 302  # still signed out
    assert db.session.get(LoginThrottle, "user:zhang").failures == 1


def test_unknown_user_gets_the_same_401(client, auth):
    client.set_cookie("lang", "en")
    response = auth.login("nobody")
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)


def test_empty_login_form_is_a_400(client):
    assert client.post("/login", data={}).status_code == 400


def test_locked_account_gets_429_even_with_right_password(client, auth, make_user):
    user = make_user(username="zhang")
    client.set_cookie("lang", "en")
    statuses = [auth.login(user, "wrong").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    response = auth.login(user)
    assert response.status_code == 429
    assert "locked" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "https://evil.com",
        "http://evil.com/accounts/",
        "/\\evil.com",
        "\\\\evil.com",
        "/\t/evil.com",
        "javascript:alert(1)",
        "evil.com",
    ],
)
def test_login_does_not_follow_offsite_next(client, make_user, target):
    user = make_user(username="zhang")
    assert client.get("/login", query_string={"next": target}).status_code == 200
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    # Werkzeug percent-encodes a backslash (%5C), so a browser stays on this site.
    assert location == "/" or (
        location.startswith("/")
        and not location.startswith("//")
        and "\\" not in location
        and not urlsplit(location).netloc
    ), location
    assert client.get("/").status_code == 200


def test_login_follows_a_same_site_next(client, make_user):
    user = make_user(username="zhang")
    response = client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "next": "/accounts/?q=x"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/accounts/?q=x"


def test_protected_page_sends_anonymous_to_login_with_next(client):
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_signed_in_user_opening_login_goes_home(client, auth, make_user):
    auth.login(make_user())
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# --- sign-out ---------------------------------------------------------------------------------


def test_logout_is_post_only(client, auth, make_user):
    auth.login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200  # still signed in
    response = client.post("/logout")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


# --- session cookie ---------------------------------------------------------------------------


def test_session_cookie_is_httponly_and_samesite_lax(auth, make_user):
    header = session_cookie_header(auth.login(make_user()))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header  # the test app runs over http


def test_session_cookie_is_secure_when_configured(app, app_config, make_user):
    user = make_user(username="zhang")
    secure_app = create_app({**app_config, "SESSION_COOKIE_SECURE": True})
    try:
        response = secure_app.test_client().post(
            "/login", data={"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 303
        header = session_cookie_header(response)
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    finally:
        with secure_app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_production_defaults_are_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.delenv("KEYDESK_SECURE_COOKIES", raising=False)
    prod = create_app({"SECRET_KEY": "s", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p"})
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    assert prod.config["SESSION_COOKIE_HTTPONLY"] is True
    assert prod.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_forms_need_a_csrf_token_when_protection_is_on(app, app_config, make_user):
    user = make_user(username="zhang")
    guarded = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    try:
        client = guarded.test_client()
        refused = client.post("/login", data={"username": "zhang", "password": PASSWORD})
        assert refused.status_code == 400
        assert 'id="error-page"' in refused.get_data(as_text=True)
        page = client.get("/login").get_data(as_text=True)
        token = input_value(page, "csrf_token")
        assert token
        # htmx sends the token in a header, configured once on <body> in base.html.
        assert f'"X-CSRFToken": "{token}"' in page
        data = {"username": user.username, "password": PASSWORD, "csrf_token": token}
        assert client.post("/login", data=data).status_code == 303
    finally:
        with guarded.app_context():
            db.session.remove()
            db.engine.dispose()


# --- language ---------------------------------------------------------------------------------


def test_language_switch_sets_cookie_and_renders_english(client):
    response = client.post("/language/en", data={"next": "/login"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("lang="))
    assert cookie.startswith("lang=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Sign in" in page


def test_language_switch_is_saved_for_a_signed_in_user(client, auth, make_user):
    user = make_user()
    auth.login(user)
    client.post("/language/en", data={"next": "/"})
    assert db.session.get(User, user.id).locale == "en"
    client.delete_cookie("lang")  # the saved choice wins without the cookie
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_unknown_language_falls_back_to_chinese(client):
    response = client.post("/language/xx", data={"next": "//evil.com"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert '<html lang="zh-CN">' in client.get("/login").get_data(as_text=True)


# --- user administration ----------------------------------------------------------------------


@pytest.fixture
def admin_client(client, auth, make_user):
    auth.login(make_user(Role.ADMIN, username="root"))
    client.set_cookie("lang", "en")
    return client


def new_user_form(**values) -> dict:
    data = {
        "username": "new.manager",
        "full_name": "新经理",
        "email": "",
        "role": "account_manager",
        "department_id": "",
        "password": "longpassword1",
        "active": "y",
    }
    data.update(values)
    return data


def test_admin_creates_a_user_who_can_sign_in(admin_client, make_department):
    department = make_department("大客户三部")
    response = admin_client.post(
        "/admin/users/new", data=new_user_form(department_id=str(department.id))
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/users"
    user = user_named("new.manager")
    assert (user.role, user.department_id, user.full_name) == (
        Role.ACCOUNT_MANAGER,
        department.id,
        "新经理",
    )
    assert user.check_password("longpassword1")
    assert "new.manager" in admin_client.get("/admin/users").get_data(as_text=True)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"username": "root"}, "username"),
        ({"username": "ROOT"}, "username"),
        ({"password": "short"}, "password"),
        ({"password": ""}, "password"),
        ({"role": "supervisor", "department_id": ""}, "department_id"),
        ({"username": "has space"}, "username"),
        ({"department_id": "99999"}, "department_id"),
    ],
)
def test_invalid_new_user_is_refused_inline_and_nothing_written(admin_client, values, field):
    users_before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    data = new_user_form(**values)
    data.setdefault("department_id", "")
    response = admin_client.post("/admin/users/new", data=data)
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert errors.get(field), errors
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users_before


def test_new_user_errors_are_shown_in_english_words(admin_client):
    response = admin_client.post("/admin/users/new", data=new_user_form(role="supervisor"))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True))["department_id"] == [
        "This role works inside a department; choose one."
    ]
    assert input_value(response.get_data(as_text=True), "username") == "new.manager"


def test_admin_cannot_deactivate_themselves(admin_client):
    me = user_named("root")
    data = new_user_form(username="root", full_name="管理员", role="admin", version=str(me.version))
    del data["active"]
    response = admin_client.post(f"/admin/users/{me.id}", data=data)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True))["role"]
    assert user_named("root").active is True


def test_admin_cannot_demote_themselves(admin_client, make_department):
    me = user_named("root")
    data = new_user_form(
        username="root",
        role="account_manager",
        department_id=str(make_department("大客户三部").id),
        version=str(me.version),
    )
    assert admin_client.post(f"/admin/users/{me.id}", data=data).status_code == 422
    assert user_named("root").role is Role.ADMIN


def test_admin_deactivates_another_user_who_then_cannot_sign_in(admin_client, make_user):
    target = make_user(Role.FINANCE, username="cashier")
    data = new_user_form(
        username="cashier", role="finance", password="", version=str(target.version)
    )
    del data["active"]
    response = admin_client.post(f"/admin/users/{target.id}", data=data)
    assert response.status_code == 303
    assert user_named("cashier").active is False
    admin_client.post("/logout")
    assert (
        admin_client.post("/login", data={"username": "cashier", "password": PASSWORD}).status_code
        == 401
    )


def test_edit_user_with_stale_version_is_a_409(admin_client, make_user):
    target = make_user(Role.FINANCE, username="cashier")
    data = new_user_form(username="cashier", role="executive", password="", version="0")
    response = admin_client.post(f"/admin/users/{target.id}", data=data)
    assert response.status_code == 409
    assert "Someone else changed this user" in response.get_data(as_text=True)
    assert user_named("cashier").role is Role.FINANCE


def test_admin_user_search_answers_a_fragment_to_htmx(admin_client, make_user):
    make_user(Role.FINANCE, username="cashier", full_name="钱会计")
    make_user(Role.EXECUTIVE, username="boss", full_name="赵总")
    response = admin_client.get("/admin/users", query_string={"q": "会计"}, headers=HX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<div id="user-rows">')
    assert "cashier" in body and "boss" not in body


def test_admin_creates_a_department(admin_client):
    response = admin_client.post("/admin/departments", data={"name": "大客户五部"})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Department.id).where(Department.name == "大客户五部"))
    again = admin_client.post("/admin/departments", data={"name": "大客户五部"})
    assert again.status_code == 422
    assert field_errors(again.get_data(as_text=True))["name"]


# --- create-user CLI --------------------------------------------------------------------------


def test_create_user_cli_creates_an_admin(runner):
    result = runner.invoke(
        args=["create-user", "boss", "--role", "admin", "--password", "longpassword1"]
    )
    assert result.exit_code == 0, result.output
    assert "boss" in result.output
    user = user_named("boss")
    assert user.role is Role.ADMIN and user.check_password("longpassword1")


def test_create_user_cli_creates_the_department_when_new(runner):
    result = runner.invoke(
        args=[
            "create-user", "li", "--role", "supervisor", "--password", "longpassword1",
            "--department", "大客户九部",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert user_named("li").department.name == "大客户九部"


@pytest.mark.parametrize(
    "args",
    [
        ["create-user", "boss", "--role", "king", "--password", "longpassword1"],
        ["create-user", "boss", "--role", "admin"],
        ["create-user", "boss", "--role", "admin", "--password", "short"],
        ["create-user", "boss", "--role", "supervisor", "--password", "longpassword1"],
    ],
)
def test_create_user_cli_refuses_bad_input(runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    db.session.rollback()
    assert user_named("boss") is None


def test_create_user_cli_refuses_a_taken_name(runner, make_user):
    make_user(Role.FINANCE, username="boss")
    result = runner.invoke(
        args=["create-user", "boss", "--role", "admin", "--password", "longpassword1"]
    )
    assert result.exit_code != 0
    db.session.rollback()
    assert user_named("boss").role is Role.FINANCE


def test_create_user_cli_explains_a_refusal_without_traceback(runner):
    result = runner.invoke(args=["create-user", "boss", "--role", "admin", "--password", "short"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "8" in result.output
