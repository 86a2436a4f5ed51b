"""Generating documents: render a registered document type to PDF, PDF/A-3b or DOCX, store the
file once, and serve the stored bytes.

Rules (DOMAIN.md "Generated documents"):
- whoever can see the source record (the owning area's visibility getter decides) may generate
  and download its documents; nobody else learns that it exists (403/404 as the area answers);
- a generated file is never changed: it is stored under its SHA-256 with kind, source record and
  source version, template version, format, who and when;
- generating again for the same source version and render key (template version, language
  and its compiled catalogue, fonts, branding: keys.py) returns the stored file; a changed
  record or render key gives the next document version (one version number for all formats
  of the same state, so the PDF and the DOCX of "version 3" say the same);
- a PDF/A-3b carries its creation date and, where the type gives `archive_data`, the
  record's data as an embedded JSON file (AFRelationship /Data);
- a template or data error is refused with a message naming the field; no file is stored.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from webapp.auth.models import User
from webapp.common.errors import DomainError, Forbidden, NotFound, ValidationFailed
from webapp.common.timeutil import utcnow
from webapp.documents import blocks, fonts, keys, markup, storage
from webapp.documents.models import EXTENSIONS, FORMATS, GeneratedDocument
from webapp.documents.registry import DocumentType, document_type
from webapp.extensions import db

_fonts_checked = False


class MissingFonts(DomainError):
    """The machine lacks the faces documents are set in; PDFs would show empty boxes."""


def _require_fonts() -> None:
    """Refuse to render a PDF without the CJK faces rather than print boxes (checked once per
    process: fontconfig does not change under a running server)."""
    global _fonts_checked
    if _fonts_checked:
        return
    missing = fonts.missing_fonts()
    if missing:
        raise MissingFonts(
            _(
                "The fonts %(fonts)s are not installed, so documents cannot be printed. "
                "Install them with: %(command)s",
                fonts=", ".join(missing),
                command=fonts.INSTALL_COMMAND,
            )
        )
    _fonts_checked = True


def _type(kind: str) -> DocumentType:
    found = document_type(kind)
    if found is None:
        raise NotFound(_("There is no document type %(kind)s.", kind=kind))
    return found


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValidationFailed({"fmt": _("Documents come as PDF, PDF/A or Word (docx).")})
    return fmt


# --- rendering without storing ----------------------------------------------------------------


def build_document(kind: str, context: dict) -> blocks.Document:
    """The document model of `kind` for `context` (TemplateError names a faulty field)."""
    return markup.render_document(_type(kind).template, context)


def render_model(
    document: blocks.Document,
    fmt: str,
    *,
    stylesheet: str | None = None,
    variant: str | None = None,
) -> bytes:
    """Bytes of an already built document model in `fmt` ("pdf", "pdfa" or "docx"). Each
    renderer is imported when its format is first asked for: a PDF never loads python-docx
    (a tenth of a second of a one-off `flask render`), a DOCX never loads WeasyPrint."""
    if _format(fmt) == "docx":
        from webapp.documents.docx import render_docx

        return render_docx(document)
    from webapp.documents.pdf import render_pdf

    _require_fonts()
    if fmt == "pdfa":
        variant = variant or "pdf/a-3b"
    return render_pdf(document, stylesheet=stylesheet, variant=variant)


def render_bytes(kind: str, context: dict, fmt: str, *, variant: str | None = None) -> bytes:
    """Render `kind` with `context` to bytes, nothing stored: for previews, e-mail attachments,
    client links that keep their own copy. `variant` e.g. "pdf/a-3b" for a PDF. The context may
    carry `document` ({"version": …}); it defaults to an unversioned preview."""
    doc_type = _type(kind)
    context = {"document": {"version": None, "generated_at": utcnow()}, **context}
    document = markup.render_document(doc_type.template, context)
    created = context["document"].get("generated_at")
    if isinstance(created, datetime):
        document = dataclasses.replace(document, created_at=created)
    return render_model(document, fmt, stylesheet=doc_type.stylesheet, variant=variant)


# --- generating and storing -------------------------------------------------------------------


def _stored(doc_type: DocumentType, source_id: int, source_version: str, key: str, fmt: str):
    return db.session.scalar(
        sa.select(GeneratedDocument)
        .where(
            GeneratedDocument.kind == doc_type.kind,
            GeneratedDocument.source_id == source_id,
            GeneratedDocument.source_version == source_version,
            GeneratedDocument.render_key == key,
            GeneratedDocument.fmt == fmt,
        )
        .order_by(GeneratedDocument.version.desc())
        .limit(1)
    )


def _edition(doc_type: DocumentType, source_id: int, source_version: str, key: str) -> int:
    """The document version for this state of the record: the one its other formats already
    have, else the next number."""
    same_state = db.session.scalar(
        sa.select(sa.func.max(GeneratedDocument.version)).where(
            GeneratedDocument.kind == doc_type.kind,
            GeneratedDocument.source_id == source_id,
            GeneratedDocument.source_version == source_version,
            GeneratedDocument.render_key == key,
        )
    )
    if same_state is not None:
        return same_state
    latest = db.session.scalar(
        sa.select(sa.func.max(GeneratedDocument.version)).where(
            GeneratedDocument.kind == doc_type.kind,
            GeneratedDocument.source_id == source_id,
        )
    )
    return (latest or 0) + 1


def _attachments(doc_type: DocumentType, record, edition: int) -> tuple[blocks.Attachment, ...]:
    """The record's data as JSON inside its archived PDF (PDF/A-3 associated file)."""
    if doc_type.archive_data is None:
        return ()
    data = {"document_version": edition, **doc_type.archive_data(record)}
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str)
    return (
        blocks.Attachment(
            name=f"{doc_type.kind}.json",
            data=text.encode("utf-8"),
            description=f"{doc_type.kind} data (KeyDesk, JSON)",
        ),
    )


def _generate(
    doc_type: DocumentType, record, source_id: int, fmt: str, user: User | None
) -> GeneratedDocument:
    source_version = str(doc_type.source_version(record))[:40]
    render_key = keys.render_key(doc_type, record)
    existing = _stored(doc_type, source_id, source_version, render_key, fmt)
    if existing is not None:
        return existing
    variant = None
    if fmt == "pdfa":
        variant = doc_type.archive_variant(record)
        if variant is None:
            raise DomainError(_("Only an approved document is produced for the archive (PDF/A)."))
    edition = _edition(doc_type, source_id, source_version, render_key)
    now = utcnow()
    context = {
        **doc_type.context(record),
        "document": {"version": edition, "generated_at": now, "format": fmt},
    }
    document = dataclasses.replace(
        markup.render_document(doc_type.template, context),
        created_at=now,
        attachments=_attachments(doc_type, record, edition) if fmt == "pdfa" else (),
    )
    data = render_model(document, fmt, stylesheet=doc_type.stylesheet, variant=variant)
    key, digest = storage.put(data, EXTENSIONS[fmt])
    suffix = "-PDFA" if fmt == "pdfa" else ""
    row = GeneratedDocument(
        kind=doc_type.kind,
        source_id=source_id,
        source_version=source_version,
        template_version=doc_type.template_version,
        render_key=render_key,
        fmt=fmt,
        version=edition,
        filename=f"{doc_type.filename(record)}-v{edition}{suffix}.{EXTENSIONS[fmt]}"[-200:],
        size=len(data),
        sha256=digest,
        storage_key=key,
        created_at=now,
        created_by_id=user.id if user is not None else None,
    )
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        # Someone generated the same document at the same moment: theirs is as good as ours.
        db.session.rollback()
        existing = _stored(doc_type, source_id, source_version, render_key, fmt)
        if existing is None:
            raise DomainError(_("The document could not be stored; please try again.")) from None
        return existing
    return row


def generate(user: User, kind: str, source_id: int, fmt: str) -> GeneratedDocument:
    """The stored document of `kind` for the record in its current version, generated now if
    this version of the record (and of the template) has none yet. Only a user who can see the
    record gets it: the document type's getter raises NotFound / Forbidden otherwise."""
    doc_type = _type(kind)
    fmt = _format(fmt)
    record = doc_type.get_for_user(user, source_id)
    if not doc_type.can_generate(user, record):
        raise Forbidden(_("You may not generate this document."))
    return _generate(doc_type, record, source_id, fmt, user)


def generate_unchecked(
    kind: str, source_id: int, fmt: str, period: str | None = None
) -> GeneratedDocument:
    """`generate` for the command line, which has no user (the operator is trusted); `period`
    for a type that takes one (`DocumentType.check_period`)."""
    doc_type = _type(kind)
    fmt = _format(fmt)
    record = (
        doc_type.get_any(source_id)
        if period is None
        else doc_type.get_any(source_id, period=period)
    )
    if record is None:
        raise NotFound(_("There is no %(kind)s %(id)s.", kind=kind, id=source_id))
    return _generate(doc_type, record, source_id, fmt, None)


def versions(user: User, kind: str, source_id: int) -> list[GeneratedDocument]:
    """Every stored document of the record, newest first (visibility checked)."""
    doc_type = _type(kind)
    doc_type.get_for_user(user, source_id)
    return list(
        db.session.scalars(
            sa.select(GeneratedDocument)
            .where(GeneratedDocument.kind == kind, GeneratedDocument.source_id == source_id)
            .order_by(GeneratedDocument.version.desc(), GeneratedDocument.fmt)
        )
    )


def get_generated(user: User, document_id: int) -> GeneratedDocument:
    """A stored document, for a user who can see its source record."""
    row = db.session.get(GeneratedDocument, document_id)
    if row is None:
        raise NotFound(_("No such document."))
    try:
        _type(row.kind).get_for_user(user, row.source_id)  # visibility as the area says
    except NotFound:
        raise NotFound(_("No such document.")) from None  # the same words as a missing one
    return row


def read_bytes(row: GeneratedDocument) -> bytes:
    """The stored bytes, exactly as generated (checked against the recorded SHA-256)."""
    try:
        return storage.get(row.storage_key, row.sha256)
    except storage.StoredFileMissing as error:
        raise DomainError(
            _("The stored file of this document is missing; ask the administrator.")
        ) from error
