"""Demo sales records for the signed (maintenance-stage) demo accounts: monthly plans, purchases
with partly settled amounts, payments, sales expenses, complaints in every state and a few major
events; then one warnings evaluation so the home pages show open warnings. Deterministic for a
given seed; bulk inserts, like the rest of the demo data."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from webapp.accounts.models import Stage
from webapp.auth.models import Role, User
from webapp.complaints.models import Complaint, ComplaintStatus, ComplaintStep
from webapp.extensions import db
from webapp.sales.models import Payment, Purchase, SalesExpense, SalesPlan
from webapp.sales.service import add_months, month_start
from webapp.warnings import service as warnings
from webapp.warnings.models import EventKind, MajorEvent

PRODUCTS = (
    ("热轧卷板", "Q235B 4.75mm", Decimal("4100")),
    ("冷轧薄板", "SPCC 1.0mm", Decimal("4800")),
    ("镀锌板", "DX51D+Z 0.8mm", Decimal("5200")),
    ("螺纹钢", "HRB400E Φ18", Decimal("3700")),
    ("不锈钢板", "304 2B 2.0mm", Decimal("15800")),
)
EXPENSES = ("广告宣传", "促销活动", "技术研讨会", "客情维护", "运输补贴")
COMPLAINTS = (
    ("到货包装破损", "到货 20 件中 3 件包装破损，表面有划伤。"),
    ("交货延迟", "合同约定 5 日到货，实际晚到 4 天，影响客户排产。"),
    ("规格不符", "部分板材厚度公差超出合同约定。"),
    ("发票开具错误", "发票抬头与合同不一致，需重开。"),
)
STEP_NOTES = {
    ComplaintStatus.INVESTIGATED: "已现场核实，情况属实，原因已查明。",
    ComplaintStatus.INSTRUCTED: "同意补发/换货，费用由我方承担，三日内处理完毕。",
    ComplaintStatus.CLIENT_TOLD: "已电话告知客户采购负责人处理结果，客户表示满意。",
    ComplaintStatus.ARCHIVED: "处理完毕，资料归档。",
}
BATCH = 2000


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(model), rows[start : start + BATCH])


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def load(
    seed: int, ids: list[int], accounts: list[dict], users: list[User], today: date, echo: Callable
) -> None:
    rng = random.Random(seed + 6)
    leaders = {u.department_id: u for u in users if u.role is Role.SUPERVISOR and u.department_id}
    plans, purchases, payments, expenses, events = [], [], [], [], []
    complaints: list[tuple[dict, list[dict]]] = []
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
            complaints.append(_complaint(rng, account_id, row, leaders, today))
        if n % 15 == 7:
            events.append(
                dict(
                    account_id=account_id,
                    kind=rng.choice(list(EventKind)),
                    occurred_on=today - timedelta(days=rng.randint(1, 20)),
                    description="客户法人代表突发重病住院，公司日常经营暂由其子代管。",
                    reported_by_id=row["owner_id"],
                    reported_at=_at(today - timedelta(days=1)),
                )
            )
    now = datetime.now(UTC)
    for rows in (plans, purchases, payments, expenses):
        for r in rows:
            r.setdefault("updated_at", now)
    _insert(SalesPlan, plans)
    _insert(Purchase, purchases)
    _insert(Payment, payments)
    _insert(SalesExpense, expenses)
    _insert(MajorEvent, events)
    for values, steps in complaints:
        complaint = Complaint(**values)
        complaint.steps = [ComplaintStep(**s) for s in steps]
        db.session.add(complaint)
    db.session.commit()
    summary = warnings.evaluate()
    echo(
        f"Demo data: {len(plans)} plan lines, {len(purchases)} purchases, {len(payments)} "
        f"payments, {len(expenses)} expenses, {len(complaints)} complaints, "
        f"{summary.holding} open warnings"
    )


def _complaint(rng, account_id: int, row: dict, leaders: dict, today: date):
    subject, description = rng.choice(COMPLAINTS)
    received = today - timedelta(days=rng.randint(5, 150))
    owner = row["owner_id"]
    leader = leaders.get(row["department_id"])
    reached = rng.choice(list(ComplaintStatus))
    if leader is None:
        reached = ComplaintStatus.RECORDED
    steps = [
        dict(step=ComplaintStatus.RECORDED, actor_id=owner, at=_at(received), note=description)
    ]
    day = received
    for status in list(ComplaintStatus)[1:]:
        if list(ComplaintStatus).index(status) > list(ComplaintStatus).index(reached):
            break
        day = min(day + timedelta(days=rng.randint(1, 4)), today)
        actor = (
            leader.id if status in (ComplaintStatus.INSTRUCTED, ComplaintStatus.ARCHIVED) else owner
        )
        steps.append(dict(step=status, actor_id=actor, at=_at(day, 15), note=STEP_NOTES[status]))
    values = dict(
        account_id=account_id,
        subject=subject,
        description=description,
        received_on=received,
        status=reached,
        recorded_by_id=owner,
        recorded_at=_at(received),
        closed_at=steps[-1]["at"] if reached is ComplaintStatus.ARCHIVED else None,
    )
    return values, steps
