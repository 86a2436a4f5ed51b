"""Files every app server reaches (issue 18): generated documents stored in the shared folder or,
with DOCUMENT_STORAGE=database, in the database; a document generated on one server downloads
on another (a second app on the same database with its own instance and document folders)."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from tests.helpers import sign_in
from tests.unit.documents_support import make_contract
from webapp import create_app
from webapp.documents import storage
from webapp.documents.models import GeneratedDocument, StoredFile
from webapp.extensions import db


@pytest.fixture(params=["folder", "database"])
def storage_backend(request):
    return request.param


@pytest.fixture
def app_config(app_config, storage_backend, tmp_path):
    return {
        **app_config,
        "DOCUMENT_STORAGE": storage_backend,
        "DOCUMENT_DIR": str(tmp_path / "server-one-documents"),
    }


def _other_server(app_config, tmp_path, document_dir):
    """A second app server: same database and key, its own instance folder and documents."""
    instance = tmp_path / "server-two-instance"
    instance.mkdir(exist_ok=True)
    config = {**app_config, "DOCUMENT_DIR": str(document_dir)}
    other = create_app(config)
    other.instance_path = str(instance)
    return other


def test_a_document_generated_on_one_server_downloads_on_another(
    app, app_config, login, world, tmp_path, storage_backend
):
    with app.test_request_context():
        contract = make_contract(world.owner, world.account)
    first = login(world.owner).get(f"/documents/contract/{contract.id}.pdf")
    assert first.status_code == 200
    row = db.session.scalar(sa.select(GeneratedDocument))
    stored_rows = db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile))
    files = list((tmp_path / "server-one-documents").rglob("*.pdf"))
    if storage_backend == "database":
        assert (stored_rows, files) == (1, [])
        # the other server has a folder of its own that never saw the file
        shared = tmp_path / "server-two-documents"
    else:
        assert (stored_rows, len(files)) == (0, 1)
        shared = tmp_path / "server-one-documents"  # the folder both servers mount
    other = _other_server(app_config, tmp_path, shared)
    client = other.test_client()  # each request runs in an app context of the other app
    try:
        assert sign_in(client, world.owner.username).status_code == 303
        again = client.get(f"/documents/{row.id}/download")
        assert again.status_code == 200
        assert again.data == first.data
        assert hashlib.sha256(again.data).hexdigest() == row.sha256
    finally:
        with other.app_context():
            db.engine.dispose()
    assert not (tmp_path / "server-two-documents").exists()


def test_the_same_bytes_are_stored_once_and_read_back_checked(app, storage_backend):
    key1, digest = storage.put(b"same bytes", "pdf")
    key2, _ = storage.put(b"same bytes", "pdf")
    db.session.commit()
    assert key1 == key2
    assert storage.get(key1, digest) == b"same bytes"
    with pytest.raises(storage.StoredFileMissing, match="damaged"):
        storage.get(key1, "0" * 64)
    with pytest.raises(storage.StoredFileMissing, match="missing"):
        storage.get("ab/nothing.pdf", digest)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile))
    assert count == (1 if storage_backend == "database" else 0)


@pytest.mark.parametrize("storage_backend", ["database"])
def test_a_file_stored_in_a_transaction_that_rolls_back_is_gone(app, storage_backend):
    key, digest = storage.put(b"rolled back", "pdf")
    db.session.rollback()
    with pytest.raises(storage.StoredFileMissing):
        storage.get(key, digest)


def test_an_unknown_storage_is_refused(app_config):
    with pytest.raises(RuntimeError, match="DOCUMENT_STORAGE"):
        create_app({**app_config, "DOCUMENT_STORAGE": "s3"})
