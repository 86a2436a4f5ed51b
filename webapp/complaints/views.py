from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts import service as accounts
from webapp.accounts.tabs import render_tab
from webapp.auth.permissions import ACCOUNT_EDITORS, ACCOUNT_READERS, roles_required
from webapp.common.errors import ValidationFailed
from webapp.common.forms import handle_form
from webapp.common.rendering import render_page, wants_fragment
from webapp.complaints import service
from webapp.complaints.forms import ComplaintForm
from webapp.complaints.models import Complaint, ComplaintStatus
from webapp.submissions import Once

bp = Blueprint("complaints", __name__)
readers = roles_required(*ACCOUNT_READERS)
editors = roles_required(*ACCOUNT_EDITORS)


def _tab(account_id: int, form: ComplaintForm | None = None, status: int = 200):
    account = accounts.get_account(current_user, account_id)
    can_edit = accounts.can_edit(current_user, account)
    return render_tab(
        "complaints",
        "complaints/_account_complaints.html",
        status=status,
        account=account,
        items=service.account_complaints(current_user, account),
        can_edit=can_edit,
        form=form or (ComplaintForm() if can_edit else None),
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

    def recorded(complaint):
        flash(_("Complaint recorded."), "success")
        return redirect(url_for("complaints.detail", complaint_id=complaint.id), code=303)

    return handle_form(
        form,
        save=lambda: service.record_complaint(current_user, account_id, form.data),
        saved=recorded,
        show=lambda status, conflict: _tab(account_id, form, status),
        once=Once(form, Complaint, lambda id: service.get_complaint(current_user, id)),
    )


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
