"""Major events reported on a few accounts, then one evaluation of the warning rules over all
the demo data, so the home pages show open warnings."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from webapp.demo.common import at_hour, insert_rows
from webapp.warnings import service
from webapp.warnings.models import EventKind, MajorEvent


def major_event(rng: random.Random, account_id: int, row: dict, today: date) -> dict:
    """A major event at the account (`row`), reported by its owner; see `insert_events`."""
    return dict(
        account_id=account_id,
        kind=rng.choice(list(EventKind)),
        occurred_on=today - timedelta(days=rng.randint(1, 20)),
        description="客户法人代表突发重病住院，公司日常经营暂由其子代管。",
        reported_by_id=row["owner_id"],
        reported_at=at_hour(today - timedelta(days=1)),
    )


def insert_events(events: list[dict]) -> None:
    insert_rows(MajorEvent, events)


def evaluate(echo: Callable[[str], None]) -> None:
    """Run every warning rule once over the data loaded so far, as `flask warnings run` does."""
    summary = service.evaluate()
    echo(f"Demo data: {summary.holding} open warnings")
