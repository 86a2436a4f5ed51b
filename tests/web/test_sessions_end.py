"""Sessions that end (issue 13, must have 1): sign-out, a password reset, a role change,
deactivation and "sign out everywhere" end every session of the user on the server, so a cookie
copied before still opens nothing; and sign-in events land in the audit log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.helpers import PASSWORD, sign_in
from webapp.audit import AuditEntry
from webapp.auth.models import Role, User
from webapp.extensions import db


@pytest.fixture(autouse=True)
def _fresh_globals(client):
    """Every test client of the app starts each request with empty `g` (see tests/conftest)."""


def _copy_of(client, app):
    """A second browser holding the same session cookie (a stolen or copied one)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in_pair(app, user):
    victim = app.test_client()
    assert sign_in(victim, user).status_code == 303
    thief = _copy_of(victim, app)
    assert thief.get("/accounts/").status_code == 200
    return victim, thief


def _events(user) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.entity_type == "user", AuditEntry.entity_id == user.id)
            .order_by(AuditEntry.id)
        )
    )


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(app, make_user):
    user = make_user(Role.ACCOUNT_MANAGER)
    victim, thief = _signed_in_pair(app, user)
    assert victim.post("/logout").status_code == 303
    response = thief.get("/accounts/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert _events(user) == ["sign_in", "sign_out"]


def test_signing_in_again_after_sign_out_works(app, make_user):
    user = make_user(Role.ACCOUNT_MANAGER)
    victim, _thief = _signed_in_pair(app, user)
    victim.post("/logout")
    assert sign_in(victim, user).status_code == 303
    assert victim.get("/accounts/").status_code == 200


def _admin_saves(app, admin, user, **changes):
    client = app.test_client()
    sign_in(client, admin)
    db.session.expire_all()
    user = db.session.get(User, user.id)
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": "",
        "role": user.role.value,
        "department_id": str(user.department_id or ""),
        "password": "",
        "active": "y",
        "version": str(user.version),
    }
    data.update(changes)
    if data["active"] is None:
        del data["active"]
    return client.post(f"/admin/users/{user.id}", data=data)


@pytest.mark.parametrize(
    ("changes", "event"),
    [
        ({"password": "a-new-password-1"}, "password_reset"),
        ({"role": "supervisor"}, "role_change"),
        ({"active": None}, "deactivated"),
    ],
    ids=["password-reset", "role-change", "deactivation"],
)
def test_an_administrators_change_ends_the_users_sessions(app, make_user, changes, event):
    admin = make_user(Role.ADMIN)
    user = make_user(Role.ACCOUNT_MANAGER)
    _victim, thief = _signed_in_pair(app, user)
    assert _admin_saves(app, admin, user, **changes).status_code == 303
    assert thief.get("/accounts/").status_code == 302
    assert event in _events(user)


def test_saving_a_user_unchanged_keeps_their_sessions(app, make_user):
    admin = make_user(Role.ADMIN)
    user = make_user(Role.ACCOUNT_MANAGER)
    _victim, thief = _signed_in_pair(app, user)
    assert _admin_saves(app, admin, user, full_name="新名字").status_code == 303
    assert thief.get("/accounts/").status_code == 200


def test_role_change_is_logged_with_both_roles(app, make_user):
    admin = make_user(Role.ADMIN)
    user = make_user(Role.ACCOUNT_MANAGER)
    _admin_saves(app, admin, user, role="supervisor")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "role_change"))
    assert (entry.old_value, entry.new_value, entry.actor_id) == (
        "account_manager",
        "supervisor",
        admin.id,
    )


def test_admin_signs_a_user_out_everywhere(app, make_user):
    admin = make_user(Role.ADMIN)
    user = make_user(Role.ACCOUNT_MANAGER)
    phone, laptop = _signed_in_pair(app, user)
    office = app.test_client()
    sign_in(office, admin)
    response = office.post(f"/admin/users/{user.id}/sign-out-everywhere")
    assert response.status_code == 303
    assert phone.get("/accounts/").status_code == 302
    assert laptop.get("/accounts/").status_code == 302
    assert "sign_out_all" in _events(user)
    page = office.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert 'id="auth-events"' in page
    assert admin.full_name in page  # who ended the sessions


def test_sign_out_everywhere_of_a_missing_user_is_a_404(app, make_user):
    office = app.test_client()
    sign_in(office, make_user(Role.ADMIN))
    assert office.post("/admin/users/999999/sign-out-everywhere").status_code == 404


def test_failures_and_lock_out_are_logged(app, make_user):
    app.config["LOGIN_MAX_FAILURES"] = 2
    user = make_user(Role.ACCOUNT_MANAGER)
    client = app.test_client()
    assert sign_in(client, user, "wrong-1").status_code == 401
    assert sign_in(client, user, "wrong-2").status_code == 429
    assert sign_in(client, user).status_code == 429
    assert _events(user) == ["sign_in_failed", "sign_in_failed", "locked_out"]
    refused = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "refused_locked"))
    assert refused.new_value == user.username and refused.actor_id is None


def test_a_failure_for_a_name_nobody_has_is_logged_with_the_name(app):
    client = app.test_client()
    assert sign_in(client, "nobody-here", "whatever").status_code == 401
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "sign_in_failed"))
    assert (entry.entity_id, entry.new_value, entry.actor_id) == (0, "nobody-here", None)


def test_a_cookie_of_the_old_format_signs_nobody_in(app, make_user):
    """Cookies from before session generations held the bare id."""
    user = make_user(Role.ACCOUNT_MANAGER)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert client.get("/accounts/").status_code == 302


def test_changing_my_password_ends_my_other_sessions(app, make_user):
    user = make_user(Role.ACCOUNT_MANAGER)
    me, other_browser = _signed_in_pair(app, user)
    response = me.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a-better-password-9",
            "confirm": "a-better-password-9",
        },
    )
    assert response.status_code == 303
    assert me.get("/accounts/").status_code == 200  # this browser goes on
    assert other_browser.get("/accounts/").status_code == 302
    assert _events(user)[-1] == "password_change"
    assert sign_in(app.test_client(), user, "a-better-password-9").status_code == 303


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"current_password": "wrong-one", "new_password": "n" * 9, "confirm": "n" * 9}, "current"),
        ({"current_password": PASSWORD, "new_password": "short", "confirm": "short"}, "new"),
        ({"current_password": PASSWORD, "new_password": "n" * 9, "confirm": "m" * 9}, "confirm"),
        ({"current_password": PASSWORD, "new_password": PASSWORD, "confirm": PASSWORD}, "new"),
    ],
    ids=["wrong-current", "too-short", "differ", "unchanged"],
)
def test_a_refused_password_change_keeps_everything(app, make_user, data, field):
    user = make_user(Role.ACCOUNT_MANAGER)
    me, other_browser = _signed_in_pair(app, user)
    response = me.post("/account/password", data=data)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert other_browser.get("/accounts/").status_code == 200
    assert sign_in(app.test_client(), user).status_code == 303
