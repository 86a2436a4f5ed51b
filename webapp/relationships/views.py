"""The account's Decision map, Competitors and Whitespace tabs, and the company-wide
competitors page. Views parse, call one service function and render; refusals come back on
the tab with the form as typed (422)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts.service import get_account
from webapp.accounts.tabs import render_tab
from webapp.auth.permissions import ACCOUNT_EDITORS, ACCOUNT_READERS, roles_required
from webapp.common.errors import ValidationFailed
from webapp.common.forms import apply_errors
from webapp.common.rendering import render_page, wants_fragment
from webapp.relationships import competitors, service, whitespace
from webapp.relationships.forms import (
    CompetitorForm,
    InfluenceForm,
    OwnerForm,
    RemoveCompetitorForm,
    RemoveLineForm,
    WhitespaceForm,
)

bp = Blueprint("relationships", __name__)
readers = roles_required(*ACCOUNT_READERS)
editors = roles_required(*ACCOUNT_EDITORS)

TABS = {
    "map": ("relationships.account_map", "relationships/_map.html"),
    "competitors": ("relationships.account_competitors", "relationships/_competitors.html"),
    "whitespace": ("relationships.account_whitespace", "relationships/_whitespace.html"),
}


def _map_tab(account_id: int, status: int = 200, influence_form=None, owner_form=None, **_):
    page = service.map_page(current_user, account_id)
    return render_tab(
        "map",
        TABS["map"][1],
        status=status,
        account=page.account,
        page=page,
        influence_form=influence_form or InfluenceForm(formdata=None),
        owner_form=owner_form or OwnerForm(formdata=None),
    )


def _competitors_tab(account_id: int, status: int = 200, form=None, **_):
    """`?edit=<row id>` starts the form from that competitor's row (the form replaces all)."""
    page = competitors.account_competitors(current_user, account_id)
    row = next((r for r in page.rows if str(r.id) == request.args.get("edit")), None)
    form = form or CompetitorForm(formdata=None, obj=row, name=row.competitor.name if row else "")
    return render_tab(
        "competitors",
        TABS["competitors"][1],
        status=status,
        account=page.account,
        page=page,
        form=form,
    )


def _whitespace_tab(account_id: int, status: int = 200, form=None, **_):
    grid = whitespace.account_grid(current_user, account_id)
    form = form or WhitespaceForm(formdata=None)
    return render_tab(
        "whitespace",
        TABS["whitespace"][1],
        status=status,
        account=grid.account,
        grid=grid,
        form=form,
    )


SHOW = {"map": _map_tab, "competitors": _competitors_tab, "whitespace": _whitespace_tab}


def _act(account_id: int, key: str, form, form_name: str, save, message: str):
    """Validate `form`, run `save`; answer the tab (htmx) or redirect to it (303); a refusal
    shows the tab again with the form as typed (422)."""
    get_account(current_user, account_id, for_edit=True)
    if form.validate():
        try:
            save()
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(message, "success")
            if wants_fragment():
                return SHOW[key](account_id)
            return redirect(url_for(TABS[key][0], account_id=account_id), code=303)
    return SHOW[key](account_id, 422, **{form_name: form})


@bp.get("/accounts/<int:account_id>/map")
@readers
def account_map(account_id: int):
    return _map_tab(account_id)


@bp.post("/accounts/<int:account_id>/map/influence")
@editors
def add_influence(account_id: int):
    form = InfluenceForm()
    return _act(
        account_id,
        "map",
        form,
        "influence_form",
        lambda: service.add_influence(current_user, account_id, form.data),
        _("Influence line added."),
    )


@bp.post("/accounts/<int:account_id>/map/influence/remove")
@editors
def remove_influence(account_id: int):
    form = RemoveLineForm()
    return _act(
        account_id,
        "map",
        form,
        "removal",
        lambda: service.remove_influence(current_user, account_id, form.line_id.data),
        _("Influence line removed."),
    )


@bp.post("/accounts/<int:account_id>/map/owner")
@editors
def set_owner(account_id: int):
    form = OwnerForm()
    return _act(
        account_id,
        "map",
        form,
        "owner_form",
        lambda: service.set_owner(current_user, account_id, form.data),
        _("Relationship owner saved."),
    )


@bp.get("/accounts/<int:account_id>/competitors")
@readers
def account_competitors(account_id: int):
    return _competitors_tab(account_id)


@bp.post("/accounts/<int:account_id>/competitors")
@editors
def save_competitor(account_id: int):
    form = CompetitorForm()
    return _act(
        account_id,
        "competitors",
        form,
        "form",
        lambda: competitors.save_competitor(current_user, account_id, form.data),
        _("Competitor saved."),
    )


@bp.post("/accounts/<int:account_id>/competitors/remove")
@editors
def remove_competitor(account_id: int):
    form = RemoveCompetitorForm()
    return _act(
        account_id,
        "competitors",
        form,
        "removal",
        lambda: competitors.remove_competitor(current_user, account_id, form.row_id.data),
        _("Competitor removed from this account."),
    )


@bp.get("/accounts/<int:account_id>/whitespace")
@readers
def account_whitespace(account_id: int):
    return _whitespace_tab(account_id)


@bp.post("/accounts/<int:account_id>/whitespace")
@editors
def save_estimate(account_id: int):
    form = WhitespaceForm()
    return _act(
        account_id,
        "whitespace",
        form,
        "form",
        lambda: whitespace.save_estimate(current_user, account_id, form.data),
        _("Estimate saved."),
    )


@bp.get("/competitors/")
@readers
def competitors_index():
    return render_page(
        "relationships/competitors.html", views=competitors.company_view(current_user)
    )
