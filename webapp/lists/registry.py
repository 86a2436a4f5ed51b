"""The lists people filter, export and save views of: one spec per list, registered by the area
that owns the list (`register_list(app, ListSpec(...))` in its `init_app`).

A spec names the list's page (`endpoint`), its columns for exports (`Column`: header, value,
kind), and reuses the list's own query function (`query(user, args)`: the same filters and the
same visibility scope as the page), so an export holds exactly what the page would show the
user and nothing they cannot see. `normalize(args)` answers the filter arguments the list
understands (unknown or malformed ones dropped), which tells a saved view whose filter no
longer applies."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from webapp.auth.models import User

LISTS = "keydesk.lists"


class Kind(enum.Enum):
    """How a column's cells are typed in a spreadsheet."""

    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"  # Decimal, two decimals
    DATE = "date"
    DATETIME = "datetime"  # tz-aware, written in Asia/Shanghai


@dataclass(frozen=True)
class Column:
    header: Any  # lazy gettext, translated when the file is written
    value: Callable[[Any], object]  # a labelled enum member is written as its label
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class ListSpec:
    key: str  # "accounts"; stored in saved views and export jobs
    title: Any  # lazy gettext: the sheet's and the file's name
    endpoint: str  # the list's page
    columns: tuple[Column, ...]
    normalize: Callable[[Mapping[str, str]], dict[str, str]]
    # a Select in the user's scope, read in chunks …
    query: Callable[[User, Mapping[str, str]], Any] | None = None
    # … or, for a list its page builds in one go (the inbox), those rows
    rows: Callable[[User, Mapping[str, str]], list] | None = None
    # (label, value) pairs that say the filter in words, for the sheet's top line
    describe: Callable[[Mapping[str, str]], list[tuple[str, str]]] = lambda args: []
    # turns a chunk of queried records into the rows the columns read (default: as they are)
    prepare: Callable[[User, list], Iterable[Any]] | None = None


def register_list(app: Flask, spec: ListSpec) -> None:
    lists = app.extensions.setdefault(LISTS, {})
    if spec.key in lists:
        raise ValueError(f"list {spec.key!r} is registered twice")
    lists[spec.key] = spec


def list_spec(key: str) -> ListSpec | None:
    return current_app.extensions.get(LISTS, {}).get(key)


def all_specs() -> dict[str, ListSpec]:
    return dict(current_app.extensions.get(LISTS, {}))
