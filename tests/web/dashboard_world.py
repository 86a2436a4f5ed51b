"""A small department with hand-computed figures (today = 2026-11-15, period 2026-06…2026-11,
the period before it 2025-12…2026-05), and one account of another department."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from webapp.accounts.models import SalesTier, Stage, ValueClass
from webapp.approvals.models import ApprovalRequest, ApprovalStep, RequestStatus, RequestType
from webapp.auth.models import Role
from webapp.common.timeutil import SHANGHAI, utcnow
from webapp.complaints.models import Complaint, ComplaintStatus
from webapp.development.models import DevelopmentProfile
from webapp.extensions import db
from webapp.sales.models import Payment, Purchase, SalesPlan

TODAY = date(2026, 11, 15)
PERIOD = {"from": "2026-06", "to": "2026-11"}
_keys = itertools.count(1)


def purchase(account, day, amount, settled="0", product="PVC"):
    db.session.add(
        Purchase(
            account_id=account.id,
            purchased_on=day,
            product=product,
            quantity=Decimal("1"),
            amount=Decimal(amount),
            settled=Decimal(settled),
            natural_key=f"p{next(_keys)}",
        )
    )


def payment(account, day, amount):
    db.session.add(
        Payment(
            account_id=account.id,
            paid_on=day,
            amount=Decimal(amount),
            natural_key=f"pay{next(_keys)}",
        )
    )


def plan(account, month, amount, product="PVC"):
    db.session.add(
        SalesPlan(
            account_id=account.id,
            month=month,
            product=product,
            quantity=Decimal("1"),
            amount=Decimal(amount),
            natural_key=f"plan{next(_keys)}",
        )
    )


def profile(account, value=None, close=None):
    row = db.session.get(DevelopmentProfile, account.id)
    if row is None:
        row = DevelopmentProfile(account_id=account.id)
        db.session.add(row)
    row.expected_value, row.expected_close = value, close


@dataclass
class World:
    head: object
    supervisor: object
    executive: object
    am1: object
    am2: object
    accounts: list
    other: object


def build(make_user, make_account, make_department) -> World:
    east, west = make_department("华东部"), make_department("华西部")
    head = make_user(Role.DEPARTMENT_HEAD, east, full_name="部长")
    supervisor = make_user(Role.SUPERVISOR, east, full_name="主管")
    executive = make_user(Role.EXECUTIVE, full_name="总经理")
    am1 = make_user(Role.ACCOUNT_MANAGER, east, full_name="甲经理")
    am2 = make_user(Role.ACCOUNT_MANAGER, east, full_name="乙经理")
    am3 = make_user(Role.ACCOUNT_MANAGER, west, full_name="丙经理")
    a1 = make_account(
        am1,
        stage=Stage.CLOSING,
        value_class=ValueClass.A,
        tier=SalesTier.AAA,
        credit_limit=Decimal("40"),
    )
    a2 = make_account(am1, stage=Stage.RELATIONSHIP, value_class=ValueClass.A, tier=SalesTier.AA)
    a3 = make_account(am2, stage=Stage.TARGET, value_class=ValueClass.B)
    a4 = make_account(am2, stage=Stage.TARGET, value_class=ValueClass.B)
    a5 = make_account(am2, stage=Stage.MAINTENANCE, value_class=ValueClass.C, tier=SalesTier.B)
    a6 = make_account(am2, stage=Stage.INFORMATION)
    other = make_account(am3, stage=Stage.CLOSING, value_class=ValueClass.A, tier=SalesTier.AAA)
    profile(a1, Decimal("100000"), date(2026, 12, 1))
    profile(a2, Decimal("40000"), date(2026, 12, 1))
    profile(other, Decimal("999999"), date(2026, 12, 1))
    purchase(a1, date(2026, 10, 20), "50")
    purchase(a2, date(2026, 9, 1), "30")
    purchase(a3, date(2026, 6, 10), "10", "10", product="PE")
    purchase(a4, date(2026, 8, 1), "5", product="PE")
    purchase(a4, date(2026, 1, 10), "100", "100", product="PE")
    purchase(a5, date(2026, 10, 1), "5", product="PP")
    payment(a5, date(2026, 10, 5), "5")
    purchase(a6, date(2026, 3, 1), "20", "20")
    purchase(other, date(2026, 7, 1), "1000")
    plan(a1, date(2026, 10, 1), "100")
    plan(a3, date(2026, 6, 1), "20", product="PE")
    plan(a3, date(2026, 5, 1), "999", product="PE")  # before the period
    closed_at = datetime(2026, 10, 11, 10, 0, tzinfo=SHANGHAI)
    db.session.add_all(
        [
            Complaint(
                account_id=a1.id,
                subject="破损",
                description="d",
                received_on=date(2026, 11, 1),
                status=ComplaintStatus.RECORDED,
                recorded_by_id=am1.id,
            ),
            Complaint(
                account_id=a2.id,
                subject="延误",
                description="d",
                received_on=date(2026, 10, 1),
                status=ComplaintStatus.ARCHIVED,
                recorded_by_id=am1.id,
                closed_at=closed_at,
            ),
            Complaint(
                account_id=other.id,
                subject="其他",
                description="d",
                received_on=date(2026, 11, 1),
                status=ComplaintStatus.RECORDED,
                recorded_by_id=am3.id,
            ),
        ]
    )
    request = ApprovalRequest(
        number="SP-2026-00001",
        type=RequestType.SUPPORT,
        account_id=a1.id,
        applicant_id=am1.id,
        department_id=east.id,
        status=RequestStatus.PENDING,
        title="研讨会",
        filed_at=utcnow() - timedelta(days=3),
    )
    db.session.add(request)
    db.session.flush()
    db.session.add(
        ApprovalStep(
            request_id=request.id,
            round=1,
            position=1,
            current=True,
            role=Role.SUPERVISOR,
            action_name="审核",
            department_id=east.id,
        )
    )
    db.session.commit()
    return World(head, supervisor, executive, am1, am2, [a1, a2, a3, a4, a5, a6], other)
