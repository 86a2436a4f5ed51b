"""Short notes an area above development adds to the pipeline board's cards (e.g. the
relationships area's coverage gaps: "no coach"). A provider is `provider(account_ids) ->
{account_id: [text, ...]}`, registered from the area's `init_app`; the board asks once per
page for the cards it shows."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

_KEY = "keydesk.board_card_notes"


def register_card_notes(app: Flask, provider: Callable) -> None:
    app.extensions.setdefault(_KEY, []).append(provider)


def card_notes(account_ids: list[int]) -> dict[int, list[str]]:
    notes: dict[int, list[str]] = {}
    if not account_ids:
        return notes
    for provider in current_app.extensions.get(_KEY, []):
        for account_id, texts in provider(account_ids).items():
            notes.setdefault(account_id, []).extend(texts)
    return notes
