"""An account's purchases (the Sales records tab) as a list that exports (`webapp.lists`)."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from webapp.accounts.models import Account
from webapp.accounts.service import account_scope
from webapp.common.ids import parse_id
from webapp.lists.registry import Column, Kind, ListSpec
from webapp.sales.models import Purchase


def _normalize(args: Mapping[str, str]) -> dict[str, str]:
    account_id = parse_id(args.get("account_id"))
    return {"account_id": str(account_id)} if account_id is not None else {}


def _purchases(user, args):
    """Every purchase of the account, newest first; nothing for an account out of scope."""
    visible = sa.select(Account.id).where(account_scope(user))
    return (
        sa.select(Purchase)
        .where(Purchase.account_id == parse_id(args.get("account_id")))
        .where(Purchase.account_id.in_(visible))
        .order_by(Purchase.purchased_on.desc(), Purchase.id.desc())
    )


PURCHASES = ListSpec(
    key="sales_records",
    title=_l("Sales records"),
    endpoint="sales.account_records",
    query=_purchases,
    normalize=_normalize,
    columns=(
        Column(_l("Date"), lambda p: p.purchased_on, Kind.DATE),
        Column(_l("Document number"), lambda p: p.document_no),
        Column(_l("Product"), lambda p: p.product),
        Column(_l("Spec"), lambda p: p.spec),
        Column(_l("Quantity"), lambda p: p.quantity, Kind.NUMBER),
        Column(_l("Amount"), lambda p: p.amount, Kind.MONEY),
        Column(_l("Settled"), lambda p: p.settled, Kind.MONEY),
        Column(_l("Gross profit"), lambda p: p.gross_profit, Kind.MONEY),
    ),
)
