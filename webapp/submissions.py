"""Create forms that never duplicate: each carries a one-time submission key.

A create form renders a fresh key in a hidden field (`SubmissionKeyField`): a random nonce
signed with the app's secret and the user's id, so a key cannot be forged or taken from a
colleague's page. Saving the form (`Once.run`) stores the nonce with the created object's id in
`submission_keys`, in the same transaction as the object. A second POST of the same key (a double
click, a reload that re-posts, a retry after a lost answer) finds the stored row and answers
with the first result; it creates nothing. When two posts of one key race, the unique key lets
one commit; the other's transaction fails on it, is rolled back whole (a contract number it drew
included) and answers with the winner's object. Works alike on SQLite and PostgreSQL.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from webapp.common.errors import ValidationFailed
from webapp.common.timeutil import utcnow
from webapp.common.types import UTCDateTime
from webapp.extensions import db

_SALT = "keydesk.submission-key"
FIELD = "submission_key"


class SubmissionKey(db.Model):
    """A create form's key, once it created something: which object it made, for whom."""

    __tablename__ = "submission_keys"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))  # the created object's table
    object_id: Mapped[int] = mapped_column()
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def issue_key() -> str:
    """A fresh key for a form shown to the signed-in user."""
    user_id = current_user.id if current_user and current_user.is_authenticated else None
    return _serializer().dumps([user_id, secrets.token_urlsafe(18)])


class SubmissionKeyField(HiddenField):
    """The hidden one-time key of a create form; a new key whenever the form is shown empty."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("default", issue_key)
        super().__init__(label or _l("Submission key"), validators, **kwargs)


FORGED = _l(
    "This form's submission key is not valid, so nothing was saved. "
    "Reload the page and enter it again."
)
REPLAYED = _l("This form was already saved; nothing new was created. Here is what it saved.")


class Once:
    """Run a create form's save at most once per submission key.

    `model` is the class of the object the save creates; `load(id)` reads it back for the
    user (through the area's visibility getter) to answer a replay."""

    message = REPLAYED

    def __init__(self, form, model: type, load):
        self.form, self.model, self.load = form, model, load

    def run(self, save):
        """(object, replayed): the created object, or the first one made with this key."""
        field = getattr(self.form, FIELD, None)
        token = (field.data or "").strip() if field is not None else ""
        if not token:
            # A client that sends no key (a script, a form cached before keys existed) is
            # saved as before; every form this app renders carries one.
            return save(), False
        nonce = self._nonce(token)
        found = self._find(nonce)
        if found is not None:
            return found, True
        return self._create(nonce, save)

    def _nonce(self, token: str) -> str:
        try:
            user_id, nonce = _serializer().loads(token)
        except (BadSignature, ValueError, TypeError):
            raise ValidationFailed({FIELD: str(FORGED)}) from None
        if user_id != current_user.id or not isinstance(nonce, str):
            raise ValidationFailed({FIELD: str(FORGED)})
        return nonce

    def _find(self, nonce: str):
        stored = db.session.get(SubmissionKey, nonce)
        if stored is None:
            return None
        if stored.kind != self.model.__tablename__ or stored.user_id != current_user.id:
            raise ValidationFailed({FIELD: str(FORGED)})
        return self.load(stored.object_id)

    def _create(self, nonce: str, save):
        session = db.session()
        made: list = []

        def note_new(session, _context, _instances):
            if not made:
                made.extend(o for o in session.new if isinstance(o, self.model))

        def claim(session):
            if made and not session.info.get(("keydesk.claimed", nonce)):
                session.flush()  # the object's id
                session.info[("keydesk.claimed", nonce)] = True
                session.add(
                    SubmissionKey(
                        key=nonce,
                        kind=self.model.__tablename__,
                        object_id=made[0].id,
                        user_id=current_user.id,
                    )
                )

        event.listen(session, "before_flush", note_new)
        event.listen(session, "before_commit", claim)
        try:
            return save(), False
        except IntegrityError:
            # The same key won a race a moment ago: this transaction is undone whole.
            db.session.rollback()
            found = self._find(nonce)
            if found is None:
                raise
            return found, True
        finally:
            event.remove(session, "before_flush", note_new)
            event.remove(session, "before_commit", claim)
            session.info.pop(("keydesk.claimed", nonce), None)
