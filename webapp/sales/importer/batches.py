"""Import batches: an upload stored in the database and processed outside the request (dry
run, then the import once confirmed), claimed by one worker at a time, its progress and
heartbeat kept in the database so any app server can show it or resume it. Also the CLI's
path, which checks and imports a file in one go without a batch."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from webapp.auth.models import User
from webapp.common.timeutil import utcnow
from webapp.extensions import db
from webapp.sales.importer.cells import FileRefused, shown
from webapp.sales.importer.evaluate import CHUNK, Result, evaluate, write
from webapp.sales.importer.kinds import KINDS, detect_kind
from webapp.sales.importer.tables import read_table
from webapp.sales.models import BatchStatus, ImportBatch, ImportKind, ImportRow, RowOutcome


def create_batch(user: User, filename: str, data: bytes, kind: ImportKind | None) -> ImportBatch:
    batch = ImportBatch(
        kind=kind,
        filename=filename[:200] or "upload",
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        size=len(data),
        uploaded_by_id=user.id,
        status=BatchStatus.QUEUED,
    )
    db.session.add(batch)
    db.session.commit()
    return batch


def _claim(batch_id: int, from_status: BatchStatus, to_status: BatchStatus) -> bool:
    """Take the batch for this worker: one conditional UPDATE, so two workers never both run."""
    claimed = db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch_id, ImportBatch.status == from_status)
        .values(status=to_status, heartbeat_at=utcnow())
    ).rowcount
    db.session.commit()
    return claimed == 1


def recover_stale(batch_id: int, max_age: timedelta = timedelta(minutes=2)) -> bool:
    """A worker that stopped sending heartbeats died with its process (the import's own
    transaction rolled back with it): put the batch back where it was, to be run again."""
    stale = utcnow() - max_age
    recovered = 0
    for running, back in (
        (BatchStatus.CHECKING, BatchStatus.QUEUED),
        (BatchStatus.IMPORTING, BatchStatus.CHECKED),
    ):
        recovered += db.session.execute(
            sa.update(ImportBatch)
            .where(
                ImportBatch.id == batch_id,
                ImportBatch.status == running,
                ImportBatch.heartbeat_at < stale,
            )
            .values(status=back)
        ).rowcount
    db.session.commit()
    return bool(recovered)


def work_on(batch_id: int) -> None:
    """The background task: first take back a batch whose worker died (its heartbeat older than
    IMPORT_STALE_SECONDS; its uncommitted import rolled back with it), then run it."""
    age = float(current_app.config.get("IMPORT_STALE_SECONDS", 120))
    recover_stale(batch_id, max_age=timedelta(seconds=age))
    process_batch(batch_id)


def process_batch(batch_id: int) -> None:
    """Run whatever the batch waits for: its dry run (QUEUED), or its import (commit requested).
    Safe to call from several places at once: only the claimant works."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        return
    if batch.status is BatchStatus.QUEUED and _claim(
        batch_id, BatchStatus.QUEUED, BatchStatus.CHECKING
    ):
        _run(batch_id, write_rows=False)
    batch = db.session.get(ImportBatch, batch_id)
    db.session.refresh(batch)
    if (
        batch.status is BatchStatus.CHECKED
        and batch.commit_requested
        and _claim(batch_id, BatchStatus.CHECKED, BatchStatus.IMPORTING)
    ):
        _run(batch_id, write_rows=True)


def _run(batch_id: int, write_rows: bool) -> None:
    batch = db.session.get(ImportBatch, batch_id)
    db.session.refresh(batch)
    user = batch.uploaded_by

    def progress(count: int) -> None:
        db.session.execute(
            sa.update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(processed_rows=count, heartbeat_at=utcnow())
        )
        db.session.commit()

    try:
        table = read_table(batch.filename, batch.data)
        kind = batch.kind or detect_kind(table.header)
        db.session.execute(
            sa.update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(kind=kind, total_rows=table.total, header=[shown(h) for h in table.header])
        )
        db.session.commit()
        result = evaluate(KINDS[kind], table, user, progress)
    except FileRefused as refused:
        db.session.rollback()
        db.session.execute(
            sa.update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(
                status=BatchStatus.FAILED,
                message=json.dumps({"code": refused.code, "params": refused.params}),
                checked_at=utcnow(),
            )
        )
        db.session.commit()
        return
    except Exception:
        db.session.rollback()
        db.session.execute(
            sa.update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(status=BatchStatus.FAILED, message=json.dumps({"code": "internal"}))
        )
        db.session.commit()
        raise
    try:
        store_result(batch_id, result, write_rows)
    except Exception:
        # Nothing of the import stays (one transaction); the dry run can be confirmed again.
        db.session.rollback()
        db.session.execute(
            sa.update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(
                status=BatchStatus.CHECKED if write_rows else BatchStatus.FAILED,
                commit_requested=False,
                message=json.dumps({"code": "internal"}),
            )
        )
        db.session.commit()
        raise


def store_result(batch_id: int, result: Result, write_rows: bool) -> None:
    """Replace the batch's row outcomes and counts; with write_rows also write the good rows,
    all in one transaction: either the whole import lands or nothing of it."""
    now = utcnow()
    db.session.execute(sa.delete(ImportRow).where(ImportRow.batch_id == batch_id))
    for start in range(0, len(result.outcomes), CHUNK):
        rows = [{"batch_id": batch_id, **o} for o in result.outcomes[start : start + CHUNK]]
        db.session.execute(ImportRow.__table__.insert(), rows)
    if write_rows:
        write(KINDS[result.kind], result, batch_id)
    counts = result.counts
    db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch_id)
        .values(
            kind=result.kind,
            status=BatchStatus.DONE if write_rows else BatchStatus.CHECKED,
            total_rows=len(result.outcomes),
            processed_rows=len(result.outcomes),
            new_rows=counts[RowOutcome.NEW],
            updated_rows=counts[RowOutcome.UPDATE],
            same_rows=counts[RowOutcome.SAME],
            duplicate_rows=counts[RowOutcome.DUPLICATE],
            bad_rows=counts[RowOutcome.BAD],
            heartbeat_at=now,
            message=None,
            **({"imported_at": now} if write_rows else {"checked_at": now}),
        )
    )
    delay = float(current_app.config.get("TEST_IMPORT_DELAY") or 0)
    if write_rows and delay:  # a test hook: the rows are written, not committed; kill me now
        time.sleep(delay)
    db.session.commit()


def import_file(
    filename: str, data: bytes, kind: ImportKind | None, user: User | None, dry_run: bool
) -> Result:
    """Check (and unless dry_run, import) a file in one go, without a batch: the CLI's path."""
    table = read_table(filename, data)
    kind = kind or detect_kind(table.header)
    spec = KINDS[kind]
    result = evaluate(spec, table, user)
    if not dry_run:
        write(spec, result, None)
        db.session.commit()
    return result
