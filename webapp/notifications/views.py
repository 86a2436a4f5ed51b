"""The bell, the notifications page, and the confirm page behind an approval e-mail's links."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.approvals.workflow import ACTION_LABELS
from webapp.common.errors import Forbidden, NotFound
from webapp.common.forms import handle_form
from webapp.common.rendering import render_fragment, render_page, wants_fragment
from webapp.contracts.service import available_credit, open_contract_amount
from webapp.notifications import service, tokens
from webapp.notifications.forms import ConfirmForm

bp = Blueprint("notifications", __name__)

# A link that cannot be used any more says why, with a status a machine understands too.
GONE_STATUS = {
    tokens.LinkState.USED: 410,
    tokens.LinkState.EXPIRED: 410,
    tokens.LinkState.DECIDED: 409,
}


@bp.get("/notifications/")
@login_required
def index():
    return render_page(
        "notifications/index.html",
        block="notification_list",
        items=service.recent(current_user),
        unread=service.unread_count(current_user),
    )


@bp.get("/notifications/bell")
@login_required
def bell():
    """The unread count beside the user's name; polled by htmx and refreshed on changes."""
    return render_fragment("notifications/_bell.html", unread=service.unread_count(current_user))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    item = service.mark_read(current_user, notification_id)
    if wants_fragment():
        response = render_fragment("notifications/_item.html", item=item)
        response.headers["HX-Trigger"] = "notifications-changed"
        return response
    return redirect(url_for("notifications.index"), code=303)


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    service.mark_all_read(current_user)
    if wants_fragment():
        response = render_fragment(
            "notifications/_list.html", items=service.recent(current_user), unread=0
        )
        response.headers["HX-Trigger"] = "notifications-changed"
        return response
    flash(_("All notifications marked read."), "success")
    return redirect(url_for("notifications.index"), code=303)


@bp.route("/mail/decide/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Where an e-mail link leads: no sign-in, the token names the approver. GET only shows
    the request and a form; the POST (with the form's CSRF token) decides."""
    try:
        link = tokens.load(token)
    except NotFound:  # unknown or tampered
        return _dead_link(404)
    form = ConfirmForm()
    if not link.is_open:  # used, expired or decided: nothing of the request is shown
        return _dead_link(GONE_STATUS[link.state])
    try:
        return handle_form(
            form,
            save=lambda: tokens.use(token, form.comment.data),
            saved=lambda item: _private(
                render_page("notifications/confirm_done.html", item=item, link=link)
            ),
            show=lambda status, conflict: _confirm_page(link, form, status),
        )
    except tokens.LinkGone:  # used or decided meanwhile
        return _dead_link(GONE_STATUS[tokens.load(token).state])
    except Forbidden as error:
        return _confirm_page(link, form, 403, error.message)


def _dead_link(status: int):
    """A link that cannot decide any more shows only that, and whom to ask: never the request
    (its number, title, content, account or credit), whatever the reason and to whoever has
    the link. The same page for used, expired, decided, unknown and tampered links."""
    return _private(render_page("notifications/link_dead.html", status=status))


def _confirm_page(link, form: ConfirmForm, status: int = 200, problem: str | None = None):
    return _private(
        render_page(
            "notifications/confirm.html",
            status=status,
            link=link,
            item=link.request,
            form=form,
            problem=problem,
            action_labels=ACTION_LABELS,
            open_contracts=open_contract_amount(link.request.account_id),
            available=available_credit(link.request.account),
        )
    )


def _private(response):
    """The page is reached through a secret link: keep it out of caches and referrers."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
