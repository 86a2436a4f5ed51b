"""The dashboard of the people who run the department (/dashboard, the lists behind its
figures), the monthly analysis report (document kind ``monthly-report``) and its monthly job."""

from __future__ import annotations

from flask import Flask

# The document types init_app registers (`flask render monthly-report` needs this area: cli.py).
DOCUMENT_KINDS = ("monthly-report",)


def init_app(app: Flask) -> None:
    """The dashboard blueprint, the ``monthly-report`` document type (with `resolve`, for
    `flask render monthly-report --month YYYY-MM [--department NAME]`) and the background
    task ``dashboard.monthly_reports``; the monthly sales totals kept in step with purchases
    (the sales area's `records_changed` for imports, the session's flush for ORM writes) and
    `flask dashboard rebuild-totals`."""
    from sqlalchemy import event

    from webapp.common.background import register_task
    from webapp.dashboard import cli, models, reports, snapshot, totals, views
    from webapp.database import Session
    from webapp.documents.registry import register_document_type
    from webapp.jobs.queue import register_periodic
    from webapp.sales.signals import records_changed

    # the tables are part of the schema
    assert models.MonthlyReport.__tablename__ and models.SalesMonthlyTotal.__tablename__
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.dashboard_group)
    records_changed.connect(totals.on_records_changed)
    if not event.contains(Session, "after_flush", totals.on_flush):
        event.listen(Session, "after_flush", totals.on_flush)
    register_document_type(app, reports.MONTHLY)
    register_task(app, "dashboard.monthly_reports", reports.monthly_job)
    # last month's reports, stored for each head: the 2nd, 03:00 in Shanghai (19:00 UTC the 1st)
    register_periodic(
        app, "dashboard.monthly_schedule", reports.monthly_job, day="1", hour="19", minute="0"
    )
    # each dashboard's default period computed ahead of the visit (snapshot.py)
    register_periodic(
        app, "dashboard.snapshots", snapshot.refresh_all, minute=f"*/{snapshot.REFRESH_MINUTES}"
    )
