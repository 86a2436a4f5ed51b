from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.accounts import service as accounts
from webapp.accounts.tabs import account_tabs, register_tab
from webapp.approvals import service
from webapp.approvals.forms import CommentForm, CreditForm, DecisionForm, SupportForm
from webapp.approvals.models import RequestType
from webapp.approvals.workflow import ACTION_LABELS, EVENT_LABELS
from webapp.auth.permissions import ACCOUNT_EDITORS, ACCOUNT_READERS, roles_required
from webapp.common.errors import ValidationFailed
from webapp.common.forms import apply_errors
from webapp.common.rendering import render_fragment, render_page, wants_fragment
from webapp.contracts.service import available_credit, open_contract_amount

bp = Blueprint("approvals", __name__)
readers = roles_required(*ACCOUNT_READERS)
editors = roles_required(*ACCOUNT_EDITORS)

register_tab("requests", _l("Requests"), "approvals.account_requests", 50)
FORMS = {RequestType.SUPPORT: SupportForm, RequestType.CREDIT: CreditForm}
BOXES = ("waiting", "filed", "decided")


@bp.app_template_global()
def approval_for_contract(contract_id: int):
    """The contract page shows its approval request (the contracts area cannot import us)."""
    return service.request_for_contract(contract_id)


@bp.get("/approvals/")
@login_required
def inbox():
    box = request.args.get("box") if request.args.get("box") in BOXES else "waiting"
    raw = request.args.get("type") or ""
    type_ = RequestType(raw) if raw in {t.value for t in RequestType} else None
    rows = service.inbox_rows(current_user, box, type_)
    return render_page(
        "approvals/inbox.html",
        block="inbox_rows",
        rows=rows,
        box=box,
        type_=type_,
        types=list(RequestType),
        waiting=service.waiting_count(current_user),
        overdue=service.is_overdue,
        decision_form=DecisionForm(),
        action_labels=ACTION_LABELS,
    )


@bp.get("/approvals/badge")
@login_required
def badge():
    """The count on the navigation badge; polled by htmx and refreshed after each decision."""
    return render_fragment("approvals/_badge.html", waiting=service.waiting_count(current_user))


@bp.get("/approvals/<int:request_id>")
@login_required
def detail(request_id: int):
    item = service.get_request(current_user, request_id)
    step = service.current_step(item)
    return render_page(
        "approvals/detail.html",
        item=item,
        step=step,
        acting_for=service.acting_as(current_user, item, step) if step else None,
        events=service.events(item),
        changes=service.round_changes(item),
        days_left=service.days_left(item),
        overdue=service.is_overdue,
        open_contracts=open_contract_amount(item.account_id),
        available=available_credit(item.account),
        recent=service.recent_for_account(current_user, item.account_id, exclude=item.id),
        decision_form=DecisionForm(),
        comment_form=CommentForm(),
        action_labels=ACTION_LABELS,
        event_labels=EVENT_LABELS,
    )


@bp.post("/approvals/<int:request_id>/steps/<int:step_id>")
@login_required
def decide(request_id: int, step_id: int):
    """Decide the current step; from the inbox (htmx) the row is swapped for the outcome and an
    `approvals-changed` event refreshes the badge. Forbidden and unknown steps answer 403/404."""
    form = DecisionForm()
    try:
        item = service.decide(
            current_user,
            request_id,
            step_id,
            request.form.get("decision", ""),
            form.comment.data,
        )
    except (ValidationFailed, service.AlreadyDecided) as error:
        message = (
            error.message
            if isinstance(error, service.AlreadyDecided)
            else "；".join(error.errors.values())
        )
        if wants_fragment():
            return render_fragment("approvals/_decided_row.html", item=None, message=message), 422
        flash(message, "error")
        return redirect(url_for("approvals.detail", request_id=request_id), code=303)
    if wants_fragment():
        response = render_fragment("approvals/_decided_row.html", item=item, message=None)
        response.headers["HX-Trigger"] = "approvals-changed"
        return response
    flash(_("%(number)s: decision recorded.", number=item.number), "success")
    return redirect(url_for("approvals.detail", request_id=request_id), code=303)


@bp.post("/approvals/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    try:
        item = service.withdraw(current_user, request_id)
    except service.TooLate as error:
        flash(error.message, "error")
    else:
        flash(_("%(number)s withdrawn.", number=item.number), "success")
    return redirect(url_for("approvals.detail", request_id=request_id), code=303)


@bp.post("/approvals/<int:request_id>/comment")
@login_required
def comment(request_id: int):
    form = CommentForm()
    try:
        service.add_comment(current_user, request_id, form.comment.data)
        flash(_("Comment added."), "success")
    except ValidationFailed as error:
        flash("；".join(error.errors.values()), "error")
    return redirect(url_for("approvals.detail", request_id=request_id), code=303)


@bp.route("/accounts/<int:account_id>/requests/new/<kind>", methods=["GET", "POST"])
@editors
def new(account_id: int, kind: str):
    account = accounts.get_account(current_user, account_id, for_edit=True)
    try:
        type_ = RequestType(kind)
    except ValueError:
        type_ = None
    if type_ not in FORMS:
        return render_page(
            "errors/error.html",
            block="error",
            status=404,
            code=404,
            title=_("Not found"),
            message=_("There is nothing at this address."),
        )
    form = FORMS[type_]()
    status = 200
    if form.validate_on_submit():
        try:
            item = service.file_request(current_user, account.id, type_, form.data)
        except ValidationFailed as error:
            apply_errors(form, error)
            status = 422
        else:
            flash(_("%(number)s filed for approval.", number=item.number), "success")
            return redirect(url_for("approvals.detail", request_id=item.id), code=303)
    elif request.method == "POST":
        status = 422
    return render_page("approvals/new.html", form=form, account=account, type_=type_, status=status)


@bp.get("/accounts/<int:account_id>/requests")
@readers
def account_requests(account_id: int):
    account = accounts.get_account(current_user, account_id)
    context = dict(
        account=account,
        can_edit=accounts.can_edit(current_user, account),
        items=service.recent_for_account(current_user, account.id, limit=100),
    )
    if wants_fragment():
        return render_fragment("approvals/_account_requests.html", **context)
    return render_page(
        "accounts/detail.html",
        tabs=account_tabs(),
        active_tab="requests",
        fragment="approvals/_account_requests.html",
        **context,
    )
