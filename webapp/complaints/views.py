from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts import service as accounts
from webapp.accounts.tabs import account_tabs
from webapp.auth.permissions import ACCOUNT_EDITORS, ACCOUNT_READERS, roles_required
from webapp.common.errors import ValidationFailed
from webapp.common.forms import apply_errors
from webapp.common.rendering import render_fragment, render_page, wants_fragment
from webapp.complaints import service
from webapp.complaints.forms import ComplaintForm
from webapp.complaints.models import ComplaintStatus

bp = Blueprint("complaints", __name__)
readers = roles_required(*ACCOUNT_READERS)
editors = roles_required(*ACCOUNT_EDITORS)


def _tab(account_id: int, form: ComplaintForm | None = None, status: int = 200):
    account = accounts.get_account(current_user, account_id)
    can_edit = accounts.can_edit(current_user, account)
    context = dict(
        account=account,
        items=service.account_complaints(current_user, account),
        can_edit=can_edit,
        form=form or (ComplaintForm() if can_edit else None),
    )
    if wants_fragment():
        return render_fragment("complaints/_account_complaints.html", status=status, **context)
    return render_page(
        "accounts/detail.html",
        tabs=account_tabs(),
        active_tab="complaints",
        fragment="complaints/_account_complaints.html",
        status=status,
        **context,
    )


@bp.get("/accounts/<int:account_id>/complaints")
@readers
def account_complaints(account_id: int):
    return _tab(account_id)


@bp.post("/accounts/<int:account_id>/complaints")
@editors
def record(account_id: int):
    accounts.get_account(current_user, account_id, for_edit=True)
    form = ComplaintForm()
    if form.validate_on_submit():
        try:
            complaint = service.record_complaint(current_user, account_id, form.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("Complaint recorded."), "success")
            return redirect(url_for("complaints.detail", complaint_id=complaint.id), code=303)
    return _tab(account_id, form, 422)


@bp.get("/complaints/<int:complaint_id>")
@readers
def detail(complaint_id: int):
    complaint = service.get_complaint(current_user, complaint_id)
    return render_page(
        "complaints/detail.html",
        block="complaint_steps",
        complaint=complaint,
        next_step=service.next_step(current_user, complaint),
        steps=list(ComplaintStatus),
    )


@bp.post("/complaints/<int:complaint_id>/steps")
@editors
def advance(complaint_id: int):
    try:
        service.advance(
            current_user, complaint_id, request.form.get("step", ""), request.form.get("note")
        )
    except ValidationFailed as error:
        flash(error.message, "error")
    else:
        flash(_("Step recorded."), "success")
    if wants_fragment():
        return detail(complaint_id)
    return redirect(url_for("complaints.detail", complaint_id=complaint_id), code=303)
