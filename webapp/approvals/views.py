from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.accounts import service as accounts
from webapp.accounts.tabs import render_tab
from webapp.approvals import lists, service
from webapp.approvals.credit_hints import (
    deviations_of,
    prefill_credit_form,
    suggestion_for,
    with_deviations,
)
from webapp.approvals.forms import (
    ApprovalSettingsForm,
    CommentForm,
    CreditForm,
    DecisionForm,
    DelegationForm,
    DeliverForm,
    ReassignForm,
    SupportForm,
)
from webapp.approvals.labels import row_labels
from webapp.approvals.models import ApprovalRequest, RequestType
from webapp.approvals.workflow import ACTION_LABELS, DECISION_LABELS, EVENT_LABELS, current_settings
from webapp.attachments import service as attachments
from webapp.auth.models import Role
from webapp.auth.permissions import ACCOUNT_EDITORS, ACCOUNT_READERS, roles_required
from webapp.common.errors import Forbidden, ValidationFailed
from webapp.common.forms import handle_form
from webapp.common.ids import parse_id
from webapp.common.money import amount_in_words
from webapp.common.rendering import render_fragment, render_page, wants_fragment
from webapp.contracts.service import (
    arrears_of,
    available_credit,
    clause_views,
    open_contract_amount,
)
from webapp.lists.tools import list_tools
from webapp.lists.views import export_answer
from webapp.submissions import Once

bp = Blueprint("approvals", __name__)
readers = roles_required(*ACCOUNT_READERS)
editors = roles_required(*ACCOUNT_EDITORS)

FORMS = {RequestType.SUPPORT: SupportForm, RequestType.CREDIT: CreditForm}
INBOX_LIMIT = lists.INBOX_LIMIT
FIELD_LABELS = {
    "title": _l("Title"),
    "content": _l("Content"),
    "amount": _l("Amount"),
    "support_kind": _l("Kind of support"),
    "starts_on": _l("From"),
    "ends_on": _l("To"),
    "proposed_grade": _l("Proposed grade"),
    "proposed_limit": _l("Proposed limit (yuan)"),
    "basis": _l("Basis"),
}


@bp.get("/approvals/")
@login_required
def inbox():
    if (exported := export_answer("requests")) is not None:
        return exported
    clean = lists.normalize(request.args)
    box, raw = clean["box"], clean.get("type")
    type_, overdue_only = (RequestType(raw) if raw else None), "overdue" in clean
    rows = lists.inbox_rows(current_user, clean, INBOX_LIMIT)
    return render_page(
        "approvals/inbox.html",
        block="inbox_rows",
        rows=rows,
        box=box,
        type_=type_,
        types=list(RequestType),
        waiting=service.waiting_count(current_user),
        overdue_only=overdue_only,
        limit=INBOX_LIMIT,
        watches=bool(service.SUPERIOR_OF.get(current_user.role)),
        arrears=service.arrears_for(rows),
        action_labels=ACTION_LABELS,
        labels=row_labels(),
        tools=list_tools("requests", clean),
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
    return render_page("approvals/detail.html", **_detail_context(item))


def _detail_context(item) -> dict:
    """Everything the decision rests on: the request, its contract's lines and deviating
    clauses, the account's credit, who can act on each step, the files and the trail."""
    step = service.current_step(item)
    contract = item.contract
    return dict(
        item=item,
        step=step,
        acting_for=service.acting_as(current_user, item, step) if step else None,
        can_resubmit=service.can_resubmit(current_user, item),
        can_withdraw=service.can_withdraw(current_user, item),
        events=service.events(item),
        changes=service.round_changes(item),
        people=service.waiting_step_people(item),
        files=attachments.panel(current_user, "request", item.id),
        words=_words(item),
        deviating_clauses=[c for c in clause_views(contract) if c.deviates] if contract else [],
        open_contracts=open_contract_amount(item.account_id),
        arrears=arrears_of(item.account_id),
        field_labels=FIELD_LABELS,
        available=available_credit(item.account),
        recent=service.recent_for_account(current_user, item.account_id, exclude=item.id),
        decision_form=DecisionForm(),
        comment_form=CommentForm(),
        action_labels=ACTION_LABELS,
        event_labels=EVENT_LABELS,
        labels=row_labels(),
        plan=item.attack_plan,
    )


def _words(item) -> str:
    """The amount in Chinese capital numerals (大写), as the printed form shows it."""
    amount = item.contract.total if item.contract else item.amount
    return amount_in_words(amount) if amount is not None else ""


@bp.post("/approvals/<int:request_id>/steps/<int:step_id>")
@login_required
def decide(request_id: int, step_id: int):
    """Decide the current step by the button pressed; from the inbox (htmx) the row is swapped
    for the outcome and an `approvals-changed` event refreshes the badge. A refusal (no reason,
    no explicit decision) shows the same row again with the message, the comment kept."""
    form = DecisionForm()
    decision = request.form.get("decision", "")
    try:
        item = service.decide(current_user, request_id, step_id, decision, form.comment.data)
    except ValidationFailed as error:
        return _row_again(request_id, step_id, error.message, form.comment.data)
    except service.AlreadyDecided as error:  # someone else was quicker: a conflict, not bad input
        return _not_decided(request_id, error.message, status=409)
    if not wants_fragment():
        flash(_("%(number)s: decision recorded.", number=item.number), "success")
        return redirect(url_for("approvals.detail", request_id=request_id), code=303)
    response = render_fragment(
        "approvals/_decided_row.html",
        item=item,
        decision_label=DECISION_LABELS[decision],
        next_step=service.current_step(item),
    )
    response.headers["HX-Trigger"] = "approvals-changed"
    return response


def _row_again(request_id: int, step_id: int, message: str, comment: str | None):
    """The inbox row once more, usable, with the refusal beside the comment (422)."""
    row = service.waiting_row(current_user, request_id, step_id) if wants_fragment() else None
    if row is None:
        return _not_decided(request_id, message)
    item, step = row
    return render_fragment(
        "approvals/_waiting_row.html",
        status=422,
        item=item,
        step=step,
        arrears=service.arrears_for([row]).get(item.account_id),
        error=message,
        comment=comment,
        action_labels=ACTION_LABELS,
        labels=row_labels(),
    )


def _not_decided(request_id: int, message: str, status: int = 422):
    if wants_fragment():
        return render_fragment(
            "approvals/_decided_row.html",
            status=status,
            item=None,
            request_id=request_id,
            message=message,
        )
    flash(message, "error")
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
        flash(error.message, "error")
    return redirect(url_for("approvals.detail", request_id=request_id), code=303)


@bp.route("/accounts/<int:account_id>/requests/new/<kind>", methods=["GET", "POST"])
@editors
def new(account_id: int, kind: str):
    account = accounts.get_account(current_user, account_id, for_edit=True)
    type_ = next((t for t in FORMS if t.value == kind), None)
    if type_ is None:
        abort(404)
    form = FORMS[type_]()
    hint = suggestion_for(current_user, account) if type_ is RequestType.CREDIT else None
    if hint is not None and request.method == "GET":
        prefill_credit_form(form, hint)
    return handle_form(
        form,
        save=lambda: service.file_request(
            current_user, account.id, type_, with_deviations(form.data, hint)
        ),
        saved=lambda item: _to_request(
            item.id, _("%(number)s filed for approval.", number=item.number)
        ),
        show=lambda status, conflict: _request_form_page(form, account, type_, status, hint=hint),
        once=Once(form, ApprovalRequest, lambda id: service.get_request(current_user, id)),
    )


def _request_form_page(form, account, type_: RequestType, status: int, item=None, hint=None):
    """The form of a new request, or of a returned one (`item`) being revised."""
    return render_page(
        "approvals/new.html",
        form=form,
        account=account,
        type_=type_,
        is_credit=type_ is RequestType.CREDIT,
        item=item,
        comments=service.last_round_comments(item) if item else [],
        threshold=current_settings().support_executive_threshold,
        event_labels=EVENT_LABELS,
        status=status,
        hint=hint,
        hint_deviations=deviations_of(form, hint) if request.method == "POST" else [],
    )


def _to_request(request_id: int, message: str | None = None, category: str = "success"):
    """Back to the request's page (post/redirect/get), saying `message` there."""
    if message:
        flash(message, category)
    return redirect(url_for("approvals.detail", request_id=request_id), code=303)


@bp.get("/accounts/<int:account_id>/requests")
@readers
def account_requests(account_id: int):
    account = accounts.get_account(current_user, account_id)
    return render_tab(
        "requests",
        "approvals/_account_requests.html",
        account=account,
        can_edit=accounts.can_edit(current_user, account),
        items=service.recent_for_account(current_user, account.id, limit=100),
        tasks=service.support_tasks(current_user, account.id),
        deliver_form=DeliverForm(),
    )


@bp.route("/approvals/<int:request_id>/resubmit", methods=["GET", "POST"])
@login_required
def resubmit(request_id: int):
    """The applicant revises a returned request and files it again as the next round."""
    item = service.get_request(current_user, request_id)
    if not service.can_resubmit(current_user, item):
        return _to_request(item.id, _("Only the applicant resubmits a returned request."), "error")
    if item.is_attack:  # an attack plan is revised on its own form (the plans area)
        return redirect(url_for("plans.revise_attack", request_id=item.id), code=303)
    if item.type not in FORMS:
        if item.contract_id:  # a contract's request is revised in the contract's editor
            return redirect(url_for("contracts.edit", contract_id=item.contract_id), code=303)
        abort(404)
    form = _revision_form(item)
    try:
        return handle_form(
            form,
            save=lambda: service.resubmit(current_user, item.id, form.data),
            saved=lambda _item: _to_request(
                item.id, _("%(number)s resubmitted.", number=item.number)
            ),
            show=lambda status, conflict: _request_form_page(
                form, item.account, item.type, status, item
            ),
        )
    except (service.TooLate, Forbidden) as error:
        return _to_request(item.id, error.message, "error")


def _revision_form(item):
    """The request's form; opened (GET), it shows the request as filed, amounts as typed."""
    if request.method != "GET":
        return FORMS[item.type]()
    form = FORMS[item.type](obj=item)
    for name in ("amount", "proposed_limit"):
        if getattr(item, name) is not None and hasattr(form, name):
            getattr(form, name).data = f"{getattr(item, name):,.2f}"
    return form


def _selected_pairs(values: list[str]) -> list[tuple[int, int]]:
    pairs = []
    for value in values:
        raw_request, _sep, raw_step = value.partition(":")
        request_id, step_id = parse_id(raw_request), parse_id(raw_step)
        if request_id is not None and step_id is not None:
            pairs.append((request_id, step_id))
    return pairs


@bp.post("/approvals/bulk")
@login_required
def bulk_decide():
    """Decide several selected requests of one type from the inbox. The first POST shows what
    would be decided (count, type, each request) for the approver to confirm; the confirmed
    POST decides each on its own, and the flash message says which went through."""
    form = DecisionForm()
    pairs = _selected_pairs(request.form.getlist("selected"))
    decision = request.form.get("decision", "")
    back = redirect(url_for("approvals.inbox", type=request.form.get("type") or None), 303)
    try:
        if request.form.get("confirmed") != "yes":
            rows = service.bulk_preview(current_user, pairs, decision, form.comment.data)
            return _bulk_confirmation(rows, decision, form.comment.data or "")
        results = service.bulk_decide(current_user, pairs, decision, form.comment.data)
    except ValidationFailed as error:
        flash(error.message, "error")
        return back
    _flash_bulk_results(results)
    back.headers["HX-Trigger"] = "approvals-changed"
    return back


def _bulk_confirmation(rows, decision: str, comment: str):
    """The page asking to confirm a bulk decision: how many, of which type, which ones."""
    return render_page(
        "approvals/bulk_confirm.html",
        rows=rows,
        decision=decision,
        comment=comment,
        type_=rows[0][0].type,
        arrears=service.arrears_for(rows),
        action_labels=ACTION_LABELS,
        labels=row_labels(),
    )


def _flash_bulk_results(results) -> None:
    done = [r for _id, r, err in results if r is not None]
    if done:
        flash(_("Decided: %(numbers)s.", numbers="、".join(r.number for r in done)), "success")
    for rid, r, err in results:
        if r is None:
            flash(_("Request %(id)s not decided: %(why)s", id=rid, why=err), "error")


@bp.route("/approvals/deputies", methods=["GET", "POST"])
@login_required
def deputies():
    """An approver names a deputy for a date range; the trail then shows "X for Y"."""
    form = DelegationForm()
    form.deputy_id.choices = [(u.id, label) for u, label in service.deputy_choices(current_user)]

    def named(_delegation):
        flash(_("Deputy named."), "success")
        return redirect(url_for("approvals.deputies"), code=303)

    return handle_form(
        form,
        save=lambda: service.delegate(
            current_user, form.deputy_id.data, form.starts_on.data, form.ends_on.data
        ),
        saved=named,
        show=lambda status, conflict: render_page(
            "approvals/deputies.html",
            form=form,
            can_name=service.can_name_deputy(current_user),
            delegations=service.my_delegations(current_user),
            covering=service.delegations_to(current_user),
            status=status,
        ),
    )


@bp.post("/approvals/deputies/<int:delegation_id>/end")
@login_required
def end_delegation(delegation_id: int):
    service.end_delegation(current_user, delegation_id)
    flash(_("Delegation ended."), "success")
    return redirect(url_for("approvals.deputies"), code=303)


@bp.get("/approvals/admin/steps")
@roles_required(Role.ADMIN)
def admin_steps():
    """Waiting steps, stranded ones first, so an approver who left strands nothing."""
    steps = service.waiting_steps_for_admin()
    stranded = {s.id for s in steps if service.stranded(s)}
    steps.sort(key=lambda s: s.id not in stranded)
    return render_page(
        "approvals/admin_steps.html",
        steps=steps,
        stranded=stranded,
        users=service.active_approvers(),
        form=ReassignForm(),
        action_labels=ACTION_LABELS,
    )


@bp.route("/approvals/admin/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def admin_settings():
    """Thresholds, step deadlines and credit reminders; a save is a new version that applies
    to requests filed after it."""
    form = ApprovalSettingsForm(
        data=service.settings_form_data() if request.method == "GET" else None
    )

    def saved(row):
        flash(_("Approval settings version %(n)s saved.", n=row.id), "success")
        return redirect(url_for("approvals.admin_settings"), code=303)

    return handle_form(
        form,
        save=lambda: service.save_settings(current_user, form.data),
        saved=saved,
        show=lambda status, conflict: render_page(
            "approvals/admin_settings.html",
            form=form,
            versions=service.settings_versions(),
            status=status,
        ),
    )


@bp.post("/approvals/steps/<int:step_id>/reassign")
@roles_required(Role.ADMIN)
def reassign(step_id: int):
    try:
        step = service.reassign(current_user, step_id, request.form.get("user_id", type=int) or 0)
    except (ValidationFailed, service.TooLate) as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "%(number)s: step handed to %(name)s.",
                number=step.request.number,
                name=step.assignee.full_name,
            ),
            "success",
        )
    return redirect(url_for("approvals.admin_steps"), code=303)


@bp.post("/accounts/<int:account_id>/tasks/<int:task_id>/deliver")
@editors
def deliver_task(account_id: int, task_id: int):
    form = DeliverForm()
    try:
        task = service.deliver_task(current_user, task_id, form.note.data)
    except (ValidationFailed, service.AlreadyDecided) as error:
        flash(error.message, "error")
    else:
        flash(_("Support task “%(title)s” delivered.", title=task.title), "success")
    return redirect(url_for("accounts.detail", account_id=account_id, tab="requests"), code=303)
