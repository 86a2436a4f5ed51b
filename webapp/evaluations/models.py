"""The evaluation's weights and grade thresholds as the administrator saved them, one row per
key (weight_sales, grade_A…); a key without a row takes webapp.evaluations.scoring's default."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.common.timeutil import utcnow
from webapp.common.types import UTCDateTime
from webapp.extensions import db


class EvaluationSetting(db.Model):
    __tablename__ = "evaluation_weights"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)  # weight_sales, grade_A…
    value: Mapped[int] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
