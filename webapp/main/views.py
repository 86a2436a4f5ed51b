from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    has_request_context,
    make_response,
    redirect,
    request,
    url_for,
)
from flask_login import current_user, login_required

from webapp.auth.models import Role
from webapp.auth.permissions import ACCOUNT_READERS, roles_required
from webapp.common.rendering import render_page
from webapp.lists.tools import list_tools
from webapp.lists.views import export_answer
from webapp.main import worklists
from webapp.main.home import home_for
from webapp.main.navigation import nav_items
from webapp.warnings.models import RuleKey

bp = Blueprint("main", __name__)
readers = roles_required(*ACCOUNT_READERS)


@bp.app_context_processor
def navigation():
    """The top navigation of base.html, ready to loop over (none outside a request, e.g. in a
    mail rendered by a command)."""
    if not has_request_context():
        return {"nav_items": []}
    return {"nav_items": LazyNav(current_user, request.endpoint, request.blueprint)}


class LazyNav:
    """The links, worked out when base.html first loops over them. Every render runs the context
    processors, and most renders are htmx fragments (tabs, badges, form answers) that never show
    the navigation: they skip its URL building and the saved-views query."""

    def __init__(self, user, endpoint: str | None, blueprint: str | None):
        self._args = (user, endpoint, blueprint)
        self._items: list | None = None

    def _get(self) -> list:
        if self._items is None:
            self._items = nav_items(*self._args)
        return self._items

    def __iter__(self):
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __getitem__(self, index):
        return self._get()[index]


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every site, whatever the page links to."""
    path = Path(current_app.static_folder) / "favicon.ico"
    response = make_response(path.read_bytes())  # 3 KB: read whole, no file left open
    response.content_type = "image/vnd.microsoft.icon"
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response


@bp.get("/")
@login_required
def home():
    if current_user.role is Role.ADMIN:
        return redirect(url_for("admin.users"))
    return render_page("main/home.html", home=home_for(current_user))


@bp.get("/next-steps")
@readers
def next_steps():
    """The full list behind the home page's next-steps boxes."""
    when = request.args.get("when", "all")
    page = worklists.next_steps_page(
        current_user, when, worklists.page_number(request.args.get("page"))
    )
    return render_page(
        "main/next_steps.html",
        block="results",
        page=page,
        when=when if when in worklists.NEXT_STEP_WINDOWS else "all",
    )


@bp.get("/open-warnings")
@readers
def warnings():
    """The full list behind the home page's warning boxes: mine, or on the accounts I see."""
    if (exported := export_answer("warnings")) is not None:
        return exported
    scope = request.args.get("scope", "mine")
    scope = scope if scope in worklists.WARNING_SCOPES else "mine"
    rule = request.args.get("rule") or None
    page = worklists.warnings_page(
        current_user, scope, rule, worklists.page_number(request.args.get("page"))
    )
    rule_key = RuleKey(rule) if rule in RuleKey._value2member_map_ else None
    return render_page(
        "main/warnings.html",
        block="results",
        page=page,
        scope=scope,
        rule=rule_key,
        tools=list_tools("warnings", request.args),
    )
