"""Administration: users, their roles and departments."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth import service
from webapp.auth.forms import DepartmentForm, UserForm
from webapp.auth.models import Role, User
from webapp.auth.permissions import roles_required
from webapp.common.forms import handle_form
from webapp.common.rendering import render_page
from webapp.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@roles_required(Role.ADMIN)
def users():
    q = request.args.get("q", "")[:60]
    return render_page("admin/users.html", block="user_rows", users=service.list_users(q), q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():
    form = UserForm(departments=service.list_departments())
    return handle_form(
        form,
        save=lambda: service.create_user(
            username=form.username.data, password=form.password.data, **_profile(form)
        ),
        saved=lambda user: _to_users(_("User %(name)s created.", name=user.username)),
        show=lambda status, conflict: render_page(
            "admin/user_form.html", form=form, user=None, status=status
        ),
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    return handle_form(
        form,
        save=lambda: service.update_user(
            user.id,
            **_profile(form),
            active=form.active.data,
            password=form.password.data or None,
            expected_version=form.version.data,
            actor=current_user,
        ),
        saved=lambda _user: _to_users(_("User %(name)s saved.", name=user.username)),
        show=lambda status, conflict: render_page(
            "admin/user_form.html",
            form=form,
            user=user,
            events=service.auth_events(user),
            status=status,
        ),
        conflict_on_form=True,
    )


@bp.post("/users/<int:user_id>/sign-out-everywhere")
@roles_required(Role.ADMIN)
def sign_out_everywhere(user_id: int):
    """End every session of the user: they must sign in again wherever they were."""
    user = service.sign_out_everywhere(user_id, current_user)
    flash(_("Every session of %(name)s has ended.", name=user.full_name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), code=303)


def _user_form(user: User) -> UserForm:
    form = UserForm(obj=user, departments=service.list_departments())
    if request.method == "GET":
        form.role.data = user.role.value
        form.department_id.data = str(user.department_id or "")
        form.version.data = str(user.version)
    form.username.data = user.username  # usernames are permanent: they sign documents
    return form


def _profile(form: UserForm) -> dict:
    """What the form says about a user, as the service takes it."""
    return dict(
        full_name=form.full_name.data,
        role=Role(form.role.data),
        department_id=int(form.department_id.data) if form.department_id.data else None,
        email=form.email.data,
        phone=form.phone.data,
    )


def _to_users(message: str):
    flash(message, "success")
    return redirect(url_for("admin.users"), code=303)


@bp.route("/departments", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def departments():
    form = DepartmentForm()

    def created(_department):
        flash(_("Department created."), "success")
        return redirect(url_for("admin.departments"), code=303)

    return handle_form(
        form,
        save=lambda: service.create_department(form.name.data),
        saved=created,
        show=lambda status, conflict: render_page(
            "admin/departments.html",
            form=form,
            departments=service.list_departments(),
            status=status,
        ),
    )
