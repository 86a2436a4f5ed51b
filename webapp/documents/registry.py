"""Document types register here; the generator, the views and `flask render` read them.

A document type says, once: which template under docs_templates/ writes it and in which
template version, how to fetch its source record for a user (through the owning area's
visibility-aware getter, so whoever cannot see the record cannot get its documents), which
version of the record this is, the template's context, and the file name. Example (the
contract's own registration is in webapp/contracts/documents.py), called from the owning
area's `init_app`::

    from webapp.documents.registry import DocumentType, register_document_type

    register_document_type(
        app,
        DocumentType(
            kind="proposal",
            label=_l("Proposal"),
            template="proposal/proposal.xml",
            template_version="1",
            get_for_user=lambda user, id: proposals.get_proposal(user, id),  # NotFound/Forbidden
            get_any=lambda id: db.session.get(Proposal, id),  # command line: no user
            source_version=lambda proposal: proposal.version,
            context=proposal_context,  # record -> dict for the template
            filename=lambda proposal: f"合作方案书-{proposal.number}",  # no extension
            all_ids=lambda: db.session.scalars(sa.select(Proposal.id)).all(),
        ),
    )

Bump `template_version` whenever the template or its context changes what the document says:
a stored file is reused only for the same source version and the same render key (template
version, language and catalogue, fonts, `render_inputs`; see keys.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from webapp.auth.models import User


def _always(user: User, record: Any) -> bool:
    return True


def _no_archive_variant(record: Any) -> str | None:
    return None


def _no_inputs(record: Any) -> str:
    return ""


@dataclass(frozen=True)
class DocumentType:
    kind: str  # short English code, used in URLs, file storage and `flask render KIND`
    label: Any  # lazy gettext string shown in the UI
    template: str  # path under docs_templates/, e.g. "contract/contract.xml"
    template_version: str
    # (user, source id) -> record; raises NotFound / Forbidden like the area's own pages do
    get_for_user: Callable[[User, int], Any]
    # source id -> record or None, for the command line (no user; the operator is trusted)
    get_any: Callable[[int], Any]
    # record -> its version (e.g. the row's version counter); a new version, a new document
    source_version: Callable[[Any], int | str]
    # record -> context dict for the template
    context: Callable[[Any], dict]
    # record -> download name without extension, e.g. "购销合同-HT-2026-00001"
    filename: Callable[[Any], str]
    # every source id, for `flask render KIND --all`
    all_ids: Callable[[], Iterable[int]]
    # beyond seeing the record: may this user generate (not just download) its documents?
    can_generate: Callable[[User, Any], bool] = _always
    # record -> "pdf/a-3b" when the record may be archived as PDF/A (format "pdfa"), else None
    archive_variant: Callable[[Any], str | None] = _no_archive_variant
    # optional extra print CSS under docs_templates/, appended to base.css
    stylesheet: str | None = None
    # record -> what else changes the file's bytes besides the record's version (e.g. the
    # company branding a proposal's cover shows); part of the render key (keys.py)
    render_inputs: Callable[[Any], str] = _no_inputs
    # record -> its data as a JSON-able dict, embedded in its PDF/A-3b as an associated file
    # (AFRelationship /Data) so another system reads the archived document without OCR
    archive_data: Callable[[Any], dict] | None = None
    # `flask render --period …`: checks the text given (raises DomainError when wrong); the
    # command line then calls get_any(source_id, period=text). None: the type takes no period
    check_period: Callable[[str], Any] | None = None
    # (month "YYYY-MM", department name or None) -> source ids, for a type whose records are
    # made on demand (`flask render monthly-report --month 2026-11 [--department NAME]`)
    resolve: Callable[[str, str | None], list[int]] | None = None


_KEY = "keydesk.document_types"


def register_document_type(app: Flask, document_type: DocumentType) -> DocumentType:
    """Register a document type of `app` under its kind."""
    app.extensions.setdefault(_KEY, {})[document_type.kind] = document_type
    return document_type


def document_type(kind: str) -> DocumentType | None:
    return current_app.extensions.get(_KEY, {}).get(kind)


def document_types() -> list[DocumentType]:
    return sorted(current_app.extensions.get(_KEY, {}).values(), key=lambda t: t.kind)
