from __future__ import annotations

from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts import service as accounts
from webapp.accounts.tabs import render_tab
from webapp.auth.permissions import ACCOUNT_READERS, SALES_OPERATORS, roles_required
from webapp.common import background
from webapp.common.errors import ValidationFailed
from webapp.common.forms import apply_errors
from webapp.common.rendering import render_page
from webapp.extensions import db
from webapp.jobs import service as jobs
from webapp.lists.tools import list_tools
from webapp.lists.views import export_answer
from webapp.sales import service
from webapp.sales.forms import ImportForm
from webapp.sales.importer import guide
from webapp.sales.importer.batches import process_batch, recover_stale
from webapp.sales.models import ImportKind, RowOutcome

bp = Blueprint("sales", __name__)
readers = roles_required(*ACCOUNT_READERS)
operators = roles_required(*SALES_OPERATORS)


@bp.get("/accounts/<int:account_id>/records")
@readers
def account_records(account_id: int):
    account = accounts.get_account(current_user, account_id)
    if (exported := export_answer("sales_records")) is not None:
        return exported
    return render_tab(
        "records",
        "sales/_records.html",
        account=account,
        records=service.account_records(current_user, account),
        can_import=service.can_import(current_user),
        tools=list_tools("sales_records", {"account_id": str(account.id)}),
    )


@bp.get("/sales/imports")
@operators
def imports():
    return _imports_page(ImportForm())


def _imports_page(form, status=200):
    return render_page(
        "sales/imports.html",
        form=form,
        batches=service.recent_batches(current_user),
        guide=guide.guide(),
        status=status,
    )


@bp.get("/sales/imports/template/<import_kind>.xlsx")
@operators
def template(import_kind: str):
    """A template workbook for one kind of file: the header row, and a sheet explaining it."""
    if import_kind not in {k.value for k in ImportKind}:
        abort(404)
    chosen = ImportKind(import_kind)
    name = quote(f"{chosen.label}-template.xlsx", safe="")
    return Response(
        guide.template_workbook(chosen),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@bp.post("/sales/imports")
@operators
def upload():
    form = ImportForm()
    upload = request.files.get("file")
    try:
        batch = service.start_import(
            current_user,
            upload.filename if upload else "",
            upload.read() if upload else b"",
            form.kind.data or None,
        )
    except ValidationFailed as error:
        apply_errors(form, error)
        return _imports_page(form, 422)
    _work_on(batch.id, batch.size)
    return redirect(url_for("sales.batch", batch_id=batch.id), code=303)


def _work_on(batch_id: int, size: int) -> None:
    """Small files are checked within the request; big ones in the background, which keeps
    every bit of state in the database (any app server can show the progress or resume it)."""
    if size <= service.inline_limit():
        process_batch(batch_id)
        return
    background.submit("sales.import", batch_id)


@bp.get("/sales/imports/<int:batch_id>")
@operators
def batch(batch_id: int):
    found = service.get_batch(current_user, batch_id)
    if found.running and recover_stale(batch_id):
        _work_on(batch_id, found.size)
    raw = request.args.get("outcome", "")
    outcome = RowOutcome(raw) if raw in {o.value for o in RowOutcome} else None
    page = max(request.args.get("page", 1, type=int), 1)
    return render_page(
        "sales/batch.html",
        block="batch_status",
        batch=found,
        rows=service.batch_rows(found, outcome, page),
        failure=service.failure_text(found) if found.message or found.is_failed else None,
        verdict=service.dry_run_verdict(found) if found.is_checked else None,
        outcome=outcome,
        outcomes=list(RowOutcome),
        job=jobs.latest("sales.import", batch_id),
    )


@bp.post("/sales/imports/<int:batch_id>/confirm")
@operators
def confirm(batch_id: int):
    try:
        skip = request.form.get("skip_errors") == "y"
        found = service.request_commit(current_user, batch_id, skip_errors=skip)
    except ValidationFailed as error:
        flash(error.message, "error")
    else:
        _work_on(batch_id, found.size)
        db.session.refresh(found)
        if found.is_done:
            flash(_("Imported %(count)s rows.", count=found.good_rows), "success")
    return redirect(url_for("sales.batch", batch_id=batch_id), code=303)


@bp.get("/sales/imports/<int:batch_id>/bad-rows.csv")
@operators
def bad_rows(batch_id: int):
    found = service.get_batch(current_user, batch_id)
    name = found.filename.rsplit(".", 1)[0]
    return Response(
        service.bad_rows_csv(found),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}-errors.csv"
        },
    )
