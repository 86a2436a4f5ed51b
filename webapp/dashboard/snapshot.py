"""The dashboard's figures as of a moment, kept for a few minutes (as Salesforce dashboards are:
"as of 10:02", with a refresh button), so opening the dashboard again, going back to it from a
list or switching between two periods costs a read instead of ten grouped queries over the
department's records.

A snapshot belongs to one user (what they see), one period, one day and one language; it lives
`DASHBOARD_CACHE_SECONDS` (KEYDESK_DASHBOARD_CACHE_SECONDS, default 300; 0 turns it off, the
default under TESTING). `refresh=True` computes anew. The periodic job `dashboard.snapshots`
(`refresh_all`, every REFRESH_MINUTES, less than the lifetime) computes the default period's
snapshot of every active supervisor, head and executive ahead of their visit, as a scheduled
dashboard refresh does, so even the first look of the day reads a snapshot.

The store is cachelib's: Redis with REDIS_URL (several app servers share it), else files in
the instance folder (the gunicorn workers of one machine share them; DASHBOARD_CACHE_DIR
elsewhere). Values are JSON with tagged Decimals and dates, never pickled objects of ours."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from webapp.auth.models import User
from webapp.common.timeutil import utcnow
from webapp.dashboard.period import PeriodChoice
from webapp.dashboard.tables import Figure, Percent, Row

STORE = "keydesk.dashboard_snapshots"
DEFAULT_SECONDS = 300
REFRESH_MINUTES = 4


def lifetime() -> int:
    value = current_app.config.get("DASHBOARD_CACHE_SECONDS")
    if value is None:
        return 0 if current_app.testing else DEFAULT_SECONDS
    return max(0, int(value))


def _store():
    store = current_app.extensions.get(STORE)
    if store is None:
        if current_app.config.get("REDIS_URL"):
            import redis
            from cachelib import RedisCache

            client = redis.Redis.from_url(current_app.config["REDIS_URL"])
            store = RedisCache(client, key_prefix="keydesk:dashboard:")
        else:
            from cachelib import FileSystemCache

            folder = current_app.config.get("DASHBOARD_CACHE_DIR") or (
                Path(current_app.instance_path) / "cache" / "dashboard"
            )
            store = FileSystemCache(str(folder), threshold=2000, mode=0o600)
        current_app.extensions[STORE] = store
    return store


def _key(user: User, choice: PeriodChoice, today: date) -> str:
    period = choice.period
    # who sees what: the user, their role and department (a move shows the new scope at once)
    who = f"u{user.id}:{user.role.value}:{user.department_id or 0}"
    return f"{who}:{period.first:%Y%m}-{period.last:%Y%m}:{today:%Y%m%d}:{get_locale()}"


def _tag(value: Any) -> Any:
    if isinstance(value, Percent):
        return {"%": str(value)}
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"t": value.isoformat()}
    return value


def _untag(value: Any) -> Any:
    if isinstance(value, dict):
        if "%" in value:
            return Percent(value["%"])
        if "d" in value:
            return Decimal(value["d"])
        if "dt" in value:
            return datetime.fromisoformat(value["dt"])
        if "t" in value:
            return date.fromisoformat(value["t"])
    return value


def _rows(rows: list[Row]) -> list[dict]:
    return [{"values": [_tag(v) for v in row.values], "url": row.url} for row in rows]


def _unrows(rows: list[dict]) -> list[Row]:
    return [Row([_untag(v) for v in row["values"]], row["url"]) for row in rows]


def encode(figures: list[Figure], computed_at: datetime) -> str:
    return json.dumps(
        {
            "at": computed_at.isoformat(),
            "figures": [
                {
                    "key": f.key,
                    "title": str(f.title),
                    "headers": [str(h) for h in f.headers],
                    "rows": _rows(f.rows),
                    "chart": str(f.chart),
                    "note": str(f.note),
                    "list_url": f.list_url,
                    "footer": _rows(f.footer),
                }
                for f in figures
            ],
        },
        ensure_ascii=False,
    )


def decode(raw: str) -> tuple[list[Figure], datetime]:
    data = json.loads(raw)
    figures = [
        Figure(
            key=f["key"],
            title=f["title"],
            headers=f["headers"],
            rows=_unrows(f["rows"]),
            chart=Markup(f["chart"]),  # noqa: S704  (drawn by svg.py from escaped values)
            note=f["note"],
            list_url=f["list_url"],
            footer=_unrows(f["footer"]),
        )
        for f in data["figures"]
    ]
    return figures, datetime.fromisoformat(data["at"])


def figures_as_of(
    user: User, choice: PeriodChoice, today: date, compute, refresh: bool = False
) -> tuple[list[Figure], datetime, bool]:
    """The figures (from the snapshot when one is fresh), the moment they were computed, and
    whether they came from the snapshot. A store that fails is passed over, never an error."""
    seconds = lifetime()
    if not seconds:
        return compute(), utcnow(), False
    key = _key(user, choice, today)
    if not refresh:
        try:
            raw = _store().get(key)
        except Exception:  # noqa: BLE001  (a cache that is down only costs speed)
            current_app.logger.warning("dashboard snapshot unreadable", exc_info=True)
            raw = None
        if raw:
            figures, at = decode(raw)
            return figures, at, True
    figures, at = compute(), utcnow()
    try:
        _store().set(key, encode(figures, at), timeout=seconds)
    except Exception:  # noqa: BLE001
        current_app.logger.warning("dashboard snapshot not stored", exc_info=True)
    return figures, at, False


def refresh_all(today: date | None = None) -> int:
    """Store the default period's snapshot of each active user who has a dashboard, in their
    language; the number stored. A user whose figures fail is logged and passed over."""
    import sqlalchemy as sa
    from flask_babel import force_locale

    from webapp.common.timeutil import local_today
    from webapp.dashboard import service
    from webapp.dashboard.period import PeriodChoice, default_period
    from webapp.extensions import db

    if not lifetime():
        return 0
    today = today or local_today()
    choice = PeriodChoice(default_period(today))
    users = db.session.scalars(
        sa.select(User).where(User.active.is_(True), User.role.in_(service.DASHBOARD_ROLES))
    ).all()
    stored = 0
    for user in users:
        locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        # the links in the figures are built as in a request to the dashboard
        with current_app.test_request_context("/dashboard"), force_locale(locale):
            try:
                figures_as_of(
                    user,
                    choice,
                    today,
                    lambda user=user: service.all_figures(user, choice, today),
                    refresh=True,
                )
                stored += 1
            except Exception:  # noqa: BLE001  (one user's failure must not stop the others)
                current_app.logger.exception("dashboard snapshot of user %s failed", user.id)
    return stored
