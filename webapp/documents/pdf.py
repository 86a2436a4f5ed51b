"""The document model as HTML + print CSS, and that as PDF through WeasyPrint.

Print CSS is docs_templates/base.css (plus a document type's own stylesheet): A4, body in Noto
Serif CJK SC, headings in Noto Sans CJK SC, ``lang="zh-CN"`` on the root so no glyph falls back
to a Japanese or Korean face. WeasyPrint embeds and subsets every font it uses (through
HarfBuzz when libharfbuzz-subset0 is installed; see `flask doctor`). Every text is escaped
here, so user text is shown literally.
"""

from __future__ import annotations

import base64
import threading
import warnings
from datetime import UTC
from functools import lru_cache

from markupsafe import Markup, escape

from webapp.common.startup import long_lived
from webapp.documents import blocks
from webapp.documents.markup import DOCS_TEMPLATES

TEXT_WIDTH_MM = 170.0  # A4 less the 20 mm margins of base.css

PAGE_NUMBER_LABEL = ("第 ", " 页 共 ", " 页")  # 第 X 页 共 Y 页


def _text(value: str) -> Markup:
    """Escaped text; inner line breaks become <br>."""
    return Markup("<br>").join(escape(line) for line in value.split("\n"))


def _cell_class(align: str) -> str:
    return f' class="{align}"' if align != "left" else ""


def _image(image: blocks.Image, css_class: str = "figure") -> Markup:
    src = f"data:{image.mime};base64,{base64.b64encode(image.data).decode('ascii')}"
    caption = Markup("<figcaption>%s</figcaption>") % image.caption if image.caption else ""
    if image.keep_with_next:
        css_class += " keep-with-next"
    return Markup('<figure class="%s"><img src="%s" style="width: %smm" alt="">%s</figure>') % (
        css_class,
        src,
        f"{image.width_mm:g}",
        caption,
    )


def _table(table: blocks.Table) -> Markup:
    widths = table.widths_mm(TEXT_WIDTH_MM)
    parts = [Markup('<table class="grid"><colgroup>')]
    parts += [Markup('<col style="width: %smm">') % f"{w:.2f}" for w in widths]
    parts.append(Markup("</colgroup><thead><tr>"))
    parts += [
        Markup("<th%s>%s</th>") % (Markup(_cell_class(table.alignment(i))), _text(cell))
        for i, cell in enumerate(table.header)
    ]
    parts.append(Markup("</tr></thead><tbody>"))
    classes = [
        Markup(' class="num"') if table.numeric(i) else Markup(_cell_class(table.alignment(i)))
        for i in range(len(table.header))
    ]
    # Totals are body rows at the end: a <tfoot> would repeat on every page.
    for row, css in [(r, "") for r in table.rows] + [(r, "total") for r in table.footer]:
        parts.append(Markup('<tr class="%s">') % css if css else Markup("<tr>"))
        parts += [Markup("<td%s>%s</td>") % (classes[i], _text(cell)) for i, cell in enumerate(row)]
        parts.append(Markup("</tr>"))
    parts.append(Markup("</tbody></table>"))
    return Markup("").join(parts)


def _key_values(block: blocks.KeyValues) -> Markup:
    """Label–value pairs as blocks, not a table: each item a hanging-indent paragraph whose
    label takes the first 28 mm (the DOCX label column is as wide); two columns are two such
    inline blocks side by side. Table layout made these blocks a third of a render's time."""
    columns = max(1, block.columns)
    parts = [Markup('<div class="kv-block">')]
    if block.title:
        parts.append(Markup('<p class="kv-title">%s</p>') % _text(block.title))
    items = list(block.items)
    item_class = "kv-item" if columns == 1 else f"kv-item c{min(columns, 3)}"
    for start in range(0, len(items), columns):
        if columns > 1:
            parts.append(Markup('<div class="kv-row">'))
        for label, value in items[start : start + columns]:
            parts.append(
                Markup('<p class="%s"><span class="k">%s</span>%s</p>')
                % (item_class, _text(label), _text(value))
            )
        if columns > 1:
            parts.append(Markup("</div>"))
    parts.append(Markup("</div>"))
    return Markup("").join(parts)


def _signature_line(line: blocks.SignatureLine) -> Markup:
    label = Markup('<span class="label">%s：</span>') % _text(line.label)
    if line.sign:
        signer = Markup('<p class="signer">%s</p>') % _text(line.value) if line.value else ""
        return Markup('<p class="sign-label">%s</p><div class="sign-line"></div>%s') % (
            label,
            signer,
        )
    if not line.value:
        return Markup('<p>%s<span class="blank"></span></p>') % label
    return Markup("<p>%s%s</p>") % (label, _text(line.value))


def _signatures(block: blocks.SignatureBlock) -> Markup:
    closing = Markup('<p class="closing">%s</p>') % _text(block.closing) if block.closing else ""
    parts = [closing, Markup('<table class="signatures"><tr>')]
    for party in block.parties:
        lines = Markup("").join(_signature_line(line) for line in party.lines)
        parts.append(
            Markup('<td><p class="party">%s</p><div class="seal"></div>%s</td>')
            % (_text(party.title), lines)
        )
    parts.append(Markup("</tr></table>"))
    return Markup("").join(parts)


def _spaced_title(text: str) -> Markup:
    """A title whose CJK characters are spread (0.3 em) and whose Latin and digits are not."""
    return Markup("").join(
        Markup('<span class="spread">%s</span>') % piece if cjk else _text(piece)
        for piece, cjk in blocks.split_runs(text)
    )


def _block(block: blocks.Block) -> Markup:
    match block:
        case blocks.Cover():
            lines = Markup("").join(Markup("<p>%s</p>") % _text(line) for line in block.lines)
            image = _image(block.image, "cover-image") if block.image else ""
            subtitle = (
                Markup('<p class="subtitle">%s</p>') % _text(block.subtitle)
                if block.subtitle
                else ""
            )
            return Markup(
                '<section class="cover%s">%s<h1 class="cover-title">%s</h1>%s'
                '<div class="cover-lines">%s</div></section>'
            ) % (" with-image" if block.image else "", image, _text(block.title), subtitle, lines)
        case blocks.Heading():
            level = min(max(block.level, 1), 3) + 1  # h1 is the document title
            return Markup("<h%d>%s</h%d>") % (level, _text(block.text), level)
        case blocks.Clause():
            return Markup('<p class="clause"><span class="no">%s</span>%s</p>') % (
                _text(block.number),
                _text(block.text),
            )
        case blocks.Paragraph():
            classes = " ".join(
                c
                for c in (
                    block.align if block.align != "left" else "",
                    "bold" if block.bold else "",
                    "small" if block.small else "",
                )
                if c
            )
            return Markup('<p class="%s">%s</p>') % (classes, _text(block.text))
        case blocks.Table():
            return _table(block)
        case blocks.KeyValues():
            return _key_values(block)
        case blocks.SignatureBlock():
            return _signatures(block)
        case blocks.Image():
            return _image(block)
        case blocks.PageBreak():
            return Markup('<div class="page-break"></div>')
    raise TypeError(f"not a document block: {block!r}")


# Blocks short enough to go over to the signature page with the signatures (a long table is not).
_KEEP_WITH_SIGNATURES = (blocks.Clause, blocks.Paragraph, blocks.KeyValues, blocks.Heading)


def _body(items: tuple[blocks.Block, ...]):
    """The blocks' HTML; the block before a signature block is wrapped with it in one
    unbreakable sign-off, so the signatures never stand alone on a page."""
    held: blocks.Block | None = None
    for block in items:
        if isinstance(block, blocks.SignatureBlock):
            before = _block(held) if held is not None else Markup("")
            held = None
            yield Markup('<div class="sign-off">%s%s</div>') % (before, _block(block))
            continue
        if held is not None:
            yield _block(held)
            held = None
        if isinstance(block, _KEEP_WITH_SIGNATURES):
            held = block
        else:
            yield _block(block)
    if held is not None:
        yield _block(held)


def to_html(document: blocks.Document) -> str:
    """The whole document as one HTML page for WeasyPrint."""
    dates = Markup("")
    if document.created_at is not None:
        stamp = document.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        dates = Markup(
            '<meta name="dcterms.created" content="%s"><meta name="dcterms.modified" content="%s">'
        ) % (stamp, stamp)
    head = Markup(
        '<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8"><title>%s</title>'
        '<meta name="author" content="%s"><meta name="description" content="%s">%s</head><body>'
    ) % (document.lang, document.title, document.author, document.subject, dates)
    furniture = Markup('<div class="footer-text">%s</div>') % document.footer
    if document.watermark:
        furniture += Markup('<div class="watermark" aria-hidden="true">%s</div>') % (
            document.watermark
        )
    title = Markup('<h1 class="doc-title">%s</h1>') % _spaced_title(document.title)
    body = Markup("").join(_body(document.blocks))
    return str(
        head + furniture + (body if document.has_cover else title + body) + Markup("</body></html>")
    )


@lru_cache(maxsize=1)
def _document_html_class():
    """WeasyPrint's HTML with our cut-down user-agent stylesheet (docs_templates/ua.css): the
    full HTML5 one made the style cascade half of a contract's render time. WeasyPrint is
    imported here, once per process, as long-lived objects (common/startup.py)."""
    with long_lived():
        from weasyprint import CSS, HTML

    user_agent = CSS(filename=str(DOCS_TEMPLATES / "ua.css"))

    class DocumentHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [user_agent]

    return DocumentHTML


_local = threading.local()


def _font_config():
    """One WeasyPrint FontConfiguration per thread, kept for the life of the process: a fresh
    one per document (WeasyPrint's default) builds a new pango font map and loads the CJK faces
    again, about a quarter of a warm render. (Documents use no @font-face, so nothing of one
    document stays in it for the next.)"""
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


@lru_cache(maxsize=8)
def _stylesheets(extra: str | None) -> tuple:
    from weasyprint import CSS

    sheets = [CSS(filename=str(DOCS_TEMPLATES / "base.css"))]
    if extra:
        sheets.append(CSS(filename=str(DOCS_TEMPLATES / extra)))
    return tuple(sheets)


def render_pdf(
    document: blocks.Document, *, stylesheet: str | None = None, variant: str | None = None
) -> bytes:
    """PDF bytes of `document`; `variant="pdf/a-3b"` for the archive."""
    # WeasyPrint is imported late (in _document_html_class): loading pango is slow and
    # `doctor` checks it first
    html = _document_html_class()(string=to_html(document), base_url=str(DOCS_TEMPLATES) + "/")
    options = {"stylesheets": list(_stylesheets(stylesheet)), "font_config": _font_config()}
    if document.attachments:
        from weasyprint import Attachment

        options["attachments"] = [
            Attachment(
                string=item.data,
                name=item.name,
                description=item.description,
                relationship=item.relationship,
                created=document.created_at,
                modified=document.created_at,
            )
            for item in document.attachments
        ]
    if not variant:
        return html.write_pdf(**options)
    with warnings.catch_warnings():
        # WeasyPrint 70 opens its sRGB profile for PDF/A and never closes it; the file is
        # dropped (and warned about) inside write_pdf, so the warning is silenced just here.
        warnings.simplefilter("ignore", ResourceWarning)
        return html.write_pdf(pdf_variant=variant, **options)
