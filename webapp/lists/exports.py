"""Exports of any registered list: what its filter shows, in the user's scope, as .xlsx or CSV.

Up to `EXPORT_BACKGROUND_ROWS` rows (default 2,000) the file is built in the request; above it
an `ExportJob` is recorded and the `exports.build` task builds it in the background, counting
the rows done so the page can show progress. Only the requester may see or download a job
(anyone else: the same NotFound as a missing one)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from webapp.auth.models import User
from webapp.common.background import submit
from webapp.common.errors import NotFound
from webapp.common.timeutil import local_today, utcnow
from webapp.extensions import db
from webapp.lists.models import ExportJob, ExportState
from webapp.lists.registry import Column, Kind, ListSpec, list_spec
from webapp.lists.writer import MIMETYPES, WRITERS

FORMATS = ("xlsx", "csv")
CHUNK = 2000  # rows read per query (each query sorts the list again: fewer is faster)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    mimetype: str
    content: bytes


def filter_line(spec: ListSpec, args: Mapping[str, str]) -> str:
    """The filter in words for the sheet's first line ("Filter: none" when there is none)."""
    words = [f"{label}: {value}" for label, value in spec.describe(spec.normalize(args))]
    text = "; ".join(words) if words else _("none (all records you may see)")
    return _(
        "%(list)s · filter: %(filter)s · exported %(date)s",
        list=str(spec.title),
        filter=text,
        date=local_today().isoformat(),
    )


def count_rows(spec: ListSpec, user: User, args: Mapping[str, str]) -> int:
    if spec.rows is not None:
        return len(spec.rows(user, spec.normalize(args)))
    stmt = spec.query(user, spec.normalize(args)).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0


def iter_rows(spec: ListSpec, user: User, args: Mapping[str, str]) -> Iterator[object]:
    """Every row of the list in its order, read in chunks (the ORM objects of one chunk at a
    time stay in memory)."""
    if spec.rows is not None:
        yield from spec.rows(user, spec.normalize(args))
        return
    stmt = spec.query(user, spec.normalize(args))
    offset = 0
    while True:
        chunk = list(db.session.scalars(stmt.limit(CHUNK).offset(offset)).unique())
        if not chunk:
            return
        yield from (spec.prepare(user, chunk) if spec.prepare else chunk)
        if len(chunk) < CHUNK:
            return
        offset += CHUNK
        db.session.expunge_all()


def _filename(spec: ListSpec, fmt: str) -> str:
    return f"{spec.key}-{local_today().isoformat()}.{fmt}"


def build_file(spec: ListSpec, user: User, args: Mapping[str, str], fmt: str, progress=None):
    content = WRITERS[fmt](
        str(spec.title),
        filter_line(spec, args),
        spec.columns,
        iter_rows(spec, user, args),
        progress,
    )
    return ExportFile(_filename(spec, fmt), MIMETYPES[fmt], content)


def _kind_of(values: list[object]) -> Kind:
    """A computed table's column type, from its first value that is not empty."""
    for value in values:
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            return Kind.TEXT
        if type(value) is Decimal:  # money; a Decimal subclass (a percentage) is a number
            return Kind.MONEY
        if isinstance(value, int | float | Decimal):
            return Kind.NUMBER
        if isinstance(value, date):
            return Kind.DATE
        return Kind.TEXT
    return Kind.TEXT


def table_file(
    name: str, title: str, filter_text: str, headers: list[str], rows: list[list], fmt: str
) -> ExportFile:
    """A table computed in one go (a dashboard figure's list) as a file: the same writers, the
    same typed cells and neutralised text as the registered lists; `name` starts the file's
    name."""
    if fmt not in FORMATS:
        raise NotFound(_("No such list."))
    columns = tuple(
        Column(header, (lambda row, i=i: row[i]), _kind_of([row[i] for row in rows]))
        for i, header in enumerate(headers)
    )
    line = _(
        "%(list)s · filter: %(filter)s · exported %(date)s",
        list=title,
        filter=filter_text or _("none (all records you may see)"),
        date=local_today().isoformat(),
    )
    content = WRITERS[fmt](title, line, columns, rows)
    return ExportFile(f"{name}-{local_today().isoformat()}.{fmt}", MIMETYPES[fmt], content)


def export(user: User, key: str, args: Mapping[str, str], fmt: str) -> ExportFile | ExportJob:
    """The file now, or the job that will build it when the list is big."""
    spec = list_spec(key)
    if spec is None or fmt not in FORMATS:
        raise NotFound(_("No such list."))
    clean = spec.normalize(args)
    total = count_rows(spec, user, clean)
    if total <= current_app.config.get("EXPORT_BACKGROUND_ROWS", 2000):
        return build_file(spec, user, clean, fmt)
    job = ExportJob(
        user_id=user.id,
        list_key=key,
        args=clean,
        fmt=fmt,
        rows_total=total,
        filename=_filename(spec, fmt),
    )
    db.session.add(job)
    db.session.commit()
    submit("exports.build", job.id)
    return job


def build_export(job_id: int) -> None:
    """The `exports.build` task: build the job's file as its requester would see the list."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.state is not ExportState.QUEUED:
        return
    user = db.session.get(User, job.user_id)
    spec = list_spec(job.list_key)
    job.state = ExportState.RUNNING
    db.session.commit()
    args, fmt = dict(job.args or {}), job.fmt

    def progress(done: int) -> None:
        db.session.execute(
            sa.update(ExportJob).where(ExportJob.id == job_id).values(rows_done=done)
        )
        db.session.commit()

    try:
        if user is None or spec is None:
            raise LookupError("the requester or the list is gone")
        built = build_file(spec, user, args, fmt, progress)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("export %s failed", job_id)
        _finish(job_id, ExportState.FAILED, None)
        return
    _finish(job_id, ExportState.DONE, built.content)


def _finish(job_id: int, state: ExportState, content: bytes | None) -> None:
    values = {"state": state, "finished_at": utcnow(), "content": content}
    if state is ExportState.DONE:
        values["rows_done"] = ExportJob.rows_total
    db.session.execute(sa.update(ExportJob).where(ExportJob.id == job_id).values(**values))
    db.session.commit()


def get_job(user: User, job_id: int) -> ExportJob:
    """The job if `user` asked for it; anyone else's answers like a missing one."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.user_id != user.id:
        raise NotFound(_("No such export."))
    return job


def job_file(user: User, job_id: int) -> ExportFile:
    job = get_job(user, job_id)
    if not job.is_done:
        raise NotFound(_("This export is not ready yet."))
    content = db.session.scalar(sa.select(ExportJob.content).where(ExportJob.id == job.id))
    return ExportFile(job.filename, MIMETYPES[job.fmt], content or b"")
