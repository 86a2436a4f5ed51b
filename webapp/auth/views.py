from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import joinedload

from webapp.auth import service
from webapp.auth.forms import LoginForm, PasswordForm
from webapp.auth.models import User
from webapp.common.forms import handle_form
from webapp.common.rendering import render_page
from webapp.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after sign-in would help phishing."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "//" not in target:
            return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 400 if request.method == "POST" else 200  # a form without its fields
    if form.validate_on_submit():
        user, status = _check_password(form)
        if user is not None:
            login_user(user)
            service.record_sign_in(user)
            return redirect(_safe_next(form.next.data), code=303)
    return render_page("auth/login.html", form=form, status=status)


def _check_password(form: LoginForm) -> tuple[User | None, int]:
    """The user the form signs in, or None with the refusal on the form and its status:
    401 for a wrong name or password, 429 while the name is locked after repeated failures."""
    config = current_app.config
    try:
        user = service.authenticate(
            form.username.data,
            form.password.data,
            max_failures=config["LOGIN_MAX_FAILURES"],
            window_minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"],
            lock_minutes=config["LOGIN_LOCK_MINUTES"],
        )
    except service.LoginLocked as locked:
        form.form_errors.append(locked.message)
        return None, 429
    if user is None:
        form.form_errors.append(_("Wrong username or password."))
        return None, 401
    return user, 200


@bp.post("/logout")
@login_required
def logout():
    service.sign_out(current_user)
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; every other session of the user ends."""
    form = PasswordForm()

    def changed(user):
        login_user(user)  # this browser goes on under the new session generation
        flash(_("Password changed. You were signed out everywhere else."), "success")
        return redirect(url_for("main.home"), code=303)

    return handle_form(
        form,
        save=lambda: service.change_own_password(
            current_user._get_current_object(), form.current_password.data, form.new_password.data
        ),
        saved=changed,
        show=lambda status, conflict: render_page("auth/password.html", form=form, status=status),
    )


@bp.post("/language/<code>")
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    service.set_locale(current_user if current_user.is_authenticated else None, code)
    response = make_response(redirect(_safe_next(request.form.get("next")), code=303))
    response.set_cookie(
        "lang",
        code,
        max_age=365 * 86400,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def load_user(session_user_id: str):
    """The user of a session cookie, only while its session generation is the user's current
    one: sign-out, a password or role change, deactivation and "sign out everywhere" raise it,
    which ends every session of that user on every server at once."""
    match = _SESSION_USER_ID.fullmatch(session_user_id)
    if match is None:
        return None
    # with the department every page's header names: one query, not two
    user = db.session.get(User, int(match["id"]), options=[joinedload(User.department)])
    if user is None or not user.active or user.session_generation != int(match["generation"]):
        return None
    return user


_SESSION_USER_ID = re.compile(r"(?P<id>[0-9]{1,18})\.(?P<generation>[0-9]{1,18})")
