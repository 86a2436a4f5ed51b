"""Times are stored in UTC and shown in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Today's date as people in the office see it."""
    return datetime.now(SHANGHAI).date()


def to_local(value: datetime) -> datetime:
    return value.astimezone(SHANGHAI)
