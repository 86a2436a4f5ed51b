"""Generated documents: every file the generator produced, stored once and never changed.

DOMAIN.md "Generated documents". The bytes live in the document store (`storage.py`, a folder
addressed by SHA-256); this row says what the file is: which kind of document, for which source
record in which of its versions, from which template version, in which format, who generated it
and when. A new row (the next `version` of that document and format) appears only when the
source or the template changed; otherwise the stored file is reused.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.common.timeutil import utcnow
from webapp.common.types import UTCDateTime
from webapp.extensions import db

FORMATS = ("pdf", "docx", "pdfa")
MIME_TYPES = {
    "pdf": "application/pdf",
    "pdfa": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {"pdf": "pdf", "pdfa": "pdf", "docx": "docx"}


class GeneratedDocument(db.Model):
    __tablename__ = "generated_documents"
    __table_args__ = (
        sa.UniqueConstraint(
            "kind", "source_id", "fmt", "version", name="uq_generated_documents_version"
        ),
        sa.Index(
            "ix_generated_documents_source",
            "kind",
            "source_id",
            "fmt",
            "source_version",
            "render_key",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    source_id: Mapped[int] = mapped_column()
    source_version: Mapped[str] = mapped_column(sa.String(40))
    template_version: Mapped[str] = mapped_column(sa.String(40))
    # SHA-256 of everything besides the record that changes the bytes: template version,
    # language and the compiled catalogue, fonts, branding, renderer (service.render_key)
    render_key: Mapped[str] = mapped_column(sa.String(64), server_default="")
    fmt: Mapped[str] = mapped_column(sa.String(8))  # pdf, docx, pdfa (PDF/A-3b)
    version: Mapped[int] = mapped_column()  # 1, 2, … per kind, source and format
    filename: Mapped[str] = mapped_column(sa.String(200))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship()

    @property
    def mime(self) -> str:
        return MIME_TYPES[self.fmt]


class StoredFile(db.Model):
    """The bytes of a stored file when DOCUMENT_STORAGE=database (storage.py): generated
    documents and attachments, addressed by the same key as in the folder, written once."""

    __tablename__ = "stored_files"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
