"""The dashboard of the people who run the department (/dashboard, the lists behind its
figures), the monthly analysis report (document kind ``monthly-report``) and its monthly job."""

from __future__ import annotations

from flask import Flask

# The document types init_app registers (`flask render monthly-report` needs this area: cli.py).
DOCUMENT_KINDS = ("monthly-report",)


def init_app(app: Flask) -> None:
    """The dashboard blueprint, the ``monthly-report`` document type (with `resolve`, for
    `flask render monthly-report --month YYYY-MM [--department NAME]`) and the background
    task ``dashboard.monthly_reports``."""
    from webapp.common.background import register_task
    from webapp.dashboard import models, reports, views
    from webapp.documents.registry import register_document_type
    from webapp.jobs.queue import register_periodic

    assert models.MonthlyReport.__tablename__  # the table is part of the schema
    app.register_blueprint(views.bp)
    register_document_type(app, reports.MONTHLY)
    register_task(app, "dashboard.monthly_reports", reports.monthly_job)
    # last month's reports, stored for each head: the 2nd, 03:00 in Shanghai (19:00 UTC the 1st)
    register_periodic(
        app, "dashboard.monthly_schedule", reports.monthly_job, day="1", hour="19", minute="0"
    )
