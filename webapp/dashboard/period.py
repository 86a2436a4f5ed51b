"""The dashboard's period: a range of whole months, `from` and `to` as YYYY-MM.

Default: the twelve months ending with the current one (Asia/Shanghai). A period may not end
after the current month nor span more than 36 months; a malformed month is refused with a
message, never guessed. Arguments the dashboard does not know are ignored and named back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from webapp.common.timeutil import local_today
from webapp.sales.service import add_months, month_start

MAX_MONTHS = 36
DEFAULT_MONTHS = 12
KNOWN_ARGS = frozenset({"from", "to"})


@dataclass(frozen=True)
class Period:
    first: date  # first day of the first month
    last: date  # first day of the last month

    @property
    def after(self) -> date:
        """The first day after the period."""
        return add_months(self.last, 1)

    @property
    def months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    def month_list(self) -> list[date]:
        return [add_months(self.first, i) for i in range(self.months)]

    def previous(self) -> Period:
        """The same number of months just before this period (churn compares the two)."""
        return Period(add_months(self.first, -self.months), add_months(self.first, -1))

    def args(self) -> dict[str, str]:
        return {"from": f"{self.first:%Y-%m}", "to": f"{self.last:%Y-%m}"}

    @property
    def label(self) -> str:
        return f"{self.first:%Y-%m} — {self.last:%Y-%m}"


@dataclass
class PeriodChoice:
    """The period asked for, or why it was refused, and the arguments that were ignored."""

    period: Period
    error: str | None = None
    ignored: list[str] = field(default_factory=list)


def default_period(today: date | None = None) -> Period:
    last = month_start(today or local_today())
    return Period(add_months(last, 1 - DEFAULT_MONTHS), last)


def parse_month(raw: str) -> date | None:
    """'2026-03' → date(2026, 3, 1); anything else (other digits, other shapes) → None."""
    raw = raw.strip()
    if len(raw) != 7 or raw[4] != "-":
        return None
    year, month = raw[:4], raw[5:]
    if not (year.isascii() and year.isdigit() and month.isascii() and month.isdigit()):
        return None
    if not 1 <= int(month) <= 12 or int(year) < 1900:
        return None
    return date(int(year), int(month), 1)


def parse_period(args, today: date | None = None) -> PeriodChoice:
    today = today or local_today()
    fallback = default_period(today)
    ignored = sorted(k for k in args if k not in KNOWN_ARGS)
    raw_from, raw_to = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    if not raw_from and not raw_to:
        return PeriodChoice(fallback, ignored=ignored)
    last = parse_month(raw_to) if raw_to else month_start(today)
    first = parse_month(raw_from) if raw_from else (last and add_months(last, 1 - DEFAULT_MONTHS))
    if first is None or last is None:
        error = _("Give the months as YYYY-MM, for example 2026-03.")
    elif last > month_start(today):
        error = _(
            "The period cannot end in the future; the last month is %(month)s.",
            month=f"{today:%Y-%m}",
        )
    elif first > last:
        error = _("The period starts after it ends.")
    elif Period(first, last).months > MAX_MONTHS:
        error = _("A period spans at most %(n)s months.", n=MAX_MONTHS)
    else:
        return PeriodChoice(Period(first, last), ignored=ignored)
    return PeriodChoice(fallback, error=error, ignored=ignored)
