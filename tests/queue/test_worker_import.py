"""Sales imports through a real queue: the request records a job and hands it to Huey, a
consumer process runs it; killed in the middle of the import, a restarted worker finishes it
exactly once."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from tests.queue.conftest import count, scalar, wait_for
from tests.web.test_sales_views import purchases_csv, upload
from webapp.jobs.models import Job, JobState
from webapp.sales.models import BatchStatus, ImportBatch, Purchase

pytestmark = pytest.mark.queue


def batch_status(batch_id):
    return scalar(sa.select(ImportBatch.status).where(ImportBatch.id == batch_id))


def upload_and_check(world, login, workers):
    finance = login(world.finance)
    response = upload(finance, purchases_csv(world, "D1", "D2", "D3"))
    assert response.status_code == 303
    batch_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    job = scalar(sa.select(Job.state).where(Job.name == "sales.import"))
    assert job is JobState.QUEUED  # recorded, nobody consumed it yet
    return finance, batch_id


def test_an_import_runs_on_the_worker(world, login, workers):
    finance, batch_id = upload_and_check(world, login, workers)
    workers.start()
    wait_for(lambda: batch_status(batch_id) is BatchStatus.CHECKED, what="dry run", workers=workers)
    assert finance.post(f"/sales/imports/{batch_id}/confirm").status_code == 303
    wait_for(lambda: batch_status(batch_id) is BatchStatus.DONE, what="import", workers=workers)
    assert count(Purchase) == 3
    wait_for(lambda: count(Job, Job.state == JobState.DONE) == 2, what="jobs done")
    page = finance.get(f"/sales/imports/{batch_id}").get_data(as_text=True)
    assert "Imported at" in page and 'id="batch-job"' not in page


def test_a_worker_killed_mid_import_is_finished_once_by_the_next(world, login, workers):
    finance, batch_id = upload_and_check(world, login, workers)
    slow = workers.start(periodic=False, KEYDESK_TEST_IMPORT_DELAY=60)  # commit held back
    wait_for(lambda: batch_status(batch_id) is BatchStatus.CHECKED, what="dry run", workers=workers)
    finance.post(f"/sales/imports/{batch_id}/confirm")
    wait_for(lambda: batch_status(batch_id) is BatchStatus.IMPORTING, what="import started")
    time.sleep(1.0)  # inside the held-back transaction
    workers.kill(slow)
    assert count(Purchase) == 0 and batch_status(batch_id) is BatchStatus.IMPORTING
    time.sleep(1.2)  # the dead worker's heartbeat goes stale
    workers.start()
    wait_for(lambda: batch_status(batch_id) is BatchStatus.DONE, what="import", workers=workers)
    assert count(Purchase) == 3
    job = scalar(sa.select(sa.func.max(Job.attempts)).where(Job.name == "sales.import"))
    assert job == 2  # the import job: the killed attempt and the one that finished
