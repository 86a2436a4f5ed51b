"""`/search?q=`: the full results page, or (for htmx, the top bar's active search) the grouped
results alone."""

from __future__ import annotations

from flask import Blueprint, has_request_context, request, url_for
from flask_login import current_user

from webapp.auth.permissions import ACCOUNT_READERS, roles_required
from webapp.common.rendering import render_page, wants_fragment
from webapp.search import service

bp = Blueprint("search", __name__)
FULL_PAGE_LIMIT = 20


@bp.app_context_processor
def search_box():
    """The top bar's search box, for those who may search (none outside a request)."""
    if not has_request_context() or not getattr(current_user, "is_authenticated", False):
        return {"global_search_url": None}
    allowed = current_user.role in ACCOUNT_READERS
    return {"global_search_url": url_for("search.index") if allowed else None}


@bp.get("/search")
@roles_required(*ACCOUNT_READERS)
def index():
    limit = service.DROPDOWN_LIMIT if wants_fragment() else FULL_PAGE_LIMIT
    results = service.search(current_user, request.args.get("q"), limit)
    return render_page("search/results.html", block="results", results=results)
