"""Downloading generated documents: the current one of a record (generated on first request,
the stored file afterwards) and any stored version. Who may: whoever can see the source record,
as the document type's getter decides (403 for another team's record, 404 for none)."""

from __future__ import annotations

import io

from flask import Blueprint, Response, send_file
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth.permissions import ACCOUNT_READERS, roles_required
from webapp.common.errors import DomainError, Forbidden, NotFound
from webapp.common.rendering import render_page
from webapp.documents import service
from webapp.documents.models import FORMATS, GeneratedDocument
from webapp.documents.registry import document_type
from webapp.extensions import db

bp = Blueprint("documents", __name__)
readers = roles_required(*ACCOUNT_READERS)

FORMAT_LABELS = {"pdf": "PDF", "docx": "Word", "pdfa": "PDF/A"}


def _send(row: GeneratedDocument) -> Response:
    response = send_file(
        io.BytesIO(service.read_bytes(row)),
        mimetype=row.mime,
        as_attachment=True,
        download_name=row.filename,
        max_age=0,
    )
    response.headers["X-Document-Version"] = str(row.version)
    response.headers["X-Content-SHA256"] = row.sha256
    return response


def _refused(error: DomainError) -> Response:
    db.session.rollback()
    status = 503 if isinstance(error, service.MissingFonts) else 422
    return render_page(
        "errors/error.html",
        block="error",
        status=status,
        code=status,
        title=_("The document cannot be produced"),
        message=error.message,
    )


@bp.get("/documents/<document_kind>/<int:source_id>.<fmt>")
@readers
def current(document_kind: str, source_id: int, fmt: str):
    """The document of the record as it is now, in `fmt`: reused when this version of the record
    was generated before, generated and stored otherwise."""
    if fmt not in FORMATS:
        return _refused(DomainError(_("Documents come as PDF, PDF/A or Word (docx).")))
    try:
        row = service.generate(current_user, document_kind, source_id, fmt)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        return _refused(error)
    return _send(row)


@bp.get("/documents/<int:document_id>/download")
@readers
def download(document_id: int):
    """A stored version, byte for byte as it was generated."""
    row = service.get_generated(current_user, document_id)
    try:
        return _send(row)
    except DomainError as error:
        return _refused(error)


@bp.get("/documents/<document_kind>/<int:source_id>/versions")
@readers
def versions(document_kind: str, source_id: int):
    """The generated versions of a record's documents; an htmx fragment on the record's page."""
    rows = service.versions(current_user, document_kind, source_id)
    doc_type = document_type(document_kind)
    record = doc_type.get_for_user(current_user, source_id)
    return render_page(
        "documents/versions.html",
        block="versions",
        rows=rows,
        doc_type=doc_type,
        source_id=source_id,
        record=record,
        formats=FORMAT_LABELS,
        archive=doc_type.archive_variant(record) is not None,
    )
