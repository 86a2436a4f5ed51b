"""Export jobs (a big export built in the background) and saved views (a user's named filter
and sort of a list)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from webapp.common.enums import LabelledEnum, set_labels
from webapp.common.timeutil import utcnow
from webapp.common.types import UTCDateTime, enum_column
from webapp.extensions import db


class ExportState(LabelledEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


set_labels(
    {
        ExportState.QUEUED: _l("Waiting to start"),
        ExportState.RUNNING: _l("Being built"),
        ExportState.DONE: _l("Ready"),
        ExportState.FAILED: _l("Failed"),
    }
)


class ExportJob(db.Model):
    """A list export too big for one request: built by the `exports.build` task, downloaded by
    its requester only."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    list_key: Mapped[str] = mapped_column(sa.String(40))
    args: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    fmt: Mapped[str] = mapped_column(sa.String(4))
    state: Mapped[ExportState] = mapped_column(enum_column(ExportState), default=ExportState.QUEUED)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    filename: Mapped[str] = mapped_column(sa.String(120))
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def percent(self) -> int:
        if self.state is ExportState.DONE:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0

    @property
    def is_done(self) -> bool:
        return self.state is ExportState.DONE

    @property
    def is_finished(self) -> bool:
        return self.state in (ExportState.DONE, ExportState.FAILED)


class SavedView(db.Model):
    """A list's filter and sort saved under a name; only its owner sees it."""

    __tablename__ = "saved_views"
    __table_args__ = (sa.UniqueConstraint("user_id", "name", name="uq_saved_views_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    list_key: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(60))
    args: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
