"""The shape every dashboard figure and list shares: headers and rows of typed values (an
export writes the values, the page their text), each row linking to the list behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import has_request_context, url_for
from markupsafe import Markup

from webapp.filters import local_date, money

FEN = Decimal("0.01")


class Percent(Decimal):
    """A percentage (12.5 means 12.5 %), so an export can tell it from money."""


def yuan(fen) -> Decimal:
    """Whole fen from an SQL sum back to yuan."""
    return (Decimal(int(fen or 0)) / 100).quantize(FEN)


def fen(column) -> sa.ColumnElement:
    return sa.type_coerce(column, sa.BigInteger)


def fen_sum(column) -> sa.ColumnElement:
    """Σ of a Money column in whole fen (PostgreSQL sums bigints as numeric: cast back)."""
    return sa.cast(sa.func.coalesce(sa.func.sum(fen(column)), 0), sa.BigInteger)


def scoped(stmt: sa.Select, user, account_id_column) -> sa.Select:
    """`stmt` limited to the accounts `user` sees; a company-wide reader needs no join (the
    executive's figures read the records alone, as main/home.py does for warnings)."""
    from webapp.accounts.models import Account
    from webapp.accounts.service import account_scope

    scope = account_scope(user)
    if isinstance(scope, sa.sql.elements.True_):
        return stmt
    return stmt.join(Account, Account.id == account_id_column).where(scope)


def percent(part, whole, places: str = "0.1") -> Percent | None:
    if not whole:
        return None
    return Percent((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(places)))


def text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Percent):
        return f"{value}%"
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, date):
        return local_date(value)
    return str(value)


@dataclass
class Row:
    values: list
    url: str | None = None

    @property
    def texts(self) -> list[str]:
        return [text(v) for v in self.values]


@dataclass
class Figure:
    """One dashboard figure: its table (headers, rows) and the chart drawn from the same rows."""

    key: str  # the element id is figure-<key>
    title: str
    headers: list[str]
    rows: list[Row]
    chart: Markup = Markup("")
    note: str = ""
    list_url: str | None = None  # the whole list behind the figure
    footer: list[Row] = field(default_factory=list)  # totals


@dataclass
class DrillList:
    """A list behind a figure: what an export of it writes."""

    title: str
    headers: list[str]
    rows: list[Row]
    total: int
    filter_text: str = ""
    shown_limit: int = 0
    link_column: int = 0  # the cell that links to the row's record
    every: list[Row] = field(
        default_factory=list
    )  # all rows, for an export (the page shows `rows`)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def drill_url(key: str, period_args: dict, **params) -> str | None:
    """The address of the list behind a figure; None outside a request (a report has no
    links)."""
    if not has_request_context():
        return None
    args = {k: v for k, v in params.items() if v is not None}
    return url_for("dashboard.drill", figure=key, **period_args, **args)
