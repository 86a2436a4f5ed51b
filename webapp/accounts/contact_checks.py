"""Checks a higher area adds to a contact's reporting line ("上级"). Accounts itself refuses a
person reporting to themselves and a loop of reporting lines; an area that draws other lines
between the same people (relationships: influence lines) registers a check here, so a new boss
cannot close a loop through its lines either. A check is `check(contact, boss) -> str | None`
(the refusal's words), run with `contact` None for a new person."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

_KEY = "keydesk.contact_reporting_checks"


def register_reporting_check(app: Flask, check: Callable) -> None:
    app.extensions.setdefault(_KEY, []).append(check)


def reporting_problem(contact, boss) -> str | None:
    for check in current_app.extensions.get(_KEY, []):
        problem = check(contact, boss)
        if problem:
            return problem
    return None
