"""Exports of lists: typed cells, Chinese headers, the filter on the sheet, no formulas, only
the rows the user may see; big exports built in the background for their requester only."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from webapp.accounts.models import Stage
from webapp.auth.models import Role
from webapp.common import background
from webapp.extensions import db
from webapp.lists.models import ExportJob, ExportState


class InlineRunner:
    """Runs a submitted task at once, in the test (no thread)."""

    def __init__(self):
        self.submitted = []

    def submit(self, app, name, args):
        self.submitted.append((name, args))
        background.run_task(app, name, args)


def _book(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.data))


@pytest.fixture
def team(make_user, make_account, make_department):
    manager = make_user(Role.ACCOUNT_MANAGER, full_name="张伟")
    colleague = make_user(Role.ACCOUNT_MANAGER, full_name="李四")
    mine = make_account(
        manager,
        name='=HYPERLINK("http://x")集团',
        short_name="-2+3",
        credit_limit=Decimal("1234.5"),
        stage=Stage.CLOSING,
    )
    theirs = make_account(colleague, name="李四的客户有限公司")
    return manager, colleague, mine, theirs


def test_account_export_has_typed_cells_and_no_formulas(team, login):
    manager, _colleague, mine, _theirs = team
    client = login(manager, lang="zh_CN")
    sheet = _book(client.get("/accounts/?export=xlsx")).active
    rows = list(sheet.iter_rows(values_only=False))
    assert "筛选" in rows[0][0].value
    headers = [c.value for c in rows[1]]
    assert "授信额度" in headers and "负责人" in headers
    data = rows[2]
    assert len(rows) == 3  # the colleague's account is not there
    by_header = dict(zip(headers, data, strict=True))
    assert by_header["授信额度"].value == 1234.5
    assert by_header["授信额度"].number_format == "#,##0.00"
    assert by_header["标准名称"].value.startswith("'=")
    assert by_header["简称"].value == "'-2+3"
    assert isinstance(
        by_header["创建时间"].value, datetime
    )  # a date cell (openpyxl reads dates as datetimes)
    assert by_header["创建时间"].is_date


def test_filter_is_stated_and_applied_and_zero_rows_still_have_headers(team, login):
    manager, *_ = team
    client = login(manager, lang="zh_CN")
    sheet = _book(client.get("/accounts/?stage=target&export=xlsx")).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert "阶段" in rows[0][0] and "确定" in rows[0][0]
    assert rows[1][0] == "标准名称"


def test_csv_export_is_utf8_with_bom(team, login):
    manager, *_ = team
    response = login(manager, lang="zh_CN").get("/accounts/?export=csv")
    assert response.status_code == 200
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][0] == "标准名称"
    assert rows[2][0].startswith("'=")
    assert "1234.50" in rows[2]


def test_unknown_export_format_shows_the_page(team, login):
    manager, *_ = team
    response = login(manager).get("/accounts/?export=pdf")
    assert response.status_code == 200
    assert b"<html" in response.data


def test_contacts_of_an_unseen_account_export_nothing(team, login, make_contact):
    manager, _colleague, _mine, theirs = team
    make_contact(theirs, name="秘密联系人")
    response = login(manager).get(f"/accounts/{theirs.id}/contacts?export=xlsx")
    assert response.status_code == 404


def test_big_export_runs_in_the_background_for_its_requester_only(app, team, login):
    manager, colleague, *_ = team
    app.config["EXPORT_BACKGROUND_ROWS"] = 0
    runner = InlineRunner()
    background.set_runner(app, runner)
    client = login(manager)
    response = client.get("/accounts/?export=xlsx")
    assert response.status_code == 303
    assert runner.submitted and runner.submitted[0][0] == "exports.build"
    job = db.session.scalars(db.select(ExportJob)).one()
    db.session.refresh(job)
    assert job.state is ExportState.DONE and job.rows_done == job.rows_total == 1
    page = client.get(response.headers["Location"])
    assert b"download" in page.data
    download = client.get(f"/exports/{job.id}/download")
    sheet = _book(download).active
    assert sheet.max_row == 3
    other = login(colleague)
    assert other.get(f"/exports/{job.id}").status_code == 404
    assert other.get(f"/exports/{job.id}/download").status_code == 404


def test_export_cells_of_dates_are_dates():
    from webapp.lists.registry import Kind
    from webapp.lists.writer import typed

    assert typed(date(2026, 1, 2), Kind.DATE) == date(2026, 1, 2)
    assert typed(Decimal("-5.00"), Kind.MONEY) == Decimal("-5.00")
    assert typed("-5", Kind.MONEY) == "-5"
    assert typed("@SUM(A1)", Kind.TEXT) == "'@SUM(A1)"


@pytest.mark.parametrize(
    ("address", "header"),
    [
        ("/contracts/?export=xlsx", "合同编号"),
        ("/approvals/?box=filed&export=xlsx", "申请人"),
        ("/open-warnings?scope=team&export=xlsx", "规则"),
        ("/accounts/{id}/records?export=xlsx", "单据号"),
        ("/accounts/{id}/contacts?export=xlsx", "姓名"),
    ],
)
def test_every_list_exports_with_chinese_headers(team, login, address, header):
    manager, _colleague, mine, _theirs = team
    response = login(manager, lang="zh_CN").get(address.format(id=mine.id))
    rows = list(_book(response).active.iter_rows(values_only=True))
    assert header in rows[1]
    assert "筛选" in rows[0][0]


def test_list_pages_offer_the_export(team, login):
    manager, _colleague, mine, _theirs = team
    client = login(manager, lang="zh_CN")
    for address in ("/accounts/?stage=closing", "/contracts/", "/approvals/", "/open-warnings"):
        page = client.get(address).get_data(as_text=True)
        assert "export=xlsx" in page and "导出" in page, address
    assert "stage=closing" in client.get("/accounts/?stage=closing").get_data(as_text=True)


def test_a_job_whose_list_is_gone_fails_visibly(app, team, login):
    from webapp.lists.exports import build_export

    manager, *_ = team
    job = ExportJob(user_id=manager.id, list_key="gone", args={}, fmt="xlsx", filename="x.xlsx")
    db.session.add(job)
    db.session.commit()
    build_export(job.id)
    db.session.refresh(job)
    assert job.state is ExportState.FAILED
    page = login(manager, lang="zh_CN").get(f"/exports/{job.id}").get_data(as_text=True)
    assert "导出失败" in page
    assert login(manager).get(f"/exports/{job.id}/download").status_code == 404
