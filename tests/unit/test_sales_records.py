"""An account's records: plan against actual by month and product, arrears, and the figures the
cooperation evaluation will read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from webapp.complaints import service as complaints
from webapp.evaluations.figures import evaluation_figures
from webapp.extensions import db
from webapp.sales import service
from webapp.sales.models import Payment, Purchase, SalesPlan


def seed(account):
    db.session.add_all(
        [
            SalesPlan(account_id=account.id, month=date(2026, 1, 1), product="钢材", spec="Q235",
                      quantity=Decimal("100"), amount=Decimal("50000"), natural_key="p1"),
            SalesPlan(account_id=account.id, month=date(2026, 2, 1), product="钢材", spec="Q235",
                      quantity=Decimal("100"), amount=Decimal("50000"), natural_key="p2"),
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


def test_monthly_plan_against_actual_includes_empty_months(world):
    seed(world.account)
    months = service.monthly_plan_vs_actual(world.account.id, date(2026, 1, 1), date(2026, 3, 31))
    assert [(m.month, m.plan_quantity, m.actual_quantity, m.actual_amount) for m in months] == [
        (date(2026, 1, 1), Decimal("100.00"), Decimal("110.00"), Decimal("55000.00")),
        (date(2026, 2, 1), Decimal("100.00"), Decimal("0.00"), Decimal("0.00")),
        (date(2026, 3, 1), Decimal("0.00"), Decimal("0.00"), Decimal("0.00")),
    ]
    assert months[0].percent == 110 and months[2].percent is None


def test_arrears_are_unsettled_purchases_minus_payments(world):
    seed(world.account)
    # 20,000 + 25,000 unsettled − 21,000 paid
    assert service.account_arrears(world.account.id) == Decimal("24000.00")
    assert service.arrears_by_account() == {world.account.id: Decimal("24000.00")}


def test_overpaid_accounts_owe_nothing(world, make_account):
    other = make_account(world.owner)
    db.session.add(
        Payment(account_id=other.id, paid_on=date(2026, 1, 1), amount=Decimal("5"), natural_key="z")
    )
    db.session.commit()
    assert service.account_arrears(other.id) == Decimal("0.00")


def test_by_product_table(world):
    seed(world.account)
    rows = service.plan_vs_actual_by_product(world.account.id, [date(2026, 1, 1), date(2026, 2, 1)])
    assert [(r.product, r.spec, r.cells) for r in rows] == [
        (
            "钢材",
            "Q235",
            [(Decimal("100.00"), Decimal("110.00")), (Decimal("100.00"), Decimal("0"))],
        )
    ]


def test_evaluation_figures_for_a_period(world):
    seed(world.account)
    complaint = complaints.record_complaint(
        world.owner, world.account.id,
        {"subject": "破损", "description": "d", "received_on": date(2026, 1, 15)},
    )  # fmt: skip
    for actor, step in (
        (world.owner, "investigated"),
        (world.supervisor, "instructed"),
        (world.owner, "client_told"),
        (world.supervisor, "archived"),
    ):
        complaints.advance(actor, complaint.id, step, "ok")
    figures = evaluation_figures(world.account.id, date(2026, 1, 1), date(2026, 2, 28))
    assert [m["month"] for m in figures["months"]] == [date(2026, 1, 1), date(2026, 2, 1)]
    assert figures["plan_amount"] == Decimal("100000.00")
    assert figures["actual_amount"] == Decimal("55000.00")
    assert figures["payments"] == [
        {"paid_on": date(2026, 2, 5), "amount": Decimal("20000.00"), "reference": "R1"}
    ]
    assert figures["payment_total"] == Decimal("20000.00")
    assert figures["arrears"] == Decimal("24000.00")
    assert figures["credit_limit"] == world.account.credit_limit
    assert figures["complaints"][0]["status"] == "archived"
    assert figures["complaints"][0]["days_to_close"] == 0.0
    assert figures["average_days_to_close"] == 0.0
