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
from webapp.contracts.models import ContractStatus
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


@pytest.mark.parametrize("width", [1440, 390])
def test_custodian_archives_an_approved_contract_with_its_data(
    page, live_server, login, screenshot, tmp_path, width
):
    """An approved contract's PDF/A-3b downloads at both widths, dated, with the contract's data
    embedded for the ERP; its Word file names the faces a Chinese Office has."""
    import json

    import pikepdf

    world = live_server.world
    live_server.app.config["DOCUMENT_DIR"] = str(tmp_path / "documents")
    with live_server.app.test_request_context():
        manager = db.session.scalar(sa.select(User).where(User.username == world.east_manager))
        contract = contracts.create_contract(manager, world.pujiang_id, draft_input())
        contract.status = ContractStatus.APPROVED
        db.session.commit()
        contract_id, number, total = contract.id, contract.number, str(contract.total)
        db.session.remove()

    page.set_viewport_size({"width": width, "height": 900})
    login(world.east_manager)
    page.goto(live_server(f"/contracts/{contract_id}"))
    panel = page.locator("#documents-panel")
    expect(panel.locator("#download-pdfa")).to_be_visible()
    screenshot(page, f"documents-archive-{width}")
    with page.expect_download(timeout=30_000) as archive_download:
        panel.locator("#download-pdfa").click()
    path = tmp_path / archive_download.value.suggested_filename
    archive_download.value.save_as(path)
    assert path.name.endswith("-PDFA.pdf")
    with pikepdf.open(path) as pdf:
        assert pdf.open_metadata()["pdfaid:part"] == "3"
        assert "/CreationDate" in pdf.docinfo
        spec = pdf.Root.AF[0]
        assert spec.AFRelationship == "/Data"
        data = json.loads(pdf.attachments["contract.json"].get_file().read_bytes())
    assert data["number"] == number and data["totals"]["total_tax_included"] == total

    with page.expect_download() as docx_download:
        panel.locator("#download-docx").click()
    word = docx_download.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(word)) as archive:
        fonts = archive.read("word/fontTable.xml").decode("utf-8")
    assert 'w:name="SimSun"' in fonts and "Noto Serif CJK SC" in fonts and "ＭＳ" not in fonts
