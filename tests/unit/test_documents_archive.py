"""Stored documents keyed by everything that changes their bytes (language and catalogue,
branding, fonts, template), `flask doctor`'s catalogue check, and a PDF/A-3b that earns its
"3": dates, output intent, embedded fonts and the contract's data as an associated file
(AFRelationship /Data), checked with pikepdf."""

from __future__ import annotations

import io
import json
import os
import shutil
from datetime import timedelta

import pikepdf
import pytest
import sqlalchemy as sa
from flask_babel import get_babel

from tests.unit.documents_support import make_contract, pdf_text, squeeze
from webapp.common.timeutil import local_today
from webapp.contracts.models import CompanyProfile, ContractStatus
from webapp.documents import keys, service
from webapp.documents.models import GeneratedDocument
from webapp.extensions import db
from webapp.proposals import service as proposals


@pytest.fixture
def approved(world):
    contract = make_contract(world.owner, world.account)
    contract.status = ContractStatus.APPROVED
    db.session.commit()
    return contract


def open_pdf(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def test_pdfa_3b_has_dates_output_intent_and_embedded_fonts(world, approved):
    row = service.generate(world.owner, "contract", approved.id, "pdfa")
    with open_pdf(service.read_bytes(row)) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
        created = row.created_at.strftime("%Y-%m-%dT%H:%M:%S")
        for key in ("xmp:CreateDate", "xmp:ModifyDate"):
            assert meta[key].startswith(created[:16]), (key, meta[key])
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:" + created[:10].replace("-", ""))
        assert "/ModDate" in pdf.docinfo
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
        assert intents[0].DestOutputProfile.read_bytes()[36:40] == b"acsp"  # an ICC profile
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = descendant.FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_pdfa_carries_the_contract_data_as_an_associated_file(world, approved):
    row = service.generate(world.owner, "contract", approved.id, "pdfa")
    with open_pdf(service.read_bytes(row)) as pdf:
        assert "/AF" in pdf.Root
        spec = pdf.Root.AF[0]
        assert spec.AFRelationship == "/Data" and str(spec.F) == "contract.json"
        assert spec.EF.F.Subtype == "/application/json"
        attachments = pdf.attachments
        assert list(attachments) == ["contract.json"]
        data = json.loads(attachments["contract.json"].get_file().read_bytes())
    assert data["number"] == approved.number and data["status"] == "approved"
    assert data["document_version"] == row.version and data["currency"] == "CNY"
    assert len(data["lines"]) == len(approved.lines)
    assert data["lines"][0]["product"] == approved.lines[0].product
    assert data["lines"][0]["amount"] == str(approved.lines[0].amount)
    assert data["totals"]["total_tax_included"] == str(approved.total)
    assert {c["key"] for c in data["clauses"]} == {c.key.value for c in approved.clauses}
    assert all(isinstance(c["standard_version"], int) for c in data["clauses"])
    seller, buyer = data["seller"], data["buyer"]
    assert {seller["name"], buyer["name"]} == {approved.our_name, approved.client_name}


def test_an_ordinary_pdf_has_its_dates_but_no_attachment(world, approved):
    row = service.generate(world.owner, "contract", approved.id, "pdf")
    with open_pdf(service.read_bytes(row)) as pdf:
        assert "/CreationDate" in pdf.docinfo and "/ModDate" in pdf.docinfo
        assert "/AF" not in pdf.Root and not list(pdf.attachments)


def test_a_report_rendered_without_the_catalogue_is_never_served_after(world, tmp_path):
    """Without a compiled catalogue the evaluation report's labels come out in English; once
    the catalogue is there, the English file is not served again."""
    babel = get_babel()
    folders = list(babel.translation_directories)
    babel.translation_directories[:] = [str(tmp_path)]  # no catalogue at all
    try:
        keys.catalogue_digest()  # the process notices, and drops Babel's cached translations
        english = service.generate(world.owner, "evaluation", world.account.id, "pdf")
        assert "key account" in pdf_text(service.read_bytes(english))  # e.g. Economic key account
    finally:
        babel.translation_directories[:] = folders
    chinese = service.generate(world.owner, "evaluation", world.account.id, "pdf")
    assert chinese.id != english.id and chinese.render_key != english.render_key
    assert chinese.source_version == english.source_version
    text = squeeze(pdf_text(service.read_bytes(chinese)))
    assert "大客户" in text and "keyaccount" not in text
    again = service.generate(world.owner, "evaluation", world.account.id, "pdf")
    assert again.id == chinese.id


def test_new_branding_renders_the_proposal_anew(world, app):
    data = proposals.ProposalInput(
        values={"title": "年度供应方案", "client_needs": "稳定交期", "solution": "驻厂服务"},
        valid_until=local_today() + timedelta(days=30),
        rows=[],
    )
    proposal = proposals.create_proposal(world.owner, world.account.id, data)
    first = service.generate(world.owner, "proposal", proposal.id, "pdf")
    profile = db.session.scalar(sa.select(CompanyProfile))
    if profile is None:
        profile = CompanyProfile(name="华东精工销售有限公司")
        db.session.add(profile)
    profile.brand_color = "#aa3300"
    profile.version = (profile.version or 1) + 1
    db.session.commit()
    second = service.generate(world.owner, "proposal", proposal.id, "pdf")
    assert second.id != first.id and second.render_key != first.render_key


def test_the_render_key_names_language_catalogue_fonts_and_template(world, approved):
    row = service.generate(world.owner, "contract", approved.id, "docx")
    doc_type = service._type("contract")
    assert row.render_key == keys.render_key(doc_type, approved) and len(row.render_key) == 64
    assert "Noto Serif CJK SC=" in keys.fonts_digest()
    assert keys.catalogue_digest() != "missing"
    rows = db.session.scalars(sa.select(GeneratedDocument)).all()
    assert [r.render_key for r in rows] == [row.render_key]


def test_doctor_checks_the_compiled_catalogues(runner, app, tmp_path):
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert "[ok  ] catalogue zh: compiled" in result.output
    # a catalogue that was never compiled, and one older than its .po
    for locale in ("zh_CN", "en"):
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text('msgid ""\nmsgstr ""\n', "utf-8")
    (tmp_path / "en" / "LC_MESSAGES" / "messages.mo").write_bytes(b"")
    os.utime(tmp_path / "en" / "LC_MESSAGES" / "messages.mo", (0, 0))
    babel = get_babel()
    folders = list(babel.translation_directories)
    babel.translation_directories[:] = [str(tmp_path)]
    try:
        result = runner.invoke(args=["doctor"])
    finally:
        babel.translation_directories[:] = folders
    assert result.exit_code == 1
    assert "[FAIL] catalogue zh_CN:" in result.output and "is not compiled" in result.output
    assert "[FAIL] catalogue en:" in result.output and "older than messages.po" in result.output
    assert "pybabel compile" in result.output
    assert shutil.which("pybabel") or True
