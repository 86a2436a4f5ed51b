from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.accounts import service as accounts
from webapp.accounts.tabs import render_tab
from webapp.auth.models import Role
from webapp.auth.permissions import ACCOUNT_EDITORS, ACCOUNT_READERS, roles_required
from webapp.common.errors import ValidationFailed
from webapp.common.forms import handle_form
from webapp.common.rendering import render_fragment, render_page, wants_fragment
from webapp.warnings import service
from webapp.warnings.forms import EventForm

bp = Blueprint("warnings", __name__)
readers = roles_required(*ACCOUNT_READERS)
editors = roles_required(*ACCOUNT_EDITORS)
admins = roles_required(Role.ADMIN)


def _account_tab(account_id: int, form: EventForm | None = None, status: int = 200):
    account = accounts.get_account(current_user, account_id)
    can_edit = accounts.can_edit(current_user, account)
    return render_tab(
        "warnings",
        "warnings/_account_warnings.html",
        status=status,
        account=account,
        items=service.warning_rows(current_user, service.account_warnings(current_user, account)),
        events=service.account_events(account),
        can_edit=can_edit,
        form=form or (EventForm() if can_edit else None),
    )


@bp.get("/accounts/<int:account_id>/warnings")
@readers
def account_warnings(account_id: int):
    return _account_tab(account_id)


@bp.post("/accounts/<int:account_id>/events")
@editors
def report_event(account_id: int):
    accounts.get_account(current_user, account_id, for_edit=True)
    form = EventForm()

    def reported(_event):
        flash(_("Event reported; the warning is raised."), "success")
        if wants_fragment():
            return _account_tab(account_id)
        return redirect(url_for("warnings.account_warnings", account_id=account_id), code=303)

    return handle_form(
        form,
        save=lambda: service.report_event(current_user, account_id, form.data),
        saved=reported,
        show=lambda status, conflict: _account_tab(account_id, form, status),
    )


@bp.post("/warnings/<int:warning_id>")
@login_required
def handle(warning_id: int):
    """Acknowledge or resolve from the home page or the account tab; answers the row."""
    try:
        warning = service.handle_warning(
            current_user, warning_id, request.form.get("action", ""), request.form.get("note")
        )
    except ValidationFailed as error:
        flash(error.message, "error")
        if wants_fragment():
            return render_fragment(
                "warnings/_row.html",
                status=422,
                row=service.warning_row(current_user, service.get_warning(warning_id)),
            )
        return redirect(url_for("main.home"), code=303)
    if wants_fragment():
        return render_fragment("warnings/_row.html", row=service.warning_row(current_user, warning))
    flash(_("Warning updated."), "success")
    return redirect(request.referrer or url_for("main.home"), code=303)


@bp.route("/warnings/rules", methods=["GET", "POST"])
@admins
def rules():
    errors, status = {}, 200
    if request.method == "POST":
        try:
            service.update_rules(current_user, request.form.to_dict())
        except ValidationFailed as error:
            errors, status = error.errors, 422
        else:
            flash(_("Thresholds saved."), "success")
            return redirect(url_for("warnings.rules"), code=303)
    return render_page(
        "warnings/rules.html",
        settings=service.rule_settings(),
        form=request.form if errors else None,
        errors=errors,
        status=status,
    )


@bp.post("/warnings/run")
@admins
def run():
    summary = service.evaluate()
    flash(
        _(
            "Warnings evaluated: %(raised)s raised, %(updated)s updated, %(cleared)s closed "
            "by themselves, %(holding)s holding.",
            raised=summary.raised,
            updated=summary.updated,
            cleared=summary.cleared,
            holding=summary.holding,
        ),
        "success",
    )
    return redirect(url_for("warnings.rules"), code=303)
