"""Helpers for the generated-document tests: a complete contract through the contracts service,
and the text of a PDF (pdftotext) and of a DOCX (python-docx), normalised for comparison."""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter

import docx
from docx.oxml.ns import qn

from tests.web.contract_data import LINES, draft_input
from webapp.contracts import service as contracts

RARE_NAMES = ("王䶮", "李堃", "张喆", "赵珺")


def make_contract(user, account, lines=LINES, **overrides):
    """A complete draft contract of `account`, drafted by `user` (in a request context)."""
    return contracts.create_contract(user, account.id, draft_input(lines=lines, **overrides))


def pdf_text(data: bytes, raw: bool = False) -> str:
    """The PDF's text; `raw`: in the order the PDF draws it (cell after cell, as written),
    not the order of the lines on the page."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else []), "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


def docx_body_text(data: bytes) -> str:
    """The text of the document body in order (header and footer are page furniture)."""
    document = docx.Document(io.BytesIO(data))
    return "".join(node.text or "" for node in document.element.body.iter(qn("w:t")))


def docx_footer_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    footer = document.sections[0].footer._element
    return "".join(node.text or "" for node in footer.iter(qn("w:t"), qn("w:instrText")))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_content(data: bytes, footer: str, watermark: str, raw: bool = False) -> str:
    """The PDF's text without page furniture (footer, page numbers, watermark), squeezed."""
    # pdftotext marks right-to-left runs with bidi controls the document does not contain
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", squeeze(pdf_text(data, raw)))
    text = text.replace(squeeze(footer), "") if footer else text
    pages = len(re.findall(r"第\d+页共\d+页", text))
    text = re.sub(r"第\d+页共\d+页", "", text)
    # The rotated watermark comes out once a page, its characters not always side by side.
    for character in squeeze(watermark):
        text = text.replace(character, "", pages)
    return text


def same_characters(a: str, b: str) -> tuple[Counter, Counter]:
    """What one text has that the other lacks (both empty when they carry the same content)."""
    ca, cb = Counter(a), Counter(b)
    return ca - cb, cb - ca
