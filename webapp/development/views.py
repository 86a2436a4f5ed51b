"""The pipeline board, lead capture and the customer pool."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts.models import SalesTier, Stage, ValueClass
from webapp.accounts.service import can_create
from webapp.auth.permissions import ACCOUNT_EDITORS, ACCOUNT_READERS, roles_required
from webapp.common.errors import DomainError, ValidationFailed
from webapp.common.forms import handle_form
from webapp.common.rendering import render_fragment, render_page, wants_fragment
from webapp.development import leads, pipeline, pool, settings, stages
from webapp.development.forms import AssignForm, LeadForm, MoveForm
from webapp.development.pool import POOL_ROLES

bp = Blueprint("development", __name__)
readers = roles_required(*ACCOUNT_READERS)
editors = roles_required(*ACCOUNT_EDITORS)
pool_users = roles_required(*POOL_ROLES)


# --- lead capture ---------------------------------------------------------------------------


@bp.route("/leads/new", methods=["GET", "POST"])
@editors
def new_lead():
    form = LeadForm()

    def filed(account):
        flash(_("Lead %(name)s filed; qualify it next.", name=account.name), "success")
        return redirect(url_for("development_account.development", account_id=account.id), code=303)

    return handle_form(
        form,
        save=lambda: leads.capture(current_user, form.data),
        saved=filed,
        show=lambda **answer: render_page("development/lead_form.html", form=form, **answer),
    )


@bp.get("/leads")
@pool_users
def leads_index():
    """Each salesperson's daily new-lead count; those the daily-lead rule flags stand out."""
    days, rows = leads.lead_table(current_user)
    return render_page(
        "development/leads.html",
        days=days,
        rows=rows,
        gap=settings.get_setting("lead_gap_days"),
        can_file=can_create(current_user),
    )


@bp.get("/leads/check")
@editors
def check_lead():
    """The duplicate check while typing (htmx): who already follows a company like this one."""
    args = request.args
    matches = leads.find_duplicates(
        current_user,
        name=args.get("name", "")[:120],
        short_name=args.get("short_name", "")[:40],
        tax_number=args.get("tax_number", "")[:30],
        phone=args.get("phone", "")[:30],
    )
    return render_fragment("development/_duplicates.html", matches=matches, checked=True)


# --- the pipeline board ---------------------------------------------------------------------


def _board(status: int = 200, pending=None):
    query = pipeline.BoardQuery.from_args(request.values)
    context = dict(
        query=query,
        pending=pending,
        stages=Stage,
        value_classes=ValueClass,
        tiers=SalesTier,
        owners=pipeline.owners(current_user),
        teams=pipeline.team_choices(current_user),
        can_file=can_create(current_user),
        can_see_leads=current_user.role in POOL_ROLES,
        stage_options=pipeline.stage_options(),
    )
    if query.view == "list":
        rows, total = pipeline.listing(current_user, query, current_app.config["PAGE_SIZE"])
        return render_page(
            "development/pipeline.html",
            block="board",
            status=status,
            rows=rows,
            total=total,
            per_page=current_app.config["PAGE_SIZE"],
            **context,
        )
    return render_page(
        "development/pipeline.html",
        block="board",
        status=status,
        columns=pipeline.board(current_user, query),
        **context,
    )


@bp.get("/pipeline")
@readers
def board():
    return _board()


@bp.post("/pipeline/<int:account_id>/move")
@editors
def move(account_id: int):
    """Move a card by its form or by drag and drop; a warning or a missing reason comes back
    as a panel on the board asking for it, nothing moved."""
    form = MoveForm()
    if not form.validate():
        flash(_("Choose the stage to move to."), "error")
        return _board(422) if wants_fragment() else redirect(url_for("development.board"), code=303)
    try:
        record = stages.move(
            current_user,
            account_id,
            Stage(form.to.data),
            expected=Stage(form.expected.data)
            if form.expected.data in Stage._value2member_map_
            else None,
            reason=form.reason.data or "",
            confirm=form.confirm.data == "1",
        )
    except stages.NeedsConfirmation as warning:
        return _board(
            409,
            pending=dict(
                account_id=account_id,
                form=form,
                message=warning.message,
                unchecked=warning.unchecked,
            ),
        )
    except (ValidationFailed, DomainError) as refusal:
        needs_reason = isinstance(refusal, ValidationFailed) and "reason" in refusal.errors
        if needs_reason:
            return _board(
                422,
                pending=dict(
                    account_id=account_id,
                    form=form,
                    message=refusal.message,
                    unchecked=[],
                    ask_reason=True,
                ),
            )
        flash(refusal.message, "error")
        return (
            _board(422)
            if wants_fragment()
            else redirect(url_for("development.board", **request.args), code=303)
        )
    flash(_("Moved to %(stage)s.", stage=record.to_stage.label), "success")
    return (
        _board()
        if wants_fragment()
        else redirect(url_for("development.board", **request.args), code=303)
    )


# --- the customer pool ----------------------------------------------------------------------


def _pool_page(status: int = 200):
    made, limit = pool.claim_allowance(current_user)
    return render_page(
        "development/pool.html",
        block="pool",
        status=status,
        rows=pool.pool_accounts(current_user),
        can_claim=pool.can_claim(current_user),
        can_assign=pool.can_assign(current_user),
        assignees=pool.assignees(current_user),
        made=made,
        limit=limit,
    )


@bp.get("/pool")
@pool_users
def pool_index():
    return _pool_page()


def _after_pool_action(action):
    try:
        account = action()
    except (ValidationFailed, DomainError) as refusal:
        flash(refusal.message, "error")
        return (
            _pool_page(409)
            if wants_fragment()
            else redirect(url_for("development.pool_index"), code=303)
        )
    flash(
        _(
            "%(account)s now belongs to %(name)s.",
            account=account.name,
            name=account.owner.full_name,
        ),
        "success",
    )
    return (
        _pool_page() if wants_fragment() else redirect(url_for("development.pool_index"), code=303)
    )


@bp.post("/pool/<int:account_id>/claim")
@pool_users
def claim(account_id: int):
    return _after_pool_action(lambda: pool.claim(current_user, account_id))


@bp.post("/pool/<int:account_id>/assign")
@pool_users
def assign(account_id: int):
    form = AssignForm()
    return _after_pool_action(
        lambda: pool.assign(
            current_user, account_id, form.user_id.data if form.validate() else None
        )
    )
