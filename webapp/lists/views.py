"""Export jobs (progress, download) and saved views (save, open, rename, delete). The list
pages answer `?export=xlsx|csv` themselves through `export_answer`."""

from __future__ import annotations

import io
from urllib.parse import parse_qsl

from flask import Blueprint, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.common.forms import handle_form
from webapp.common.rendering import render_page
from webapp.lists import exports, saved
from webapp.lists.forms import DeleteViewForm, RenameViewForm, SaveViewForm
from webapp.lists.models import ExportJob

bp = Blueprint("lists", __name__)


def send_export(file: exports.ExportFile):
    """An export as the download it is (also for pages with computed tables: the dashboard)."""
    return send_file(
        io.BytesIO(file.content),
        mimetype=file.mimetype,
        as_attachment=True,
        download_name=file.filename,
    )


def export_answer(key: str):
    """For a list view: the export its address asks for (`?export=xlsx` or `csv`), else None
    (the page as usual)."""
    fmt = request.args.get("export")
    if fmt not in exports.FORMATS:
        return None
    result = exports.export(current_user, key, request.args, fmt)
    if isinstance(result, ExportJob):
        flash(_("The export is big; it is being built and will be ready here."), "info")
        return redirect(url_for("lists.export_status", export_id=result.id), code=303)
    return send_export(result)


@bp.get("/exports/<int:export_id>")
@login_required
def export_status(export_id: int):
    job = exports.get_job(current_user, export_id)
    return render_page("lists/export.html", block="progress", job=job)


@bp.get("/exports/<int:export_id>/download")
@login_required
def export_download(export_id: int):
    return send_export(exports.job_file(current_user, export_id))


def _views_page(status: int = 200, save_form=None, rename_forms=None):
    views = saved.views_of(current_user)
    forms = rename_forms or {}
    return render_page(
        "lists/views.html",
        status=status,
        views=[
            (v, forms.get(v.id) or RenameViewForm(name=v.name, prefix=f"v{v.id}")) for v in views
        ],
        save_form=save_form,
        delete_form=DeleteViewForm(),
    )


def _rename_form(view) -> RenameViewForm:
    return RenameViewForm(formdata=None, name=view.name, prefix=f"v{view.id}")


@bp.get("/views")
@login_required
def saved_views():
    return _views_page()


@bp.post("/views")
@login_required
def save_view():
    form = SaveViewForm()
    args = dict(parse_qsl(form.query.data or "", keep_blank_values=False))
    return handle_form(
        form,
        save=lambda: saved.save_view(current_user, form.list_key.data, form.name.data, args),
        saved=lambda view: _flash_then(_("View %(name)s saved.", name=view.name), view.id),
        show=lambda status, conflict: _views_page(status or 422, save_form=form),
    )


def _flash_then(message: str, view_id: int):
    flash(message, "success")
    return redirect(url_for("lists.open_view", view_id=view_id), code=303)


@bp.get("/views/<int:view_id>")
@login_required
def open_view(view_id: int):
    opened = saved.open_view(current_user, view_id)
    if opened.dropped:
        flash(
            _(
                "Part of this view's filter no longer applies and was left out: %(names)s.",
                names=", ".join(opened.dropped),
            ),
            "warning",
        )
    return redirect(opened.url, code=303)


@bp.post("/views/<int:view_id>/rename")
@login_required
def rename_view(view_id: int):
    saved.get_view(current_user, view_id)
    form = RenameViewForm(prefix=f"v{view_id}")
    return handle_form(
        form,
        save=lambda: saved.rename_view(current_user, view_id, form.name.data),
        saved=lambda view: _to_views(_("View renamed to %(name)s.", name=view.name)),
        show=lambda status, conflict: _views_page(status or 422, rename_forms={view_id: form}),
    )


@bp.post("/views/<int:view_id>/delete")
@login_required
def delete_view(view_id: int):
    form = DeleteViewForm()
    if not form.validate_on_submit():
        return _views_page(422)
    name = saved.delete_view(current_user, view_id)
    return _to_views(_("View %(name)s deleted.", name=name))


def _to_views(message: str):
    flash(message, "success")
    return redirect(url_for("lists.saved_views"), code=303)
