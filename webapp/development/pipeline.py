"""The pipeline board (/pipeline): a column per stage with its count and expected value, the
most valuable cards of each, filters (owner, team, class, tier), and the same accounts as a
list. Both go through `account_scope`, so each user sees the accounts they may see; given-up
accounts and those in the pool are not on the board.

Speed: one grouped count/sum, then one top-N query per non-empty column (LIMIT on the stage,
which SQLite answers with a bounded sort), 12 cards a column; the list view pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from webapp.accounts.models import Account, SalesTier, Stage, ValueClass
from webapp.accounts.service import account_scope, owner_choices
from webapp.auth.models import Department, User
from webapp.auth.permissions import ACCOUNT_VISIBILITY, Visibility
from webapp.development.card_notes import card_notes
from webapp.development.models import DevelopmentProfile
from webapp.development.stages import KEY_WORDS
from webapp.extensions import db

CARDS_PER_COLUMN = 12  # the most valuable; the list view shows every account


@dataclass
class BoardQuery:
    owner_id: int | None = None
    department_id: int | None = None
    value_class: ValueClass | None = None
    tier: SalesTier | None = None
    view: str = "board"
    page: int = 1
    filters: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> BoardQuery:
        """Malformed values are ignored, so a hand-edited URL never fails."""
        query = cls()
        for name in ("owner_id", "department_id"):
            raw = args.get(name) or ""
            if raw.isascii() and raw.isdigit() and len(raw) < 10:
                setattr(query, name, int(raw))
                query.filters[name] = raw
        for name, enum_cls in (("value_class", ValueClass), ("tier", SalesTier)):
            raw = args.get(name) or ""
            try:
                value = enum_cls(raw) if raw else None
            except ValueError:
                value = None
            setattr(query, name, value)
            if value is not None:
                query.filters[name] = value.value
        query.view = "list" if args.get("view") == "list" else "board"
        page = args.get("page") or "1"
        query.page = (
            int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100000 else 1
        )
        return query

    def url_args(self, **overrides) -> dict[str, str]:
        args = {**self.filters, "view": self.view}
        args.update({k: str(v) for k, v in overrides.items()})
        return {k: v for k, v in args.items() if v not in ("", None)}


@dataclass
class Card:
    account_id: int
    name: str
    owner: str
    stage: Stage
    value_class: ValueClass
    tier: SalesTier | None
    expected_value: Decimal | None
    expected_close: date | None
    class_label: str = ""
    tier_label: str = ""
    notes: list[str] = field(default_factory=list)  # from the areas above (card_notes.py)


@dataclass
class Column:
    stage: Stage
    key_word: str
    count: int = 0
    value: Decimal = Decimal("0.00")
    cards: list[Card] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return self.count - len(self.cards)


def _where(user: User, query: BoardQuery) -> list:
    where = [
        account_scope(user),
        Account.abandoned.is_(False),
        sa.or_(DevelopmentProfile.in_pool.is_(None), DevelopmentProfile.in_pool.is_(False)),
    ]
    if query.owner_id is not None:
        where.append(Account.owner_id == query.owner_id)
    if query.department_id is not None:
        where.append(Account.department_id == query.department_id)
    if query.value_class is not None:
        where.append(Account.value_class == query.value_class)
    if query.tier is not None:
        where.append(Account.tier == query.tier)
    return where


def _base(*columns):
    return (
        sa.select(*columns)
        .select_from(Account)
        .outerjoin(DevelopmentProfile, DevelopmentProfile.account_id == Account.id)
    )


CARD_COLUMNS = (
    Account.id,
    sa.func.coalesce(Account.short_name, Account.name).label("name"),
    User.full_name.label("owner"),
    Account.stage,
    Account.value_class,
    Account.tier,
    DevelopmentProfile.expected_value,
    DevelopmentProfile.expected_close,
)


def board(user: User, query: BoardQuery, per_column: int = CARDS_PER_COLUMN) -> list[Column]:
    where = _where(user, query)
    columns = {s: Column(s, str(KEY_WORDS[s])) for s in Stage}
    totals = (
        _base(Account.stage, sa.func.count(), sa.func.sum(DevelopmentProfile.expected_value))
        .where(*where)
        .group_by(Account.stage)
    )
    for stage, count, value in db.session.execute(totals):
        columns[stage].count = count
        columns[stage].value = Decimal(value or 0).quantize(Decimal("0.01"))
    # the top cards of each column that has any: one small top-N query per stage (SQLite's
    # bounded sorter) beats one window over every visible account
    labels: dict = {}
    order = (
        DevelopmentProfile.expected_value.is_(None),
        DevelopmentProfile.expected_value.desc(),
        Account.id,
    )
    for stage, column in columns.items():
        if not column.count:
            continue
        stmt = (
            _base(*CARD_COLUMNS)
            .join(User, User.id == Account.owner_id)
            .where(*where, Account.stage == stage)
            .order_by(*order)
            .limit(per_column)
        )
        column.cards = [_card(row, stage, labels) for row in db.session.execute(stmt)]
    notes = card_notes([c.account_id for col in columns.values() for c in col.cards])
    for column in columns.values():
        for card in column.cards:
            card.notes = notes.get(card.account_id, [])
    return list(columns.values())


def _card(row, stage: Stage, labels: dict) -> Card:
    """A card; `labels` caches the translated labels for one request (the UI language)."""
    value_class = (
        row.value_class if isinstance(row.value_class, ValueClass) else ValueClass(row.value_class)
    )
    tier = row.tier
    if tier is not None and not isinstance(tier, SalesTier):
        tier = SalesTier(tier)
    return Card(
        row.id,
        row.name,
        row.owner,
        stage,
        value_class,
        tier,
        row.expected_value,
        row.expected_close,
        labels.setdefault(value_class, value_class.label),
        labels.setdefault(tier, tier.label) if tier else "",
    )


def stage_options() -> list[tuple[Stage, str]]:
    """The stages with their labels, translated once for every card's move form."""
    return [(s, s.label) for s in Stage]


def listing(user: User, query: BoardQuery, per_page: int = 50):
    stmt = (
        _base(*CARD_COLUMNS)
        .join(User, User.id == Account.owner_id)
        .where(*_where(user, query))
        .order_by(
            Account.stage,
            DevelopmentProfile.expected_value.is_(None),
            DevelopmentProfile.expected_value.desc(),
            Account.id,
        )
    )
    total = db.session.scalar(_base(sa.func.count()).where(*_where(user, query)))
    rows = db.session.execute(stmt.limit(per_page).offset((query.page - 1) * per_page)).all()
    labels: dict = {}
    cards = [
        _card(r, r.stage if isinstance(r.stage, Stage) else Stage(r.stage), labels) for r in rows
    ]
    return cards, total


def team_choices(user: User) -> list[Department]:
    """Departments a user may filter by: all for company-wide readers, their own otherwise."""
    if ACCOUNT_VISIBILITY[user.role] is Visibility.COMPANY:
        return list(db.session.scalars(sa.select(Department).order_by(Department.name)))
    if user.department_id is None:
        return []
    return [db.session.get(Department, user.department_id)]


def owners(user: User) -> list[User]:
    return owner_choices(user)
