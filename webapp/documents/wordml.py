"""The Word side of the DOCX renderer (`docx.py` writes the blocks): the styled template built
once per process, the font table and settings, and WordprocessingML snippets (runs, cells,
tables, the footer and the watermark) written as XML, which is many times faster than
python-docx's object layer for hundreds of cells.
"""

from __future__ import annotations

import io
from functools import lru_cache
from xml.sax.saxutils import escape as xml_escape

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from webapp.documents import blocks
from webapp.documents.fonts import (
    WORD_ALTERNATES,
    WORD_EXTENSION,
    WORD_LATIN_SANS,
    WORD_LATIN_SERIF,
    WORD_SANS,
    WORD_SERIF,
)
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


SERIF = (WORD_LATIN_SERIF, WORD_SERIF)  # (Latin, East Asian)
SANS = (WORD_LATIN_SANS, WORD_SANS)
LANG = '<w:lang w:val="en-US" w:eastAsia="zh-CN"/>'


def _set_fonts(style_or_run_element, faces: tuple[str, str]) -> None:
    """Explicit fonts for every script on an rPr-bearing element (style or run); theme fonts
    are removed so they cannot override the explicit ones."""
    latin, east_asian = faces
    if hasattr(style_or_run_element, "get_or_add_rPr"):
        rpr = style_or_run_element.get_or_add_rPr()
    else:  # w:rPrDefault, which python-docx gives no helpers
        rpr = style_or_run_element.find(qn("w:rPr"))
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
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


# The schema order of w:pPr's children (those the styles here use).
_PPR_ORDER = [
    qn(f"w:{n}")
    for n in [
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "widowControl",
        "pBdr",
        "shd",
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "jc",
        "rPr",
    ]
]


def _sort_ppr(ppr) -> None:
    children = sorted(
        ppr, key=lambda c: _PPR_ORDER.index(c.tag) if c.tag in _PPR_ORDER else len(_PPR_ORDER)
    )
    for child in children:
        ppr.append(child)


def _exact_lines(style, points: float) -> None:
    """Lines exactly as far apart as in the PDF (base.css line-height × font size): a multiple
    of the face's own line height would differ between SimSun (Word) and Noto (LibreOffice)
    and move page breaks."""
    style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    style.paragraph_format.line_spacing = Pt(round(points, 1))


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
    _set_fonts(normal.element, SERIF)
    normal.paragraph_format.space_after = Pt(4)
    _exact_lines(normal, 10.5 * 1.55)
    # No automatic space between Chinese and Latin or digits: the PDF adds none, and dates
    # such as 2026年12月10日 keep their printed width (Word and LibreOffice add it otherwise).
    normal_ppr = normal.element.get_or_add_pPr()
    for name in ("w:autoSpaceDE", "w:autoSpaceDN"):
        flag = OxmlElement(name)
        flag.set(qn("w:val"), "0")
        normal_ppr.append(flag)
    _sort_ppr(normal_ppr)

    black = RGBColor(0, 0, 0)
    # as base.css: the title 18 pt, chapter headings (h2) 12 pt, sections 11 pt, below 10.5 pt
    for name, size in (("Title", 18), ("Heading 1", 12), ("Heading 2", 11), ("Heading 3", 10.5)):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = black
        _set_fonts(style.element, SANS)
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(5)
        style.paragraph_format.keep_with_next = True
        _exact_lines(style, size * 1.55)
    title = styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The built-in Title has a blue bottom border and spreads every character; a contract's
    # title has no border and spreads only its CJK characters (_title_runs).
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    for spacing in title.element.get_or_add_rPr().findall(qn("w:spacing")):
        title.element.rPr.remove(spacing)

    clause = _style(styles, "Clause", "Normal")
    clause.paragraph_format.left_indent = Mm(10)
    clause.paragraph_format.first_line_indent = Mm(-10)
    clause.paragraph_format.tab_stops.add_tab_stop(Mm(10))

    for name, size in (("Table Text", 9), ("Small", 9)):
        style = _style(styles, name, "Normal")
        style.font.size = Pt(size)
        style.paragraph_format.space_after = Pt(0)
        _exact_lines(style, size * (1.35 if name == "Table Text" else 1.55))

    kv_text = _style(styles, "KV Text", "Table Text")
    kv_text.font.size = Pt(9.5)
    _exact_lines(kv_text, 9.5 * 1.55)

    header = _style(styles, "Table Heading", "Table Text")
    header.font.bold = True
    _set_fonts(header.element, SANS)

    footer = styles["Footer"]
    footer.font.size = Pt(8)
    # The built-in Footer has a centre tab (4680) that would take the page number's tab: only
    # a right tab at the text's right edge is left, so 第 X 页 共 Y 页 sits on the right.
    tabs = footer.paragraph_format.tab_stops
    footer_ppr = footer.element.get_or_add_pPr()
    for old in footer_ppr.findall(qn("w:tabs")):
        footer_ppr.remove(old)
    tabs.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    _set_fonts(footer.element, SERIF)
    _exact_lines(footer, 8 * 1.55)

    # Defaults for every other style: explicit faces (no theme fonts) and languages.
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    _set_fonts(defaults, SERIF)

    caption = styles["Caption"]
    caption.font.color.rgb = black
    caption.font.italic = False
    caption.font.size = Pt(9)
    _set_fonts(caption.element, SERIF)
    _exact_lines(caption, 9 * 1.55)


# The fonts the document names, for the font table (Word lists the faces a document uses
# there; python-docx's template carried Japanese faces): name, alternative, charset, family.
FONT_TABLE = (
    (WORD_SERIF, "宋体", "86", "auto", "02010600030101010101"),
    (WORD_SANS, "黑体", "86", "modern", "02010609060101010101"),
    (WORD_EXTENSION, "", "86", "roman", "02010609030101010101"),
    (WORD_LATIN_SERIF, "", "00", "roman", "02020603050405020304"),
    (WORD_LATIN_SANS, "", "00", "swiss", "020B0604020202020204"),
)


def _font_table_xml() -> bytes:
    fonts = []
    for name, local_name, charset, family, panose in FONT_TABLE:
        # w:altName: Word takes it when the face is missing; the Noto faces (BabelStone Han for
        # Extension B–G) are what the PDF uses and what a Linux machine has.
        alternates = [a for a in (local_name, WORD_ALTERNATES.get(name, "")) if a]
        alt = f'<w:altName w:val="{",".join(alternates)}"/>' if alternates else ""
        fonts.append(
            f'<w:font w:name="{name}">{alt}<w:panose1 w:val="{panose}"/>'
            f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/>'
            '<w:pitch w:val="variable"/></w:font>'
        )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f"<w:fonts {nsdecls('w', 'r')}>{''.join(fonts)}</w:fonts>"
    ).encode()


def _settings(document) -> None:
    """East Asian punctuation compression and Chinese line breaking, as the docstring says."""
    settings = document.settings.element
    # (the template already has w:themeFontLang in its schema position: change it, never add)
    font_lang = settings.find(qn("w:themeFontLang"))
    if font_lang is None:
        font_lang = OxmlElement("w:themeFontLang")
        settings.find(qn("w:clrSchemeMapping")).addprevious(font_lang)
    font_lang.set(qn("w:val"), "en-US")
    font_lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = settings.find(qn("w:characterSpacingControl"))
    if spacing is None:
        spacing = OxmlElement("w:characterSpacingControl")
        font_lang.addnext(spacing)
    spacing.set(qn("w:val"), "compressPunctuation")


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
    _settings(document)
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            rel.target_part._blob = _font_table_xml()
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
    "KV Text": "KVText",
    "Caption": "Caption",
    "Footer": "Footer",
}

# Tables and runs are written as WordprocessingML directly: building hundreds of cells through
# python-docx's object layer costs milliseconds each (a 30-line contract took 0.2 s).
TWIPS_PER_MM = 56.7


def _twips(mm: float) -> int:
    return int(mm * TWIPS_PER_MM)


# Bold text is set in the sans faces, as in the PDF (黑体-style emphasis).
SANS_FONTS = (
    f'<w:rFonts w:ascii="{WORD_LATIN_SANS}" w:hAnsi="{WORD_LATIN_SANS}" '
    f'w:eastAsia="{WORD_SANS}" w:cs="{WORD_LATIN_SANS}"/>'
)
# Extension B–G ideographs: SimSun-ExtB (on every Chinese Windows; BabelStone Han elsewhere).
EXTENSION_FONTS = (
    f'<w:rFonts w:ascii="{WORD_EXTENSION}" w:hAnsi="{WORD_EXTENSION}" '
    f'w:eastAsia="{WORD_EXTENSION}" w:cs="{WORD_EXTENSION}" w:hint="eastAsia"/>'
)


def _rpr(bold: bool = False, extension: bool = False, extra: str = "") -> str:
    fonts = EXTENSION_FONTS if extension else (SANS_FONTS if bold else "")
    inner = fonts + ("<w:b/>" if bold else "") + extra
    return f"<w:rPr>{inner}</w:rPr>" if inner else ""


def _runs_xml(text: str, bold: bool = False, extra: str = "") -> str:
    """Runs for `text`: a line break for each newline, a tab for each tab, Extension B–G
    ideographs in their own runs naming the face that has them."""
    plain = _rpr(bold, extra=extra)
    parts = []
    for line_no, line in enumerate(clean_text(text).split("\n")):
        if line_no:
            parts.append(f"<w:r>{plain}<w:br/></w:r>")
        for piece_no, piece in enumerate(line.split("\t")):
            if piece_no:
                parts.append(f"<w:r>{plain}<w:tab/></w:r>")
            for run, extension in blocks.extension_runs(piece):
                rpr = _rpr(bold, extension, extra) if extension else plain
                parts.append(f'<w:r>{rpr}<w:t xml:space="preserve">{xml_escape(run)}</w:t></w:r>')
    return "".join(parts)


def _title_runs(text: str, size_half_points: int) -> str:
    """A title's runs: CJK characters spread 0.3 em (as the PDF's h1), Latin and digits not."""
    spread = f'<w:spacing w:val="{round(size_half_points / 2 * 0.3 * 20)}"/>'
    return "".join(
        _runs_xml(piece, extra=spread if cjk else "") for piece, cjk in blocks.split_runs(text)
    )


def _p_xml(runs: str, style: str | None = None, ppr: str = "") -> str:
    style_xml = f'<w:pStyle w:val="{STYLE_IDS[style]}"/>' if style else ""
    properties = f"<w:pPr>{style_xml}{ppr}</w:pPr>" if style_xml or ppr else ""
    return f"<w:p {nsdecls('w')}>{properties}{runs}</w:p>"


def _append(document, xml: str):
    body = document.element.body
    element = parse_xml(xml)
    section = body.find(qn("w:sectPr"))
    if section is not None:
        section.addprevious(element)
    else:
        body.append(element)
    return element


def _add_text(paragraph: DocxParagraph, text: str, bold: bool = False) -> None:
    """Text as runs (never parsed as markup); newline → line break, tab → tab."""
    holder = parse_xml(f"<w:p {nsdecls('w')}>{_runs_xml(text, bold)}</w:p>")
    for run in list(holder):
        paragraph._p.append(run)


def _paragraph(container, style: str | None = None) -> DocxParagraph:
    paragraph = container.add_paragraph()
    if style:
        paragraph._p.style = STYLE_IDS[style]
    return paragraph


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
    """Footer text on the left, 第 X 页 共 Y 页 on the right (the Footer style's right tab)."""
    footer = document.sections[0].footer
    paragraph = footer.paragraphs[0]
    paragraph._p.style = STYLE_IDS["Footer"]
    if text:
        _add_text(paragraph, text)
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
# The PDF's watermark (base.css .watermark): 110 pt bold characters, turned 35° counter-
# clockwise, rgba(200, 30, 30, 0.13) on white — the solid colour #F8E2E2.
WATERMARK_PT = 110
WATERMARK_ROTATION = 360 - 35
WATERMARK_COLOR = "#F8E2E2"


def _watermark(document, text: str) -> None:
    """Word's own kind of text watermark: a rotated, pale WordArt shape in the header, sized
    so its characters are as large as the PDF's (the shape's text fills the shape)."""
    header = document.sections[0].header
    paragraph = header.paragraphs[0]
    text = clean_text(text)
    escaped = text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    width = WATERMARK_PT * max(1.0, sum(1.0 if ord(c) >= 0x2E80 else 0.6 for c in text))
    shape = parse_xml(
        f"<w:r {nsdecls('w')} {VML_NAMESPACES}><w:pict>{WORDART_SHAPETYPE}"
        '<v:shape id="KeyDeskWatermark" o:spid="_x0000_s2049" type="#_x0000_t136" '
        f'style="position:absolute;margin-left:0;margin-top:0;width:{width:.0f}pt;'
        f"height:{WATERMARK_PT}pt;rotation:{WATERMARK_ROTATION};z-index:-251654144;"
        "mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
        'mso-position-vertical:center;mso-position-vertical-relative:margin" '
        f'o:allowincell="f" fillcolor="{WATERMARK_COLOR}" stroked="f">'
        f'<v:textpath style="font-family:&quot;{WORD_SANS}&quot;;font-size:1pt;'
        f'font-weight:bold" on="t" string="{escaped}"/>'
        "</v:shape></w:pict></w:r>"
    )
    paragraph._p.append(shape)


def _cell_xml(
    text: str,
    twips: int,
    style: str,
    align: str = "left",
    bold: bool = False,
    after: int = 0,
    keep: bool = False,
    no_wrap: bool = False,
) -> str:
    spacing = f'<w:spacing w:after="{after}"/>' if after else ""
    keep_xml = "<w:keepNext/>" if keep else ""
    wrap = "<w:noWrap/>" if no_wrap else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{twips}" w:type="dxa"/>{wrap}</w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{STYLE_IDS[style]}"/>{keep_xml}{spacing}'
        f'<w:jc w:val="{align}"/></w:pPr>{_runs_xml(text, bold)}</w:p></w:tc>'
    )


def _table_xml(rows: list[str], widths_mm: list[float], grid: bool) -> str:
    twips = [_twips(w) for w in widths_mm]
    style = '<w:tblStyle w:val="TableGrid"/>' if grid else ""
    # As base.css: grid cells have 1 mm × 1.2 mm of padding; key–value cells none but 1.5 mm
    # after the label.
    margins = (
        '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="68" w:type="dxa"/>'
        '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="68" w:type="dxa"/></w:tblCellMar>'
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
