"""The dry run and the import: each row matched to an account, read by its kind's columns,
given its natural key and its fate (new, update, unchanged, duplicate, error) against the
file itself and the database; then the good rows written in bulk."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from webapp.accounts.models import Account
from webapp.accounts.service import account_scope
from webapp.auth.models import User
from webapp.common.timeutil import utcnow
from webapp.extensions import db
from webapp.sales.importer.cells import (
    CellError,
    Settled,
    blank,
    parse_decimal,
    parse_settled,
    shown,
)
from webapp.sales.importer.kinds import ACCOUNT_COLUMNS, KindSpec, map_columns
from webapp.sales.importer.tables import Table
from webapp.sales.models import ImportKind, RowOutcome
from webapp.sales.signals import records_changed

CHUNK = 1000
PROGRESS_EVERY = 5000


@dataclass
class AccountIndex:
    """The accounts an import may name, by tax number and by name. Only those the importer may
    see: an account outside their scope is "no account with this tax number or name", exactly
    like one that does not exist, so an error message never names a record they may not see."""

    by_tax: dict[str, int]
    by_name: dict[str, int]
    names: dict[int, str]  # the dry run shows each row's client

    @classmethod
    def load(cls, user: User | None) -> AccountIndex:
        stmt = sa.select(Account.id, Account.tax_number, Account.name)
        if user is not None:
            stmt = stmt.where(account_scope(user))
        rows = db.session.execute(stmt).all()
        return cls(
            by_tax={t.upper(): i for i, t, _ in rows},
            by_name={n: i for i, _, n in rows},
            names={i: n for i, _, n in rows},
        )

    def match(self, tax: str, name: str) -> int:
        if not tax and not name:
            raise CellError("empty")
        tax_id = self.by_tax.get(tax.upper()) if tax else None
        name_id = self.by_name.get(name) if name else None
        if tax and tax_id is None and not name_id:
            raise CellError("no_account", value=tax)
        if not tax and name_id is None:
            raise CellError("no_account", value=name)
        if tax_id and name_id and tax_id != name_id:
            raise CellError("mismatch")
        return tax_id or name_id


# --- the dry run and the import -----------------------------------------------------------------


def natural_key(spec: KindSpec, account_id: int, values: dict) -> str:
    parts = (spec.kind.value, str(account_id), *spec.key(values))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _cells_json(cells: list) -> list:
    return ["" if blank(c) else shown(c) for c in cells]


# What a row is about, shown beside its fate in the dry run: the product (plans, purchases),
# the category (expenses) or the reference (payments).
WHAT = {
    ImportKind.PLAN: ("product", "spec"),
    ImportKind.PURCHASE: ("product", "spec", "document_no"),
    ImportKind.PAYMENT: ("reference",),
    ImportKind.EXPENSE: ("category", "reference"),
}


def _summary(spec: KindSpec, mapping: dict, cells: list, values: dict, client: str | None) -> dict:
    """The row's client, date, what and amount as the dry run lists them (bad rows as typed)."""

    def cell(name: str) -> str:
        index = mapping.get(name)
        if index is None or index >= len(cells) or blank(cells[index]):
            return ""
        return shown(cells[index])

    amount = values.get("amount")
    return {
        "client": client or cell("client") or cell("tax_number"),
        "date": cell(spec.date_field),
        "what": " ".join(p for p in (cell(n) for n in WHAT[spec.kind]) if p),
        "amount": f"¥{amount:,.2f}" if isinstance(amount, Decimal) else cell("amount"),
    }


@dataclass
class Result:
    kind: ImportKind
    header: list
    outcomes: list[dict]  # ImportRow values, one per data row
    new: list[dict]
    updates: list[dict]
    counts: dict[RowOutcome, int]


def evaluate(
    spec: KindSpec,
    table: Table,
    user: User | None,
    progress: Callable[[int], None] | None = None,
) -> Result:
    """Decide each row's fate against the file itself and the database; write nothing."""
    mapping = map_columns(spec, table.header)
    header_text = [shown(h) if not blank(h) else "" for h in table.header]
    accounts = AccountIndex.load(user)
    money_fields = {c.name for c in spec.columns if c.parse in (parse_decimal, parse_settled)}

    parsed: list[tuple[int, list, int | None, dict | None, list, dict]] = []
    seen: dict[str, tuple[int, dict]] = {}
    for count, (number, cells) in enumerate(table.rows, start=1):
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
        if all(blank(c) for c in cells):
            continue
        problems: list = []
        account_cells_ok = True
        values: dict = {}
        covered = {col: ref for col, ref in table.merged.get(number, ())}
        for column in (*ACCOUNT_COLUMNS, *spec.columns):
            index = mapping.get(column.name)
            raw = cells[index] if index is not None and index < len(cells) else None
            title = header_text[index] if index is not None else column.aliases[0]
            if index is not None and index in covered:
                problems.append([title, "merged", {"range": covered[index]}])
                account_cells_ok &= column not in ACCOUNT_COLUMNS
                continue
            if blank(raw):
                if column.required:
                    problems.append([title, "empty", {}])
                values[column.name] = None if column.name in money_fields else ""
                continue
            try:
                values[column.name] = column.parse(raw)
            except CellError as error:
                problems.append([title, error.code, error.params])
                account_cells_ok &= column not in ACCOUNT_COLUMNS
        account_id = None
        if account_cells_ok:
            try:
                account_id = accounts.match(values.get("tax_number", ""), values.get("client", ""))
            except CellError as error:
                used = "tax_number" if values.get("tax_number") else "client"
                title = header_text[mapping.get(used, mapping.get("tax_number", 0))]
                problems.append([title, error.code, error.params])
        if not problems:
            values.pop("tax_number", None)
            values.pop("client", None)
            if "settled" in values:
                settled = values["settled"]
                if isinstance(settled, Settled):  # 是/否: all of the amount or none of it
                    settled = settled.of(values["amount"])
                values["settled"] = settled or Decimal("0.00")
                if values["settled"] > values["amount"]:
                    title = header_text[mapping["settled"]]
                    problems.append([title, "settled_over", {}])
        summary = _summary(spec, mapping, cells, values, accounts.names.get(account_id))
        if problems:
            parsed.append((number, cells, account_id, None, problems, summary))
            continue
        key = natural_key(spec, account_id, values)
        earlier = seen.get(key)
        if earlier is not None:
            if earlier[1] == values:
                problem = ["", "duplicate", {"row": earlier[0]}]
            else:
                problem = ["", "conflict", {"row": earlier[0]}]
            parsed.append((number, cells, account_id, None, [problem], summary))
            continue
        seen[key] = (number, dict(values))
        values["natural_key"] = key
        values["account_id"] = account_id
        parsed.append((number, cells, account_id, values, [], summary))

    existing = _existing(spec, list(seen))
    outcomes, new, updates = [], [], []
    counts = dict.fromkeys(RowOutcome, 0)
    for number, cells, account_id, values, problems, summary in parsed:
        if values is None:
            outcome = RowOutcome.DUPLICATE if problems[0][1] == "duplicate" else RowOutcome.BAD
        else:
            stored = existing.get(values["natural_key"])
            if stored is None:
                outcome = RowOutcome.NEW
                new.append(values)
            elif all(stored[f] == values[f] for f in spec.fields if f in values):
                outcome = RowOutcome.SAME
            else:
                outcome = RowOutcome.UPDATE
                updates.append({"id": stored["id"], **values})
        counts[outcome] += 1
        outcomes.append(
            {
                "row_number": number,
                "outcome": outcome,
                "account_id": account_id,
                "problems": problems or None,
                "cells": _cells_json(cells) if outcome is RowOutcome.BAD else None,
                "summary": summary,
            }
        )
    return Result(spec.kind, header_text, outcomes, new, updates, counts)


def _existing(spec: KindSpec, keys: list[str]) -> dict[str, dict]:
    model = spec.model
    columns = [model.id, model.natural_key, *(getattr(model, f) for f in spec.fields)]
    found = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for row in db.session.execute(sa.select(*columns).where(model.natural_key.in_(chunk))):
            found[row.natural_key] = row._asdict()
    return found


def write(spec: KindSpec, result: Result, batch_id: int | None) -> None:
    """Insert new rows and update changed ones; the caller commits (one transaction)."""
    now = utcnow()
    model = spec.model
    for start in range(0, len(result.new), CHUNK):
        rows = [
            {**v, "batch_id": batch_id, "updated_at": now}
            for v in result.new[start : start + CHUNK]
        ]
        db.session.execute(model.__table__.insert(), rows)  # Core: no ORM bookkeeping
    for start in range(0, len(result.updates), CHUNK):
        rows = [
            {**v, "batch_id": batch_id, "updated_at": now}
            for v in result.updates[start : start + CHUNK]
        ]
        db.session.execute(sa.update(model), rows)
    changed = {v["account_id"] for v in (*result.new, *result.updates)}
    if changed:
        records_changed.send(spec.kind, account_ids=sorted(changed))
