"""Layout intent shared by the PDF and the DOCX of every document type (issue 17): the same
text in the same order (with bad input too), the page number on the right, the sign-off with
（以下无正文） kept together, signature lines with the name below them, 40 mm for each seal,
the watermark alike, 28 mm labels, amounts that never break, title spacing only between CJK
characters, U+3000 kept, and a DOCX a Chinese Word opens with its own faces."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from tests.unit import documents_world as dw
from tests.unit.documents_support import docx_body_text, pdf_text, squeeze
from tests.unit.test_documents_render import assert_parity, pdffonts
from webapp.documents import blocks, fonts
from webapp.documents.docx import render_docx
from webapp.documents.pdf import render_pdf, to_html
from webapp.extensions import db

BASE_CSS = (Path(__file__).resolve().parents[2] / "docs_templates" / "base.css").read_text("utf-8")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every type rendered from demo records, plain and with the hostile input."""
    with dw.demo_app(tmp_path_factory.mktemp("documents")):
        plain = {kind: dw.render_kind(kind, dw.context_of(kind)) for kind in dw.KINDS}
        hostile = {}
        for kind in dw.KINDS:
            hostile[kind] = dw.render_kind(kind, dw.hostile_context(kind))
            db.session.rollback()
        yield {"plain": plain, "hostile": hostile}


def docx_xml(data: bytes, part: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(part).decode("utf-8")


@pytest.mark.parametrize("variant", ["plain", "hostile"])
@pytest.mark.parametrize("kind", dw.KINDS)
def test_pdf_and_docx_say_the_same_in_the_same_order(rendered, kind, variant):
    item = rendered[variant][kind]
    assert_parity(item.document, item.pdf, item.docx)


@pytest.mark.parametrize("kind", dw.KINDS)
def test_hostile_input_loses_nothing(rendered, kind):
    item = rendered["hostile"][kind]
    text = squeeze(pdf_text(item.pdf))
    body = squeeze(docx_body_text(item.docx))
    expected = {
        "contract": [dw.LONG_NAME, dw.LATIN_NAME, dw.RTL_EMOJI],
        "proposal": [dw.LONG_NAME, dw.LATIN_NAME, dw.RTL_EMOJI],
        "request": [dw.LONG_NAME, dw.LATIN_NAME, dw.RTL_EMOJI],
        "evaluation": [dw.LONG_NAME, dw.LATIN_NAME, dw.RTL_EMOJI],
    }[kind]
    for value in expected:
        assert squeeze(value) in body, value
    # the PDF's text layer may reorder right-to-left words: compare the characters
    for value in expected:
        for character in squeeze(value):
            assert character in text, (value, character)


def test_amounts_never_break_over_two_lines(rendered):
    for kind in ("contract", "proposal"):
        item = rendered["hostile"][kind]
        text = pdf_text(item.pdf)
        table = next(b for b in item.document.blocks if isinstance(b, blocks.Table))
        numeric = [i for i in range(len(table.header)) if table.numeric(i)]
        amounts = {row[i] for row in (*table.rows, *table.footer) for i in numeric if row[i]}
        assert "14,610,000.00" in amounts
        lines = set(text.splitlines())
        unbroken = {a for a in amounts if any(a in line for line in lines)}
        assert unbroken == amounts, sorted(amounts - unbroken)[:5]
        # the numeric columns are sized for the longest amount
        widths = table.widths_mm(170)
        longest = max(len(row[-1]) for row in (*table.rows, *table.footer))
        assert widths[-1] >= blocks.text_width_mm("9" * longest), (kind, widths)


def test_only_cjk_characters_of_a_title_are_spread():
    document = blocks.Document(title="<b> &amp; KD-2000 型号 报价单", blocks=())
    html = to_html(document)
    assert '<span class="spread">型号</span>' in html and "KD-2000" in html
    text = pdf_text(render_pdf(document))
    assert "<b> &amp; KD-2000" in text
    title = docx_xml(render_docx(document), "word/document.xml")
    spread = re.findall(r'<w:r><w:rPr><w:spacing w:val="(\d+)"/></w:rPr><w:t[^>]*>([^<]*)<', title)
    assert spread and all(re.fullmatch(r"[\u4e00-\u9fff ]*", t.strip()) for _v, t in spread)
    assert "KD-2000" in title and {v for v, _t in spread} == {"108"}  # 0.3 em of 18 pt


def test_ideographic_spaces_are_kept(rendered):
    clause = "\u3000\u3000供方应按期交货。"
    source = f'<document title="t"><clause no="1.1">  {clause}\n  </clause></document>'
    from webapp.documents import markup

    document = markup.parse(source)
    assert document.blocks[0].text == clause
    assert "\u3000\u3000供方" in docx_body_text(render_docx(document))
    # pdftotext drops the spaces themselves: the text starts two characters further right
    unindented = markup.parse(source.replace("\u3000", ""))
    assert word_x(render_pdf(document), "供方") - word_x(render_pdf(unindented), "供方") > 2 * 10


def word_x(pdf: bytes, start: str) -> float:
    """The left edge (pt) of the first word of `pdf` that begins with `start`."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    match = re.search(rf'<word xMin="([\d.]+)"[^>]*>{start}', out)
    return float(match.group(1))


def test_page_number_sits_on_the_right_of_the_docx_footer(rendered):
    data = rendered["plain"]["contract"].docx
    styles = docx_xml(data, "word/styles.xml")
    footer_style = re.search(r'<w:style [^>]*w:styleId="Footer".*?</w:style>', styles).group()
    tabs = re.findall(r"<w:tab [^>]*/>", footer_style)
    assert len(tabs) == 1 and 'w:val="right"' in tabs[0], tabs
    position = int(re.search(r'w:pos="(\d+)"', tabs[0]).group(1))
    assert abs(position - 170 * 1440 / 25.4) < 2, position  # the text's right edge
    footer = docx.Document(io.BytesIO(data)).sections[0].footer.paragraphs[0]
    assert footer.text.index("\t") < footer.text.index("第")


def test_docx_names_chinese_windows_faces_with_noto_alternates_and_english_latin(rendered):
    data = rendered["plain"]["contract"].docx
    styles = docx_xml(data, "word/styles.xml")
    assert "Noto" not in re.sub(r"<w:altName[^>]*>", "", styles)
    langs = re.findall(r"<w:lang [^>]*/>", styles)
    assert langs and all('w:val="en-US" w:eastAsia="zh-CN"' in lang for lang in langs), langs
    table = docx_xml(data, "word/fontTable.xml")
    names = re.findall(r'<w:font w:name="([^"]+)"', table)
    assert names == ["SimSun", "SimHei", "SimSun-ExtB", "Times New Roman", "Arial"]
    assert '<w:altName w:val="宋体,Noto Serif CJK SC"/>' in table
    assert '<w:altName w:val="黑体,Noto Sans CJK SC"/>' in table
    assert "ＭＳ" not in table and "Mincho" not in table
    settings = docx_xml(data, "word/settings.xml")
    assert '<w:characterSpacingControl w:val="compressPunctuation"/>' in settings
    assert "doNotCompress" not in settings


def test_signature_block_has_lines_names_below_and_room_for_the_seal(rendered):
    for kind in ("request", "evaluation"):
        item = rendered["plain"][kind]
        block = next(b for b in item.document.blocks if isinstance(b, blocks.SignatureBlock))
        assert block.closing == "（以下无正文）"
        signer = block.parties[0].lines[0]
        assert signer.sign and signer.value
        html = to_html(item.document)
        assert f'<div class="sign-line"></div><p class="signer">{signer.value}</p>' in html
        body = docx_xml(item.docx, "word/document.xml")
        # the seal's 40 mm, the ruled line, the name below it in 9 pt; bold labels
        assert f'w:line="{int(blocks.SEAL_MM * 56.7)}" w:lineRule="exact"' in body
        assert '<w:pBdr><w:bottom w:val="single"' in body
        name_run = f'<w:sz w:val="18"/></w:rPr><w:t xml:space="preserve">{signer.value}</w:t>'
        assert name_run in body
        assert re.search(r"<w:b/></w:rPr><w:t xml:space=\"preserve\">签字：</w:t>", body)
    assert "table.signatures .seal { height: 40mm; }" in BASE_CSS


def test_the_sign_off_keeps_the_last_block_with_the_signatures(rendered):
    item = rendered["plain"]["contract"]
    html = to_html(item.document)
    sign_off = re.search(r'<div class="sign-off">(.*?)</table></div>', html).group(1)
    assert "需方" in sign_off and "（以下无正文）" in sign_off and "纳税" not in sign_off
    body = docx.Document(io.BytesIO(item.docx)).element.body
    tables = body.findall(qn("w:tbl"))
    buyer = tables[-2]  # the 需方 block before the signature table
    for paragraph in buyer.iter(qn("w:p")):
        assert paragraph.pPr is not None and paragraph.pPr.keepNext is not None


def test_watermark_is_alike_in_both_formats(rendered):
    item = rendered["plain"]["contract"]
    assert item.document.watermark == "草稿"
    header = docx_xml(item.docx, "word/header1.xml")
    assert "rotation:325" in header and 'fillcolor="#F8E2E2"' in header
    assert "width:220pt;height:110pt" in header and "opacity" not in header
    assert "font-size: 110pt" in BASE_CSS and "rotate(-35deg)" in BASE_CSS
    assert "rgba(200, 30, 30, 0.13)" in BASE_CSS


def test_key_value_labels_are_28_mm_in_both(rendered):
    body = docx_xml(rendered["plain"]["evaluation"].docx, "word/document.xml")
    label = int((28 + 85 / 56.7) * 56.7)
    assert f'<w:gridCol w:w="{label}"/>' in body
    assert "display: inline-block; width: 28mm;" in BASE_CSS


def test_extension_b_to_g_characters_print_through_the_fallback_face(tmp_path):
    rare = "𠀀𪚥𫖮𬌗"
    document = blocks.Document(title="生僻字", blocks=(blocks.Paragraph(f"客户联系人：王{rare}"),))
    pdf = render_pdf(document)
    assert rare in pdf_text(pdf)
    names = " ".join(row[0] for row in pdffonts(pdf, tmp_path))
    assert "BabelStone" in names, names
    body = docx_xml(render_docx(document), "word/document.xml")
    assert f'w:eastAsia="{fonts.WORD_EXTENSION}"' in body and rare in body


def test_fonts_doctor_checks_the_extension_face():
    check = fonts.check_extension_face()
    assert check.ok, check.detail
    result = subprocess.run(["fc-list", ":charset=20000", "family"], capture_output=True, text=True)
    assert fonts.EXTENSION_FACE in result.stdout
