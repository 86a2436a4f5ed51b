"""Document templates → XML → the document model: structure, literal user text, clear errors."""

from __future__ import annotations

import io

import pytest

from webapp.documents import blocks, markup


def png(width: int = 40, height: int = 20, colour: str = "#c03030") -> bytes:
    """A small real PNG (like a chart would be)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


PNG_1PX = png(1, 1)


def render(source: str, **context) -> blocks.Document:
    return markup.parse(markup.environment().from_string(source).render(**context))


def test_every_element_becomes_its_model_block():
    document = render(
        """<document title="T" footer="F" watermark="草稿">
        <cover title="封面" subtitle="副标题"><line>客户</line></cover>
        <h1>一、标的</h1><h2>小节</h2>
        <clause no="2.1">条款正文</clause>
        <p align="right" bold="1">右对齐</p>
        <table widths="1,3" align="center,right">
          <thead><tr><td>序号</td><td>金额</td></tr></thead>
          <tbody><tr><td>1</td><td>9.00</td></tr></tbody>
          <tfoot><tr><td></td><td>9.00</td></tr></tfoot>
        </table>
        <kv columns="2" title="供方"><item label="名称">甲公司</item></kv>
        <signatures><party title="供方（盖章）"><line label="日期"></line></party></signatures>
        <image width="40" caption="图 1">{{ png|b64 }}</image>
        <pagebreak/>
        </document>""",
        png=PNG_1PX,
    )
    kinds = [type(b).__name__ for b in document.blocks]
    assert kinds == [
        "Cover", "Heading", "Heading", "Clause", "Paragraph", "Table", "KeyValues",
        "SignatureBlock", "Image", "PageBreak",
    ]  # fmt: skip
    assert (document.title, document.footer, document.watermark) == ("T", "F", "草稿")
    table = document.blocks[5]
    assert table.header == ("序号", "金额") and table.footer == (("", "9.00"),)
    assert table.relative_widths() == (0.25, 0.75) and table.alignment(1) == "right"
    assert document.blocks[8].data == PNG_1PX and document.blocks[8].mime == "image/png"
    assert document.blocks[4] == blocks.Paragraph("右对齐", align="right", bold=True)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "A & B \"quoted\" 'single'",
        "]]><!-- not a comment -->",
        "&amp; stays &amp;",
        "line one\nline two",
    ],
)
def test_user_text_comes_back_literally(text):
    document = render(
        '<document title="{{ t }}"><p>{{ t }}</p><kv><item label="{{ t }}">{{ t }}</item></kv>'
        "</document>",
        t=text,
    )
    assert document.blocks[0].text == text
    assert document.blocks[1].items[0][1] == text
    # attribute values: XML turns a line break into a space, everything else stays
    assert document.title == document.blocks[1].items[0][0] == text.replace("\n", " ")


def test_characters_xml_cannot_carry_are_dropped_not_fatal():
    document = render("<document><p>{{ t }}</p></document>", t="甲\x0b乙\x00丙\x1f丁\ufffe")
    assert document.blocks[0].text == "甲乙丙丁"


def test_a_missing_field_names_the_template_and_the_field():
    with pytest.raises(markup.TemplateError) as error:
        markup.render_document("contract/contract.xml", {"document": {"version": 1}})
    assert "contract/contract.xml" in error.value.message
    assert "missing field" in error.value.message and "undefined" in error.value.message


def test_an_unknown_template_is_refused_with_its_name():
    with pytest.raises(markup.TemplateError, match="nothing/here.xml"):
        markup.render_document("nothing/here.xml", {})


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        ("<document><p>unclosed</document>", "malformed XML"),
        ("<document><marquee>x</marquee></document>", "unknown element <marquee>"),
        ("<document><image>not base64!</image></document>", "base64"),
        ("<document><image>aGVsbG8=</image></document>", "PNG or a JPEG"),
        (
            "<document><table><thead><tr><td>a</td><td>b</td></tr></thead>"
            "<tbody><tr><td>1</td></tr></tbody></table></document>",
            "1 cells, the header 2",
        ),
        ('<document><p align="justify">x</p></document>', "alignment"),
    ],
)
def test_malformed_documents_are_refused_whole(monkeypatch, source, complaint):
    monkeypatch.setattr(markup, "render_xml", lambda template, context: source)
    with pytest.raises(markup.TemplateError, match=complaint.replace("(", r"\(")):
        markup.render_document("any.xml", {})


@pytest.mark.parametrize(
    ("value", "expected"),
    [("10.00", "10"), ("0.50", "0.5"), ("1250.25", "1,250.25"), ("1000000", "1,000,000")],
)
def test_quantities_print_as_people_write_them(value, expected):
    from decimal import Decimal

    assert markup.qty(Decimal(value)) == expected


def test_texts_lists_what_the_document_says_in_order():
    document = blocks.Document(
        title="合同",
        blocks=(
            blocks.Heading("一"),
            blocks.Clause("1.1", "正文"),
            blocks.Table(header=("a",), rows=(("b",),), footer=(("c",),)),
            blocks.SignatureBlock((blocks.SignatureParty("供方", (("日期", "今天"),)),)),
        ),
        footer="页脚",
        watermark="草稿",
    )
    assert document.texts() == ["合同", "一", "1.1", "正文", "a", "b", "c", "供方", "日期", "今天"]
