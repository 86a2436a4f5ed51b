"""What an area tells the attachments area about a kind of record it owns: how to read one for a
user (raising NotFound/Forbidden exactly as its pages do), whether the user may add files now,
which round a new file belongs to, and where the record's page is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from flask_babel import gettext as _

from webapp.common.errors import NotFound

_KEY = "keydesk.attachment_targets"


@dataclass(frozen=True)
class AttachmentTarget:
    key: str
    get_for_user: Callable[[Any, int], Any]  # (user, record id) -> record, or raises
    can_add: Callable[[Any, Any], bool]  # (user, record) -> may add a file now
    page_url: Callable[[Any], str]  # record -> the page that shows its attachments
    round_of: Callable[[Any], int | None] = lambda record: None
    on_added: Callable[[Any, Any, Any], None] | None = None  # (record, user, attachment)


def register_target(app: Flask, target: AttachmentTarget) -> None:
    app.extensions.setdefault(_KEY, {})[target.key] = target


def get_target(key: str) -> AttachmentTarget:
    target = current_app.extensions.get(_KEY, {}).get(key)
    if target is None:
        raise NotFound(_("No such record."))
    return target
