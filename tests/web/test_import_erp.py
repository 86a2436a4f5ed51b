"""Imports take what ERPs export (issue 12 item 4): 已结算 as an amount or a yes/no, the dry run
lists each row's client, date, product and amount, messages tell the truth, a template per kind,
and the records tab explains the arrears."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from tests.helpers import text
from webapp.extensions import db
from webapp.sales.models import ImportBatch, Payment, Purchase

HX = {"HX-Request": "true"}
HEADER = ["税号", "进货日期", "单号", "品种", "规格", "数量", "金额", "已结算"]


def csv_bytes(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def purchase(world, doc, settled, amount="1000.00"):
    return [world.account.tax_number, "2026/3/5", doc, "钢材", "Q235", "10", amount, settled]


def upload(session, data: bytes, name="march.csv", kind=""):
    response = session.post(
        "/sales/imports",
        data={"file": (io.BytesIO(data), name), "kind": kind},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, text(response)
    return response.headers["Location"]


def settled_by_doc() -> dict[str, Decimal]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(Purchase.document_no, Purchase.settled)).all())


def test_settled_as_yes_no_in_every_common_form_imports(world, login):
    finance = login(world.finance)
    yes = ["是", "Y", "1", "已", "yes", "已结算"]
    no = ["否", "N", "0", "未", "no", "未结算", ""]
    rows = [purchase(world, f"Y{n}", v) for n, v in enumerate(yes)]
    rows += [purchase(world, f"N{n}", v) for n, v in enumerate(no)]
    rows.append(purchase(world, "A1", "250.50"))
    batch_url = upload(finance, csv_bytes(rows))
    page = text(finance.get(batch_url))
    assert f'id="count-new">{len(rows)}<' in page and 'id="count-bad">0<' in page
    assert "rows are ready to import" in page
    finance.post(batch_url + "/confirm")
    settled = settled_by_doc()
    assert {settled[f"Y{n}"] for n in range(len(yes))} == {Decimal("1000.00")}
    assert {settled[f"N{n}"] for n in range(len(no))} == {Decimal("0.00")}
    assert settled["A1"] == Decimal("250.50")


def test_a_settled_cell_that_is_neither_says_what_it_takes(world, login):
    finance = login(world.finance, lang="zh_CN")
    batch_url = upload(finance, csv_bytes([purchase(world, "X1", "大概")]))
    page = text(finance.get(batch_url))
    assert "不是金额" in page or "是/否" in page, page
    assert "已结算" in page


def test_a_dry_run_with_only_errors_says_so_and_cannot_be_confirmed(world, login):
    finance = login(world.finance)
    rows = [purchase(world, f"E{n}", "maybe") for n in range(4)]
    batch_url = upload(finance, csv_bytes(rows))
    page = text(finance.get(batch_url))
    assert "4 rows have errors and no row can be imported" in page
    assert "already" not in page  # never "every good row is already there"
    assert 'id="confirm-import"' not in page
    refused = finance.post(batch_url + "/confirm", data={"skip_errors": "y"}, follow_redirects=True)
    assert "no row can be imported" in text(refused)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Purchase)) == 0


def test_errors_must_be_fixed_or_knowingly_skipped(world, login):
    finance = login(world.finance)
    rows = [purchase(world, "G1", "是"), *(purchase(world, f"E{n}", "?") for n in range(4))]
    batch_url = upload(finance, csv_bytes(rows))
    page = text(finance.get(batch_url))
    assert "4 rows have errors; nothing will be imported until they are fixed or skipped" in page
    assert 'name="skip_errors"' in page
    finance.post(batch_url + "/confirm")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Purchase)) == 0
    finance.post(batch_url + "/confirm", data={"skip_errors": "y"})
    assert list(settled_by_doc()) == ["G1"]


def test_the_dry_run_lists_each_rows_client_date_product_and_amount(world, login):
    finance = login(world.finance)
    rows = [purchase(world, "D1", "是", "45000"), purchase(world, "D2", "?", "2890.5")]
    page = text(finance.get(upload(finance, csv_bytes(rows))))
    table = page[page.index('id="batch-rows"') :]
    first, second = re.findall(r'<tr class="outcome-[a-z]+">(.*?)</tr>', table, re.S)
    for row in (first, second):
        assert world.account.name in row and "2026/3/5" in row and "钢材 Q235" in row
    assert "¥45,000.00" in first and "¥2,890.50" in second


@pytest.mark.parametrize("kind", ["plan", "purchase", "payment", "expense"])
def test_each_kind_has_a_template_that_imports_as_it_is(world, login, kind):
    finance = login(world.finance)
    response = finance.get(f"/sales/imports/template/{kind}.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:2] == ["税号", "客户名称"]
    explained = " ".join(str(c.value) for row in book.worksheets[1].iter_rows() for c in row)
    assert "是/否" in explained or kind != "purchase"


def test_a_template_with_columns_renamed_and_reordered_still_imports(world, login):
    finance = login(world.finance)
    book = openpyxl.load_workbook(
        io.BytesIO(finance.get("/sales/imports/template/payment.xlsx").data)
    )
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == ["税号", "客户名称", "回款日期", "回款金额", "凭证号"]
    renamed = {"回款日期": "到账日期", "回款金额": "金额", "凭证号": "流水号", "客户名称": "客户"}
    order = ["流水号", "金额", "客户", "到账日期", "税号"]
    values = {"流水号": "HD-1", "金额": "¥30,000.00", "客户": world.account.name,
              "到账日期": "2026年3月20日", "税号": ""}  # fmt: skip
    new = openpyxl.Workbook()
    new.active.append(order)
    new.active.append([values[name] for name in order])
    assert set(order) == {renamed.get(h, h) for h in header}
    out = io.BytesIO()
    new.save(out)
    batch_url = upload(finance, out.getvalue(), name="回款.xlsx")
    finance.post(batch_url + "/confirm")
    db.session.expire_all()
    assert db.session.scalars(sa.select(Payment.amount)).all() == [Decimal("30000.00")]


def test_the_upload_page_lists_each_kinds_columns_and_templates(world, login):
    page = text(login(world.finance).get("/sales/imports"))
    for kind in ("plan", "purchase", "payment", "expense"):
        assert f'href="/sales/imports/template/{kind}.xlsx"' in page
    assert "已结算" in page and "是/否, Y/N, 1/0, 已/未" in page
    assert "2026年3月5日" in page  # the accepted date forms


def test_the_records_tab_explains_the_arrears(world, login):
    finance = login(world.finance)
    rows = [purchase(world, "R1", "是", "30000"), purchase(world, "R2", "200", "1000")]
    finance.post(upload(finance, csv_bytes(rows)) + "/confirm")
    payments = csv_bytes(
        [[world.account.tax_number, "2026/3/9", "500", "HD-9"]],
        header=["税号", "回款日期", "回款金额", "凭证号"],
    )
    finance.post(upload(finance, payments) + "/confirm")
    tab = text(login(world.owner).get(f"/accounts/{world.account.id}/records", headers=HX))
    box = tab[tab.index('id="records-reconciliation"') :]
    box = re.sub(r"<[^>]+>|\s+", " ", box[: box.index("</table>")])
    box = re.sub(r"\s+", " ", box)
    assert "Purchases in total ¥31,000.00" in box
    assert "of which settled when bought ¥30,200.00" in box
    assert "bought on credit ¥800.00" in box
    assert "Payments in total ¥500.00" in box
    assert "Arrears ¥300.00" in box
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportBatch)) == 2
