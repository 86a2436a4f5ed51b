"""Requests for the account's Evaluation tab and the administrator's weights page: the fragment,
the period with its inline errors, who may see it, the report's downloads, saving weights."""

from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa

from tests.unit.documents_support import pdf_text, squeeze
from webapp.common.timeutil import local_today
from webapp.documents.models import GeneratedDocument
from webapp.evaluations import service
from webapp.evaluations.models import EvaluationSetting
from webapp.extensions import db
from webapp.sales.models import Payment, Purchase, SalesPlan
from webapp.sales.service import add_months, month_start

HX = {"HX-Request": "true"}


def seed_last_month(account):
    """A plan, a purchase and a payment in the last full month (inside the default period)."""
    month = add_months(month_start(local_today()), -1)
    db.session.add_all(
        [
            SalesPlan(account_id=account.id, month=month, product="钢材", spec="Q235",
                      quantity=Decimal("10"), amount=Decimal("80000"), natural_key="ep1"),
            Purchase(account_id=account.id, purchased_on=month, product="钢材", spec="Q235",
                     quantity=Decimal("5"), amount=Decimal("40000"), natural_key="eu1"),
            Payment(account_id=account.id, paid_on=month, amount=Decimal("10000"),
                    reference="HK-E1", natural_key="ey1"),
        ]
    )  # fmt: skip
    db.session.commit()


def test_the_tab_fragment_shows_score_grade_chart_and_downloads(world, login):
    seed_last_month(world.account)
    owner = login(world.owner)
    response = owner.get(f"/accounts/{world.account.id}/evaluation", headers=HX)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    text = response.get_data(as_text=True)
    assert "<html" not in text
    assert 'id="account-evaluation"' in text
    assert 'id="evaluation-chart" src="data:image/png;base64,' in text
    assert "¥80,000.00" in text and "¥40,000.00" in text
    assert "Achieved" in text and "50%" in text
    assert 'id="evaluation-grade"' in text and "Recommendation" in text
    assert "Find and win a contact in the role: Coach." in text
    assert f"/documents/evaluation/{world.account.id}.pdf" in text
    assert f"/documents/evaluation/{world.account.id}.docx" in text


def test_the_full_page_has_the_tab_selected(world, login):
    owner = login(world.owner, lang="zh_CN")
    response = owner.get(f"/accounts/{world.account.id}?tab=evaluation", follow_redirects=True)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<html" in text and 'data-tab="evaluation"' in text
    assert re.search(r'aria-selected="true"\s+data-tab="evaluation"', text)
    assert 'id="account-evaluation"' in text and "合作评估" in text and "需要开发的方面" in text


def test_a_chosen_period_changes_the_figures(world, login):
    seed_last_month(world.account)
    month = add_months(month_start(local_today()), -1)
    owner = login(world.owner)
    earlier = f"{month.year - 1}-{month.month:02d}"
    response = owner.get(
        f"/accounts/{world.account.id}/evaluation?start={earlier}&end={earlier}", headers=HX
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert f'value="{earlier}"' in text
    assert "¥40,000.00" not in text  # the purchase lies outside that month
    assert "1 months" in text


def test_a_wrong_period_answers_422_with_the_error_next_to_the_field(world, login):
    owner = login(world.owner)
    future = add_months(month_start(local_today()), 2)
    cases = [
        ("2026-05", "2026-03", "The last month must not be before the first month."),
        ("2020-01", f"{future:%Y-%m}", "The period cannot end in the future."),
        ("2020-01", "2023-12", "A period covers at most 36 months."),
        ("soon", "2026-03", "Give the first month as YYYY-MM."),
    ]
    for start, end, message in cases:
        response = owner.get(
            f"/accounts/{world.account.id}/evaluation?start={start}&end={end}", headers=HX
        )
        assert response.status_code == 422, (start, end)
        text = response.get_data(as_text=True)
        assert message in text
        assert 'aria-invalid="true"' in text
        assert f'value="{start}"' in text  # what the user typed stays in the field
        assert "Showing the default period" in text


def test_another_departments_manager_is_refused_and_unknown_accounts_are_404(world, login):
    other = login(world.other_manager)
    assert other.get(f"/accounts/{world.account.id}/evaluation").status_code == 404
    assert other.get(f"/documents/evaluation/{world.account.id}.pdf").status_code == 404
    owner = login(world.owner)
    assert owner.get("/accounts/999999/evaluation").status_code == 404
    assert owner.get("/documents/evaluation/999999.pdf").status_code == 404


def test_the_report_downloads_as_pdf_and_word(world, login):
    seed_last_month(world.account)
    owner = login(world.owner)
    pdf = owner.get(f"/documents/evaluation/{world.account.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert pdf.headers["X-Document-Version"] == "1"
    word = owner.get(f"/documents/evaluation/{world.account.id}.docx")
    assert word.status_code == 200 and word.data.startswith(b"PK")
    assert word.headers["X-Document-Version"] == "1"


def test_admin_saves_weights_and_the_tab_uses_them(world, login):
    admin = login(world.admin)
    page = admin.get("/admin/evaluation-weights")
    assert page.status_code == 200
    assert "Sales against plan" in page.get_data(as_text=True)
    values = {**service.current_settings().values(), "weight_sales": 25, "weight_growth": 20}
    response = admin.post("/admin/evaluation-weights", data=values)
    assert response.status_code == 303
    assert db.session.get(EvaluationSetting, "weight_sales").value == 25
    tab = login(world.owner).get(f"/accounts/{world.account.id}/evaluation", headers=HX)
    assert '<td class="num">25%</td>' in tab.get_data(as_text=True)


def test_wrong_weights_are_shown_inline_and_not_saved(world, login):
    admin = login(world.admin)
    values = {**service.current_settings().values(), "weight_sales": 90, "grade_B": "abc"}
    response = admin.post("/admin/evaluation-weights", data=values)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "The weights must add up to 100 (now 155)." in text
    assert "A whole number from 0 to 100." in text
    assert 'value="abc"' in text
    assert db.session.get(EvaluationSetting, "weight_sales") is None


def test_only_the_administrator_edits_weights(world, login):
    for user in (world.owner, world.head, world.executive):
        assert login(user).get("/admin/evaluation-weights").status_code == 403
        response = login(user).post("/admin/evaluation-weights", data={"weight_sales": "100"})
        assert response.status_code == 403
    assert db.session.get(EvaluationSetting, "weight_sales") is None


def test_the_report_of_a_chosen_period_downloads_without_being_stored(world, login):
    seed_last_month(world.account)
    month = add_months(month_start(local_today()), -1)
    owner = login(world.owner)
    tab = owner.get(
        f"/accounts/{world.account.id}/evaluation?start={month:%Y-%m}&end={month:%Y-%m}",
        headers=HX,
    ).get_data(as_text=True)
    link = f"/accounts/{world.account.id}/evaluation/report.pdf?start={month:%Y-%m}&amp;end="
    assert link in tab
    response = owner.get(
        f"/accounts/{world.account.id}/evaluation/report.pdf?start={month:%Y-%m}&end={month:%Y-%m}"
    )
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert f"{month:%Y%m}-{month:%Y%m}.pdf" in response.headers["Content-Disposition"]
    text = squeeze(pdf_text(response.data))
    assert f"{month.year}年{month.month}月1日至" in text and "（1个月）" in text
    word = owner.get(f"/accounts/{world.account.id}/evaluation/report.docx")
    assert word.status_code == 200 and word.data.startswith(b"PK")
    assert db.session.scalar(sa.select(sa.func.count(GeneratedDocument.id))) == 0
    wrong = owner.get(
        f"/accounts/{world.account.id}/evaluation/report.pdf?start=2026-05&end=2026-01"
    )
    assert wrong.status_code == 422
    assert "The last month must not be before the first month." in wrong.get_data(as_text=True)
    assert owner.get(f"/accounts/{world.account.id}/evaluation/report.txt").status_code == 404
    assert (
        login(world.other_manager)
        .get(f"/accounts/{world.account.id}/evaluation/report.pdf")
        .status_code
        == 404
    )
