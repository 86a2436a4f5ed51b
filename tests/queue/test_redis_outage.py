"""Redis stops while the web keeps serving: pages answer, a new job waits in the database
(`enqueued` false) instead of failing the request, the queue reports itself unreachable, and
once Redis is back the sweep hands the job over and the worker runs it. The test runs its own
redis-server on a free port (the machine's shared one is never touched)."""

from __future__ import annotations

import subprocess
import time
import uuid

import pytest
import sqlalchemy as sa

from tests.queue.conftest import scalar, wait_for
from tests.web.test_mail import free_port
from tests.web.test_sales_views import purchases_csv, upload
from webapp import jobs
from webapp.jobs.models import Job, JobState
from webapp.sales.models import BatchStatus, ImportBatch

pytestmark = pytest.mark.queue


class OwnRedis:
    def __init__(self, tmp_path):
        self.port, self.dir, self.process = free_port(), tmp_path, None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_for(lambda: _pings(client), timeout=10, what="redis-server")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def storage(own_redis):
    return {"REDIS_URL": f"redis://127.0.0.1:{own_redis.port}/0", "QUEUE_NAME": uuid.uuid4().hex}


def test_jobs_wait_while_redis_is_down_and_run_when_it_returns(
    app, world, login, workers, own_redis
):
    # The test is the sweep: the worker's own minute sweep would race it for the job once
    # Redis is back (it did, on a slow CI machine: the test's sweep then found nothing).
    workers.start(periodic=False)
    assert jobs.queue_reachable()
    own_redis.stop()
    assert not jobs.queue_reachable()

    finance = login(world.finance)
    assert finance.get("/sales/imports").status_code == 200
    started = time.monotonic()
    response = upload(finance, purchases_csv(world, "D1", "D2"))
    assert response.status_code == 303 and time.monotonic() - started < 5
    assert finance.get(response.headers["Location"]).status_code == 200
    batch_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    job = scalar(sa.select(Job.state).where(Job.name == "sales.import"))
    assert job is JobState.QUEUED
    assert scalar(sa.select(Job.enqueued).where(Job.name == "sales.import")) is False
    time.sleep(2.1)  # the sweep leaves a job alone for 2 s (its submit may be under way)
    assert jobs.sweep() == 0  # still down: nothing taken, nothing lost
    assert scalar(sa.select(Job.enqueued).where(Job.name == "sales.import")) is False

    own_redis.start()
    wait_for(jobs.queue_reachable, what="the queue back")
    assert jobs.sweep() == 1  # what the worker's periodic sweep does each minute
    assert jobs.sweep() == 0  # handed over once
    wait_for(
        lambda: (
            scalar(sa.select(ImportBatch.status).where(ImportBatch.id == batch_id))
            is BatchStatus.CHECKED
        ),
        what="the dry run after the outage",
        workers=workers,
    )
