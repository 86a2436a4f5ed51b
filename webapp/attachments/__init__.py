"""Attachments (附件) on records: approval requests (per round) and visit records. Files are
checked by content (magic bytes), size-limited, stored once by SHA-256 in the document store,
and visible exactly to those who can see the record they belong to.

- `models.py`    the Attachment row
- `registry.py`  AttachmentTarget and register_target (how an area lets files be attached)
- `service.py`   add, list, read; the type and size checks
- `views.py`     upload, download (always as an attachment, nosniff), preview, the panel
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The routes, the size limit, and the visit target (accounts sits below this area; the
    request target is registered by approvals, which sits above)."""
    from webapp.accounts.visit_panels import register_visit_panel
    from webapp.attachments import service, views
    from webapp.attachments.registry import register_target

    app.config.setdefault("ATTACHMENT_MAX_BYTES", service.DEFAULT_MAX_BYTES)
    app.register_blueprint(views.bp)
    register_target(app, service.VISIT_TARGET)
    register_visit_panel(app, "attachments", service.VISIT_PANEL_LABEL, "attachments.visit_panel")
