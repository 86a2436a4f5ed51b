"""`flask backup DEST` and `flask restore SRC`: the database and the stored files in one folder
(or one `.tar.gz`) with a manifest, and back.

A backup holds:
- `database.sqlite3`: SQLite copied with its online backup API (`sqlite3.Connection.backup`:
  a consistent copy while the app keeps serving), or `database.dump`: PostgreSQL's `pg_dump -Fc`
  (one consistent snapshot);
- `files/`: the document store folder (generated documents and attachments, both addressed
  by SHA-256; with DOCUMENT_STORAGE=database they are in the database and the folder is empty);
- `manifest.json`: when, which backend and schema revision, the row count of every table,
  the SHA-256 of every stored file and of the database file.

`restore` refuses a database that holds any row unless `--force`, restores the database
(`sqlite3` backup API the other way, or `pg_restore --clean`), copies the files back checking
each hash, then compares the row counts with the manifest. README "Backups" says how to
schedule it and how to restore on a new machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app

from webapp.database import refresh_statistics
from webapp.extensions import db

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
FILES = "files"
FORMAT = 1


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why."""


@dataclass(frozen=True)
class Outcome:
    folder: Path
    manifest: dict


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    """Rows per table of the connected database (every table, alembic_version too)."""
    inspector = sa.inspect(db.engine)
    counts = {}
    with db.engine.begin() as conn:
        for name in sorted(inspector.get_table_names()):
            quoted = db.engine.dialect.identifier_preparer.quote(name)
            counts[name] = conn.execute(sa.text(f"SELECT count(*) FROM {quoted}")).scalar_one()
    return counts


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder`, by its path relative to it (temporary files of an
    unfinished write, `.tmp-*`, are not part of the store)."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): _sha256(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".tmp-")
    }


def _document_dir() -> Path:
    return Path(current_app.config["DOCUMENT_DIR"])


def _backend() -> str:
    name = db.engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups know SQLite and PostgreSQL, not {name}")
    return name


def _libpq_url() -> str:
    """The database URL as pg_dump and pg_restore take it (no SQLAlchemy driver suffix)."""
    url = db.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        shown = [part if "://" not in part else "<database url>" for part in command]
        raise BackupError(f"{' '.join(shown)} failed: {result.stderr.strip()[-2000:]}")


def _dump_database(folder: Path, backend: str) -> Path:
    if backend == "sqlite":
        target = folder / SQLITE_FILE
        source = sqlite3.Connection(_sqlite_path())
        copy = sqlite3.Connection(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target
    target = folder / PG_FILE
    _run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", "-f", str(target), _libpq_url()])
    return target


def _revision() -> str | None:
    with db.engine.begin() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def backup(dest: Path) -> Outcome:
    """Write a backup of the app's database and stored files into `dest` (a new or empty
    folder, or a path ending in .tar.gz)."""
    if dest.name.endswith(".tar.gz"):
        if dest.exists():
            raise BackupError(f"{dest} exists already")
        with tempfile.TemporaryDirectory(dir=dest.parent) as work:
            outcome = backup(Path(work) / "keydesk-backup")
            with tarfile.open(dest, "w:gz") as archive:
                archive.add(outcome.folder, arcname="keydesk-backup")
        return Outcome(dest, outcome.manifest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty; give a new folder")
    dest.mkdir(parents=True, exist_ok=True)
    backend = _backend()
    started = datetime.now(UTC)
    counts = row_counts()  # counted before the copy; the copy is checked against itself below
    database_file = _dump_database(dest, backend)
    files_from = _document_dir()
    if files_from.is_dir():
        shutil.copytree(
            files_from, dest / FILES, ignore=shutil.ignore_patterns(".tmp-*", ".doctor-probe")
        )
    manifest = {
        "format": FORMAT,
        "created_at": started.isoformat(timespec="seconds"),
        "backend": backend,
        "revision": _revision(),
        "document_storage": current_app.config.get("DOCUMENT_STORAGE", "folder"),
        "database_file": database_file.name,
        "database_sha256": _sha256(database_file),
        "tables": counts,
        "files": file_hashes(dest / FILES),
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return Outcome(dest, manifest)


def _non_empty_tables() -> list[str]:
    return [name for name, count in row_counts().items() if count and name != "alembic_version"]


def _read_backup(src: Path) -> tuple[Path, dict]:
    manifest_path = src / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{src} holds no {MANIFEST}: not a KeyDesk backup")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    database_file = src / manifest["database_file"]
    if not database_file.is_file() or _sha256(database_file) != manifest["database_sha256"]:
        raise BackupError(f"{database_file} is missing or damaged (SHA-256 differs)")
    return database_file, manifest


def _restore_database(database_file: Path, backend: str) -> None:
    db.session.remove()
    db.engine.dispose()  # no connection of ours may hold a lock while the data is replaced
    if backend == "sqlite":
        target = _sqlite_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.Connection(database_file)
        restored = sqlite3.Connection(target)
        try:
            with restored:
                source.backup(restored)
        finally:
            restored.close()
            source.close()
        return
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "-d",
            _libpq_url(),
            str(database_file),
        ]
    )


def _restore_files(src: Path, manifest: dict) -> None:
    folder = _document_dir()
    for relative, digest in manifest["files"].items():
        source = src / FILES / relative
        if not source.is_file() or _sha256(source) != digest:
            raise BackupError(f"stored file {relative} is missing or damaged in the backup")
        target = folder / relative
        if target.is_file() and _sha256(target) == digest:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.chmod(target, 0o644)
        shutil.copyfile(source, target)
        os.chmod(target, 0o444)


def restore(src: Path, *, force: bool = False) -> Outcome:
    """Restore the backup in `src` (a folder or a .tar.gz) into the app's database and
    document folder; refuses a database holding rows unless `force`."""
    if src.name.endswith(".tar.gz"):
        with tempfile.TemporaryDirectory() as work, tarfile.open(src) as archive:
            archive.extractall(work, filter="data")
            outcome = restore(Path(work) / "keydesk-backup", force=force)
        return Outcome(src, outcome.manifest)
    database_file, manifest = _read_backup(src)
    backend = _backend()
    if backend != manifest["backend"]:
        raise BackupError(
            f"the backup is of {manifest['backend']}, the configured database is {backend}"
        )
    if not force:
        filled = _non_empty_tables()
        if filled:
            raise BackupError(
                f"the database is not empty ({len(filled)} tables hold rows, e.g. {filled[0]});"
                " restore over it with --force"
            )
    _restore_database(database_file, backend)
    if backend != "sqlite":  # SQLite's backup copies sqlite_stat1; pg_restore leaves none
        refresh_statistics(db)
    _restore_files(src, manifest)
    counts = row_counts()
    differ = {
        name: (count, counts.get(name))
        for name, count in manifest["tables"].items()
        if counts.get(name) != count
    }
    if differ:
        raise BackupError(f"restored row counts differ from the manifest: {differ}")
    return Outcome(src, manifest)


def _summary(manifest: dict) -> str:
    rows = sum(count for name, count in manifest["tables"].items() if name != "alembic_version")
    return (
        f"{manifest['backend']}, revision {manifest['revision']}, "
        f"{len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} stored files"
    )


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
def backup_command(dest: Path) -> None:
    """Back up the database and the stored files into DEST (a new folder, or NAME.tar.gz)."""
    try:
        outcome = backup(dest)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backup written to {outcome.folder}: {_summary(outcome.manifest)}")


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds rows.")
def restore_command(src: Path, force: bool) -> None:
    """Restore a backup made by `flask backup` into the configured database and folder."""
    try:
        outcome = restore(src, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored from {outcome.folder}: {_summary(outcome.manifest)}")


def register_commands(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
