"""An account's evaluation from the other areas' records, the period rules, which accounts are
signed, the administrator's settings, and the report as PDF and Word with the same content."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import docx
import pytest

from tests.unit.documents_support import docx_body_text, pdf_text, squeeze
from tests.unit.test_documents_render import assert_parity
from webapp.accounts.models import BuyingRole, Stage
from webapp.approvals import service as approvals
from webapp.approvals.models import RequestType, SupportKind, SupportTask, TaskStatus
from webapp.common.errors import NotFound, ValidationFailed
from webapp.complaints import service as complaints
from webapp.contracts.models import Contract, ContractStatus
from webapp.documents import markup
from webapp.documents import service as documents
from webapp.documents.docx import render_docx
from webapp.documents.pdf import render_pdf
from webapp.evaluations import documents as report_type
from webapp.evaluations import scoring, service
from webapp.evaluations.service import Period
from webapp.extensions import db
from webapp.sales.models import Payment, Purchase, SalesPlan

JAN_FEB = Period(date(2026, 1, 1), date(2026, 2, 28))


def seed(world):
    account = world.account
    db.session.add_all(
        [
            SalesPlan(account_id=account.id, month=date(2026, 1, 1), product="钢材", spec="Q235",
                      quantity=Decimal("100"), amount=Decimal("50000"), natural_key="p1"),
            SalesPlan(account_id=account.id, month=date(2026, 2, 1), product="钢材", spec="Q235",
                      quantity=Decimal("100"), amount=Decimal("50000"), natural_key="p2"),
            SalesPlan(account_id=account.id, month=date(2026, 2, 1), product="铝材", spec="6061",
                      quantity=Decimal("10"), amount=Decimal("10000"), natural_key="p3"),
            Purchase(account_id=account.id, purchased_on=date(2026, 1, 10), product="钢材",
                     spec="Q235", quantity=Decimal("60"), amount=Decimal("30000"),
                     settled=Decimal("10000"), natural_key="u1"),
            Purchase(account_id=account.id, purchased_on=date(2026, 1, 20), product="钢材",
                     spec="Q235", quantity=Decimal("50"), amount=Decimal("25000"),
                     settled=Decimal("0"), natural_key="u2"),
            Payment(account_id=account.id, paid_on=date(2026, 2, 5), amount=Decimal("20000"),
                    reference="R1", natural_key="y1"),
            Payment(account_id=account.id, paid_on=date(2025, 12, 5), amount=Decimal("1000"),
                    natural_key="y0"),
        ]
    )  # fmt: skip
    db.session.commit()
    request = approvals.file_request(
        world.owner,
        account.id,
        RequestType.SUPPORT,
        {"support_kind": "training", "content": "培训"},
    )
    db.session.add(
        SupportTask(
            request_id=request.id,
            account_id=account.id,
            kind=SupportKind.TRAINING,
            title="产品培训",
            status=TaskStatus.DELIVERED,
            delivered_at=datetime(2026, 1, 15, 3, 0, tzinfo=UTC),
        )
    )
    db.session.commit()


def test_evaluation_gathers_and_scores_the_figures_of_the_period(world, make_contact):
    seed(world)
    make_contact(world.account, name="李工", title="总工", buying_role=BuyingRole.TECHNICAL)
    item = service.evaluate_account(world.account, JAN_FEB)
    assert [m.month for m in item.months] == [date(2026, 1, 1), date(2026, 2, 1)]
    assert item.plan_amount == Decimal("110000.00")
    assert item.actual_amount == Decimal("55000.00")
    assert item.achievement == 50
    assert item.on_credit == Decimal("45000.00")  # 20,000 + 25,000 not settled on purchase
    assert item.payment_total == Decimal("20000.00")
    assert item.collection == 44
    assert item.arrears == Decimal("24000.00")
    assert item.support_delivered == 1 and item.support[0]["title"] == "产品培训"
    assert item.covered_roles == 2
    assert item.unbought_products == ["铝材 6061"]
    assert item.score.criteria == {
        "sales": Decimal("50.0"),
        "payment": Decimal("71.0"),  # (44.4 collected + 97.6 for arrears at 4.8 % of limit) / 2
        "support": Decimal("100.0"),
        "complaints": Decimal("100.0"),
        "coverage": Decimal("33.3"),
        "growth": None,  # nothing bought a year earlier
    }
    assert item.score.overall == Decimal("65.1")
    assert item.score.grade == "C"
    assert item.action == scoring.KEEP and item.suggested_grade == "green"
    codes = [(n.code, n.subject) for n in item.needs]
    assert ("role", "coach") in codes and ("role", "technical") not in codes
    assert ("product", "铝材 6061") in codes and ("behind_plan", "") in codes


def test_the_evaluation_follows_the_administrators_weights(world):
    seed(world)
    before = service.evaluate_account(world.account, JAN_FEB)
    values = {**scoring.Settings().values(), "weight_sales": 0, "weight_coverage": 45}
    service.save_settings(world.admin, values)
    after = service.evaluate_account(world.account, JAN_FEB)
    assert after.settings["weight_sales"] == 0
    assert after.score.overall != before.score.overall
    assert after.fingerprint() != before.fingerprint()


def test_the_fingerprint_follows_the_data(world):
    seed(world)
    first = service.evaluate_account(world.account, JAN_FEB).fingerprint()
    assert service.evaluate_account(world.account, JAN_FEB).fingerprint() == first
    db.session.add(
        Payment(account_id=world.account.id, paid_on=date(2026, 2, 20), amount=Decimal("5"),
                natural_key="y2")
    )  # fmt: skip
    db.session.commit()
    assert service.evaluate_account(world.account, JAN_FEB).fingerprint() != first


def test_the_evaluation_is_seen_only_by_who_sees_the_account(world):
    account, item = service.evaluation(world.supervisor, world.account.id)
    assert account.id == world.account.id and item.period == service.default_period()
    with pytest.raises(NotFound):
        service.evaluation(world.other_manager, world.account.id)
    with pytest.raises(NotFound):
        service.evaluation(world.owner, 999_999)


def test_default_period_is_the_last_twelve_full_months():
    assert service.default_period(date(2026, 11, 23)) == Period(
        date(2025, 11, 1), date(2026, 10, 31)
    )
    assert service.default_period(date(2026, 1, 1)) == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert service.default_period(date(2026, 1, 1)).months == 12


TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-01", "2026-03", Period(date(2026, 1, 1), date(2026, 3, 31))),
        ("2024-02", "2024-02", Period(date(2024, 2, 1), date(2024, 2, 29))),
        ("2026-11", "2026-11", Period(date(2026, 11, 1), TODAY)),  # this month: up to today
        ("2023-12", "2026-11", Period(date(2023, 12, 1), TODAY)),  # 36 months
    ],
)
def test_a_valid_period(ctx, start, end, expected):
    assert service.parse_period(start, end, TODAY) == expected


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("2026-05", "2026-03", "end", "不能早于"),
        ("2023-11", "2026-11", "end", "最长 36 个月"),
        ("2026-10", "2026-12", "end", "将来"),
        ("", "2026-03", "start", "YYYY-MM"),
        ("2026-13", "2026-03", "start", "YYYY-MM"),
        ("2026-01", "March", "end", "YYYY-MM"),
    ],
)
def test_a_wrong_period_names_the_field(ctx, start, end, field, message):
    with pytest.raises(ValidationFailed) as caught:
        service.parse_period(start, end, TODAY)
    assert message in caught.value.errors[field]


def test_signed_accounts_are_in_maintenance_or_have_a_signed_contract(world, make_account):
    maintained = make_account(world.owner, stage=Stage.MAINTENANCE)
    with_contract = make_account(world.owner)
    draft_only = make_account(world.owner)
    for account, status in (
        (with_contract, ContractStatus.SIGNED),
        (draft_only, ContractStatus.DRAFT),
    ):
        db.session.add(
            Contract(number=f"HT-2026-9{account.id:04d}", account_id=account.id,
                     owner_id=world.owner.id, department_id=account.department_id,
                     title="购销合同", status=status)
        )  # fmt: skip
    db.session.commit()
    assert service.signed_account_ids() == [maintained.id, with_contract.id]
    assert service.is_signed(with_contract) and not service.is_signed(draft_only)
    assert report_type.EVALUATION.all_ids() == [maintained.id, with_contract.id]


def test_saving_wrong_settings_stores_nothing(world):
    values = {**scoring.Settings().values(), "weight_sales": 50}
    with pytest.raises(ValidationFailed) as caught:
        service.save_settings(world.admin, values)
    assert "（现为 115）" in caught.value.errors["weights"]
    assert service.current_settings() == scoring.Settings()


# --- the report -------------------------------------------------------------------------------


def report_document(world, period=JAN_FEB):
    report = report_type.Report(world.account, period)
    context = {
        **report_type.report_context(report),
        "document": {"version": 3, "generated_at": datetime(2026, 11, 23, 2, tzinfo=UTC)},
    }
    return markup.render_document("evaluation/evaluation.xml", context)


def test_report_pdf_and_docx_carry_the_same_content(world, make_contact):
    seed(world)
    make_contact(world.account, name="周工", buying_role=BuyingRole.COACH)
    complaint = complaints.record_complaint(
        world.owner, world.account.id,
        {"subject": "包装破损", "description": "d", "received_on": date(2026, 1, 15)},
    )  # fmt: skip
    for actor, step in (
        (world.owner, "investigated"),
        (world.supervisor, "instructed"),
        (world.owner, "client_told"),
        (world.supervisor, "archived"),
    ):
        complaints.advance(actor, complaint.id, step, "ok")
    document = report_document(world)
    pdf, docx_bytes = render_pdf(document), render_docx(document)
    assert_parity(document, pdf, docx_bytes)
    text = squeeze(pdf_text(pdf))
    for expected in (
        "合作评估报告",
        world.account.name,
        "2026年1月1日至2026年2月28日",
        "综合得分64.0分",
        "评级C（中）",
        "铝材6061",
        "产品培训",
        "包装破损",
        "已结投诉平均处理0.0天",
        "周工",
        "大客户部经理",
        world.owner.full_name,
    ):
        assert squeeze(expected) in text, expected
    assert "合作评估报告" in docx_body_text(docx_bytes)
    # the chart, once in each format
    assert pdf.count(b"/Subtype /Image") == 1
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        assert len([n for n in package.namelist() if n.startswith("word/media/")]) == 1
    assert len(docx.Document(io.BytesIO(docx_bytes)).inline_shapes) == 1


def test_an_account_without_records_still_makes_a_report(world):
    document = report_document(world)
    pdf, docx_bytes = render_pdf(document), render_docx(document)
    assert_parity(document, pdf, docx_bytes)
    assert "本期无回款记录" in squeeze(pdf_text(pdf))


def test_generated_report_is_stored_and_versioned_by_its_figures(world):
    seed(world)
    first = documents.generate(world.owner, "evaluation", world.account.id, "pdf")
    assert first.version == 1 and first.filename.startswith("合作评估报告-")
    assert documents.read_bytes(first).startswith(b"%PDF-")
    assert (
        documents.generate(world.supervisor, "evaluation", world.account.id, "pdf").id == first.id
    )
    word = documents.generate(world.owner, "evaluation", world.account.id, "docx")
    assert word.version == 1
    period = service.default_period()
    db.session.add(
        Payment(account_id=world.account.id, paid_on=period.end, amount=Decimal("7"),
                natural_key="y3")
    )  # fmt: skip
    db.session.commit()
    assert documents.generate(world.owner, "evaluation", world.account.id, "pdf").version == 2
    with pytest.raises(NotFound):
        documents.generate(world.other_manager, "evaluation", world.account.id, "pdf")


def test_render_one_report_from_the_command_line(runner, world, tmp_path):
    seed(world)
    target = tmp_path / "report.docx"
    args = ["render", "evaluation", str(world.account.id), "--format", "docx", "-o", str(target)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert world.account.name in docx_body_text(target.read_bytes())
    assert "version 1" in result.output


def test_render_all_reports_of_signed_accounts_with_worker_processes(
    runner, world, make_account, tmp_path
):
    signed = [make_account(world.owner, stage=Stage.MAINTENANCE) for _ in range(2)]
    make_account(world.owner)  # still in development: no report
    folder = tmp_path / "batch"
    args = ["render", "evaluation", "--all", "--format", "pdf", "-o", str(folder), "--jobs", "2"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "2 of 2 evaluation documents rendered" in result.output
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 and all(n.startswith("合作评估报告-") for n in names)
    assert {a.short_name for a in signed} == {n.split("-")[1] for n in names}


@pytest.mark.parametrize(
    ("action", "current", "suggested", "expected"),
    [
        ("upgrade", "yellow", "green", "raise the credit grade to Green"),
        ("upgrade", "green", "green", "keep the credit grade (Green) and consider a higher"),
        ("downgrade", "yellow", "red", "lower the credit grade to Red"),
        ("downgrade", "red", "red", "keep the credit grade at Red, lower the credit limit"),
        ("keep", "yellow", "yellow", "Keep the credit grade (Yellow)"),
    ],
)
def test_the_recommendation_never_moves_a_grade_past_either_end(
    app, action, current, suggested, expected
):
    from types import SimpleNamespace

    from webapp.evaluations import service as evaluations

    item = SimpleNamespace(action=action, credit_grade=current, suggested_grade=suggested)
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert expected in evaluations.action_text(item)
