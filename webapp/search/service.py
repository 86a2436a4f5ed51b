"""The global search (DOMAIN.md "Who uses it": each kind shows only what its area lets the
user see): accounts, contacts, contracts, requests and proposals by name, number, tax number
(USCC), phone, and pinyin, full or initials (`hdjt` finds 华东集团) through the records'
stored search keys (`common.pinyin`). Visibility is each area's own scope function."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from webapp.accounts.models import Account, Contact
from webapp.accounts.service import account_scope
from webapp.approvals.models import ApprovalRequest
from webapp.approvals.service import request_scope
from webapp.auth.models import User
from webapp.common.pinyin import query_key
from webapp.contracts.models import Contract
from webapp.contracts.service import contract_scope
from webapp.extensions import db
from webapp.proposals.models import Proposal
from webapp.proposals.service import proposal_scope

MAX_QUERY = 60
MIN_KEY = 2  # one pinyin letter matches nearly everything
DROPDOWN_LIMIT = 5
MATCHED_ACCOUNTS = 500


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


def _text_match(text: str, *columns) -> list[sa.ColumnElement[bool]]:
    return [column.icontains(text, autoescape=True) for column in columns]


def _key_match(key: str, column) -> list[sa.ColumnElement[bool]]:
    return [column.contains(key, autoescape=True)] if len(key) >= MIN_KEY else []


def _account_match(text: str, key: str) -> sa.ColumnElement[bool]:
    """Chinese text against the names; Latin letters and digits against the pinyin key (which
    holds the names' own letters and digits too), the credit code and the phone."""
    if not text.isascii():
        return sa.or_(*_text_match(text, Account.name, Account.short_name))
    return sa.or_(
        *_key_match(key, Account.search_key),
        *_text_match(text, Account.tax_number, *([Account.phone] if _has_digit(text) else [])),
    )


def _has_digit(text: str) -> bool:
    return any(ch.isascii() and ch.isdigit() for ch in text)


def _matching_account_ids(text: str, key: str) -> list[int]:
    """Ids of the accounts the query names (at most MATCHED_ACCOUNTS), read once per search:
    contracts, requests and proposals are found through them as well as by their own fields."""
    stmt = sa.select(Account.id).where(_account_match(text, key)).limit(MATCHED_ACCOUNTS)
    return list(db.session.scalars(stmt))


def _rows(stmt, limit: int) -> tuple[list, bool]:
    rows = list(db.session.scalars(stmt.limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def _accounts(user: User, text: str, key: str, limit: int) -> Group:
    stmt = (
        sa.select(Account)
        .where(account_scope(user), _account_match(text, key))
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


def _contact_match(text: str, key: str) -> sa.ColumnElement[bool]:
    if not text.isascii():
        return sa.or_(*_text_match(text, Contact.name))
    columns = [Contact.email] + ([Contact.phone] if _has_digit(text) else [])
    return sa.or_(*_key_match(key, Contact.search_key), *_text_match(text, *columns))


def _contacts(user: User, text: str, key: str, limit: int) -> Group:
    visible = sa.select(Account.id).where(account_scope(user))
    stmt = (
        sa.select(Contact)
        .where(
            Contact.account_id.in_(visible),
            _contact_match(text, key),
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


def _contracts(user: User, text: str, key: str, limit: int, ids: list[int]) -> Group:
    stmt = (
        sa.select(Contract)
        .where(
            contract_scope(user),
            sa.or_(
                *_text_match(text, Contract.number, Contract.title),
                _on_matching_account(Contract.account_id, ids),
            ),
        )
        .order_by(Contract.updated_at.desc(), Contract.id.desc())
    )
    rows, more = _rows(stmt, limit)
    hits = [
        Hit(f"{c.number} {c.title}", str(c.account), url_for("contracts.detail", contract_id=c.id))
        for c in rows
    ]
    return Group("contracts", str(_l("Contracts")), hits, more)


def _requests(user: User, text: str, key: str, limit: int, ids: list[int]) -> Group:
    stmt = (
        sa.select(ApprovalRequest)
        .where(
            request_scope(user),
            sa.or_(
                *_text_match(text, ApprovalRequest.number, ApprovalRequest.title),
                _on_matching_account(ApprovalRequest.account_id, ids),
            ),
        )
        .order_by(ApprovalRequest.filed_at.desc(), ApprovalRequest.id.desc())
    )
    rows, more = _rows(stmt, limit)
    hits = [
        Hit(
            f"{r.number} {r.title}",
            f"{r.type.label} · {r.account}",
            url_for("approvals.detail", request_id=r.id),
        )
        for r in rows
    ]
    return Group("requests", str(_l("Requests")), hits, more)


def _proposals(user: User, text: str, key: str, limit: int, ids: list[int]) -> Group:
    stmt = (
        sa.select(Proposal)
        .where(
            proposal_scope(user),
            sa.or_(
                *_text_match(text, Proposal.title),
                _on_matching_account(Proposal.account_id, ids),
            ),
        )
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    )
    rows, more = _rows(stmt, limit)
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
    key = query_key(text)
    found = [kind(user, text, key, limit) for kind in KINDS]
    ids = _matching_account_ids(text, key)
    found += [kind(user, text, key, limit, ids) for kind in BY_ACCOUNT]
    groups = [group for group in found if group.hits]
    return Results(q=text, groups=groups)
