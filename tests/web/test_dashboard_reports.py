"""The monthly analysis report (客户开发月度分析报告): same figures in PDF and DOCX, readable by
the department's leaders and executives only, `flask render monthly-report`, the monthly job
that stores it for the head, and the head finding it on the dashboard."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.documents_support import docx_body_text, pdf_text, squeeze
from tests.web.dashboard_world import build
from webapp.auth.models import Department, Role
from webapp.common.background import task_function
from webapp.dashboard import reports
from webapp.documents import service as documents
from webapp.extensions import db

OCTOBER = date(2026, 10, 1)


@pytest.fixture
def world(app, tmp_path, make_user, make_account, make_department):
    app.config["DOCUMENT_DIR"] = str(tmp_path / "documents")
    return build(make_user, make_account, make_department)


def _department(name="华东部") -> Department:
    return db.session.query(Department).filter_by(name=name).one()


def test_report_says_target_completion_and_variance_in_pdf_and_docx(world):
    report = reports.subject_for(OCTOBER, _department())
    db.session.commit()
    pdf = documents.read_bytes(documents.generate(world.head, "monthly-report", report.id, "pdf"))
    docx = documents.read_bytes(documents.generate(world.head, "monthly-report", report.id, "docx"))
    # October: plan 100 (甲经理), actual 50 + 5 → 55.0 % done, 差异率 −45.0 %
    for body in (squeeze(pdf_text(pdf)), squeeze(docx_body_text(docx))):
        assert "客户开发月度分析报告" in body or "流失情况" in body
        assert "55.0%" in body and "-45.0%" in body
        assert "有望客户确度状态表" in body and "流失情况" in body


def test_report_of_one_account_manager(world):
    report = reports.subject_for(OCTOBER, _department(), world.am1)
    db.session.commit()
    docx = documents.read_bytes(documents.generate(world.am1, "monthly-report", report.id, "docx"))
    body = squeeze(docx_body_text(docx))
    assert "甲经理" in body and "50.0%" in body  # plan 100, actual 50


def test_other_departments_and_account_managers_cannot_read_it(world, make_user, client, auth):
    report = reports.subject_for(OCTOBER, _department())
    db.session.commit()
    auth.login(make_user(Role.DEPARTMENT_HEAD, _department("华西部")))
    assert client.get(f"/documents/monthly-report/{report.id}.pdf").status_code == 404
    auth.login(world.am2)
    assert client.get(f"/documents/monthly-report/{report.id}.pdf").status_code == 404


def test_monthly_job_stores_every_department_report_and_the_head_finds_it(world, app, client, auth):
    ids = task_function(app, "dashboard.monthly_reports")("2026-10")
    assert len(ids) == 2  # 华东部 and 华西部
    stored = documents.versions(world.head, "monthly-report", ids[0])
    assert {row.fmt for row in stored} == {"pdf", "docx"}
    auth.login(world.head)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "2026-10" in html and f"/documents/monthly-report/{ids[0]}.pdf" in html
    assert f"/documents/monthly-report/{ids[1]}.pdf" not in html  # 华西部's is not the head's


def test_render_command_writes_the_department_report(world, runner, tmp_path):
    target = tmp_path / "report.pdf"
    result = runner.invoke(
        args=["render", "monthly-report", "--month", "2026-10", "--department", "华东部",
              "-o", str(target)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    "args, words",
    [
        (["--month", "2026-1"], "YYYY-MM"),
        (["--month", "2999-01"], "YYYY-MM"),
        (["--month", "2026-10", "--department", "无此部门"], "no department"),
    ],
)
def test_render_command_refuses_bad_input(world, runner, args, words):
    result = runner.invoke(args=["render", "monthly-report", *args])
    assert result.exit_code != 0 and words in result.output
