"""/dashboard and the lists behind its figures. Views parse, call one service function and
render; a refused period answers 400 with the reason and the period form."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_login import current_user

from webapp.auth.permissions import roles_required
from webapp.common.rendering import render_page
from webapp.dashboard import reports, service
from webapp.lists.views import send_export

bp = Blueprint("dashboard", __name__)
leaders = roles_required(*service.DASHBOARD_ROLES)


@bp.get("/dashboard")
@leaders
def index():
    board = service.figures_for(current_user, request.args)
    return render_page(
        "dashboard/index.html",
        status=400 if board.choice.error else 200,
        board=board,
        period=board.choice.period,
        refresh_url=url_for("dashboard.index", **board.choice.period.args(), refresh=1),
        stored=reports.stored_reports(current_user),
    )


@bp.get("/dashboard/list/<figure>")
@roles_required(*service.LIST_ROLES)
def drill(figure: str):
    page = service.drill_list(current_user, figure, request.args)
    if request.args.get("export"):
        return send_export(service.drill_file(page, request.args["export"]))
    return render_page(
        "dashboard/list.html",
        status=400 if page.choice.error else 200,
        page=page,
        period=page.choice.period,
    )
