"""In-app notifications (generic: any area may write one) and the single-use action links that
approval e-mails carry.

Neither model imports an area's models: foreign keys name tables, so lower areas (warnings,
proposals) can reuse `Notification` without an import cycle.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.common.timeutil import utcnow
from webapp.common.types import UTCDateTime
from webapp.extensions import db


class Notification(db.Model):
    """One message for one user: a title, an optional body and a link inside the app.

    `key`, when given, makes a notification idempotent per user: the same event announced twice
    (a retried signal, a reassignment after the step was announced) is stored once.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "key", name="uq_notifications_user_key"),
        sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))  # "approval.waiting", "warning.new", …
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str | None] = mapped_column(sa.Text)
    link: Mapped[str | None] = mapped_column(sa.String(500))  # a path inside the app
    key: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailActionToken(db.Model):
    """A link in an approval e-mail that lets one approver take one decision on one step of one
    round, without signing in. Only a SHA-256 of the random token is stored, so the table alone
    opens nothing; `used_at` is set by a conditional UPDATE in the decision's transaction."""

    __tablename__ = "mail_action_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("approval_requests.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("approval_steps.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column()
    request_version: Mapped[int] = mapped_column()  # the request as the mail described it
    decision: Mapped[str] = mapped_column(sa.String(16))  # approve / reject / return
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMail(db.Model):
    """One e-mail to send, written in the same transaction as what it tells of. A sender claims
    rows (a lease: `claimed_at`), sends, and marks each `sent_at` right after the SMTP server
    accepted it; `message_id` is fixed when the row is written, so a resend after a crash in
    that instant carries the same Message-ID."""

    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_unsent", "sent_at", "claimed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    recipient: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(300))
    raw: Mapped[bytes] = mapped_column(sa.LargeBinary)  # the whole message, as sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim: Mapped[str | None] = mapped_column(sa.String(40))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
