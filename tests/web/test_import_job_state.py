"""The import batch page shows its background job when it failed or waits for a retry, with
the attempt and the last error; a job that went well adds nothing."""

from __future__ import annotations

from tests.web.test_sales_views import purchases_csv, upload
from webapp.extensions import db
from webapp.jobs.models import Job, JobState
from webapp.jobs.service import subject_of


def test_a_retrying_import_job_shows_on_the_batch_page(app, world, login):
    finance = login(world.finance)
    location = upload(finance, purchases_csv(world, "D1")).headers["Location"]
    batch_id = int(location.rstrip("/").split("/")[-1])
    page = finance.get(location).get_data(as_text=True)
    assert 'id="batch-job"' not in page
    db.session.add(
        Job(
            name="sales.import",
            args=[batch_id],
            subject=subject_of([batch_id]),
            state=JobState.RETRYING,
            attempts=2,
            max_attempts=4,
            last_error="OperationalError: database is locked",
        )
    )
    db.session.commit()
    page = finance.get(location).get_data(as_text=True)
    assert 'id="batch-job"' in page
    assert "Failed, will retry (attempt 2 of 4)" in page and "OperationalError" in page
    assert "database is locked" not in page  # the error's text (hosts, SQL) stays in the log
    zh = login(world.finance, lang="zh_CN").get(location).get_data(as_text=True)
    assert "失败，将重试" in zh
