"""Warming the document renderers when a worker starts, so its first PDF is as fast as the
next ones (issue 17: the first PDF in a fresh web worker took 1–2.5 s, a warm one a fraction).

`warm_up(app)` is called by `webapp.wsgi` (every gunicorn worker) after `create_app`, never at
import and never in tests. It loads WeasyPrint and pango, the CJK faces (regular and bold,
both families, the Extension B–G face), parses the print CSS, compiles every registered
document template, checks the fonts once, computes the font digest of the render key, and
builds the DOCX template, by rendering a small document that uses every kind of block.
`flask render KIND --all` warms only what its workers will use (`kinds`, `formats`): the
batch counts its warm-up in its documents per second, and a PDF batch never needs Word's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection

from flask import Flask

from webapp.documents import blocks

log = logging.getLogger(__name__)

SAMPLE = blocks.Document(
    title="预热 Warm-up 文档",
    footer="KeyDesk · 预热",
    watermark="草稿",
    blocks=(
        blocks.Paragraph("合同编号：HT-2026-00000", align="right"),
        blocks.KeyValues((("供方", "华东精工 Ltd."), ("需方", "王𠀀𪚥")), columns=2),
        blocks.Heading("一、标的 Subject"),
        blocks.Table(
            ("序号", "产品名称", "金额（元）"),
            (("1", "冷轧钢板 KD-2000", "1,234.50"),),
            align=("center", "left", "right"),
            footer=(("", "合计", "1,234.50"),),
        ),
        blocks.Clause("1.1", "供需双方 agree。"),
        blocks.Paragraph("加粗 Bold", bold=True),
        blocks.SignatureBlock(
            (blocks.SignatureParty("供方（盖章）", (("签字", "张伟", True), ("日期", ""))),),
            closing="（以下无正文）",
        ),
    ),
)


def warm_up(
    app: Flask,
    kinds: Collection[str] | None = None,
    formats: Collection[str] = ("pdf", "docx"),
) -> float:
    """Warm the renderers of `app`'s process for the document types `kinds` (None: every
    registered one) in `formats` ("pdf" warms PDF/A too: the same renderer); returns the
    seconds it took (logged). A failure is logged and ignored: the first document then simply
    renders cold."""
    from webapp.documents import keys, markup, service
    from webapp.documents.registry import document_types

    start = time.perf_counter()
    try:
        with app.test_request_context():
            types = [t for t in document_types() if kinds is None or t.kind in kinds]
            environment = markup.environment()
            for doc_type in types:
                environment.get_template(doc_type.template)
            keys.fonts_digest()
            keys.catalogue_digest()
            if {"pdf", "pdfa"} & set(formats):
                from webapp.documents.pdf import render_pdf

                service._require_fonts()
                for stylesheet in dict.fromkeys(t.stylesheet for t in types) or (None,):
                    render_pdf(SAMPLE, stylesheet=stylesheet)
            if "docx" in formats:
                from webapp.documents.docx import render_docx

                render_docx(SAMPLE)
    except Exception:  # a worker must start even if documents cannot be rendered
        log.exception("warming up the document renderers failed")
    seconds = time.perf_counter() - start
    log.info("document renderers warmed up in %.2f s", seconds)
    return seconds
