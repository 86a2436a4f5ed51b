"""Both renderers from one document: the PDF and the DOCX carry the same text, Chinese (rare
characters included) survives, fonts are embedded, subset and Simplified Chinese, Word styles
are real, and bad input never breaks a file."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections import Counter

import docx
import pytest
from docx.oxml.ns import qn

from tests.unit.documents_support import (
    RARE_NAMES,
    docx_body_text,
    docx_footer_text,
    make_contract,
    pdf_content,
    pdf_text,
    same_characters,
    squeeze,
)
from tests.unit.test_documents_model import png
from webapp.common.money import amount_in_words
from webapp.contracts import documents as contract_type
from webapp.contracts.models import ContractStatus
from webapp.documents import blocks, markup, service
from webapp.documents.docx import render_docx
from webapp.documents.pdf import render_pdf
from webapp.extensions import db


@pytest.fixture
def contract(world):
    return make_contract(
        world.owner,
        world.account,
        client_legal_rep=RARE_NAMES[0],
        client_signing_rep=RARE_NAMES[1],
        our_legal_rep=RARE_NAMES[2],
        our_signing_rep=RARE_NAMES[3],
    )


def both(document: blocks.Document) -> tuple[bytes, bytes]:
    return render_pdf(document), render_docx(document)


def contract_document(contract) -> blocks.Document:
    context = {**contract_type.contract_context(contract), "document": {"version": 7}}
    return markup.render_document("contract/contract.xml", context)


def assert_parity(document: blocks.Document, pdf: bytes, docx_bytes: bytes) -> None:
    pdf_side = pdf_content(pdf, document.footer, document.watermark)
    docx_side = squeeze(docx_body_text(docx_bytes))
    only_pdf, only_docx = same_characters(pdf_side, docx_side)
    assert not only_docx, only_docx
    # The PDF may have more only where a table's header row repeats on a following page.
    for block in document.blocks:
        if isinstance(block, blocks.Table) and only_pdf:
            header = Counter(squeeze("".join(block.header)))
            while only_pdf and not header - only_pdf:
                only_pdf -= header
    assert not only_pdf, only_pdf
    # and in the same order: every text of the model, one after the other, in the DOCX
    position = 0
    for text in document.texts():
        found = docx_side.find(squeeze(text), position)
        assert found >= 0, f"{text!r} missing or out of order in the DOCX"
        position = found + len(squeeze(text))


def test_contract_pdf_and_docx_carry_the_same_content(contract):
    document = contract_document(contract)
    pdf, docx_bytes = both(document)
    assert_parity(document, pdf, docx_bytes)
    text = squeeze(pdf_text(pdf))
    in_words = amount_in_words(contract.total)
    assert in_words == "肆万柒仟捌佰玖拾元零玖角玖分"
    for expected in (contract.number, "第1页共", "文档版本7", "草稿", in_words):
        assert expected in text
    assert "十一、双方信息" in docx_body_text(docx_bytes)


def test_rare_characters_survive_into_both_outputs(contract):
    pdf, docx_bytes = both(contract_document(contract))
    pdf_side, docx_side = pdf_text(pdf), docx_body_text(docx_bytes)
    for name in RARE_NAMES:
        assert name in pdf_side and name in docx_side, name


def pdfinfo_meta(pdf: bytes) -> str:
    result = subprocess.run(["pdfinfo", "-meta", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8", "replace")


def pdffonts(pdf: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


def test_every_pdf_font_is_embedded_subset_and_simplified_chinese(contract, tmp_path):
    fonts = pdffonts(render_pdf(contract_document(contract)), tmp_path)
    assert fonts
    for row in fonts:
        name, emb, sub, uni = row[0], row[-5], row[-4], row[-3]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
        assert "CJK-SC" in name, f"{name}: not the Simplified Chinese face"
    names = {row[0].split("+")[1] for row in fonts}
    assert any("Serif" in n for n in names) and any("Sans" in n for n in names)


def test_docx_styles_set_the_east_asian_font_and_real_word_structure(contract):
    data = render_docx(contract_document(contract))
    document = docx.Document(io.BytesIO(data))
    for name in ("Normal", "Heading 1", "Heading 2", "Title", "Table Heading"):
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in ("SimSun", "SimHei"), name
        assert fonts.get(qn("w:ascii")) in ("Times New Roman", "Arial"), name
    styles = [p.style.name for p in document.paragraphs]
    assert styles.count("Heading 1") == 11 and "Clause" in styles
    line_items = document.tables[1]
    assert line_items.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert line_items.rows[1].cells[1].text == "冷轧钢板"
    footer = docx_footer_text(data)
    assert contract.number in footer and "PAGE" in footer and "NUMPAGES" in footer
    header_xml = document.sections[0].header._element.xml
    assert 'string="草稿"' in header_xml


def test_an_approved_contract_has_no_watermark_and_makes_pdfa(contract):
    contract.status = ContractStatus.APPROVED
    db.session.commit()
    document = contract_document(contract)
    assert document.watermark == ""
    pdf = render_pdf(document, variant="pdf/a-3b")
    meta = pdfinfo_meta(pdf)
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
    assert "草稿" not in pdf_text(pdf)


def test_hostile_text_stays_literal_and_both_files_stay_valid(world):
    hostile = "<script>alert('x')</script> & <w:t> \x0b\x01 ]]> 甲"
    contract = make_contract(
        world.owner,
        world.account,
        lines=((hostile, "", "", "件", "1", "1.00"),),
        delivery_place=hostile[:200],
        client_contact=hostile[:60],
    )
    document = contract_document(contract)
    pdf, docx_bytes = both(document)
    literal = "<script>alert('x')</script> & <w:t>"
    assert literal in pdf_text(pdf)
    assert literal in docx_body_text(docx_bytes)
    assert "\x0b" not in docx_body_text(docx_bytes)
    assert_parity(document, pdf, docx_bytes)


def test_long_names_and_five_hundred_lines_stay_valid(world):
    long_name = "超长产品名称" * 16 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 3
    lines = [(long_name[:100], "品牌", "规格" * 50, "吨", "1", "2.00")]
    lines += [(f"产品{i}", "", "", "件", "1", "1.00") for i in range(499)]
    contract = make_contract(world.owner, world.account, lines=lines)
    document = contract_document(contract)
    pdf, docx_bytes = both(document)
    assert pdf.startswith(b"%PDF-")
    pages = int(re.search(r"共(\d+)页", squeeze(pdf_text(pdf))).group(1))
    assert 10 < pages < 40
    parsed = docx.Document(io.BytesIO(docx_bytes))
    assert len(parsed.tables[1].rows) == 1 + 500 + 1
    assert_parity(document, pdf, docx_bytes)


def test_empty_optional_sections_render(world):
    contract = make_contract(
        world.owner,
        world.account,
        lines=(),
        policy_rebate=None,
        dist_territory=None,
        signing_date=None,
        transport=None,
    )
    document = contract_document(contract)
    pdf, docx_bytes = both(document)
    assert_parity(document, pdf, docx_bytes)
    assert "—" in docx_body_text(docx_bytes)


def test_images_appear_in_both_outputs():
    document = blocks.Document(
        title="评估报告",
        blocks=(
            blocks.Cover("合作评估报告", "2026 年度", ("上海测试客户",), blocks.Image(png(), 30)),
            blocks.Heading("销售对比"),
            blocks.Image(png(300, 150, "#3060c0"), width_mm=120, caption="图 1 月度销售"),
            blocks.PageBreak(),
            blocks.Paragraph("完"),
        ),
    )
    pdf, docx_bytes = both(document)
    assert pdf.count(b"/Subtype /Image") == 2
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
    assert len(media) == 2
    assert len(docx.Document(io.BytesIO(docx_bytes)).inline_shapes) == 2
    assert_parity(document, pdf, docx_bytes)


def test_render_bytes_gives_files_without_storing(contract):
    context = contract_type.contract_context(contract)
    assert service.render_bytes("contract", context, "pdf").startswith(b"%PDF-")
    assert service.render_bytes("contract", context, "docx").startswith(b"PK")
    assert "预览" in pdf_text(service.render_bytes("contract", context, "pdf"))
