"""A realistic Chinese demo data set: departments, users for every role, key accounts across
kinds, stages and tiers, their people, visits, credit history, contracts in every status,
approval requests, proposals, sales records, complaints and warnings.

Deterministic for a given seed. Rows go in with bulk inserts so `--accounts 10000` (about 50,000
contacts) loads in seconds on SQLite. The package sits above every area, so its modules (one per
area) may import any of them; no area imports it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime

import click
import sqlalchemy as sa
from flask import current_app

from webapp.auth.models import User
from webapp.common.timeutil import local_today
from webapp.dashboard import totals
from webapp.database import refresh_statistics
from webapp.demo import (
    accounts,
    approvals,
    contacts,
    contracts,
    development,
    notifications,
    people,
    plans,
    proposals,
    relationships,
    sales,
    warnings,
)
from webapp.demo.people import PASSWORD
from webapp.extensions import db
from webapp.search import index as search_index

__all__ = ["PASSWORD", "load"]


def load(*, n_accounts: int, seed: int, if_empty: bool, echo: Callable[[str], None]) -> None:
    """Load the data set; refuse (or, with if_empty, skip quietly) when users already exist."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        if if_empty:
            echo("Demo data: the database already has users; nothing loaded.")
            return
        raise click.ClickException("the database already has data; use a fresh database")
    if n_accounts < 1:
        raise click.ClickException("--accounts must be at least 1")
    # The areas below draw from one random stream in turn: reordering them changes what a seed
    # gives.
    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = local_today()

    users = people.load(now, echo)
    ids, rows = accounts.load(rng, n_accounts, users, now, echo)
    contacts.load(rng, ids, rows, now, today, echo)
    contracts.load(rng, ids, rows, users, now, today, echo)
    notifications.load(users, now)
    db.session.commit()

    # These go through the areas' services, which translate their messages.
    with current_app.test_request_context():
        approvals.load(rng, users, today, echo)
        proposals.load(echo)  # branding, proposals, one link sent and opened
    # The sales history (with its complaints and major events) draws from a stream of its own.
    sales.load(random.Random(seed + 6), ids, rows, users, today, echo)
    # the purchases went in around the import (bulk inserts): derive the dashboard's totals
    echo(f"Demo data: {totals.rebuild()} monthly sales totals")
    db.session.commit()
    # Development records follow the accounts and sales records (tiers come from purchases).
    with current_app.test_request_context():
        development.load(random.Random(seed + 14), today, now, echo)
        plans.load(random.Random(seed + 15), users, today, echo)
    # Decision maps, competitors and whitespace follow the contacts and sales records.
    relationships.load(random.Random(seed + 16), now, echo)
    db.session.commit()
    warnings.evaluate(echo)  # the job also runs the pool rule and the daily-lead check
    development.settle_notifications(now)
    # Accounts and contacts went in as bulk inserts, which the search index does not see.
    search_index.reindex()
    refresh_statistics(db)  # thousands of rows went in: the planner needs to know

    people.echo_logins(echo)
