"""Saved views: a user's named filter and sort of a list. Only the owner sees, opens, renames
or deletes one (anyone else: NotFound, like a missing one). A view whose filter no longer
applies (a stage removed, an owner gone) still opens, with what still applies and a message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from webapp.auth.models import User
from webapp.common.errors import NotFound, ValidationFailed
from webapp.extensions import db
from webapp.lists.models import SavedView
from webapp.lists.registry import list_spec

MAX_VIEWS = 50
NAME_MAX = 60


@dataclass(frozen=True)
class Opened:
    url: str
    dropped: list[str]  # the saved arguments the list no longer understands


def views_of(user: User) -> list[SavedView]:
    stmt = sa.select(SavedView).where(SavedView.user_id == user.id)
    return list(db.session.scalars(stmt.order_by(SavedView.name, SavedView.id)))


def get_view(user: User, view_id: int) -> SavedView:
    view = db.session.get(SavedView, view_id)
    if view is None or view.user_id != user.id:
        raise NotFound(_("No such saved view."))
    return view


def _clean_name(user: User, raw: str, view_id: int | None = None) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise ValidationFailed({"name": _("Give the view a name.")})
    if len(name) > NAME_MAX:
        raise ValidationFailed({"name": _("A name has at most %(n)d characters.", n=NAME_MAX)})
    taken = sa.select(SavedView.id).where(SavedView.user_id == user.id, SavedView.name == name)
    if view_id is not None:
        taken = taken.where(SavedView.id != view_id)
    if db.session.scalar(taken) is not None:
        raise ValidationFailed({"name": _("You already have a view named %(name)s.", name=name)})
    return name


def save_view(user: User, list_key: str, name: str, args: Mapping[str, str]) -> SavedView:
    """Save the list's filter and sort (only the arguments the list understands; never the
    page number or an export) under `name`."""
    spec = list_spec(list_key)
    if spec is None:
        raise ValidationFailed({"name": _("This list cannot be saved as a view.")})
    clean = {k: v for k, v in spec.normalize(args).items() if k not in ("page", "export")}
    name = _clean_name(user, name)
    count = db.session.scalar(sa.select(sa.func.count()).where(SavedView.user_id == user.id))
    if count >= MAX_VIEWS:
        raise ValidationFailed(
            {"name": _("You have %(n)d saved views; delete one first.", n=count)}
        )
    view = SavedView(user_id=user.id, list_key=list_key, name=name, args=clean)
    db.session.add(view)
    db.session.commit()
    return view


def rename_view(user: User, view_id: int, name: str) -> SavedView:
    view = get_view(user, view_id)
    view.name = _clean_name(user, name, view.id)
    db.session.commit()
    return view


def delete_view(user: User, view_id: int) -> str:
    view = get_view(user, view_id)
    name = view.name
    db.session.delete(view)
    db.session.commit()
    return name


def open_view(user: User, view_id: int) -> Opened:
    """The list's address with the saved filter, keeping what still applies."""
    view = get_view(user, view_id)
    spec = list_spec(view.list_key)
    saved = {str(k): str(v) for k, v in (view.args or {}).items()}
    if spec is None:
        return Opened(url_for("lists.saved_views"), sorted(saved))
    clean = spec.normalize(saved)
    dropped = sorted(k for k, v in saved.items() if clean.get(k) != v)
    return Opened(url_for(spec.endpoint, **clean), dropped)


def view_links(user: User) -> list[tuple[str, str]]:
    """(name, address) of the user's views, for the navigation."""
    return [(v.name, url_for("lists.open_view", view_id=v.id)) for v in views_of(user)]
