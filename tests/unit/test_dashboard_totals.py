"""The monthly sales totals (sales_monthly_totals) always equal what the purchases sum to: after
an import, a re-import that edits a purchase (even into another month), an edit or a delete
through the ORM, a rollback, and `flask dashboard rebuild-totals`. Runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from webapp.auth.models import Role
from webapp.dashboard import figures
from webapp.dashboard.models import SalesMonthlyTotal
from webapp.dashboard.period import Period
from webapp.extensions import db
from webapp.sales.importer import batches
from webapp.sales.models import ImportKind, Purchase

D = Decimal
HEADER = ["客户税号", "客户名称", "进货日期", "单号", "品种", "规格", "数量", "金额", "已结算"]


def stored() -> dict:
    rows = db.session.scalars(sa.select(SalesMonthlyTotal))
    return {
        (t.account_id, t.month, t.product): (t.amount, t.quantity, t.unsettled, t.purchases)
        for t in rows
    }


def recomputed() -> dict:
    """The totals summed in Python from every purchase: what the table must hold."""
    sums: dict = {}
    for p in db.session.scalars(sa.select(Purchase)):
        key = (p.account_id, p.purchased_on.replace(day=1), p.product)
        amount, quantity, unsettled, n = sums.get(key, (D("0.00"), D("0.00"), D("0.00"), 0))
        owed = max(p.amount - p.settled, D("0.00"))
        sums[key] = (amount + p.amount, quantity + p.quantity, unsettled + owed, n + 1)
    return sums


def import_purchases(*rows) -> None:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    batches.import_file("p.csv", out.getvalue().encode(), ImportKind.PURCHASE, None, False)


@pytest.fixture
def accounts(make_user, make_account):
    owner = make_user(Role.ACCOUNT_MANAGER)
    return make_account(owner), make_account(owner)


def row(account, day, doc, product, amount, settled=0, qty=1):
    return [account.tax_number, account.name, day, doc, product, "", qty, amount, settled]


def test_an_import_fills_the_totals_of_its_accounts(accounts):
    a, b = accounts
    import_purchases(
        row(a, "2026-03-05", "S1", "钢板", 1000, 400, qty=2),
        row(a, "2026-03-20", "S2", "钢板", 500, qty=3),
        row(a, "2026-04-01", "S3", "钢板", 70),
        row(b, "2026-03-05", "S4", "铜线", 200, 200),
    )
    totals = stored()
    assert totals[(a.id, date(2026, 3, 1), "钢板")] == (D("1500.00"), D("5.00"), D("1100.00"), 2)
    assert totals[(b.id, date(2026, 3, 1), "铜线")] == (D("200.00"), D("1.00"), D("0.00"), 1)
    assert totals == recomputed() and len(totals) == 3


def test_a_reimport_that_moves_a_purchase_to_another_month_leaves_no_stale_row(accounts):
    a, _b = accounts
    import_purchases(
        row(a, "2026-03-05", "S1", "钢板", 1000), row(a, "2026-03-09", "S2", "钢板", 5)
    )
    # the ERP corrected S1: another day (next month), another product, another amount
    import_purchases(row(a, "2026-04-02", "S1", "铜线", 800, 800))
    totals = stored()
    assert totals[(a.id, date(2026, 3, 1), "钢板")][0] == D("5.00")
    assert totals[(a.id, date(2026, 4, 1), "铜线")] == (D("800.00"), D("1.00"), D("0.00"), 1)
    assert totals == recomputed()


def test_edits_and_deletes_through_the_orm_keep_the_totals(accounts):
    a, b = accounts
    import_purchases(
        row(a, "2026-03-05", "S1", "钢板", 1000), row(a, "2026-05-05", "S2", "钢板", 9)
    )
    first = db.session.scalar(sa.select(Purchase).where(Purchase.document_no == "S1"))
    first.amount, first.account_id = D("250.00"), b.id  # corrected, and it was b's purchase
    db.session.commit()
    assert stored()[(b.id, date(2026, 3, 1), "钢板")][0] == D("250.00")
    assert (a.id, date(2026, 3, 1), "钢板") not in stored()
    db.session.delete(db.session.scalar(sa.select(Purchase).where(Purchase.document_no == "S2")))
    db.session.add(
        Purchase(
            account_id=a.id,
            purchased_on=date(2026, 6, 30),
            product="铝型材",
            quantity=D("4"),
            amount=D("40"),
            natural_key="manual-1",
        )
    )
    db.session.commit()
    assert (
        stored()
        == recomputed()
        == {
            (b.id, date(2026, 3, 1), "钢板"): (D("250.00"), D("1.00"), D("250.00"), 1),
            (a.id, date(2026, 6, 1), "铝型材"): (D("40.00"), D("4.00"), D("40.00"), 1),
        }
    )


def test_a_rolled_back_change_leaves_the_totals_as_they_were(accounts):
    a, _b = accounts
    import_purchases(row(a, "2026-03-05", "S1", "钢板", 1000))
    before = stored()
    db.session.add(
        Purchase(
            account_id=a.id,
            purchased_on=date(2026, 3, 6),
            product="钢板",
            quantity=D("1"),
            amount=D("1"),
            natural_key="gone",
        )
    )
    db.session.flush()
    assert stored()[(a.id, date(2026, 3, 1), "钢板")][0] == D("1001.00")  # same transaction
    db.session.rollback()
    assert stored() == before == recomputed()


def test_the_dashboard_counts_an_import_at_once(accounts, make_user):
    a, b = accounts
    executive = make_user(Role.EXECUTIVE)
    period = Period(date(2026, 3, 1), date(2026, 4, 1))
    import_purchases(
        row(a, "2026-03-05", "S1", "钢板", 1000), row(b, "2026-04-30", "S2", "钢板", 30)
    )
    assert figures.revenue_by_client(executive, period) == [
        (a.id, D("1000.00")),
        (b.id, D("30.00")),
    ]
    import_purchases(row(b, "2026-04-30", "S2", "钢板", 3000))  # corrected upwards
    assert figures.revenue_by_client(executive, period) == [
        (b.id, D("3000.00")),
        (a.id, D("1000.00")),
    ]


def test_rebuild_totals_recomputes_the_whole_table(accounts, runner):
    a, b = accounts
    import_purchases(
        row(a, "2026-03-05", "S1", "钢板", 1000), row(b, "2026-04-30", "S2", "钢板", 30)
    )
    expected = stored()
    # bulk writes that go around the import's signal (a restore, a script) leave the table behind
    db.session.execute(sa.delete(SalesMonthlyTotal))
    db.session.execute(
        sa.insert(Purchase),
        [dict(account_id=a.id, purchased_on=date(2026, 7, 1), product="钢板", quantity=D("1"),
              amount=D("7"), settled=D("0"), natural_key="bulk-1")],
    )  # fmt: skip
    db.session.commit()
    assert stored() == {}
    result = runner.invoke(args=["dashboard", "rebuild-totals"])
    assert result.exit_code == 0 and "3 rows" in result.output
    db.session.expire_all()
    assert (
        stored()
        == recomputed()
        == {
            **expected,
            (a.id, date(2026, 7, 1), "钢板"): (D("7.00"), D("1.00"), D("7.00"), 1),
        }
    )
