"""Backups (issue 18): `flask backup DEST` / `flask restore SRC` round trip on SQLite and on
PostgreSQL: make data, back up, wipe, restore, then the same rows in every table and the same
stored files, byte for byte. A database holding rows is never restored over without --force."""

from __future__ import annotations

import json
import shutil

import pytest
import sqlalchemy as sa

from tests.unit.documents_support import make_contract
from tests.unit.test_demo import analyzed_since
from webapp.documents import service as documents
from webapp.documents import storage
from webapp.documents.models import GeneratedDocument
from webapp.extensions import db
from webapp.ops import backup as backups


def _make_data(app, world):
    with app.test_request_context():
        contract = make_contract(world.owner, world.account)
        row = documents.generate(world.owner, "contract", contract.id, "docx")
    storage.put(b"%PDF-1.4 a scanned attachment", "pdf")
    db.session.commit()
    return row


def _wipe(app, backend):
    db.session.remove()
    if backend == "sqlite":
        db.drop_all()
    else:
        with db.engine.begin() as conn:
            tables = ", ".join(f'"{name}"' for name in sa.inspect(conn).get_table_names())
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {tables} CASCADE"))
    shutil.rmtree(app.config["DOCUMENT_DIR"], ignore_errors=True)
    assert backups.row_counts() == {}


@pytest.mark.parametrize("archive", [False, True], ids=["folder", "tar.gz"])
def test_backup_wipe_restore_gives_the_same_rows_and_files(
    app, world, runner, backend, tmp_path, archive
):
    document_id = _make_data(app, world).id
    before_rows = backups.row_counts()
    before_files = backups.file_hashes(storage.document_dir())
    assert before_rows["contracts"] == 1 and before_rows["generated_documents"] == 1
    assert len(before_files) == 2
    dest = tmp_path / ("backup.tar.gz" if archive else "backup")

    made = runner.invoke(args=["backup", str(dest)])
    assert made.exit_code == 0, made.output
    assert "2 stored files" in made.output
    _wipe(app, backend)

    started = db.session.scalar(sa.text("SELECT CURRENT_TIMESTAMP"))
    db.session.commit()
    restored = runner.invoke(args=["restore", str(dest)])
    assert restored.exit_code == 0, restored.output
    assert backups.row_counts() == before_rows
    if backend != "sqlite":  # pg_restore leaves no statistics; a SQLite copy keeps its own
        assert analyzed_since(started)  # the planner knows the restored tables at once
    assert backups.file_hashes(storage.document_dir()) == before_files
    row = db.session.get(GeneratedDocument, document_id)
    assert documents.read_bytes(row)[:2] == b"PK"


def test_the_manifest_lists_counts_and_hashes(app, world, runner, backend, tmp_path):
    _make_data(app, world)
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["backend"] == backend
    assert manifest["tables"]["contracts"] == 1 and manifest["tables"]["users"] >= 1
    assert len(manifest["files"]) == 2
    assert all(len(digest) == 64 for digest in manifest["files"].values())
    expected = "database.sqlite3" if backend == "sqlite" else "database.dump"
    assert manifest["database_file"] == expected


def test_restore_refuses_a_database_with_rows_without_force(app, world, runner, tmp_path):
    _make_data(app, world)
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    before = backups.row_counts()
    refused = runner.invoke(args=["restore", str(tmp_path / "b")])
    assert refused.exit_code != 0
    assert "not empty" in refused.output and "--force" in refused.output
    forced = runner.invoke(args=["restore", str(tmp_path / "b"), "--force"])
    assert forced.exit_code == 0, forced.output
    assert backups.row_counts() == before


def test_backup_refuses_a_folder_that_is_not_empty(app, runner, tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "other.txt").write_text("x")
    result = runner.invoke(args=["backup", str(tmp_path / "b")])
    assert result.exit_code != 0 and "not empty" in result.output


def test_restore_refuses_a_damaged_backup(app, world, runner, tmp_path):
    _make_data(app, world)
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    dumped = next(p for p in (tmp_path / "b").iterdir() if p.name.startswith("database."))
    dumped.write_bytes(dumped.read_bytes()[:-10] + b"0123456789")
    result = runner.invoke(args=["restore", str(tmp_path / "b"), "--force"])
    assert result.exit_code != 0 and "damaged" in result.output
