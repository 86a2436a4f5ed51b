"""Journey: an account manager opens a contract, downloads it as PDF and as Word with one click
each, and sees both files appear in the list of generated versions; the files are a real PDF
and a real DOCX carrying the contract number."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.unit.documents_support import pdf_text
from tests.web.contract_data import draft_input
from webapp.auth.models import User
from webapp.contracts import service as contracts
from webapp.extensions import db

pytestmark = pytest.mark.browser


def test_manager_downloads_the_contract_as_pdf_and_word(
    page, live_server, login, screenshot, tmp_path
):
    world = live_server.world
    live_server.app.config["DOCUMENT_DIR"] = str(tmp_path / "documents")
    with live_server.app.test_request_context():
        manager = db.session.scalar(sa.select(User).where(User.username == world.east_manager))
        contract = contracts.create_contract(manager, world.pujiang_id, draft_input())
        contract_id, number = contract.id, contract.number
        db.session.remove()

    login(world.east_manager)
    page.goto(live_server(f"/contracts/{contract_id}"))
    panel = page.locator("#documents-panel")
    expect(panel.locator("#download-pdf")).to_have_text("PDF")

    with page.expect_download(timeout=30_000) as pdf_download:
        panel.locator("#download-pdf").click()
    pdf_path = tmp_path / pdf_download.value.suggested_filename
    pdf_download.value.save_as(pdf_path)
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf_path.suffix == ".pdf"
    assert number in pdf_text(pdf)

    with page.expect_download() as docx_download:
        panel.locator("#download-docx").click()
    docx_path = tmp_path / docx_download.value.suggested_filename
    docx_download.value.save_as(docx_path)
    assert docx_path.suffix == ".docx" and zipfile.is_zipfile(docx_path)
    document = docx.Document(io.BytesIO(docx_path.read_bytes()))
    assert any(number in paragraph.text for paragraph in document.paragraphs)

    # The list of generated versions refreshes itself after a download, no reload needed.
    versions = page.locator("#document-versions")
    expect(versions.locator("tbody tr")).to_have_count(2)
    expect(versions).to_contain_text(f"{number}-v1.pdf")
    expect(versions).to_contain_text(f"{number}-v1.docx")
    screenshot(page, "documents-contract-panel")
