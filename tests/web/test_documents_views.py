"""Downloading contract documents from the web: the file itself in one click, stored versions,
the buttons on the contract page, and who may."""

from __future__ import annotations

import io

import docx
import pytest
import sqlalchemy as sa

from tests.unit.documents_support import make_contract, pdf_text
from webapp.contracts.models import ContractStatus
from webapp.documents import markup
from webapp.documents.models import GeneratedDocument
from webapp.extensions import db


@pytest.fixture
def contract(app, world):
    with app.test_request_context():
        return make_contract(world.owner, world.account)


def url(contract, fmt: str) -> str:
    return f"/documents/contract/{contract.id}.{fmt}"


def test_the_owner_downloads_the_contract_as_pdf(login, world, contract):
    response = login(world.owner).get(url(contract, "pdf"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and f"{contract.number}-v1.pdf" in disposition
    assert contract.number in pdf_text(response.data)
    row = db.session.scalar(sa.select(GeneratedDocument))
    assert row.created_by_id == world.owner.id
    assert row.sha256 == response.headers["X-Content-SHA256"]


def test_the_supervisor_downloads_the_contract_as_word(login, world, contract):
    response = login(world.supervisor).get(url(contract, "docx"))
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(response.data))
    assert any(contract.number in p.text for p in document.paragraphs)


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_manager", 404), ("admin", 403), ("finance", 200), ("custodian", 200)],
)
def test_only_those_who_see_the_contract_get_its_documents(login, world, contract, who, status):
    response = login(getattr(world, who)).get(url(contract, "docx"))
    assert response.status_code == status
    if status != 200:
        assert db.session.scalar(sa.select(sa.func.count(GeneratedDocument.id))) == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, contract):
    response = client.get(url(contract, "pdf"))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_unknown_records_kinds_and_formats(login, world, contract):
    session = login(world.owner)
    assert session.get(f"/documents/contract/{contract.id + 100}.pdf").status_code == 404
    assert session.get(f"/documents/horoscope/{contract.id}.pdf").status_code == 404
    response = session.get(url(contract, "rtf"))
    assert response.status_code == 422 and b"PDF" in response.data


def test_a_stored_version_is_served_byte_for_byte(login, world, contract):
    session = login(world.owner)
    first = session.get(url(contract, "pdf"))
    again = session.get(url(contract, "pdf"))
    assert again.data == first.data  # reused, not rendered again
    row = db.session.scalar(sa.select(GeneratedDocument))
    download = session.get(f"/documents/{row.id}/download")
    assert download.status_code == 200 and download.data == first.data
    assert login(world.other_manager).get(f"/documents/{row.id}/download").status_code == 404
    assert session.get(f"/documents/{row.id + 50}/download").status_code == 404


def test_versions_fragment_lists_generated_files(login, world, contract, hx):
    session = login(world.owner)
    session.get(url(contract, "pdf"))
    session.get(url(contract, "docx"))
    response = session.get(f"/documents/contract/{contract.id}/versions", headers=hx)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="document-versions"' in body and "HX-Request" in response.headers["Vary"]
    assert body.count("/download") == 2 and f"{contract.number}-v1.docx" in body
    page = session.get(f"/documents/contract/{contract.id}/versions")
    assert "<html" in page.get_data(as_text=True)


def test_the_contract_page_offers_pdf_and_word(login, world, contract):
    body = login(world.owner).get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f'href="/documents/contract/{contract.id}.pdf"' in body
    assert f'href="/documents/contract/{contract.id}.docx"' in body
    assert f"/documents/contract/{contract.id}/versions" in body
    assert "download-pdfa" not in body  # a draft is not archived


def test_a_template_error_answers_a_message_and_stores_nothing(login, world, contract, monkeypatch):
    def broken(template, context):
        raise markup.TemplateError("document template contract/contract.xml: missing field (x)")

    monkeypatch.setattr(markup, "render_xml", broken)
    response = login(world.owner).get(url(contract, "pdf"))
    assert response.status_code == 422
    assert "missing field" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(GeneratedDocument.id))) == 0


def test_an_approved_contract_offers_and_serves_pdfa(login, world, contract):
    contract.status = ContractStatus.APPROVED
    db.session.commit()
    session = login(world.custodian)
    body = session.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f'href="/documents/contract/{contract.id}.pdfa"' in body
    response = session.get(url(contract, "pdfa"))
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert "PDFA.pdf" in response.headers["Content-Disposition"]
    assert "草稿" not in pdf_text(response.data)


def test_a_draft_is_not_archived_as_pdfa(login, world, contract):
    response = login(world.owner).get(url(contract, "pdfa"))
    assert response.status_code == 422 and b"PDF/A" in response.data
