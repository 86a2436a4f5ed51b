"""Upload, download, preview, and the attachments panel of a record."""

from __future__ import annotations

import io

from flask import Blueprint, Response, current_app, flash, redirect, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.attachments import service
from webapp.common.errors import ValidationFailed
from webapp.common.rendering import render_fragment, render_page, wants_fragment

bp = Blueprint("attachments", __name__)


def _send(attachment, *, inline: bool) -> Response:
    response = send_file(
        io.BytesIO(service.read(attachment)),
        mimetype=attachment.mime,
        as_attachment=not inline,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not inline or attachment.is_image:
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    """Always a download (Content-Disposition: attachment), never rendered by the browser."""
    return _send(service.get_attachment(current_user, attachment_id), inline=False)


@bp.get("/attachments/<int:attachment_id>/preview")
@login_required
def preview(attachment_id: int):
    """Images and PDFs shown in the browser; any other type is downloaded instead."""
    attachment = service.get_attachment(current_user, attachment_id)
    return _send(attachment, inline=attachment.can_preview)


@bp.post("/attachments/<target>/<int:record_id>")
@login_required
def upload(target: str, record_id: int):
    """Add a file; htmx gets the panel again (with the refusal in it), a plain form a redirect
    back to the record's page with a message."""
    upload_file = request.files.get("file")
    name, data = (upload_file.filename or "", upload_file.read()) if upload_file else ("", b"")
    error = None
    try:
        service.add(
            current_user, target, record_id, name, data, current_app.config["ATTACHMENT_MAX_BYTES"]
        )
    except ValidationFailed as refused:
        error = refused.message
    context = service.panel(current_user, target, record_id)
    if wants_fragment():
        return render_fragment(
            "attachments/_panel.html", status=422 if error else 200, error=error, **context
        )
    flash(error or _("File attached."), "error" if error else "success")
    return redirect(context["page_url"], code=303)


@bp.get("/attachments/<target>/<int:record_id>")
@login_required
def panel(target: str, record_id: int):
    context = service.panel(current_user, target, record_id)
    return render_page("attachments/page.html", block="panel", error=None, **context)


@bp.get("/visits/<int:visit_id>/attachments")
@login_required
def visit_panel(visit_id: int):
    """The panel under a visit record (accounts' visit panels)."""
    return panel("visit", visit_id)
