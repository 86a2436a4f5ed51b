"""The document model as a Word file (python-docx) with real Word styles.

Styles: "Normal" in Noto Serif CJK SC, "Title" and "Heading 1–3" in Noto Sans CJK SC, a
"Clause" paragraph style (hanging indent, the clause number as text followed by a tab), tables
in "Table Grid" whose header row repeats on every page (w:tblHeader), a footer with the
document's footer text and "第 {PAGE} 页 共 {NUMPAGES} 页" as Word fields. Every style sets the
East Asian font (w:eastAsia) and the East Asian language zh-CN: without them Word shows Chinese
in the Latin fallback face. A watermark (草稿) is a VML text shape in the page header, the way
Word itself inserts one.

Text is added as runs (never parsed), so "<script>" or "&" stay literal; characters XML cannot
carry were already removed by `markup.clean_text`, and are removed again here for documents
built directly from the model.
"""

from __future__ import annotations

import io
from functools import lru_cache
from xml.sax.saxutils import escape as xml_escape

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from webapp.documents import blocks
from webapp.documents.fonts import SANS, SERIF
from webapp.documents.markup import clean_text

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_LEFT_MM = MARGIN_RIGHT_MM = 20
MARGIN_TOP_MM, MARGIN_BOTTOM_MM = 22, 22
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM

VML_NAMESPACES = (
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
)

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}


def _set_fonts(style_or_run_element, latin: str, east_asian: str) -> None:
    """Explicit fonts for every script on an rPr-bearing element (style or run); theme fonts
    are removed so they cannot override the explicit ones."""
    rpr = style_or_run_element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style(styles, name: str, base: str | None = None, kind=WD_STYLE_TYPE.PARAGRAPH):
    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, kind)
        if base:
            style.base_style = styles[base]
        return style


def _configure_styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)  # 五号
    _set_fonts(normal.element, SERIF, SERIF)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25

    black = RGBColor(0, 0, 0)
    for name, size in (("Title", 18), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 10.5)):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = black
        _set_fonts(style.element, SANS, SANS)
        style.paragraph_format.space_before = Pt(10 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    title = styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The built-in Title has a blue bottom border; a contract's title has none.
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)

    clause = _style(styles, "Clause", "Normal")
    clause.paragraph_format.left_indent = Mm(10)
    clause.paragraph_format.first_line_indent = Mm(-10)
    clause.paragraph_format.tab_stops.add_tab_stop(Mm(10))

    for name, size in (("Table Text", 9), ("Small", 9)):
        style = _style(styles, name, "Normal")
        style.font.size = Pt(size)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing = 1.1

    header = _style(styles, "Table Heading", "Table Text")
    header.font.bold = True
    _set_fonts(header.element, SANS, SANS)

    footer = styles["Footer"]
    footer.font.size = Pt(8)
    _set_fonts(footer.element, SERIF, SERIF)

    caption = styles["Caption"]
    caption.font.color.rgb = black
    caption.font.italic = False
    _set_fonts(caption.element, SERIF, SERIF)


@lru_cache(maxsize=1)
def _template_bytes() -> bytes:
    """An empty, styled document, built once per process; each render loads a copy."""
    document = docx.Document()
    _configure_styles(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.footer_distance = Mm(10)
    # East Asian line breaking and punctuation compression as Chinese Word installs use.
    # (the template already has w:themeFontLang in its schema position: change it, never add one)
    settings = document.settings.element
    font_lang = settings.find(qn("w:themeFontLang"))
    if font_lang is None:
        font_lang = OxmlElement("w:themeFontLang")
        settings.find(qn("w:clrSchemeMapping")).addprevious(font_lang)
    font_lang.set(qn("w:eastAsia"), "zh-CN")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Style ids of the styles above. Setting a style by id skips python-docx's lookup by name,
# which walks every style each time and made a 30-line contract take half a second.
STYLE_IDS = {
    "Title": "Title",
    "Heading 1": "Heading1",
    "Heading 2": "Heading2",
    "Heading 3": "Heading3",
    "Clause": "Clause",
    "Table Text": "TableText",
    "Table Heading": "TableHeading",
    "Small": "Small",
    "Caption": "Caption",
    "Footer": "Footer",
}


def _paragraph(container, style: str | None = None) -> DocxParagraph:
    paragraph = container.add_paragraph()
    if style:
        paragraph._p.style = STYLE_IDS[style]
    return paragraph


def _add_text(paragraph: DocxParagraph, text: str, bold: bool = False) -> None:
    """Text as one run; python-docx turns an inner newline into a line break and a tab into
    a tab stop, never into markup."""
    run = paragraph.add_run(clean_text(text))
    if bold:
        run.bold = True
        _set_fonts(run._r, SANS, SANS)


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) with a placeholder result Word updates when it lays out."""
    for kind in ("begin", None, "separate", "1", "end"):
        run = paragraph.add_run()
        if kind in ("begin", "separate", "end"):
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif kind is None:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {instruction} "
            run._r.append(text)
        else:
            run.text = kind


def _footer(document, text: str) -> None:
    footer = document.sections[0].footer
    paragraph = footer.paragraphs[0]
    paragraph._p.style = STYLE_IDS["Footer"]
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    if text:
        paragraph.add_run(clean_text(text))
    paragraph.add_run("\t第 ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" 页 共 ")
    _field(paragraph, "NUMPAGES")
    paragraph.add_run(" 页")


# The WordArt "plain text" shape type (136), as Word writes it next to its own watermarks.
WORDART_SHAPETYPE = (
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(
        f'<v:f eqn="{eqn}"/>'
        for eqn in (
            "sum #0 0 10800",
            "prod #0 2 1",
            "sum 21600 0 @1",
            "sum 0 0 @2",
            "sum 21600 0 @3",
            "if @0 @3 0",
            "if @0 21600 @1",
            "if @0 0 @2",
            "if @0 @4 21600",
            "mid @5 @6",
            "mid @8 @5",
            "mid @7 @8",
            "mid @6 @7",
            "sum @6 0 @5",
        )
    )
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" '
    'xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/>'
    "</v:shapetype>"
)


def _watermark(document, text: str) -> None:
    """Word's own kind of text watermark: a rotated, pale WordArt shape in the header."""
    header = document.sections[0].header
    paragraph = header.paragraphs[0]
    escaped = clean_text(text).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    shape = parse_xml(
        f"<w:r {nsdecls('w')} {VML_NAMESPACES}><w:pict>{WORDART_SHAPETYPE}"
        '<v:shape id="KeyDeskWatermark" o:spid="_x0000_s2049" type="#_x0000_t136" '
        'style="position:absolute;margin-left:0;margin-top:0;width:420pt;height:140pt;'
        "rotation:315;z-index:-251654144;mso-position-horizontal:center;"
        "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
        'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#e8b4b4" '
        'stroked="f"><v:fill opacity=".5"/>'
        f'<v:textpath style="font-family:&quot;{SANS}&quot;;font-size:1pt" on="t" '
        f'string="{escaped}"/>'
        "</v:shape></w:pict></w:r>"
    )
    paragraph._p.append(shape)


# Tables are written as WordprocessingML directly: building hundreds of cells through
# python-docx's object layer costs milliseconds each (a 30-line contract took 0.2 s).
TWIPS_PER_MM = 56.7


# Bold text is set in the sans face, as in the PDF (黑体-style emphasis).
BOLD_RPR = (
    f'<w:rPr><w:rFonts w:ascii="{SANS}" w:hAnsi="{SANS}" w:eastAsia="{SANS}" w:cs="{SANS}"/>'
    "<w:b/></w:rPr>"
)


def _runs_xml(text: str, bold: bool = False) -> str:
    rpr = BOLD_RPR if bold else ""
    parts = []
    for line_no, line in enumerate(clean_text(text).split("\n")):
        if line_no:
            parts.append(f"<w:r>{rpr}<w:br/></w:r>")
        for piece_no, piece in enumerate(line.split("\t")):
            if piece_no:
                parts.append(f"<w:r>{rpr}<w:tab/></w:r>")
            if piece:
                parts.append(f'<w:r>{rpr}<w:t xml:space="preserve">{xml_escape(piece)}</w:t></w:r>')
    return "".join(parts)


def _cell_xml(
    text: str, twips: int, style: str, align: str = "left", bold: bool = False, after: int = 0
) -> str:
    spacing = f'<w:spacing w:after="{after}"/>' if after else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{twips}" w:type="dxa"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{STYLE_IDS[style]}"/>{spacing}<w:jc w:val="{align}"/>'
        f"</w:pPr>{_runs_xml(text, bold)}</w:p></w:tc>"
    )


def _table_xml(rows: list[str], widths_mm: list[float], grid: bool) -> str:
    twips = [int(w * TWIPS_PER_MM) for w in widths_mm]
    style = '<w:tblStyle w:val="TableGrid"/>' if grid else ""
    margins = (
        ""
        if grid
        else '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        "</w:tblCellMar>"
    )
    columns = "".join(f'<w:gridCol w:w="{t}"/>' for t in twips)
    return (
        f"<w:tbl {nsdecls('w')}><w:tblPr>{style}"
        f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblLayout w:type="fixed"/>{margins}'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{columns}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def _row_xml(cells: str, header: bool = False) -> str:
    repeat = '<w:tblHeader w:val="true"/>' if header else ""
    return f"<w:tr><w:trPr><w:cantSplit/>{repeat}</w:trPr>{cells}</w:tr>"


def _append(document, xml: str) -> None:
    body = document.element.body
    element = parse_xml(xml)
    section = body.find(qn("w:sectPr"))
    if section is not None:
        section.addprevious(element)
    else:
        body.append(element)


def _table(document, block: blocks.Table) -> None:
    widths = [w * TEXT_WIDTH_MM for w in block.relative_widths()]
    twips = [int(w * TWIPS_PER_MM) for w in widths]
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
                    _cell_xml(text, twips[i], "Table Text", block.alignment(i), bold)
                    for i, text in enumerate(values)
                )
            )
        )
    _append(document, _table_xml(rows, widths, grid=True))
    _paragraph(document, "Small")  # air below the table


def _key_values(document, block: blocks.KeyValues) -> None:
    if block.title:
        paragraph = document.add_paragraph()
        _add_text(paragraph, block.title, bold=True)
        paragraph.paragraph_format.keep_with_next = True
    if not block.items:
        return
    columns = max(1, block.columns)
    label_mm = 28.0 if columns == 1 else 24.0
    widths = [label_mm, TEXT_WIDTH_MM / columns - label_mm] * columns
    twips = [int(w * TWIPS_PER_MM) for w in widths]
    items = list(block.items)
    rows = []
    for start in range(0, len(items), columns):
        cells = []
        chunk = items[start : start + columns]
        chunk += [("", "")] * (columns - len(chunk))
        for offset, (label, value) in enumerate(chunk):
            cells.append(_cell_xml(label, twips[2 * offset], "Table Text", bold=True))
            cells.append(_cell_xml(value, twips[2 * offset + 1], "Table Text"))
        rows.append(_row_xml("".join(cells)))
    _append(document, _table_xml(rows, widths, grid=False))
    _paragraph(document, "Small")


def _signatures(document, block: blocks.SignatureBlock) -> None:
    if not block.parties:
        return
    width = TEXT_WIDTH_MM / len(block.parties)
    twips = int(width * TWIPS_PER_MM)
    cells = []
    for party in block.parties:
        paragraphs = [(party.title, True, 200)]
        paragraphs += [(f"{label}：{value}", False, 160) for label, value in party.lines]
        body = "".join(
            f'<w:p><w:pPr><w:spacing w:after="{after}"/></w:pPr>{_runs_xml(text, bold)}</w:p>'
            for text, bold, after in paragraphs
        )
        seal = '<w:p><w:pPr><w:spacing w:after="720"/></w:pPr></w:p>'  # room for the seal
        width_xml = f'<w:tcPr><w:tcW w:w="{twips}" w:type="dxa"/></w:tcPr>'
        cells.append(f"<w:tc>{width_xml}{body}{seal}</w:tc>")
    _paragraph(document)
    _append(document, _table_xml([_row_xml("".join(cells))], [width] * len(block.parties), False))


def _image(document, image: blocks.Image) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(io.BytesIO(image.data), width=Mm(image.width_mm))
    if image.caption:
        caption = _paragraph(document, "Caption")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_text(caption, image.caption)


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _block(document, block: blocks.Block) -> None:
    match block:
        case blocks.Cover():
            if block.image is not None:
                _image(document, block.image)
            for _ in range(6):
                document.add_paragraph()
            title = _paragraph(document, "Title")
            _add_text(title, block.title)
            if block.subtitle:
                subtitle = document.add_paragraph()
                subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _add_text(subtitle, block.subtitle)
            for line in block.lines:
                paragraph = document.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _add_text(paragraph, line)
            _page_break(document)
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


def render_docx(document: blocks.Document) -> bytes:
    out = docx.Document(io.BytesIO(_template_bytes()))
    core = out.core_properties
    core.title = clean_text(document.title)
    core.subject = clean_text(document.subject)
    core.author = clean_text(document.author) or "KeyDesk"
    core.language = document.lang
    if not document.has_cover:
        _add_text(_paragraph(out, "Title"), document.title)
    for block in document.blocks:
        _block(out, block)
    _footer(out, document.footer)
    if document.watermark:
        _watermark(out, document.watermark)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
