"""The search index kept in step with the records (`search_terms`, terms from `terms.py`).

- Every flush of an app with the search area rewrites the terms of each indexed record
  (account, contact, contract, request, proposal) it inserts, deletes, or changes in a searched
  field (`after_flush`, same transaction: the terms commit or roll back with the change).
- Writes that bypass the ORM (bulk inserts of the demo data, a migration, a repair) call
  `reindex()`, or an operator runs `flask search reindex`.
- A term whose record is gone finds nothing (the search reads the record's own table); a new
  record with a reused id first clears whatever terms that id had.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event

from webapp.accounts.models import Account, Contact
from webapp.approvals.models import ApprovalRequest
from webapp.contracts.models import Contract
from webapp.database import Session
from webapp.extensions import db
from webapp.proposals.models import Proposal
from webapp.search.models import SearchTerm
from webapp.search.terms import account_terms, contact_terms, record_terms

ENABLED = "keydesk.search_index"
HIGH = "\U0010ffff"  # sorts after every character: `q + HIGH` bounds the terms starting with q
BATCH = 2000


@dataclass(frozen=True)
class IndexedKind:
    name: str
    model: type
    fields: tuple[str, ...]
    terms: Callable[..., list[str]]  # the fields' values, in order → terms

    def terms_of(self, values: Iterable[object]) -> list[str]:
        return self.terms(*values)


KINDS = (
    IndexedKind("account", Account, ("name", "short_name", "tax_number", "phone"), account_terms),
    IndexedKind("contact", Contact, ("name", "phone", "email"), contact_terms),
    IndexedKind("contract", Contract, ("number", "title"), record_terms),
    IndexedKind("request", ApprovalRequest, ("number", "title"), record_terms),
    IndexedKind("proposal", Proposal, ("title",), record_terms),
)
BY_MODEL = {kind.model: kind for kind in KINDS}


def init_app(app: Flask) -> None:
    app.extensions[ENABLED] = True
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def matching_ids(kind: str, queries: list[str]) -> sa.Select | None:
    """Ids (possibly of deleted records, possibly repeated) whose terms start with a query;
    None when there is nothing to look up."""
    selects = [
        sa.select(SearchTerm.record_id).where(
            SearchTerm.kind == kind, SearchTerm.term >= q, SearchTerm.term < q + HIGH
        )
        for q in queries
        if q
    ]
    if not selects:
        return None
    return selects[0] if len(selects) == 1 else sa.union(*selects)


def _rows(kind: IndexedKind, record_id: int, values: Iterable[object]) -> list[dict]:
    return [
        {"kind": kind.name, "term": term, "record_id": record_id} for term in kind.terms_of(values)
    ]


def _write(connection, kind: IndexedKind, clear: set[int], rows: list[dict]) -> None:
    table = SearchTerm.__table__
    ids = sorted(clear)
    for start in range(0, len(ids), 500):
        connection.execute(
            sa.delete(table).where(
                table.c.kind == kind.name, table.c.record_id.in_(ids[start : start + 500])
            )
        )
    if rows:
        connection.execute(sa.insert(table), rows)


def _changed(obj, fields: tuple[str, ...]) -> bool:
    attrs = sa.inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in fields)


def _after_flush(session, _flush_context) -> None:
    if not has_app_context() or ENABLED not in current_app.extensions:
        return
    touched: dict[IndexedKind, dict[int, object | None]] = {}
    for obj in session.new:
        kind = BY_MODEL.get(type(obj))
        if kind is not None:
            touched.setdefault(kind, {})[obj.id] = obj
    for obj in session.dirty:
        kind = BY_MODEL.get(type(obj))
        if kind is not None and obj.id is not None and _changed(obj, kind.fields):
            touched.setdefault(kind, {})[obj.id] = obj
    for obj in session.deleted:
        kind = BY_MODEL.get(type(obj))
        if kind is not None and obj.id is not None:
            touched.setdefault(kind, {})[obj.id] = None
    if not touched:
        return
    connection = session.connection()
    for kind, records in touched.items():
        rows = [
            row
            for record_id, obj in records.items()
            if obj is not None
            for row in _rows(kind, record_id, (getattr(obj, f) for f in kind.fields))
        ]
        _write(connection, kind, set(records), rows)


def reindex() -> dict[str, int]:
    """Rebuild every kind's terms from the records (after writes the ORM did not see); commits.
    Returns the number of terms per kind."""
    connection = db.session.connection()
    table = SearchTerm.__table__
    counts = {}
    for kind in KINDS:
        connection.execute(sa.delete(table).where(table.c.kind == kind.name))
        columns = [getattr(kind.model, f) for f in kind.fields]
        last, total = 0, 0
        while True:
            batch = connection.execute(
                sa.select(kind.model.id, *columns)
                .where(kind.model.id > last)
                .order_by(kind.model.id)
                .limit(BATCH)
            ).all()
            if not batch:
                break
            rows = [r for record_id, *values in batch for r in _rows(kind, record_id, values)]
            if rows:
                connection.execute(sa.insert(table), rows)
            total += len(rows)
            last = batch[-1][0]
        counts[kind.name] = total
    db.session.commit()
    return counts
