"""The dashboard (/dashboard) of supervisors, department heads and executives: every figure
for a period, scoped like their other pages, and the lists behind the figures.

`figures_for` and `drill_list` are the two entry points; each figure and list is a table of
headers and typed rows (tables.py) so the page, the monthly report and an export read the same
numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from webapp.auth.models import Role, User
from webapp.common.errors import Forbidden, NotFound
from webapp.common.timeutil import local_today
from webapp.dashboard import drill, figures, operations
from webapp.dashboard.period import PeriodChoice, parse_period
from webapp.dashboard.tables import DrillList, Figure
from webapp.lists.exports import ExportFile, table_file

DASHBOARD_ROLES = frozenset({Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
# finance sees receivables ageing on its home page, so it opens the lists behind it too
LIST_ROLES = DASHBOARD_ROLES | {Role.FINANCE}
FINANCE_LISTS = frozenset({"ageing"})


def can_open_list(user: User, key: str) -> bool:
    return user.role in DASHBOARD_ROLES or (user.role is Role.FINANCE and key in FINANCE_LISTS)


@dataclass
class Dashboard:
    choice: PeriodChoice
    figures: list[Figure] = field(default_factory=list)

    @property
    def notice(self) -> str:
        if not self.choice.ignored:
            return ""
        return _(
            "Ignored what the dashboard does not know: %(names)s.",
            names=", ".join(self.choice.ignored[:10]),
        )


def all_figures(user: User, choice: PeriodChoice, today: date) -> list[Figure]:
    period = choice.period
    sums = figures.sales_sums(user, period)  # read once for the four sales figures
    return [
        figures.funnel(user, period),
        figures.forecast(user, period, today),
        figures.matrix(user, period),
        figures.pareto(user, period, sums),
        figures.attainment_by_manager(user, period, sums),
        figures.attainment_by_product(user, period, sums),
        figures.churn(user, period, sums),
        operations.ageing(user, period, today),
        operations.approvals_waiting(user, period),
        operations.complaints(user, period, today),
    ]


def figures_for(user: User, args, today: date | None = None) -> Dashboard:
    """Every figure for the period in `args` (from/to, YYYY-MM); a refused period gives the
    reason and no figures."""
    today = today or local_today()
    choice = parse_period(args, today)
    if choice.error:
        return Dashboard(choice)
    return Dashboard(choice, all_figures(user, choice, today))


@dataclass
class DrillPage:
    choice: PeriodChoice
    listing: DrillList | None
    key: str
    own_args: dict[str, str] = field(default_factory=dict)
    show_dashboard_link: bool = True

    @property
    def list_args(self) -> dict[str, str]:
        """The list's own filter and its period: what its export links carry."""
        return {**self.own_args, **(self.choice.period.args() if self.choice.period else {})}


def drill_list(user: User, key: str, args, today: date | None = None) -> DrillPage:
    """The list behind one figure: its own arguments (stage, month, bucket…) plus the period;
    an unknown list or value answers 404 like a missing page."""
    today = today or local_today()
    build = drill.LISTS.get(key)
    if build is None:
        raise NotFound(_("No such list."))
    if not can_open_list(user, key):
        raise Forbidden(_("This list belongs to the dashboard of those who run the department."))
    # the list's own filter (the period and the export format are not part of it)
    own = {k: v for k, v in args.items() if k not in ("from", "to", "export")}
    choice = parse_period({k: args.get(k) for k in ("from", "to") if args.get(k)}, today)
    if choice.error:
        return DrillPage(choice, None, key, own, user.role in DASHBOARD_ROLES)
    listing = build(user, choice.period, own, today)
    return DrillPage(choice, listing, key, own, user.role in DASHBOARD_ROLES)


def drill_file(page: DrillPage, fmt: str) -> ExportFile:
    """The whole list behind a figure (not only the rows the page shows) as .xlsx or .csv, with
    its filter and period on the first line; a list refused for its period answers 404."""
    listing = page.listing
    if listing is None:
        raise NotFound(_("No such list."))
    return table_file(
        f"dashboard-{page.key}",
        listing.title,
        " · ".join(t for t in (listing.filter_text, page.choice.period.label) if t),
        listing.headers,
        [row.values for row in listing.every],
        fmt,
    )
