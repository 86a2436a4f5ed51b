"""The document model as a Word file (python-docx) with real Word styles.

Styles: "Normal" in 宋体 (SimSun) with Times New Roman for Latin, "Title" and "Heading 1–3" in
黑体 (SimHei) with Arial, the faces a stock Chinese Office has; the font table names the Noto
faces the PDF uses as their alternatives (fonts.WORD_ALTERNATES) and nothing else. A "Clause"
paragraph style (hanging indent, the clause number as text followed by a tab), tables in
"Table Grid" whose header row repeats on every page (w:tblHeader), a footer with the document's
footer text on the left and "第 {PAGE} 页 共 {NUMPAGES} 页" as Word fields on the right (the
Footer style's own centre tab is cleared). Every style says w:lang w:val="en-US"
w:eastAsia="zh-CN": Chinese is Chinese, Latin text is English (so Latin words break between
words, never inside one). Settings: East Asian punctuation compression, Chinese line-breaking.
A watermark (草稿) is a VML text shape in the page header, the way Word itself inserts one,
as large, as pale and at the same angle as the PDF's.

The layout follows the PDF's print CSS (docs_templates/base.css): 28 mm key–value labels, a
party's block kept on one page, the sign-off (the last block, （以下无正文）, the signatures)
kept on one page, 40 mm of room for each seal, signature lines with the name below them,
numeric cells sized for their longest value (blocks.Table.widths_mm).

Text is added as runs (never parsed), so "<script>" or "&" stay literal; characters XML cannot
carry were already removed by `markup.clean_text`, and are removed again here for documents
built directly from the model.
"""

from __future__ import annotations

import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from webapp.documents import blocks
from webapp.documents.markup import clean_text
from webapp.documents.wordml import (
    TEXT_WIDTH_MM,
    _add_text,
    _append,
    _cell_xml,
    _footer,
    _p_xml,
    _paragraph,
    _row_xml,
    _runs_xml,
    _table_xml,
    _template_bytes,
    _title_runs,
    _twips,
    _watermark,
)

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}
# as .kv-item .k in base.css: 28 mm for the label's text, plus the cell's right margin
KV_LABEL_MM = 28.0 + 85 / 56.7
SIGN_LINE_MM = 60.0  # as .sign-line
BLANK_SPACES = 12  # ideographic spaces of 10.5 pt: the 45 mm blank of an unfilled line
KEEP = "<w:keepNext/>"


def _table(document, block: blocks.Table) -> None:
    widths = list(block.widths_mm(TEXT_WIDTH_MM))
    twips = [_twips(w) for w in widths]
    rows = [
        _row_xml(
            "".join(
                _cell_xml(text, twips[i], "Table Heading", "center")
                for i, text in enumerate(block.header)
            ),
            header=True,
        )
    ]
    for values, bold in [(r, False) for r in block.rows] + [(r, True) for r in block.footer]:
        rows.append(
            _row_xml(
                "".join(
                    _cell_xml(
                        text,
                        twips[i],
                        "Table Text",
                        block.alignment(i),
                        bold,
                        no_wrap=block.numeric(i),
                    )
                    for i, text in enumerate(values)
                )
            )
        )
    _append(document, _table_xml(rows, widths, grid=True))
    _paragraph(document, "Small")  # air below the table


def _key_values(document, block: blocks.KeyValues) -> None:
    """A borderless table with 28 mm label columns; the whole block stays on one page (every
    row but the last keeps with the next, the title with the table), as the PDF's."""
    if block.title:
        ppr = '<w:keepNext/><w:spacing w:before="170" w:after="57"/>'
        _append(document, _p_xml(_runs_xml(block.title, bold=True), ppr=ppr))
    if not block.items:
        return
    columns = max(1, block.columns)
    widths = [KV_LABEL_MM, TEXT_WIDTH_MM / columns - KV_LABEL_MM] * columns
    twips = [_twips(w) for w in widths]
    items = list(block.items)
    rows = []
    starts = range(0, len(items), columns)
    for start in starts:
        keep = start != starts[-1]
        cells = []
        chunk = items[start : start + columns]
        chunk += [("", "")] * (columns - len(chunk))
        for offset, (label, value) in enumerate(chunk):
            cells.append(_cell_xml(label, twips[2 * offset], "KV Text", bold=True, keep=keep))
            cells.append(_cell_xml(value, twips[2 * offset + 1], "KV Text", keep=keep))
        rows.append(_row_xml("".join(cells)))
    _append(document, _table_xml(rows, widths, grid=False))
    _paragraph(document, "Small")


def _signature_cell(party: blocks.SignatureParty, width_mm: float) -> str:
    """Title, 40 mm for the seal, then each line: a ruled line to sign on with the name below
    it, "label：value", or "label：" and a blank (as base.css's table.signatures)."""
    label_rpr_bold = True
    paragraphs = [
        (_runs_xml(party.title, bold=True), '<w:spacing w:after="0"/>'),
        (
            "",
            f'<w:spacing w:before="0" w:after="0" w:line="{_twips(blocks.SEAL_MM)}" '
            'w:lineRule="exact"/>',
        ),
    ]
    rule_indent = max(0, _twips(width_mm - SIGN_LINE_MM - 1.5))
    for line in party.lines:
        label = _runs_xml(f"{line.label}：", bold=label_rpr_bold)
        if line.sign:
            paragraphs.append((label, '<w:spacing w:after="0"/>'))
            paragraphs.append(
                (
                    "",
                    '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                    f'</w:pBdr><w:spacing w:before="0" w:after="0" w:line="{_twips(10)}" '
                    f'w:lineRule="exact"/><w:ind w:right="{rule_indent}"/>',
                )
            )
            name = _runs_xml(line.value, extra='<w:sz w:val="18"/>') if line.value else ""
            paragraphs.append((name, '<w:spacing w:before="45" w:after="170"/>'))
        elif line.value:
            paragraphs.append((label + _runs_xml(line.value), '<w:spacing w:after="113"/>'))
        else:
            blank = _runs_xml("\u3000" * BLANK_SPACES, extra='<w:u w:val="single"/>')
            paragraphs.append((label + blank, '<w:spacing w:after="113"/>'))
    body = "".join(f"<w:p><w:pPr>{KEEP}{ppr}</w:pPr>{runs}</w:p>" for runs, ppr in paragraphs)
    return f'<w:tc><w:tcPr><w:tcW w:w="{_twips(width_mm)}" w:type="dxa"/></w:tcPr>{body}</w:tc>'


def _signatures(document, block: blocks.SignatureBlock) -> None:
    closing = _runs_xml(block.closing) if block.closing else ""
    _append(document, _p_xml(closing, ppr=f'{KEEP}<w:spacing w:before="170" w:after="340"/>'))
    if not block.parties:
        return
    width = TEXT_WIDTH_MM / len(block.parties)
    cells = "".join(_signature_cell(party, width) for party in block.parties)
    _append(document, _table_xml([_row_xml(cells)], [width] * len(block.parties), False))


def _image(document, image: blocks.Image, after_mm: float | None = None) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # the picture's own height, not Normal's exact line (which would cut it off)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if after_mm is not None:
        paragraph.paragraph_format.space_after = Mm(after_mm)
    if image.keep_with_next:  # with its caption, and the caption with the next block
        paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(io.BytesIO(image.data), width=Mm(image.width_mm))
    if image.caption:
        caption = _paragraph(document, "Caption")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if image.keep_with_next:
            caption.paragraph_format.keep_with_next = True
        _add_text(caption, image.caption)


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _cover(document, block: blocks.Cover) -> None:
    """As base.css .cover: title 60 mm down; with an image (the proposal's banner) the image at
    the top, 55 mm of air, the title, 70 mm, the lines."""
    if block.image is not None:
        _image(document, block.image, after_mm=55)
    title = _paragraph(document, "Title")
    title.paragraph_format.space_before = Mm(0 if block.image is not None else 60)
    title.paragraph_format.space_after = Mm(8)
    _add_text(title, block.title)
    size = Pt(22 if block.image is not None else 24)
    for run in title.runs:
        run.font.size = size
    if block.subtitle:
        subtitle = document.add_paragraph()
        subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
        subtitle.paragraph_format.space_after = Mm(70 if block.image is not None else 20)
        _add_text(subtitle, block.subtitle)
        for run in subtitle.runs:
            run.font.size = Pt(14)
    for line in block.lines:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Mm(3)
        _add_text(paragraph, line)
        for run in paragraph.runs:
            run.font.size = Pt(12)
    _page_break(document)


def _block(document, block: blocks.Block) -> None:
    match block:
        case blocks.Cover():
            _cover(document, block)
        case blocks.Heading():
            paragraph = _paragraph(document, f"Heading {min(max(block.level, 1), 3)}")
            _add_text(paragraph, block.text)
        case blocks.Clause():
            paragraph = _paragraph(document, "Clause")
            _add_text(paragraph, f"{block.number}\t{block.text}")
        case blocks.Paragraph():
            paragraph = _paragraph(document, "Small" if block.small else None)
            paragraph.alignment = ALIGN[block.align]
            _add_text(paragraph, block.text, bold=block.bold)
        case blocks.Table():
            _table(document, block)
        case blocks.KeyValues():
            _key_values(document, block)
        case blocks.SignatureBlock():
            _signatures(document, block)
        case blocks.Image():
            _image(document, block)
        case blocks.PageBreak():
            _page_break(document)
        case _:
            raise TypeError(f"not a document block: {block!r}")


# Blocks short enough to go over to the signature page with the signatures (as pdf.py's).
KEEP_WITH_SIGNATURES = (blocks.Clause, blocks.Paragraph, blocks.KeyValues, blocks.Heading)


def _content(body) -> list:
    """The body's children without the trailing section properties."""
    children = list(body)
    if children and children[-1].tag == qn("w:sectPr"):
        children.pop()
    return children


def _keep_with_next(elements) -> None:
    for element in elements:
        paragraphs = [element] if element.tag == qn("w:p") else element.iter(qn("w:p"))
        for paragraph in paragraphs:
            paragraph.get_or_add_pPr().get_or_add_keepNext()


# The paragraph a document ends with when its last block is a table (Word wants one after a
# table, and _table's air below it is a 14 pt line): 1 pt high and empty, so that a table
# ending at the foot of a page no longer pushes it onto a page of its own, a blank last page
# with only the footer (LibreOffice and Word alike; the PDF has no such paragraph).
END_PARAGRAPH_PPR = (
    '<w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
    '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr>'
)


def _end_after_table(body) -> None:
    children = _content(body)
    if len(children) < 2 or children[-2].tag != qn("w:tbl"):
        return
    last = children[-1]
    if last.tag != qn("w:p") or last.find(qn("w:r")) is not None:
        return
    for properties in last.findall(qn("w:pPr")):
        last.remove(properties)
    last.insert(0, parse_xml(f"<w:root {nsdecls('w')}>{END_PARAGRAPH_PPR}</w:root>")[0])


def render_docx(document: blocks.Document) -> bytes:
    out = docx.Document(io.BytesIO(_template_bytes()))
    core = out.core_properties
    core.title = clean_text(document.title)
    core.subject = clean_text(document.subject)
    core.author = clean_text(document.author) or "KeyDesk"
    core.language = document.lang
    if document.created_at is not None:
        core.created = core.modified = document.created_at.replace(tzinfo=None)
    body = out.element.body
    if not document.has_cover:
        _append(out, _p_xml(_title_runs(document.title, 36), "Title"))
    previous: tuple[blocks.Block, list] | None = None
    for block in document.blocks:
        if isinstance(block, blocks.SignatureBlock) and previous is not None:
            kind, elements = previous
            if isinstance(kind, KEEP_WITH_SIGNATURES):
                _keep_with_next(elements)
        before = len(_content(body))
        _block(out, block)
        previous = (block, _content(body)[before:])
    _end_after_table(body)
    _footer(out, document.footer)
    if document.watermark:
        _watermark(out, document.watermark)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
