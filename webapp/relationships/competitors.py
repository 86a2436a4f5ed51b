"""Competitors per account and company-wide (issue 15 must-have 4; DOMAIN.md "Activities":
competitor, products, prices, share of the client's purchases, strengths and weaknesses).

Rules: a competitor is one company-wide record, found by name or created on first mention;
the price is a non-negative decimal to the fen; a share is a whole percent 0–100 and the
shares of one account's competitors never sum over 100 %."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp import audit
from webapp.accounts.models import Account
from webapp.accounts.service import account_scope, can_edit, get_account
from webapp.auth.models import User
from webapp.common.decimals import DecimalRefused, parse_decimal, refusal_message
from webapp.common.errors import NotFound, ValidationFailed
from webapp.common.ids import parse_id
from webapp.common.timeutil import utcnow
from webapp.extensions import db
from webapp.relationships.models import AccountCompetitor, Competitor

MAX_PRICE = Decimal("999999999.99")
TEXT_LIMITS = {"products": 200, "strengths": 500, "weaknesses": 500}


def _price(raw) -> Decimal | None:
    text = (raw or "").strip() if isinstance(raw, str) else raw
    if text in ("", None):
        return None
    try:
        return parse_decimal(text, maximum=MAX_PRICE, allow_zero=True)
    except DecimalRefused as refused:
        raise ValidationFailed({"price": refusal_message(refused.problem, _("Price"))}) from None


def _share(raw) -> int | None:
    text = (raw or "").strip() if isinstance(raw, str) else str(raw if raw is not None else "")
    if text == "":
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 3 or int(text) > 100:
        raise ValidationFailed({"share": _("The share is a whole percent from 0 to 100.")})
    return int(text)


def _competitor(name: str) -> Competitor:
    name = " ".join(name.split())[:80]
    if not name:
        raise ValidationFailed({"name": _("Name the competitor.")})
    found = db.session.scalar(
        sa.select(Competitor).where(sa.func.lower(Competitor.name) == name.lower())
    )
    if found is None:
        found = Competitor(name=name)
        db.session.add(found)
        db.session.flush()
    return found


def save_competitor(actor: User, account_id: int, data: dict) -> AccountCompetitor:
    """Add or update what we know of one competitor at this client."""
    account = get_account(actor, account_id, for_edit=True)
    price, share = _price(data.get("price")), _share(data.get("share"))
    # the account row is locked so two saves cannot push the shares over 100 % together
    db.session.execute(
        sa.select(Account.id).where(Account.id == account.id).with_for_update()
    ).all()
    competitor = _competitor(str(data.get("name") or ""))
    row = db.session.scalar(
        sa.select(AccountCompetitor).where(
            AccountCompetitor.account_id == account.id,
            AccountCompetitor.competitor_id == competitor.id,
        )
    )
    others = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(AccountCompetitor.share), 0)).where(
            AccountCompetitor.account_id == account.id,
            AccountCompetitor.competitor_id != competitor.id,
        )
    )
    if share is not None and int(others) + share > 100:
        db.session.rollback()
        raise ValidationFailed(
            {
                "share": _(
                    "The other competitors already hold %(others)s %% of this client's "
                    "purchases; the shares cannot sum over 100 %%.",
                    others=int(others),
                )
            }
        )
    if row is None:
        row = AccountCompetitor(account_id=account.id, competitor_id=competitor.id)
        db.session.add(row)
    row.price, row.share = price, share
    for name, limit in TEXT_LIMITS.items():
        setattr(row, name, (str(data.get(name) or "")).strip()[:limit] or None)
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record_event(
        actor=actor,
        entity_type="account_competitor",
        entity_id=row.id,
        account_id=account.id,
        action="update",
        subject=competitor.name,
        detail=f"{share if share is not None else '—'}%",
    )
    db.session.commit()
    return row


def remove_competitor(actor: User, account_id: int, row_id) -> Account:
    account = get_account(actor, account_id, for_edit=True)
    parsed = parse_id(row_id)
    row = db.session.get(AccountCompetitor, parsed) if parsed is not None else None
    if row is None or row.account_id != account.id:
        raise NotFound(_("No such competitor on this account."))
    audit.record_event(
        actor=actor,
        entity_type="account_competitor",
        entity_id=row.id,
        account_id=account.id,
        action="delete",
        subject=row.competitor.name,
    )
    db.session.delete(row)
    db.session.commit()
    return account


def for_account(account: Account) -> list[AccountCompetitor]:
    return list(
        db.session.scalars(
            sa.select(AccountCompetitor)
            .join(Competitor)
            .where(AccountCompetitor.account_id == account.id)
            .order_by(AccountCompetitor.share.desc().nulls_last(), Competitor.name)
        )
    )


@dataclass
class AccountCompetitors:
    account: Account
    rows: list[AccountCompetitor]
    total_share: int
    names: list[str]
    can_edit: bool


def account_competitors(user: User, account_id: int) -> AccountCompetitors:
    account = get_account(user, account_id)
    rows = for_account(account)
    return AccountCompetitors(
        account,
        rows,
        sum(r.share or 0 for r in rows),
        list(db.session.scalars(sa.select(Competitor.name).order_by(Competitor.name).limit(200))),
        can_edit(user, account),
    )


@dataclass
class CompetitorView:
    competitor: Competitor
    rows: list[AccountCompetitor]


def company_view(user: User) -> list[CompetitorView]:
    """Each competitor with the accounts (only those `user` may see) where it is recorded."""
    rows = db.session.scalars(
        sa.select(AccountCompetitor)
        .join(Account, Account.id == AccountCompetitor.account_id)
        .join(Competitor)
        .where(account_scope(user))
        .order_by(Competitor.name, Account.name)
    ).all()
    views: dict[int, CompetitorView] = {}
    for row in rows:
        views.setdefault(row.competitor_id, CompetitorView(row.competitor, [])).rows.append(row)
    return list(views.values())
