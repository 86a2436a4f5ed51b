"""The global search (DOMAIN.md "Who uses it": each kind shows only what its area lets the
user see): accounts, contacts, contracts, requests and proposals by name, number, tax number
(USCC), phone, and pinyin, full or initials (`hdjt` finds 华东集团). Accounts and contacts
are found through the search index (`index.py`: a query is a prefix of one of their terms,
an indexed range scan), contracts, requests and proposals by their own number and title or
through the accounts the query names (their numbers and titles are in the index too).
Visibility is each area's own scope function."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, joinedload

from webapp.accounts.models import Account, Contact
from webapp.accounts.service import account_scope
from webapp.approvals.models import ApprovalRequest
from webapp.approvals.service import request_scope
from webapp.auth.models import User
from webapp.contracts.models import Contract
from webapp.contracts.service import contract_scope
from webapp.extensions import db
from webapp.proposals.models import Proposal
from webapp.proposals.service import proposal_scope
from webapp.search.index import matching_ids
from webapp.search.terms import query_terms

MAX_QUERY = 60
DROPDOWN_LIMIT = 5
MATCHED_ACCOUNTS = 500
CANDIDATES = 200  # records of one kind checked against the user's scope at a time


@dataclass(frozen=True)
class Hit:
    label: str
    detail: str
    url: str


@dataclass(frozen=True)
class Group:
    kind: str
    label: str
    hits: list[Hit]
    more: bool  # there are more than shown


@dataclass(frozen=True)
class Results:
    q: str
    groups: list[Group] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.groups


def clean_query(raw: str | None) -> str:
    """The query as searched: printable characters only (NUL and other controls, lone
    surrogates dropped), spaces collapsed, at most MAX_QUERY characters."""
    text = "".join(
        ch if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF else " " for ch in raw or ""
    )
    return " ".join(text.split())[:MAX_QUERY]


def _indexed(kind: str, id_column, queries: list[str]) -> sa.ColumnElement[bool]:
    """The records of `kind` that one of their index terms starts with a query: the query is a
    substring of a name, its pinyin or initials, a tax number, phone digits, an e-mail."""
    ids = matching_ids(kind, queries)
    return sa.false() if ids is None else id_column.in_(ids)


def _matching_account_ids(queries: list[str]) -> list[int]:
    """Ids of the accounts the query names (at most MATCHED_ACCOUNTS), read once per search:
    contracts, requests and proposals are found through them as well as by their own fields."""
    stmt = (
        sa.select(Account.id)
        .where(_indexed("account", Account.id, queries))
        .limit(MATCHED_ACCOUNTS)
    )
    return list(db.session.scalars(stmt))


def _rows(stmt, limit: int) -> tuple[list, bool]:
    rows = list(db.session.scalars(stmt.limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def _accounts(user: User, queries: list[str], limit: int) -> Group:
    stmt = (
        sa.select(Account)
        .where(account_scope(user), _indexed("account", Account.id, queries))
        .order_by(Account.name)
    )
    rows, more = _rows(stmt, limit)
    hits = [
        Hit(
            a.short_name or a.name,
            a.name if a.short_name else (a.tax_number or ""),
            url_for("accounts.detail", account_id=a.id),
        )
        for a in rows
    ]
    return Group("accounts", str(_l("Key accounts")), hits, more)


def _contacts(user: User, queries: list[str], limit: int) -> Group:
    visible = sa.select(Account.id).where(account_scope(user))
    stmt = (
        sa.select(Contact)
        .options(joinedload(Contact.account))
        .where(
            Contact.account_id.in_(visible),
            _indexed("contact", Contact.id, queries),
        )
        .order_by(Contact.name, Contact.id)
    )
    rows, more = _rows(stmt, limit)
    hits = [
        Hit(
            c.name,
            f"{c.account} · {c.title or ''}".rstrip(" ·"),
            url_for("accounts.contacts", account_id=c.account_id, _anchor=f"contact-{c.id}"),
        )
        for c in rows
    ]
    return Group("contacts", str(_l("Contacts")), hits, more)


def _on_matching_account(column, ids: list[int]):
    return column.in_(ids) if ids else sa.false()


def _in_scope(model, scope, ids: list[int]) -> sa.Select:
    """Which of `ids` the scope lets the user see, asked row by row (a correlated EXISTS):
    `id IN (…) AND scope` lets SQLite pair each candidate with each of the thousands of
    accounts in the scope (150 ms where this takes 4)."""
    candidate = aliased(model)
    return sa.select(candidate.id).where(
        candidate.id.in_(ids), sa.exists().where(model.id == candidate.id, scope)
    )


def _visible_rows(model, scope, match, order, limit: int) -> tuple[list, bool]:
    """The first `limit` records of `model` that `match` and the user's `scope` (and whether
    there are more), in `order`. The match alone is cheap and finds few records; the scope may
    list every account the user sees (thousands, built once per statement), so it checks the
    candidates only, CANDIDATES at a time, until `limit` + 1 are found."""
    candidates = sa.select(model.id).where(match).order_by(*order)
    found: list[int] = []
    offset = 0
    while len(found) <= limit:
        chunk = list(db.session.scalars(candidates.limit(CANDIDATES).offset(offset)))
        if not chunk:
            break
        seen = set(db.session.scalars(_in_scope(model, scope, chunk)))
        found += [record_id for record_id in chunk if record_id in seen]
        if len(chunk) < CANDIDATES:
            break
        offset += CANDIDATES
    shown = found[:limit]
    if not shown:
        return [], False
    stmt = sa.select(model).options(joinedload(model.account)).where(model.id.in_(shown))
    by_id = {record.id: record for record in db.session.scalars(stmt)}
    return [by_id[record_id] for record_id in shown], len(found) > limit


def _contracts(user: User, queries: list[str], limit: int, ids: list[int]) -> Group:
    rows, more = _visible_rows(
        Contract,
        contract_scope(user),
        sa.or_(
            _indexed("contract", Contract.id, queries),
            _on_matching_account(Contract.account_id, ids),
        ),
        (Contract.updated_at.desc(), Contract.id.desc()),
        limit,
    )
    hits = [
        Hit(f"{c.number} {c.title}", str(c.account), url_for("contracts.detail", contract_id=c.id))
        for c in rows
    ]
    return Group("contracts", str(_l("Contracts")), hits, more)


def _requests(user: User, queries: list[str], limit: int, ids: list[int]) -> Group:
    rows, more = _visible_rows(
        ApprovalRequest,
        request_scope(user),
        sa.or_(
            _indexed("request", ApprovalRequest.id, queries),
            _on_matching_account(ApprovalRequest.account_id, ids),
        ),
        (ApprovalRequest.filed_at.desc(), ApprovalRequest.id.desc()),
        limit,
    )
    hits = [
        Hit(
            f"{r.number} {r.title}",
            f"{r.type.label} · {r.account}",
            url_for("approvals.detail", request_id=r.id),
        )
        for r in rows
    ]
    return Group("requests", str(_l("Requests")), hits, more)


def _proposals(user: User, queries: list[str], limit: int, ids: list[int]) -> Group:
    rows, more = _visible_rows(
        Proposal,
        proposal_scope(user),
        sa.or_(
            _indexed("proposal", Proposal.id, queries),
            _on_matching_account(Proposal.account_id, ids),
        ),
        (Proposal.updated_at.desc(), Proposal.id.desc()),
        limit,
    )
    hits = [
        Hit(p.title, str(p.account), url_for("proposals.detail", proposal_id=p.id)) for p in rows
    ]
    return Group("proposals", str(_l("Proposals")), hits, more)


KINDS = (_accounts, _contacts)
BY_ACCOUNT = (_contracts, _requests, _proposals)


def search(user: User, raw: str | None, limit: int = 5) -> Results:
    """What `user` may see that matches the query, grouped by kind, `limit` per kind; an empty
    query finds nothing (any text is a valid query)."""
    text = clean_query(raw)
    if not text:
        return Results(q="")
    queries = query_terms(text)
    found = [kind(user, queries, limit) for kind in KINDS]
    ids = _matching_account_ids(queries)
    found += [kind(user, queries, limit, ids) for kind in BY_ACCOUNT]
    groups = [group for group in found if group.hits]
    return Results(q=text, groups=groups)
