"""The full lists behind the home page's boxes that no other page shows: agreed next steps
that fall due, and open early warnings (routed to me, or on the accounts I see)."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.accounts.models import Visit
from webapp.auth.models import User
from webapp.common.timeutil import local_today
from webapp.extensions import db
from webapp.main.home import WorkItem, next_step_items, next_steps_query, team_warnings_query
from webapp.warnings.models import EarlyWarning, RuleKey
from webapp.warnings.service import WarningRow, open_for, row_loads, warning_rows

PER_PAGE = 50
NEXT_STEP_WINDOWS = ("week", "overdue", "all")
WARNING_SCOPES = ("mine", "team")


@dataclass(frozen=True)
class Page:
    """One page of a list with the figures of its pager."""

    items: list
    total: int
    page: int
    pages: int

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def page_number(raw: str | None) -> int:
    """A page number from the address; anything odd is page 1."""
    raw = raw or ""
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 100000 else 1


def _paginate(stmt, page: int) -> tuple[list, int, int, int]:
    result = db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False, count=True)
    pages = max(result.pages, 1)
    if page > pages:  # past the end: the last page
        result = db.paginate(stmt, page=pages, per_page=PER_PAGE, error_out=False, count=True)
    return list(result.items), result.total or 0, min(page, pages), pages


def next_steps_page(user: User, when: str, page: int) -> Page:
    """Agreed next steps due this week / overdue / both, oldest first (DOMAIN.md visits)."""
    when = when if when in NEXT_STEP_WINDOWS else "all"
    today = local_today()
    stmt = next_steps_query(user, when, today).order_by(Visit.next_date, Visit.id)
    visits, total, page, pages = _paginate(stmt, page)
    items: list[WorkItem] = next_step_items(visits, today)
    return Page(items, total, page, pages)


def warnings_page(user: User, scope: str, rule: str | None, page: int) -> Page:
    """Open warnings routed to `user` (mine) or on the accounts they see (team), newest first;
    optionally of one rule."""
    stmt = warnings_statement(user, scope, rule).options(*row_loads())
    warnings, total, page, pages = _paginate(stmt, page)
    rows: list[WarningRow] = warning_rows(user, warnings)
    return Page(rows, total, page, pages)


def warnings_statement(user: User, scope: str | None, rule: str | None):
    """The open warnings of the list (and its export), newest first."""
    rule_key = RuleKey(rule) if rule in RuleKey._value2member_map_ else None
    stmt = open_for(user) if scope == "mine" else team_warnings_query(user)
    if rule_key is not None:
        stmt = stmt.where(EarlyWarning.rule == rule_key)
    return stmt.order_by(EarlyWarning.raised_at.desc(), EarlyWarning.id.desc())
