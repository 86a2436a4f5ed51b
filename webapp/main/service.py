"""What the home page shows each user: their pipeline and the next steps that are due."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from webapp.accounts.models import Account, Stage, Visit
from webapp.accounts.service import account_scope
from webapp.auth.models import User
from webapp.common.timeutil import local_today
from webapp.extensions import db


def pipeline(user: User) -> list[tuple[Stage, int]]:
    """Accounts per development stage (given-up ones left out), DOMAIN.md "Figures"."""
    rows = db.session.execute(
        sa.select(Account.stage, sa.func.count())
        .where(account_scope(user), Account.abandoned.is_(False))
        .group_by(Account.stage)
    ).all()
    counts = dict(rows)
    return [(stage, counts.get(stage, 0)) for stage in Stage]


def due_next_steps(user: User, days: int = 7, limit: int = 20) -> list[Visit]:
    """Agreed next steps falling due within `days` (overdue ones first) on visible accounts."""
    today = local_today()
    return list(
        db.session.scalars(
            sa.select(Visit)
            .join(Account, Visit.account_id == Account.id)
            .where(
                account_scope(user),
                Visit.next_date.is_not(None),
                Visit.next_date <= today + timedelta(days=days),
                Visit.next_date >= today - timedelta(days=30),
            )
            .options(joinedload(Visit.contact))
            .order_by(Visit.next_date)
            .limit(limit)
        )
    )


def account_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Account.id, Account.short_name, Account.name).where(Account.id.in_(ids))
    )
    return {i: short or name for i, short, name in rows}
