from __future__ import annotations

from flask import Blueprint, has_request_context, redirect, request, url_for
from flask_login import current_user, login_required

from webapp.auth.models import Role
from webapp.auth.permissions import ACCOUNT_READERS
from webapp.common.rendering import render_page
from webapp.common.timeutil import local_today
from webapp.contracts.service import expiring_for
from webapp.main import service
from webapp.main.navigation import nav_items
from webapp.warnings.service import warning_rows, warnings_for

bp = Blueprint("main", __name__)


@bp.app_context_processor
def navigation():
    """The top navigation of base.html, ready to loop over (none outside a request, e.g. in a
    mail rendered by a command)."""
    if not has_request_context():
        return {"nav_items": []}
    return {"nav_items": nav_items(current_user, request.endpoint, request.blueprint)}


@bp.get("/")
@login_required
def home():
    if current_user.role is Role.ADMIN:
        return redirect(url_for("admin.users"))
    steps = service.due_next_steps(current_user) if current_user.role in ACCOUNT_READERS else []
    return render_page(
        "main/home.html",
        pipeline=service.pipeline(current_user),
        steps=steps,
        names=service.account_names({v.account_id for v in steps}),
        today=local_today(),
        expiring=expiring_for(current_user) if current_user.role in ACCOUNT_READERS else [],
        warnings=warning_rows(current_user, warnings_for(current_user)),
    )
