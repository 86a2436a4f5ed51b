"""The record of one piece of background work: what ran, for whom, how far it got, and why it
failed. Foreign keys name tables, so this low area imports no other area's models."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.common.timeutil import utcnow
from webapp.common.types import UTCDateTime, enum_column
from webapp.extensions import db


class JobState(enum.Enum):
    QUEUED = "queued"  # recorded; handed to the queue, or waiting for the queue to come back
    RUNNING = "running"
    RETRYING = "retrying"  # failed, another attempt is scheduled (backoff)
    DONE = "done"
    FAILED = "failed"  # out of attempts

    @property
    def label(self) -> str:
        from flask_babel import gettext as _

        return {
            "queued": _("Queued"),
            "running": _("Running"),
            "retrying": _("Failed, will retry"),
            "done": _("Done"),
            "failed": _("Failed"),
        }[self.value]


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        sa.Index("ix_jobs_subject", "name", "subject"),
        sa.Index("ix_jobs_state_updated", "state", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))  # the registered task name
    args: Mapped[list] = mapped_column(sa.JSON, default=list)
    subject: Mapped[str] = mapped_column(sa.String(200), default="")  # args joined, for lookups
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[JobState] = mapped_column(enum_column(JobState), default=JobState.QUEUED)
    enqueued: Mapped[bool] = mapped_column(default=False)  # the queue accepted it
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=1)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    progress: Mapped[str | None] = mapped_column(sa.String(200))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))  # the request that started it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last attempt's
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def error_summary(self) -> str | None:
        """What the page shows: the kind of failure, not its text (which may name hosts or SQL;
        the log has it under `request_id`)."""
        if not self.last_error:
            return None
        return self.last_error.split(":", 1)[0]

    @property
    def is_failed(self) -> bool:
        return self.state in (JobState.FAILED, JobState.RETRYING)

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
