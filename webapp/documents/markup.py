"""From a document template to the document model.

A document type's template lives under ``docs_templates/<kind>/`` and is a Jinja template that
writes a small XML vocabulary; this module renders it in its own Jinja environment (never the
page templates' one), parses the XML and builds `webapp.documents.blocks.Document`.

Why XML: the Jinja environment autoescapes, so any user text (``<script>``, ``&``, quotes) is
escaped once on output and comes back literally from the parser; XML-illegal control characters
(``\\x0b``, ``\\x00``…) are removed from every value on output by the environment's ``finalize``.
A template error (an undefined field, a syntax error) or malformed XML raises `TemplateError`
naming the template, the line and the field, so no half document is ever produced.

The vocabulary (one element per model block; text of an element is stripped at both ends,
inner line breaks are kept)::

    <document title="…" footer="…" watermark="草稿" subject="…" author="…">
      <cover title="…" subtitle="…"><line>…</line><image width="40">{{ png|b64 }}</image></cover>
      <h1>…</h1> <h2>…</h2> <h3>…</h3>
      <clause no="3.1">…</clause>
      <p align="left|center|right" bold="1" small="1">…</p>
      <table widths="6,30,10" align="center,left,right">
        <thead><tr><td>…</td>…</tr></thead>
        <tbody><tr><td>…</td>…</tr>…</tbody>
        <tfoot><tr><td>…</td>…</tr></tfoot>
      </table>
      <kv columns="2" title="…"><item label="…">…</item>…</kv>
      <signatures closing="（以下无正文）"><party title="甲方（盖章）">
        <line label="代表人（签字）" sign="1">name printed below the line</line>
        <line label="日期">…</line>…</party>…</signatures>
      <image width="150" caption="…" keep="next">{{ chart_png|b64 }}</image>
      <pagebreak/>
    </document>

Filters available in document templates: ``money`` (¥1,234.50), ``num`` (1,234.50 without the
sign), ``qty`` (10, 0.5), ``capital`` (大写金额), ``cn_date`` (2026年11月23日), ``b64`` (bytes →
base64 for images), ``or_dash`` (empty → —). Undefined names are errors (StrictUndefined): a
template that mistypes a field fails loudly instead of printing an empty string.
"""

from __future__ import annotations

import base64
import binascii
import re
import sys
import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from webapp.common.errors import DomainError
from webapp.common.money import amount_in_words
from webapp.common.timeutil import to_local
from webapp.documents import blocks

DOCS_TEMPLATES = Path(__file__).resolve().parents[2] / "docs_templates"

# Characters XML 1.0 cannot carry: C0 controls except tab, newline, carriage return; the
# surrogates and the two non-characters U+FFFE/U+FFFF.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class TemplateError(DomainError):
    """A document template or its data is wrong; the message names template, line and field."""


def clean_text(value: str) -> str:
    """Remove the characters neither XML (so neither DOCX) nor a PDF text layer can carry."""
    return _ILLEGAL_XML.sub("", value)


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return Markup(clean_text(str(value)))
    if isinstance(value, str):
        return clean_text(value)
    return value


def money(value: Decimal | None) -> str:
    return "" if value is None else f"¥{Decimal(value):,.2f}"


def num(value: Decimal | int | None) -> str:
    """An amount without the currency sign: 1,234.50."""
    return "" if value is None else f"{Decimal(value):,.2f}"


def qty(value: Decimal | int | None) -> str:
    """A quantity as people write it: 10, 0.5, 1,250.25 (no trailing zeros)."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0")


def cn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def or_dash(value: Any) -> Any:
    return value if value not in (None, "") else "—"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(DOCS_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        money=money,
        num=num,
        qty=qty,
        capital=amount_in_words,
        cn_date=cn_date,
        b64=b64,
        or_dash=or_dash,
    )
    return env


def _template_line(template: str) -> int | None:
    """The line of `template` where the exception being handled arose (Jinja rewrites the
    traceback so template frames carry the template's file name and line)."""
    tb = sys.exc_info()[2]
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(template):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_xml(template: str, context: dict) -> str:
    """Render a document template to its XML text; TemplateError on any template fault."""
    try:
        return environment().get_template(template).render(**context)
    except jinja2.TemplateNotFound as error:
        raise TemplateError(f"document template {error.name} not found") from None
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(
            f"document template {template}, line {error.lineno}: {error.message}"
        ) from None
    except jinja2.UndefinedError as error:
        line = _template_line(template)
        where = f", line {line}" if line else ""
        raise TemplateError(
            f"document template {template}{where}: missing field ({error.message})"
        ) from None


def render_document(template: str, context: dict) -> blocks.Document:
    """Render `template` with `context` and build the document model."""
    text = render_xml(template, context)
    try:
        return parse(text)
    except ET.ParseError as error:
        line = error.position[0] if error.position else "?"
        raise TemplateError(
            f"document template {template} produced malformed XML at line {line}: {error}"
        ) from None
    except (ValueError, KeyError) as error:
        raise TemplateError(f"document template {template}: {error}") from None


# --- XML → model ------------------------------------------------------------------------------


# What the template's own layout puts around a value: ASCII white space only. The ideographic
# space U+3000 is content (a clause's 　　 first-line indent) and is kept.
_LAYOUT_SPACE = " \t\r\n"


def _text(element: ET.Element) -> str:
    """The element's whole text content (children's text included), without the template's
    indentation at both ends (ideographic spaces are kept)."""
    return "".join(element.itertext()).strip(_LAYOUT_SPACE)


def _flag(element: ET.Element, name: str) -> bool:
    return element.get(name, "").strip().lower() in {"1", "true", "yes"}


def _align(value: str | None) -> blocks.Align:
    value = (value or "left").strip()
    if value not in ("left", "right", "center"):
        raise ValueError(f"alignment must be left, right or center, not {value!r}")
    return value  # type: ignore[return-value]


def _image(element: ET.Element) -> blocks.Image:
    try:
        data = base64.b64decode("".join(element.itertext()).strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("<image> must contain base64 data (use the b64 filter)") from None
    image = blocks.Image(
        data=data,
        width_mm=float(element.get("width", "150")),
        caption=element.get("caption", "").strip(),
        keep_with_next=element.get("keep", "").strip() == "next",
    )
    image.mime  # noqa: B018  (refuses anything but PNG and JPEG now, not in a renderer)
    return image


def _rows(element: ET.Element | None) -> tuple[tuple[str, ...], ...]:
    if element is None:
        return ()
    return tuple(tuple(_text(td) for td in tr.findall("td")) for tr in element.findall("tr"))


def _table(element: ET.Element) -> blocks.Table:
    header = _rows(element.find("thead"))
    if len(header) != 1:
        raise ValueError("a <table> needs exactly one header row in <thead>")
    widths = tuple(float(w) for w in element.get("widths", "").split(",") if w.strip())
    align = tuple(_align(a) for a in element.get("align", "").split(",") if a.strip())
    return blocks.Table(
        header=header[0],
        rows=_rows(element.find("tbody")),
        widths=widths,
        align=align,
        footer=_rows(element.find("tfoot")),
    )


def _block(element: ET.Element) -> blocks.Block:
    tag = element.tag
    if tag in ("h1", "h2", "h3"):
        return blocks.Heading(_text(element), int(tag[1]))
    if tag == "p":
        return blocks.Paragraph(
            _text(element),
            align=_align(element.get("align")),
            bold=_flag(element, "bold"),
            small=_flag(element, "small"),
        )
    if tag == "clause":
        return blocks.Clause(element.get("no", "").strip(), _text(element))
    if tag == "table":
        return _table(element)
    if tag == "kv":
        return blocks.KeyValues(
            items=tuple((i.get("label", "").strip(), _text(i)) for i in element.findall("item")),
            columns=int(element.get("columns", "1")),
            title=element.get("title", "").strip(),
        )
    if tag == "signatures":
        return blocks.SignatureBlock(
            closing=element.get("closing", "").strip(),
            parties=tuple(
                blocks.SignatureParty(
                    title=party.get("title", "").strip(),
                    lines=tuple(
                        blocks.SignatureLine(
                            line.get("label", "").strip(), _text(line), _flag(line, "sign")
                        )
                        for line in party.findall("line")
                    ),
                )
                for party in element.findall("party")
            ),
        )
    if tag == "image":
        return _image(element)
    if tag == "pagebreak":
        return blocks.PageBreak()
    if tag == "cover":
        image = element.find("image")
        return blocks.Cover(
            title=element.get("title", "").strip(),
            subtitle=element.get("subtitle", "").strip(),
            lines=tuple(_text(line) for line in element.findall("line")),
            image=_image(image) if image is not None else None,
        )
    raise ValueError(f"unknown element <{tag}>")


def parse(text: str) -> blocks.Document:
    root = ET.fromstring(text)
    if root.tag != "document":
        raise ValueError(f"the root element must be <document>, not <{root.tag}>")
    return blocks.Document(
        title=root.get("title", "").strip(),
        blocks=tuple(_block(child) for child in root),
        footer=root.get("footer", "").strip(),
        watermark=root.get("watermark", "").strip(),
        subject=root.get("subject", "").strip(),
        author=root.get("author", "").strip(),
        lang=root.get("lang", "zh-CN").strip(),
    )
