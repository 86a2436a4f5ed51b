"""Generated documents (DOMAIN.md "Generated documents"): one description per document type,
two renderers (PDF through WeasyPrint, DOCX through python-docx), immutable versioned storage.

- `blocks.py`    the document model (Document, Heading, Clause, Paragraph, Table, KeyValues,
                 SignatureBlock, Image, PageBreak, Cover)
- `markup.py`    docs_templates/ Jinja templates → XML → the model (see its docstring)
- `pdf.py`, `docx.py`  the two renderers (`wordml.py`: the DOCX's styles, font table and XML)
- `registry.py`  DocumentType and register_document_type (how other areas add documents)
- `service.py`   generate(user, kind, source_id, fmt), render_bytes(kind, context, fmt)
- `storage.py`   the file store (KEYDESK_DOCUMENT_DIR), atomic writes
- `fonts.py`     faces and the `flask doctor` checks;  `cli.py`  `flask render`, `flask doctor`
- `keys.py`      the render key of stored copies (language and catalogue, fonts, template…)
- `warmup.py`    warming the renderers when a web worker starts (webapp/wsgi.py)
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The document store folder (KEYDESK_DOCUMENT_DIR), the download routes, `flask render`
    and `flask doctor`. The document types come from the areas that own the records."""
    from webapp.documents import cli, fonts, keys, storage, views
    from webapp.ops.health import register_readiness_check

    storage.configure(app)
    app.register_blueprint(views.bp)
    cli.register_document_commands(app)
    register_readiness_check(app, "fonts", fonts.ready)
    register_readiness_check(app, "catalogues", keys.catalogues_ready)
