"""Requests for sales records, imports, complaints and warnings: what each page shows, the htmx
fragments, and what changed in the database."""

from __future__ import annotations

import csv
import io
import threading
import time
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from webapp.common.timeutil import local_today
from webapp.complaints.models import Complaint, ComplaintStatus
from webapp.extensions import db
from webapp.sales.models import BatchStatus, ImportBatch, ImportRow, Purchase, RowOutcome
from webapp.warnings import service as warnings
from webapp.warnings.models import EarlyWarning, MajorEvent, RuleKey, WarningStatus

HX = {"HX-Request": "true"}


def purchases_csv(world, *docs, bad_amount=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["税号", "进货日期", "单号", "品种", "规格", "数量", "金额", "已结算"])
    for n, doc in enumerate(docs):
        amount = "abc" if bad_amount and n == len(docs) - 1 else "1000"
        writer.writerow(
            [world.account.tax_number, "2026/3/5", doc, "钢材", "Q235", "10", amount, "0"]
        )
    return out.getvalue().encode("utf-8")


def upload(session, data: bytes, name="march.csv", kind=""):
    return session.post(
        "/sales/imports",
        data={"file": (io.BytesIO(data), name), "kind": kind},
        content_type="multipart/form-data",
    )


def test_finance_uploads_sees_the_dry_run_and_confirms(world, login):
    finance = login(world.finance)
    response = upload(finance, purchases_csv(world, "D1", "D2", "D3", bad_amount=True))
    assert response.status_code == 303
    batch_url = response.headers["Location"]
    page = finance.get(batch_url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="count-new">2<' in text and 'id="count-bad">1<' in text
    assert "not a number: abc" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Purchase)) == 0

    fix = finance.get(batch_url + "/bad-rows.csv")
    assert fix.status_code == 200 and fix.mimetype == "text/csv"
    assert "D3" in fix.get_data(as_text=True)

    refused = finance.post(batch_url + "/confirm", follow_redirects=True)
    assert "1 row has errors; nothing will be imported until it is fixed or skipped" in (
        refused.get_data(as_text=True)
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Purchase)) == 0
    confirmed = finance.post(batch_url + "/confirm", data={"skip_errors": "y"})
    assert confirmed.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Purchase)) == 2
    assert "Imported at" in finance.get(batch_url).get_data(as_text=True)


def test_the_progress_fragment_is_polled_while_running(world, login):
    finance = login(world.finance)
    batch = ImportBatch(
        filename="big.csv",
        sha256="0" * 64,
        data=b"",
        uploaded_by_id=world.finance.id,
        status=BatchStatus.CHECKING,
        total_rows=50000,
        processed_rows=10000,
        heartbeat_at=world.account.created_at + timedelta(days=3650),
    )
    db.session.add(batch)
    db.session.commit()
    response = finance.get(f"/sales/imports/{batch.id}", headers=HX)
    text = response.get_data(as_text=True)
    assert "<html" not in text and 'id="import-batch"' in text
    assert 'hx-trigger="every 1s"' in text and "10000 of about 50000" in text
    assert "HX-Request" in response.headers["Vary"]


def test_a_long_dry_run_is_shown_a_hundred_rows_a_page(world, login):
    batch = ImportBatch(
        filename="long.csv",
        sha256="1" * 64,
        data=b"",
        uploaded_by_id=world.finance.id,
        status=BatchStatus.CHECKED,
        new_rows=150,
        bad_rows=100,
    )
    db.session.add(batch)
    db.session.flush()
    db.session.add_all(
        ImportRow(
            batch_id=batch.id,
            row_number=n,
            outcome=RowOutcome.NEW if n % 2 else RowOutcome.BAD,
            problems=None if n % 2 else [["数量", "number", {"value": "x"}]],
        )
        for n in range(2, 252)
    )
    db.session.commit()
    finance = login(world.finance)
    url = f"/sales/imports/{batch.id}"

    first = finance.get(url).get_data(as_text=True)
    assert "Rows 1–100 of 250" in first
    assert f'href="{url}?page=2">Next<' in first and ">Previous<" not in first
    last = finance.get(url + "?page=3").get_data(as_text=True)
    assert "Rows 201–250 of 250" in last
    assert f'href="{url}?page=2">Previous<' in last and ">Next<" not in last
    bad = finance.get(url + "?outcome=bad").get_data(as_text=True)
    assert "Rows 1–100 of 125" in bad and bad.count('class="outcome-bad"') == 100
    assert f'href="{url}?outcome=bad&amp;page=2">Next<' in bad
    assert "数量: not a number: x" in bad


def test_a_file_with_wrong_columns_is_refused_whole(world, login):
    finance = login(world.finance)
    response = upload(finance, "客户名称,备注\n某公司,x\n".encode(), kind="purchase")
    text = finance.get(response.headers["Location"]).get_data(as_text=True)
    assert "required columns are missing" in text


def test_an_upload_without_a_file_is_refused(world, login):
    response = login(world.supervisor).post("/sales/imports", data={})
    assert response.status_code == 422
    assert "Choose a file" in response.get_data(as_text=True)


def test_account_managers_see_records_but_cannot_import(world, login):
    db.session.add(
        Purchase(
            account_id=world.account.id,
            purchased_on=local_today(),
            product="钢材",
            spec="Q235",
            quantity=Decimal("10"),
            amount=Decimal("12345.00"),
            settled=Decimal("345.00"),
            natural_key="x1",
        )
    )
    db.session.commit()
    owner = login(world.owner)
    tab = owner.get(f"/accounts/{world.account.id}/records", headers=HX)
    text = tab.get_data(as_text=True)
    assert tab.status_code == 200 and "<html" not in text and 'id="account-records"' in text
    assert "¥12,000.00" in text  # arrears
    assert "Import records" not in text
    assert owner.get("/sales/imports").status_code == 403
    page = owner.get(f"/accounts/{world.account.id}?tab=records", follow_redirects=True)
    assert 'id="account-records"' in page.get_data(as_text=True)


def test_a_complaint_from_record_to_archive_through_the_pages(world, login):
    owner, supervisor = login(world.owner), login(world.supervisor)
    response = owner.post(
        f"/accounts/{world.account.id}/complaints",
        data={"subject": "到货延迟", "description": "晚到三天"},
    )
    assert response.status_code == 303
    url = response.headers["Location"]
    complaint = db.session.scalar(sa.select(Complaint))
    owner.post(url + "/steps", data={"step": "investigated", "note": "物流延误"})
    page = owner.get(url).get_data(as_text=True)
    assert "Waiting for: Leader" in page  # the owner cannot instruct
    fragment = supervisor.post(
        url + "/steps", data={"step": "instructed", "note": "赔偿运费"}, headers=HX
    ).get_data(as_text=True)
    assert "<html" not in fragment and 'id="complaint-steps"' in fragment
    refused = supervisor.post(url + "/steps", data={"step": "archived", "note": "归档"}, headers=HX)
    assert "client was told" in refused.get_data(as_text=True)
    owner.post(url + "/steps", data={"step": "client_told", "note": "已告知"})
    supervisor.post(url + "/steps", data={"step": "archived", "note": "归档"})
    db.session.refresh(complaint)
    assert complaint.status is ComplaintStatus.ARCHIVED and len(complaint.steps) == 5
    tab = owner.get(f"/accounts/{world.account.id}/complaints", headers=HX).get_data(as_text=True)
    assert "到货延迟" in tab


def test_home_lists_my_warnings_and_handles_them_in_place(world, login):
    db.session.add(
        Purchase(
            account_id=world.account.id,
            purchased_on=local_today() - timedelta(days=200),
            product="钢材",
            spec="",
            quantity=Decimal("1"),
            amount=Decimal("1"),
            settled=Decimal("1"),
            natural_key="old",
        )
    )
    db.session.commit()
    warnings.evaluate()
    warning = db.session.scalar(sa.select(EarlyWarning).where(EarlyWarning.rule == RuleKey.CHURN))
    owner = login(world.owner)
    home = owner.get("/").get_data(as_text=True)
    assert f'id="warning-{warning.id}"' in home and "No purchase since" in home
    assert 'id="home-warnings"' in login(world.colleague).get("/").get_data(as_text=True)
    assert f'id="warning-{warning.id}"' not in login(world.colleague).get("/").get_data(
        as_text=True
    )

    row = owner.post(
        f"/warnings/{warning.id}", data={"action": "acknowledge", "note": "下周拜访"}, headers=HX
    ).get_data(as_text=True)
    assert "<html" not in row and f'id="warning-{warning.id}"' in row and "下周拜访" in row
    owner.post(f"/warnings/{warning.id}", data={"action": "resolve", "note": "已下单"}, headers=HX)
    db.session.refresh(warning)
    assert warning.status is WarningStatus.RESOLVED and warning.note == "已下单"
    assert f'id="warning-{warning.id}"' not in owner.get("/").get_data(as_text=True)


def test_the_team_reports_a_major_event_from_the_account_tab(world, login):
    owner = login(world.owner)
    response = owner.post(
        f"/accounts/{world.account.id}/events",
        data={"kind": "accident", "description": "老板车祸住院"},
        headers=HX,
    )
    text = response.get_data(as_text=True)
    assert (
        response.status_code == 200 and 'id="account-warnings"' in text and "老板车祸住院" in text
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MajorEvent)) == 1
    home = login(world.supervisor).get("/").get_data(as_text=True)
    assert "Major event at the client" in home


def test_admin_edits_thresholds_and_runs_the_evaluation(world, login):
    admin = login(world.admin)
    page = admin.get("/warnings/rules").get_data(as_text=True)
    assert 'name="churn-threshold"' in page
    form = {"churn-enabled": "1", "churn-threshold": "abc"}
    refused = admin.post("/warnings/rules", data=form)
    assert refused.status_code == 422 and "whole number" in refused.get_data(as_text=True)
    data = {}
    for setting in warnings.rule_settings():
        data[f"{setting.key.value}-enabled"] = "1"
        data[f"{setting.key.value}-threshold"] = "45" if setting.key is RuleKey.CHURN else "10"
        if setting.window_days is not None:
            data[f"{setting.key.value}-window"] = "60"
    assert admin.post("/warnings/rules", data=data).status_code == 303
    churn = next(s for s in warnings.rule_settings() if s.key is RuleKey.CHURN)
    assert churn.threshold == 45
    ran = admin.post("/warnings/run", follow_redirects=True)
    assert "Warnings evaluated" in ran.get_data(as_text=True)


def test_cli_import_and_warnings_run(world, runner, tmp_path):
    path = tmp_path / "purchases.csv"
    path.write_bytes(purchases_csv(world, "C1", "C2", bad_amount=True))
    dry = runner.invoke(args=["import", "sales", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "new 1" in dry.output and "errors 1" in dry.output and "dry run" in dry.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Purchase)) == 0
    bad = tmp_path / "bad.csv"
    done = runner.invoke(args=["import", "sales", str(path), "--bad-rows", str(bad)])
    assert done.exit_code == 0 and "new 1" in done.output
    assert "C2" in bad.read_text(encoding="utf-8-sig")
    again = runner.invoke(args=["import", "sales", str(path), "--kind", "purchase"])
    assert "new 0" in again.output and "unchanged 1" in again.output
    result = runner.invoke(args=["warnings", "run"])
    assert result.exit_code == 0 and result.output.startswith("warnings:")
    refused = runner.invoke(args=["import", "sales", str(path), "--kind", "payment"])
    assert refused.exit_code != 0


def test_a_big_upload_is_worked_on_outside_the_request(app, world, login):
    """Above the inline size the request only stores the file; a worker thread checks it while
    the page polls, and the state lives in the database."""
    app.config["SALES_IMPORT_INLINE_BYTES"] = 0
    finance = login(world.finance)
    response = upload(finance, purchases_csv(world, *(f"T{i}" for i in range(300))))
    assert response.status_code == 303
    batch_id = int(response.headers["Location"].rsplit("/", 1)[1])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        db.session.expire_all()
        batch = db.session.get(ImportBatch, batch_id)
        if not batch.running:
            break
        time.sleep(0.1)
    assert batch.status is BatchStatus.CHECKED and batch.new_rows == 300
    finance.post(f"/sales/imports/{batch_id}/confirm")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        db.session.expire_all()
        if db.session.get(ImportBatch, batch_id).status is BatchStatus.DONE:
            break
        time.sleep(0.1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Purchase)) == 300
    # the workers give their connection back after the last commit: wait for them, or the
    # test's database is torn down under them
    for worker in threading.enumerate():
        if worker.name.startswith("sales-import-"):
            worker.join(timeout=30)
