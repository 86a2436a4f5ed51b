"""`flask render` and `flask doctor`.

    flask --app webapp render contract 12 --format pdf -o HT-2026-00012.pdf
    flask --app webapp render contract --all --format pdf -o archive/
    flask --app webapp doctor

`render KIND` takes any registered document type (contract, proposal, …). A batch uses every
core: a process pool whose workers each create their own app (database connections must not
cross a fork: a forked worker starts a pool of its own), so long batches run here and never
in a web request. Where the platform can fork, the parent warms the renderer once (only the
KIND's template and the format's renderer) and the workers inherit it with the app (no
start-up of their own); elsewhere they are spawned and
each creates its app. Documents are generated and stored exactly as from the web (an
unchanged record reuses its stored file) and copied to the output folder; a batch prints its
documents per second. Under `flask`, `render KIND` runs in an app with only the areas up to
the one that owns KIND (webapp/cli.py:command_areas), which is most of a one-off's start-up.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import click
from flask import Flask, current_app

from webapp.common.errors import DomainError
from webapp.documents import fonts, storage
from webapp.documents.models import FORMATS

_worker_app: Flask | None = None
_parent_app: Flask | None = None  # what a forked worker inherits


def _init_worker(config: dict) -> None:
    """A spawned worker: an app of its own."""
    global _worker_app
    from webapp import create_app

    _worker_app = create_app(config)


def _init_forked_worker() -> None:
    """A forked worker: the parent's app and its warm renderer, with a connection pool of its
    own (the parent's connections are left alone, as SQLAlchemy advises after a fork)."""
    global _worker_app
    from webapp.extensions import db

    assert _parent_app is not None
    with _parent_app.app_context():
        db.engine.dispose(close=False)
    _worker_app = _parent_app


def _render_one(
    kind: str, source_id: int, fmt: str, folder: str, period: str | None = None
) -> tuple[int, str, str | None]:
    """In a worker: generate (or reuse) one document and copy it into `folder`."""
    assert _worker_app is not None
    with _worker_app.app_context():
        return _render_into(kind, source_id, fmt, Path(folder), period)


def _render_into(
    kind: str, source_id: int, fmt: str, folder: Path, period: str | None = None
) -> tuple[int, str, str | None]:
    from webapp.documents import service
    from webapp.extensions import db

    try:
        row = service.generate_unchecked(kind, source_id, fmt, period)
        data = service.read_bytes(row)
    except DomainError as error:
        db.session.rollback()
        return source_id, "", error.message
    storage.write_atomic(folder / row.filename, data)
    return source_id, row.filename, None


def _worker_config(app: Flask) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "DOCUMENT_DIR": app.config["DOCUMENT_DIR"],
        "DOCUMENT_STORAGE": app.config["DOCUMENT_STORAGE"],
        "TESTING": app.testing,
    }


def _chunk(ids: list[int], jobs: int) -> int:
    """Documents per round trip to a worker: one while a batch is short, so no worker idles
    at the end while another works through the last chunk (a round trip costs a millisecond,
    a document a few hundred); up to 16 in long batches, still 32 chunks per worker."""
    return max(1, min(16, len(ids) // (jobs * 32)))


def _batch(
    kind: str, ids: list[int], fmt: str, folder: Path, jobs: int, period: str | None = None
) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    with click.progressbar(length=len(ids), label=f"{kind} → {folder}") as bar:
        if jobs <= 1:
            for source_id in ids:
                _id, _name, error = _render_into(kind, source_id, fmt, folder, period)
                if error:
                    failures.append(f"{kind} {source_id}: {error}")
                bar.update(1)
            return failures
        app = current_app._get_current_object()
        if "fork" in multiprocessing.get_all_start_methods():
            # Warm the renderer once here: every forked worker inherits it (fonts, print CSS,
            # compiled templates) instead of importing and warming its own.
            from webapp.documents.warmup import warm_up

            global _parent_app
            _parent_app = app
            warm_up(app, kinds=(kind,), formats=(fmt,))
            # as webapp.wsgi does: what exists now lives as long as the workers, so their
            # collector never scans it again (and never touches, hence copies, its pages)
            gc.collect()
            gc.freeze()
            pool = ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_init_forked_worker,
            )
        else:
            pool = ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(_worker_config(app),),
            )
        render = functools.partial(_render_one, kind, fmt=fmt, folder=str(folder), period=period)
        with pool:
            for source_id, _name, error in pool.map(render, ids, chunksize=_chunk(ids, jobs)):
                if error:
                    failures.append(f"{kind} {source_id}: {error}")
                bar.update(1)
    return failures


def _render_resolved(doc_type, month, department, fmt: str, output: Path | None) -> None:
    """`--month [--department]`: the type finds (or makes) its records; each is rendered."""
    if doc_type.resolve is None or month is None:
        raise click.UsageError(f"{doc_type.kind} takes a SOURCE_ID, not --month/--department")
    try:
        ids = doc_type.resolve(month, department)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    folder = output or Path(".")
    if len(ids) == 1 and output is not None and not output.is_dir():
        _id, name, error = _render_into(doc_type.kind, ids[0], fmt, output.parent)
        if not error:
            (output.parent / name).replace(output)
            click.echo(f"{output}")
    else:
        for source_id in ids:
            _id, name, error = _render_into(doc_type.kind, source_id, fmt, folder)
            click.echo(error or f"{folder / name}", err=bool(error))


def register_document_commands(app: Flask) -> None:
    @app.cli.command("render")
    @click.argument("kind")
    @click.argument("source_id", required=False, type=int)
    @click.option("--all", "render_all", is_flag=True, help="Every record of this kind.")
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True)
    @click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        default=None,
        help="File for one document; folder for --all (default: the current folder).",
    )
    @click.option(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        show_default="all cores",
        help="Worker processes for --all.",
    )
    @click.option(
        "--period",
        default=None,
        metavar="YYYY-MM:YYYY-MM",
        help="The months a report covers (evaluation; default: the last 12 full months).",
    )
    @click.option("--month", default=None, help="YYYY-MM, for a monthly kind (monthly-report).")
    @click.option("--department", default=None, help="A department's name, with --month.")
    def render_command(kind, source_id, render_all, fmt, output, jobs, period, month, department):
        """Render document KIND (contract, proposal, …) for SOURCE_ID, or --all of them; a
        monthly kind takes --month YYYY-MM [--department NAME] instead."""
        from webapp.documents.registry import document_type, document_types

        doc_type = document_type(kind)
        if doc_type is None:
            known = ", ".join(t.kind for t in document_types())
            raise click.BadParameter(f"unknown document kind {kind!r}; known: {known}")
        if month is not None or department is not None:
            _render_resolved(doc_type, month, department, fmt, output)
            return
        if render_all == (source_id is not None):
            raise click.UsageError("give either a SOURCE_ID or --all")
        if period is not None:
            if doc_type.check_period is None:
                raise click.BadParameter(
                    f"document kind {kind} takes no period", param_hint="--period"
                )
            try:
                doc_type.check_period(period)
            except DomainError as error:
                raise click.BadParameter(error.message, param_hint="--period") from None
        if render_all:
            ids = list(doc_type.all_ids())
            start = time.perf_counter()
            failures = _batch(kind, ids, fmt, output or Path("."), jobs, period)
            seconds = time.perf_counter() - start
            for failure in failures:
                click.echo(failure, err=True)
            done = len(ids) - len(failures)
            click.echo(
                f"{done} of {len(ids)} {kind} documents rendered in {seconds:.1f} s: "
                f"{done / max(seconds, 1e-9):.2f} documents/s with {max(1, jobs)} processes"
            )
            if failures:
                raise SystemExit(1)
            return
        from webapp.documents import service

        # A one-off process: what start-up made lives until it ends, so the collector need not
        # scan it again and again during the render (as webapp.wsgi does after start-up).
        gc.freeze()
        try:
            row = service.generate_unchecked(kind, source_id, fmt, period)
            data = service.read_bytes(row)
        except DomainError as error:
            raise click.ClickException(error.message) from None
        target = output or Path(row.filename)
        if target.is_dir():
            target = target / row.filename
        storage.write_atomic(target, data)
        click.echo(f"{target} ({len(data)} bytes, version {row.version}, sha256 {row.sha256})")

    @app.cli.command("doctor")
    def doctor_command():
        """Check what generated documents need: CJK fonts (and the Extension B–G face), pango,
        harfbuzz-subset, the compiled message catalogues, storage."""
        from webapp.documents import keys

        checks = [*fonts.run_checks(), *keys.check_catalogues()]
        folder = storage.document_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".doctor-probe"
            storage.write_atomic(probe, b"ok")
            probe.unlink()
            checks.append(fonts.Check("document folder", True, f"{folder} is writable"))
        except OSError as error:
            checks.append(
                fonts.Check(
                    "document folder",
                    False,
                    f"{folder}: {error}",
                    "set KEYDESK_DOCUMENT_DIR to a writable folder",
                )
            )
        failed = False
        for check in checks:
            mark = "ok  " if check.ok else ("FAIL" if check.fatal else "WARN")
            click.echo(f"[{mark}] {check.name}: {check.detail}")
            if not check.ok and check.fix:
                click.echo(f"       fix: {check.fix}")
            failed = failed or (not check.ok and check.fatal)
        if any(not c.ok for c in checks):
            click.echo(f"Everything documents need: {fonts.INSTALL_COMMAND}")
        if failed:
            raise SystemExit(1)
