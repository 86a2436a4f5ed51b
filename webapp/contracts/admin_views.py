"""Administration of what every new contract starts from: the standard wording of each clause
group (kept as numbered versions) and our own company's block (clause 11)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth.models import Role
from webapp.auth.permissions import roles_required
from webapp.common.forms import handle_form
from webapp.common.rendering import render_page
from webapp.contracts import service
from webapp.contracts.forms import CompanyForm, StandardClauseForm
from webapp.contracts.models import ClauseKey

bp = Blueprint("contract_admin", __name__)
admins = roles_required(Role.ADMIN)


@bp.route("/admin/clauses/<key>", methods=["GET", "POST"])
@admins
def standard_clause(key: str):
    clause_key = next((k for k in ClauseKey if k.value == key), None)
    if clause_key is None:
        abort(404)
    version, text = service.current_standards()[clause_key]
    form = StandardClauseForm(text=text)

    def saved(_clause):
        flash(_("New version of the standard wording saved."), "success")
        return redirect(url_for("contract_admin.standard_clause", key=key), code=303)

    return handle_form(
        form,
        save=lambda: service.save_standard_clause(current_user, clause_key, form.text.data),
        saved=saved,
        show=lambda status, conflict: render_page(
            "contracts/standard_clause.html",
            form=form,
            key=clause_key,
            version=version,
            keys=list(ClauseKey),
            history=service.standard_history(clause_key),
            status=status,
        ),
    )


@bp.get("/admin/clauses")
@admins
def standard_clauses():
    return redirect(url_for("contract_admin.standard_clause", key=ClauseKey.QUALITY.value))


@bp.route("/admin/company", methods=["GET", "POST"])
@admins
def company():
    profile = service.company_profile()
    form = CompanyForm(obj=profile)
    if request.method == "GET" and profile is not None:
        form.version.data = str(profile.version)

    def saved(_profile):
        flash(_("Company profile saved."), "success")
        return redirect(url_for("contract_admin.company"), code=303)

    return handle_form(
        form,
        save=lambda: service.save_company_profile(current_user, form.data, form.version.data),
        saved=saved,
        show=lambda status, conflict: render_page(
            "contracts/company.html", form=form, status=status
        ),
        conflict_on_form=True,
    )
