from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.accounts import service as accounts
from webapp.accounts.tabs import render_tab
from webapp.approvals import service as approvals
from webapp.approvals.models import ApprovalRequest
from webapp.approvals.workflow import current_settings
from webapp.auth.permissions import ACCOUNT_EDITORS, ACCOUNT_READERS, roles_required
from webapp.common.errors import ValidationFailed
from webapp.common.forms import handle_form
from webapp.common.money import amount_in_words
from webapp.common.rendering import render_page
from webapp.plans import attack, calendar, service
from webapp.plans.forms import (
    AttackPlanForm,
    PlanItemForm,
    ProgressForm,
    ReviewForm,
    force_choices,
    padded,
    posted_rows,
    raw_rows,
)
from webapp.plans.models import AccountReview, AttackReview, ServicePlanItem
from webapp.submissions import Once

bp = Blueprint("plans", __name__)
readers = roles_required(*ACCOUNT_READERS)
editors = roles_required(*ACCOUNT_EDITORS)


def _item_form(account) -> PlanItemForm:
    return PlanItemForm(
        contacts=accounts.contacts(current_user, account),
        owners=approvals.possible_owners(account),
    )


def _tab(account_id: int, *, item_form=None, review_form=None, status: int = 200):
    account = accounts.get_account(current_user, account_id)
    can_edit = accounts.can_edit(current_user, account)
    return render_tab(
        "plans",
        "plans/_account_plans.html",
        status=status,
        account=account,
        can_edit=can_edit,
        items=[
            (i, service.can_mark_done(current_user, i))
            for i in service.plan_items(current_user, account)
        ],
        needs_review=service.needs_review(account),
        reviews=service.reviews(current_user, account),
        attack_plans=attack.account_plans(current_user, account),
        item_form=item_form or (_item_form(account) if can_edit else None),
        review_form=review_form or (ReviewForm() if can_edit else None),
    )


@bp.get("/accounts/<int:account_id>/plans")
@readers
def account_plans(account_id: int):
    return _tab(account_id)


def _back_to_tab(account_id: int, message: str):
    flash(message, "success")
    return redirect(url_for("plans.account_plans", account_id=account_id), code=303)


@bp.post("/accounts/<int:account_id>/plans/items")
@editors
def add_item(account_id: int):
    form = _item_form(accounts.get_account(current_user, account_id, for_edit=True))
    return handle_form(
        form,
        save=lambda: service.add_item(current_user, account_id, form.values()),
        saved=lambda _item: _back_to_tab(account_id, _("Plan item added.")),
        show=lambda status, conflict: _tab(account_id, item_form=form, status=status),
        once=Once(form, ServicePlanItem, lambda id: service.get_item(current_user, id)),
    )


@bp.post("/plans/items/<int:item_id>/done")
@readers
def item_done(item_id: int):
    item = service.get_item(current_user, item_id)
    try:
        service.mark_done(current_user, item.id)
        flash(_("Marked done."), "success")
    except ValidationFailed as error:
        flash(" ".join(error.errors.values()), "error")
    return redirect(_item_back(item), code=303)


def _item_back(item) -> str:
    if request.form.get("back") == "home":
        return url_for("main.home")
    return url_for("plans.account_plans", account_id=item.account_id)


@bp.post("/accounts/<int:account_id>/plans/reviews")
@editors
def add_review(account_id: int):
    accounts.get_account(current_user, account_id, for_edit=True)
    form = ReviewForm()
    return handle_form(
        form,
        save=lambda: service.add_review(current_user, account_id, form.values()),
        saved=lambda _review: _back_to_tab(account_id, _("Review recorded.")),
        show=lambda status, conflict: _tab(account_id, review_form=form, status=status),
        once=Once(form, AccountReview, lambda id: _account_review(id)),
    )


def _account_review(review_id: int):
    return service.get_review(current_user, review_id)


# --- attack plans ---------------------------------------------------------------------------


def _attack_form_page(form, account, status: int, item=None):
    typed = request.form if request.method == "POST" else None
    rows = {kind: raw_rows(typed, kind) if typed else [] for kind in ("force", "action", "expense")}
    if item is not None and typed is None:
        rows = _rows_of(approvals.plan_of(item))
    sides, strengths = force_choices()
    return render_page(
        "plans/attack_form.html",
        status=status,
        form=form,
        account=account,
        item=item,
        forces=padded(rows["force"], "force", 4),
        actions=padded(rows["action"], "action", 4),
        expenses=padded(rows["expense"], "expense", 4),
        owners=approvals.possible_owners(account),
        sides=sides,
        strengths=strengths,
        threshold=current_settings().attack_executive_threshold,
    )


def _rows_of(plan) -> dict:
    return {
        "force": [
            dict(person=f.person, side=f.side.value, strength=f.strength.value, note=f.note or "")
            for f in plan.forces
        ],
        "action": [
            dict(action=a.action, owner_id=str(a.owner_id), due_on=a.due_on.isoformat())
            for a in plan.actions
        ],
        "expense": [
            dict(item=e.item, amount=f"{e.amount:,.2f}", note=e.note or "") for e in plan.expenses
        ],
    }


def _filed(item: ApprovalRequest, message: str):
    flash(message, "success")
    return redirect(url_for("approvals.detail", request_id=item.id), code=303)


@bp.route("/accounts/<int:account_id>/attack-plans/new", methods=["GET", "POST"])
@editors
def new_attack(account_id: int):
    account = accounts.get_account(current_user, account_id, for_edit=True)
    form = AttackPlanForm()
    return handle_form(
        form,
        save=lambda: attack.file_plan(
            current_user, account.id, {**form.data, **posted_rows(request.form)}
        ),
        saved=lambda item: _filed(item, _("%(number)s filed for approval.", number=item.number)),
        show=lambda status, conflict: _attack_form_page(form, account, status),
        once=Once(form, ApprovalRequest, lambda id: approvals.get_request(current_user, id)),
    )


@bp.route("/attack-plans/requests/<int:request_id>/revise", methods=["GET", "POST"])
@editors
def revise_attack(request_id: int):
    item = approvals.get_request(current_user, request_id)
    if not (item.is_attack and approvals.can_resubmit(current_user, item)):
        flash(_("Only the applicant revises a returned attack plan."), "error")
        return redirect(url_for("approvals.detail", request_id=item.id), code=303)
    form = _revision_form(item)
    return handle_form(
        form,
        save=lambda: attack.revise_plan(
            current_user, item.id, {**form.data, **posted_rows(request.form)}
        ),
        saved=lambda done: _filed(done, _("%(number)s resubmitted.", number=done.number)),
        show=lambda status, conflict: _attack_form_page(form, item.account, status, item),
    )


def _attack_page(plan_id: int, review_form=None, status: int = 200):
    plan = attack.get_plan(current_user, plan_id)
    return render_page(
        "plans/attack_detail.html",
        status=status,
        plan=plan,
        item=plan.request,
        total_words=amount_in_words(plan.total),
        tasks=[(a, attack.can_update(current_user, a)) for a in plan.actions],
        reviews=attack.plan_reviews(plan),
        can_review=attack.can_review(current_user, plan),
        review_form=review_form or ReviewForm(),
    )


def _revision_form(item) -> AttackPlanForm:
    """The plan's form; opened (GET), it shows the plan as filed."""
    if request.method != "GET":
        return AttackPlanForm()
    plan = approvals.plan_of(item)
    return AttackPlanForm(
        title=item.title, goals=item.content, simulation=plan.simulation, close_on=plan.close_on
    )


@bp.get("/attack-plans/<int:plan_id>")
@readers
def attack_detail(plan_id: int):
    return _attack_page(plan_id)


@bp.post("/attack-plans/tasks/<int:action_id>/progress")
@readers
def attack_progress(action_id: int):
    try:
        action = attack.update_progress(current_user, action_id, request.form.get("percent"))
        flash(_("Progress saved."), "success")
    except ValidationFailed as error:
        flash(" ".join(str(v) for v in error.errors.values()), "error")
        return redirect(url_for("plans.due"), code=303)
    if request.form.get("back") == "home":
        return redirect(url_for("main.home"), code=303)
    return redirect(url_for("plans.attack_detail", plan_id=action.plan_id), code=303)


@bp.post("/attack-plans/<int:plan_id>/reviews")
@editors
def attack_review(plan_id: int):
    plan = attack.get_plan(current_user, plan_id)
    form = ReviewForm()

    def recorded(_review):
        flash(_("Progress review recorded."), "success")
        return redirect(url_for("plans.attack_detail", plan_id=plan.id), code=303)

    return handle_form(
        form,
        save=lambda: attack.add_review(current_user, plan.id, form.values()),
        saved=recorded,
        show=lambda status, conflict: _attack_page(plan.id, form, status),
        once=Once(form, AttackReview, lambda id: attack.get_review(current_user, id)),
    )


# --- what is due, and the calendar feed ------------------------------------------------------


@bp.get("/plans/due")
@readers
def due():
    return render_page(
        "plans/due.html",
        items=service.due_items(current_user, within_days=31),
        tasks=attack.due_tasks(current_user, within_days=31),
        to_review=service.accounts_to_review(current_user),
        progress_form=ProgressForm(),
    )


@bp.get("/calendar")
@login_required
def calendar_page():
    return render_page(
        "plans/calendar.html",
        feed=calendar.feed_of(current_user),
        address=None,
    )


@bp.post("/calendar/address")
@login_required
def calendar_address():
    token = calendar.new_address(current_user)
    address = url_for("plans.feed", token=token, _external=True)
    return render_page("plans/calendar.html", feed=calendar.feed_of(current_user), address=address)


@bp.post("/calendar/off")
@login_required
def calendar_off():
    calendar.turn_off(current_user)
    flash(_("Calendar feed turned off: its address no longer works."), "success")
    return redirect(url_for("plans.calendar_page"), code=303)


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    user = calendar.user_for_token(token)
    body = calendar.feed_ics(user, host=request.host.split(":")[0] or "keydesk")
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="keydesk.ics"'
    return response
