"""Ids as forms, filters and URLs send them: positive, ASCII digits, and no larger than the id
columns hold (INTEGER: PostgreSQL refuses values beyond 2³¹−1 with an error, not a miss; SQLite
beyond 2⁶³−1). Anything else reads as "no id", which finds nothing."""

from __future__ import annotations

MAX_ID = 2**31 - 1


def parse_id(value, default=None) -> int | None:
    """A positive id a form or filter sent, or `default` when it is none or out of range."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else default
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return default
    number = int(text)
    return number if 0 < number <= MAX_ID else default


NO_SUCH_ID = -1


def coerce_id(value) -> int | None:
    """WTForms `coerce` for a select of ids: None for no choice; an unusable id (text, zero, out
    of range) is NO_SUCH_ID, which matches no record, so the service refuses it as not among
    the choices rather than the database failing on it."""
    if value in (None, ""):
        return None
    return parse_id(value, default=NO_SUCH_ID)
