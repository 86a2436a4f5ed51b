"""Panels under each visit record that areas above accounts add (attachments), the way they add
account tabs: registered from their `init_app`, loaded into the visit when opened."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import LazyString

_KEY = "keydesk.visit_panels"


@dataclass(frozen=True)
class VisitPanel:
    key: str
    label: LazyString | str
    endpoint: str  # takes visit_id; answers the panel's fragment to htmx, a page otherwise


def register_visit_panel(app: Flask, key: str, label, endpoint: str) -> None:
    app.extensions.setdefault(_KEY, {})[key] = VisitPanel(key, label, endpoint)


def visit_panels() -> list[VisitPanel]:
    return list(current_app.extensions.get(_KEY, {}).values())
