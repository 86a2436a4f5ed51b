"""One attached file: which record it belongs to (and which round of a request), what it is
(detected from its content), and where its bytes are (the document store, by SHA-256)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.common.timeutil import utcnow
from webapp.common.types import UTCDateTime
from webapp.extensions import db


class Attachment(db.Model):
    __tablename__ = "attachments"
    __table_args__ = (sa.Index("ix_attachments_target_record", "target", "record_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(sa.String(20))  # "request", "visit"
    record_id: Mapped[int] = mapped_column()
    round: Mapped[int | None] = mapped_column()  # a request's round it was added to
    filename: Mapped[str] = mapped_column(sa.String(200))
    extension: Mapped[str] = mapped_column(sa.String(10))  # detected from the content
    mime: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(100))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User] = relationship()

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.mime == "application/pdf"

    @property
    def can_preview(self) -> bool:
        """Images and PDFs open in the browser; Office files are only downloaded."""
        return self.is_image or self.is_pdf

    @property
    def size_label(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / 1024 / 1024:.1f} MB"
        return f"{max(self.size // 1024, 1)} KB"
