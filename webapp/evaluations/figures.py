"""The figures a cooperation evaluation reads from the areas below it: sales against plan and
payments (sales records), arrears against the credit limit, and complaints with how long each
took to close."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.accounts.models import Account
from webapp.common.errors import NotFound
from webapp.complaints.models import Complaint
from webapp.extensions import db
from webapp.sales.models import Payment
from webapp.sales.service import ZERO, account_arrears, monthly_plan_vs_actual


def evaluation_figures(account_id: int, start: date, end: date) -> dict:
    """For an account and period: monthly plan against actual, payments, current arrears
    against the credit limit, and complaints with how long each took to close (days).

    Plain values only (dates, Decimals, numbers), so a document can render them as it likes.
    """
    account = db.session.get(Account, account_id)
    if account is None:
        raise NotFound(_("No such account."))
    months = monthly_plan_vs_actual(account_id, start, end)
    payments = list(
        db.session.execute(
            sa.select(Payment.paid_on, Payment.amount, Payment.reference)
            .where(
                Payment.account_id == account_id,
                Payment.paid_on >= start,
                Payment.paid_on <= end,
            )
            .order_by(Payment.paid_on)
        )
    )
    complaints = list(
        db.session.scalars(
            sa.select(Complaint)
            .where(
                Complaint.account_id == account_id,
                Complaint.received_on >= start,
                Complaint.received_on <= end,
            )
            .order_by(Complaint.received_on)
        )
    )
    closed = [c.days_to_close for c in complaints if c.days_to_close is not None]
    return {
        "account_id": account_id,
        "start": start,
        "end": end,
        "months": [
            {
                "month": m.month,
                "plan_quantity": m.plan_quantity,
                "plan_amount": m.plan_amount,
                "actual_quantity": m.actual_quantity,
                "actual_amount": m.actual_amount,
            }
            for m in months
        ],
        "plan_amount": sum((m.plan_amount for m in months), ZERO),
        "actual_amount": sum((m.actual_amount for m in months), ZERO),
        "payments": [{"paid_on": d, "amount": a, "reference": r} for d, a, r in payments],
        "payment_total": sum((a for _d, a, _r in payments), ZERO),
        "arrears": account_arrears(account_id),
        "credit_limit": account.credit_limit,
        "complaints": [
            {
                "id": c.id,
                "subject": c.subject,
                "received_on": c.received_on,
                "status": c.status.value,
                "closed_at": c.closed_at,
                "days_to_close": c.days_to_close,
            }
            for c in complaints
        ],
        "average_days_to_close": round(sum(closed) / len(closed), 1) if closed else None,
    }
