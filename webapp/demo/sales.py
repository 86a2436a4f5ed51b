"""Sales records for the signed (maintenance-stage) accounts over eighteen months: monthly
plans, purchases with partly settled amounts, payments and sales expenses; a few clients fall
silent and a few stop paying, so the warning rules have something to find.

Some accounts also get a complaint or a major event. Those are drawn by their own areas' demo
modules right after the account's records, from the same random stream, which keeps the data a
seed gives as it was when this was one function."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from webapp.accounts.models import Stage
from webapp.auth.models import User
from webapp.demo import complaints, warnings
from webapp.demo.common import insert_rows
from webapp.sales.models import Payment, Purchase, SalesExpense, SalesPlan
from webapp.sales.service import add_months, month_start

PRODUCTS = (
    ("热轧卷板", "Q235B 4.75mm", Decimal("4100")),
    ("冷轧薄板", "SPCC 1.0mm", Decimal("4800")),
    ("镀锌板", "DX51D+Z 0.8mm", Decimal("5200")),
    ("螺纹钢", "HRB400E Φ18", Decimal("3700")),
    ("不锈钢板", "304 2B 2.0mm", Decimal("15800")),
)
EXPENSES = ("广告宣传", "促销活动", "技术研讨会", "客情维护", "运输补贴")


def load(
    rng: random.Random,
    ids: list[int],
    accounts: list[dict],
    users: list[User],
    today: date,
    echo: Callable[[str], None],
) -> None:
    plans, purchases, payments, expenses, events, drawn_complaints = [], [], [], [], [], []
    first_month = add_months(month_start(today), -17)
    signed = [
        (i, row) for i, row in zip(ids, accounts, strict=True) if row["stage"] is Stage.MAINTENANCE
    ]
    for n, (account_id, row) in enumerate(signed):
        products = rng.sample(PRODUCTS, rng.randint(1, 3))
        # a few clients fall silent (churn), a few stop paying (arrears above the limit)
        silent_since = today - timedelta(days=rng.randint(100, 160)) if n % 9 == 4 else None
        poor_payer = n % 7 == 3
        owed = Decimal(0)
        for m in range(18):
            month = add_months(first_month, m)
            if month > today:
                break
            for product, spec, price in products:
                planned = Decimal(rng.randint(20, 120))
                if m >= 6:
                    plans.append(
                        dict(
                            account_id=account_id,
                            month=month,
                            product=product,
                            spec=spec,
                            quantity=planned,
                            amount=planned * price,
                            schedule="上旬到货一半，下旬补齐",
                            support="季度返利 1%" if rng.random() < 0.3 else None,
                            natural_key=f"demo-plan-{account_id}-{month}-{product}",
                        )
                    )
                for k in range(rng.randint(1, 2)):
                    day = month + timedelta(days=rng.randint(0, 27))
                    if day > today or (silent_since and day >= silent_since):
                        continue
                    quantity = (planned * Decimal(rng.randint(45, 80)) / 100).quantize(
                        Decimal("0.01")
                    )
                    amount = (quantity * price).quantize(Decimal("0.01"))
                    settled = amount if rng.random() < 0.5 else Decimal(0)
                    owed += amount - settled
                    purchases.append(
                        dict(
                            account_id=account_id,
                            purchased_on=day,
                            document_no=f"CK{account_id:05d}{m:02d}{k}{len(purchases) % 10}",
                            product=product,
                            spec=spec,
                            quantity=quantity,
                            amount=amount,
                            settled=settled,
                            natural_key=f"demo-purchase-{len(purchases)}",
                        )
                    )
            if owed > 0 and not poor_payer and month + timedelta(days=20) <= today:
                paid = (owed * Decimal(rng.randint(70, 100)) / 100).quantize(Decimal("0.01"))
                owed -= paid
                payments.append(
                    dict(
                        account_id=account_id,
                        paid_on=month + timedelta(days=20),
                        amount=paid,
                        reference=f"HK{account_id:05d}{m:02d}",
                        natural_key=f"demo-payment-{account_id}-{m}",
                    )
                )
            if rng.random() < 0.25:
                expenses.append(
                    dict(
                        account_id=account_id,
                        spent_on=month + timedelta(days=rng.randint(0, 27)),
                        category=rng.choice(EXPENSES),
                        amount=Decimal(rng.randint(5, 80) * 100),
                        reference=None,
                        natural_key=f"demo-expense-{account_id}-{m}",
                    )
                )
        if n % 4 == 1:
            drawn_complaints.append(complaints.draw(rng, account_id, row, users, today))
        if n % 15 == 7:
            events.append(warnings.major_event(rng, account_id, row, today))
    now = datetime.now(UTC)
    for rows in (plans, purchases, payments, expenses):
        for r in rows:
            r.setdefault("updated_at", now)
    insert_rows(SalesPlan, plans)
    insert_rows(Purchase, purchases)
    insert_rows(Payment, payments)
    insert_rows(SalesExpense, expenses)
    echo(
        f"Demo data: {len(plans)} plan lines, {len(purchases)} purchases, {len(payments)} "
        f"payments, {len(expenses)} expenses"
    )
    warnings.insert_events(events)
    complaints.insert(drawn_complaints, echo)
