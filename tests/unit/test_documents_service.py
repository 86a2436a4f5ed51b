"""Generating and storing documents: immutable files with their record, versions that follow
the record and the template, reuse of identical versions, visibility, atomic writes."""

from __future__ import annotations

import dataclasses
import hashlib
import os

import pytest
import sqlalchemy as sa
from flask import current_app

from tests.unit.documents_support import make_contract, pdf_text, squeeze
from tests.unit.test_documents_render import pdfinfo_meta
from tests.web.contract_data import draft_input
from webapp.common.errors import DomainError, NotFound
from webapp.contracts import documents as contract_type
from webapp.contracts import service as contracts
from webapp.contracts.models import ContractStatus
from webapp.documents import fonts, markup, service, storage
from webapp.documents.models import GeneratedDocument
from webapp.documents.registry import register_document_type
from webapp.extensions import db


@pytest.fixture
def contract(world):
    return make_contract(world.owner, world.account)


def stored_rows() -> list[GeneratedDocument]:
    return list(db.session.scalars(sa.select(GeneratedDocument).order_by(GeneratedDocument.id)))


def test_a_generated_document_is_stored_with_its_provenance(world, contract):
    row = service.generate(world.owner, "contract", contract.id, "pdf")
    data = service.read_bytes(row)
    assert data.startswith(b"%PDF-")
    assert row.sha256 == hashlib.sha256(data).hexdigest() and row.size == len(data)
    assert (row.kind, row.source_id, row.source_version) == ("contract", contract.id, "1")
    assert row.template_version == contract_type.TEMPLATE_VERSION
    assert (row.fmt, row.version, row.created_by_id) == ("pdf", 1, world.owner.id)
    assert row.filename == f"购销合同-{contract.number}-v1.pdf"
    path = storage.document_dir() / row.storage_key
    assert path.read_bytes() == data
    assert path.stat().st_mode & 0o222 == 0  # stored read-only: never changed in place


def test_generating_again_reuses_the_stored_file(world, contract):
    first = service.generate(world.owner, "contract", contract.id, "pdf")
    again = service.generate(world.supervisor, "contract", contract.id, "pdf")
    assert again.id == first.id and len(stored_rows()) == 1


def test_a_changed_record_makes_the_next_version_and_keeps_the_old(world, contract):
    first = service.generate(world.owner, "contract", contract.id, "pdf")
    first_bytes = service.read_bytes(first)
    contracts.save_draft(
        world.owner, contract.id, draft_input(delivery_place="需方杭州仓库"), contract.version
    )
    second = service.generate(world.owner, "contract", contract.id, "pdf")
    assert (first.version, second.version) == (1, 2)
    assert second.sha256 != first.sha256
    assert service.read_bytes(first) == first_bytes  # the old file is untouched
    assert "需方杭州仓库" in pdf_text(service.read_bytes(second))
    assert "文档版本2" in squeeze(pdf_text(service.read_bytes(second)))


def test_pdf_and_docx_of_one_state_share_the_version_number(world, contract):
    pdf = service.generate(world.owner, "contract", contract.id, "pdf")
    docx = service.generate(world.owner, "contract", contract.id, "docx")
    assert pdf.version == docx.version == 1 and docx.filename.endswith("-v1.docx")


def test_a_new_template_version_makes_a_new_document(world, contract):
    first = service.generate(world.owner, "contract", contract.id, "docx")
    original = contract_type.CONTRACT
    register_document_type(current_app, dataclasses.replace(original, template_version="next"))
    try:
        second = service.generate(world.owner, "contract", contract.id, "docx")
    finally:
        register_document_type(current_app, original)
    assert second.version == 2 and second.template_version == "next"
    assert first.template_version == contract_type.TEMPLATE_VERSION


def test_only_users_who_see_the_contract_get_its_documents(world, contract):
    with pytest.raises(NotFound):  # like a missing one
        service.generate(world.other_manager, "contract", contract.id, "pdf")
    with pytest.raises(NotFound):
        service.generate(world.owner, "contract", contract.id + 999, "pdf")
    row = service.generate(world.owner, "contract", contract.id, "pdf")
    with pytest.raises(NotFound) as hidden:
        service.get_generated(world.other_manager, row.id)
    with pytest.raises(NotFound) as missing:
        service.get_generated(world.other_manager, row.id + 999)
    assert hidden.value.message == missing.value.message
    with pytest.raises(NotFound):
        service.versions(world.other_manager, "contract", contract.id)
    assert service.get_generated(world.finance, row.id).id == row.id  # finance sees contracts


def test_unknown_kinds_and_formats_are_refused(world, contract):
    with pytest.raises(NotFound):
        service.generate(world.owner, "horoscope", contract.id, "pdf")
    with pytest.raises(DomainError):
        service.generate(world.owner, "contract", contract.id, "rtf")


def test_only_an_approved_contract_is_archived_as_pdfa(world, contract):
    with pytest.raises(DomainError, match="PDF/A"):
        service.generate(world.owner, "contract", contract.id, "pdfa")
    contract.status = ContractStatus.APPROVED
    db.session.commit()
    row = service.generate(world.owner, "contract", contract.id, "pdfa")
    assert row.fmt == "pdfa" and row.filename.endswith("-PDFA.pdf")
    assert 'pdfaid:part="3"' in pdfinfo_meta(service.read_bytes(row))


def test_a_template_error_stores_nothing(world, contract, monkeypatch):
    def broken(template, context):
        raise markup.TemplateError("document template contract/contract.xml: missing field")

    monkeypatch.setattr(markup, "render_xml", broken)
    with pytest.raises(markup.TemplateError, match="missing field"):
        service.generate(world.owner, "contract", contract.id, "pdf")
    assert stored_rows() == [] and not any(storage.document_dir().rglob("*.pdf"))


def test_missing_fonts_are_reported_with_the_install_command(world, contract, monkeypatch):
    monkeypatch.setattr(service, "_fonts_checked", False)
    monkeypatch.setattr(fonts, "missing_fonts", lambda: ["Noto Serif CJK SC"])
    with pytest.raises(service.MissingFonts) as error:
        service.generate(world.owner, "contract", contract.id, "pdf")
    assert "Noto Serif CJK SC" in error.value.message
    assert "apt-get install" in error.value.message and "fonts-noto-cjk" in error.value.message


def test_a_damaged_stored_file_is_noticed_not_served(world, contract):
    row = service.generate(world.owner, "contract", contract.id, "docx")
    path = storage.document_dir() / row.storage_key
    os.chmod(path, 0o644)
    path.write_bytes(b"PK damaged")
    with pytest.raises(DomainError) as error:
        service.read_bytes(row)
    assert isinstance(error.value.__cause__, storage.StoredFileMissing)
    assert "SHA-256" in str(error.value.__cause__)


def test_a_write_interrupted_before_the_rename_leaves_no_file(tmp_path, monkeypatch):
    target = tmp_path / "ab" / "file.pdf"

    def crash(src, dst):
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        storage.write_atomic(target, b"%PDF-" + b"x" * 1000)
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_storing_the_same_bytes_twice_keeps_one_file(app):
    key1, digest = storage.put(b"same bytes", "pdf")
    key2, _ = storage.put(b"same bytes", "pdf")
    assert key1 == key2 == f"{digest[:2]}/{digest}.pdf"
    assert storage.get(key1, digest) == b"same bytes"
