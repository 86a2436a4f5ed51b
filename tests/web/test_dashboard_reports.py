"""The monthly analysis report (客户开发月度分析报告): same figures in PDF and DOCX, readable by
the department's leaders and executives only, `flask render monthly-report`, the monthly job
that stores it for the head, and the head finding it on the dashboard."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import date

import pytest
from flask_babel import force_locale

from tests.unit.documents_support import docx_body_text, pdf_text, squeeze
from tests.web.dashboard_world import build
from webapp.auth.models import Department, Role
from webapp.common.background import task_function
from webapp.dashboard import figures, report_charts, reports, svg
from webapp.dashboard.period import Period
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


def _pdf_images(pdf: bytes, tmp_path) -> list[tuple[int, int, int]]:
    """(page, width px, height px) of every picture in the PDF (pdfimages -list)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, check=True, text=True
    ).stdout
    rows = [line.split() for line in out.splitlines()[2:]]
    return [(int(r[0]), int(r[3]), int(r[4])) for r in rows if r[2] == "image"]


def _docx_media(docx: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return [archive.read(n) for n in sorted(archive.namelist()) if n.startswith("word/media/")]


def test_report_has_the_dashboards_charts_beside_the_tables_in_pdf_and_docx(world, tmp_path):
    report = reports.subject_for(OCTOBER, _department())
    db.session.commit()
    pdf = documents.read_bytes(documents.generate(world.head, "monthly-report", report.id, "pdf"))
    docx = documents.read_bytes(documents.generate(world.head, "monthly-report", report.id, "docx"))
    with force_locale("zh_CN"):
        charts = reports.charts(reports.build_content(report))
    # managers, products, churn, 有望客户确度, 80/20, ageing: each a picture in both formats
    assert len(charts) == 6
    from PIL import Image

    sizes = [(Image.open(io.BytesIO(c.png)).size, c.width_mm) for c in charts.values()]
    images = _pdf_images(pdf, tmp_path)
    assert sorted((w, h) for _page, w, h in images) == sorted(size for size, _mm in sizes)
    for (width, _height), width_mm in sizes:  # print resolution at the printed width
        assert width / (width_mm / 25.4) >= 200
    media = _docx_media(docx)
    assert sorted(media) == sorted(c.png for c in charts.values())


def test_report_charts_draw_the_same_figure_as_the_tables(world):
    """The picture is the dashboard's own chart of the figure whose rows make the table."""
    report = reports.subject_for(OCTOBER, _department())
    db.session.commit()
    with force_locale("zh_CN"):
        content = reports.build_content(report)
        charts = reports.charts(content)
        head = reports.viewer(report)
        managers = figures.attainment_by_manager(head, Period(OCTOBER, OCTOBER))
    # 甲经理: plan ¥100.00, actual ¥50.00 (table cells) are the chart's bar texts
    row = next(r for r in content.attainment.rows if r.texts[0] == "甲经理")
    assert row.texts[1:3] == ["¥100.00", "¥50.00"]
    assert all(t in content.attainment.chart for t in row.texts[1:3])
    assert charts["attainment-managers"].png == report_charts.png(
        managers.chart, charts["attainment-managers"].width_mm
    )
    # 有望客户确度: a1 (促成成交, ¥100,000) and a2 (关系建立, ¥40,000) close in 2026-12; the
    # other department's ¥999,999 is not there
    assert "2 家 / ¥140,000.00" in content.certainty_chart
    assert "999,999" not in content.certainty_chart
    december = content.close_months.index("2026-12") + 1
    assert [line[december] for line in content.certainty][:2] == [
        "1 / ¥100,000.00",
        "1 / ¥40,000.00",
    ]


def test_chart_picture_sets_chinese_labels_at_print_resolution(app):
    with app.test_request_context(), force_locale("zh_CN"):
        east = svg.bar_chart("t", "d", [svg.Bar("华东集团", [1], ["¥1.00"])])
        west = svg.bar_chart("t", "d", [svg.Bar("西部钢铁", [1], ["¥1.00"])])
    from PIL import Image, ImageChops

    pictures = [Image.open(io.BytesIO(report_charts.png(c, 100))) for c in (east, west)]
    assert pictures[0].width == 788  # 100 mm at 200 dpi
    assert report_charts.PRINT_DPI >= 200
    # the label's area (left of the bars) is drawn, and differs with the characters: glyphs,
    # not missing-glyph boxes or nothing
    label = (0, 0, round(pictures[0].width * svg.LABEL_WIDTH / svg.WIDTH), pictures[0].height)
    crops = [p.convert("L").crop(label) for p in pictures]
    assert all(c.getextrema()[0] < 128 for c in crops)
    assert ImageChops.difference(*crops).getbbox() is not None
