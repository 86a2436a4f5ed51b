"""The append-only audit log: who changed which field of which record, when, from what to what.

Entries are only ever inserted; a flush that would update or delete one is refused. Each names
its record for people (`subject`: a contract's number, a contact's name) and, when a deputy
acted, for whom (`on_behalf_of`). Values are stored raw (`display_value`); the account's history
tab (accounts/history.py) turns them into labels, money and dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from webapp.auth.models import User
from webapp.common.timeutil import utcnow
from webapp.common.types import UTCDateTime
from webapp.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_entity", "entity_type", "entity_id", "id"),
        # the account's history, newest first, one page at a time
        sa.Index("ix_audit_account_id_id", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    entity_type: Mapped[str] = mapped_column(sa.String(32))
    entity_id: Mapped[int] = mapped_column()
    # The account a change belongs to, so an account page can show its whole history.
    account_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(16))  # create | update | delete
    field: Mapped[str | None] = mapped_column(sa.String(64))
    old_value: Mapped[str | None] = mapped_column(sa.Text)
    new_value: Mapped[str | None] = mapped_column(sa.Text)
    # Personal data (a decision maker's birthday, hometown…) shows only to the account's team.
    sensitive: Mapped[bool] = mapped_column(default=False)
    # The record's version after this change, so a stale form can list what it missed.
    version: Mapped[int | None] = mapped_column()
    # The record as people name it when the change was made ("HT-2026-00012", "陈总").
    subject: Mapped[str | None] = mapped_column(sa.String(120))
    # A deputy's change made for the person they stand in for ("X for Y").
    on_behalf_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    on_behalf_of: Mapped[User | None] = relationship(foreign_keys=[on_behalf_of_id])


@event.listens_for(Session, "before_flush")
def _refuse_audit_rewrites(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise RuntimeError("audit entries are append-only")


def display_value(value: object) -> str | None:
    """How a stored value reads in the log: enums by their code, money with two places."""
    if value is None or value == "":
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, str | None]:
    return {name: display_value(getattr(obj, name)) for name in fields}


def record_changes(
    *,
    actor: User | None,
    entity_type: str,
    entity_id: int,
    account_id: int | None,
    before: Mapping[str, str | None],
    after: Mapping[str, str | None],
    version: int | None,
    sensitive_fields: frozenset[str] = frozenset(),
    action: str = "update",
    subject: str | None = None,
    on_behalf_of: User | None = None,
) -> list[AuditEntry]:
    """Add one entry per changed field (create: per filled field). The caller commits."""
    entries = []
    for name, new in after.items():
        old = before.get(name)
        if old == new:
            continue
        entry = AuditEntry(
            actor_id=actor.id if actor else None,
            entity_type=entity_type,
            entity_id=entity_id,
            account_id=account_id,
            action=action,
            field=name,
            old_value=old,
            new_value=new,
            sensitive=name in sensitive_fields,
            version=version,
            subject=_subject(subject),
            on_behalf_of_id=_deputised(actor, on_behalf_of),
        )
        db.session.add(entry)
        entries.append(entry)
    return entries


def record_revision(
    actor: User | None,
    entity_type: str,
    record,
    before: Mapping[str, str | None],
    after: Mapping[str, str | None],
    *,
    subject: str | None,
    action: str = "update",
) -> list[AuditEntry]:
    """`record_changes` for a saved record with numbered lines (a contract, a proposal): the
    record's id, account and version go with each entry, and a line the save removed (in
    `before`, gone from `after`) is recorded as emptied."""
    after = dict(after)
    for name in before.keys() - after.keys():
        after[name] = None
    return record_changes(
        actor=actor,
        entity_type=entity_type,
        entity_id=record.id,
        account_id=record.account_id,
        before=before,
        after=after,
        version=record.version,
        action=action,
        subject=subject,
    )


def record_event(
    *,
    actor: User | None,
    entity_type: str,
    entity_id: int,
    account_id: int | None,
    action: str,
    subject: str | None = None,
    on_behalf_of: User | None = None,
    detail: str | None = None,
) -> AuditEntry:
    """One entry for something done to a record as a whole (created, sent, approved…);
    `detail` says more when there is more (a link's recipient, a decision's comment)."""
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        entity_type=entity_type,
        entity_id=entity_id,
        account_id=account_id,
        action=action,
        new_value=detail[:2000] if detail else None,
        subject=_subject(subject),
        on_behalf_of_id=_deputised(actor, on_behalf_of),
    )
    db.session.add(entry)
    return entry


def _subject(subject: str | None) -> str | None:
    return subject[:120] if subject else None


def _deputised(actor: User | None, on_behalf_of: User | None) -> int | None:
    if on_behalf_of is None or (actor is not None and on_behalf_of.id == actor.id):
        return None
    return on_behalf_of.id


def entries_since(entity_type: str, entity_id: int, version: int) -> list[AuditEntry]:
    """The changes made to a record after the given version, oldest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(
                AuditEntry.entity_type == entity_type,
                AuditEntry.entity_id == entity_id,
                AuditEntry.version > version,
            )
            .order_by(AuditEntry.id)
        )
    )
