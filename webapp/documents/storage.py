"""The document store: generated files (and attachments), addressed by their SHA-256, written
once; in a folder (the default) or, with DOCUMENT_STORAGE=database, in the `stored_files` table.

Files live under KEYDESK_DOCUMENT_DIR (default: instance/documents). A file's key is
``ab/abcdef….pdf`` (the first two hex digits of its SHA-256 as a folder), so identical bytes are
stored once and a stored file never changes. Writes are atomic: the bytes go to a temporary file
in the same folder, are flushed and fsync'ed, then `os.replace` gives them their name and the
folder is fsync'ed, so a crash leaves either no file or the whole file, never half of one.

Several app servers must share this folder (NFS or another shared mount), or run one server:
the database row says a file exists, the folder must have it. With DOCUMENT_STORAGE=database
the bytes are a row written in the same transaction as the row that names them, so every
server that reaches the database reaches the file, and a backup of the database holds them.
Reading verifies the SHA-256, so a damaged file is noticed instead of served.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app

from webapp.common.timeutil import utcnow


class StoredFileMissing(Exception):
    """The database names a stored file that the document folder lacks or that was damaged."""


BACKENDS = ("folder", "database")


def configure(app: Flask) -> None:
    """DOCUMENT_STORAGE (folder or database) from the config, else the environment, else folder.
    DOCUMENT_DIR from the app's config, else KEYDESK_DOCUMENT_DIR, else instance/documents.
    A testing app given no folder gets a temporary one, so tests never write into instance/."""
    chosen = app.config.get("DOCUMENT_STORAGE") or os.environ.get("DOCUMENT_STORAGE", "").strip()
    chosen = (chosen or "folder").lower()
    if chosen not in BACKENDS:
        raise RuntimeError(f"DOCUMENT_STORAGE must be folder or database, not {chosen!r}")
    app.config["DOCUMENT_STORAGE"] = chosen
    if app.config.get("DOCUMENT_DIR"):
        return
    configured = os.environ.get("KEYDESK_DOCUMENT_DIR", "").strip()
    if configured:
        app.config["DOCUMENT_DIR"] = configured
    elif app.testing:  # created on the first write only: most test apps store nothing
        folder = f"keydesk-documents-{uuid.uuid4().hex[:12]}"
        app.config["DOCUMENT_DIR"] = str(Path(tempfile.gettempdir()) / folder)
    else:
        app.config["DOCUMENT_DIR"] = str(Path(app.instance_path) / "documents")


def in_database() -> bool:
    return current_app.config.get("DOCUMENT_STORAGE") == "database"


def document_dir() -> Path:
    return Path(current_app.config["DOCUMENT_DIR"])


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open folders; the rename is still atomic
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see either nothing or the complete file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o444)  # stored files are never changed
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_dir(path.parent)


def put(data: bytes, extension: str) -> tuple[str, str]:
    """Store `data`; return (key, sha256). Storing the same bytes again is a no-op."""
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest[:2]}/{digest}.{extension}"
    if in_database():
        _put_row(key, digest, data)
        return key, digest
    path = document_dir() / key
    if not (path.exists() and path.stat().st_size == len(data)):
        write_atomic(path, data)
    return key, digest


def get(key: str, sha256: str) -> bytes:
    """The stored bytes of `key`, checked against the SHA-256 recorded when it was stored."""
    if in_database():
        data = _get_row(key)
        if data is None:
            raise StoredFileMissing(f"stored document {key} is missing from the database")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoredFileMissing(f"stored document {key} is damaged (SHA-256 differs)")
        return data
    path = document_dir() / key
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StoredFileMissing(f"stored document {key} is missing from {document_dir()}") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoredFileMissing(f"stored document {key} is damaged (SHA-256 differs)")
    return data


def _put_row(key: str, digest: str, data: bytes) -> None:
    """Insert the file's row in the caller's transaction; the same bytes stored by another
    request at the same moment are the same row (ON CONFLICT DO NOTHING)."""
    from webapp.documents.models import StoredFile
    from webapp.extensions import db

    values = {"key": key, "sha256": digest, "size": len(data), "data": data, "created_at": utcnow()}
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(StoredFile).values(**values).on_conflict_do_nothing())


def _get_row(key: str) -> bytes | None:
    from webapp.documents.models import StoredFile
    from webapp.extensions import db

    return db.session.scalar(sa.select(StoredFile.data).where(StoredFile.key == key))
