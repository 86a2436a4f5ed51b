"""Enum labels are translated once per language and member, and still follow the language of
the moment: the request's, a mail's (force_locale), none outside an application."""

from __future__ import annotations

from flask_babel import force_locale, refresh

from webapp.accounts.models import Stage
from webapp.approvals.models import RequestStatus


def test_labels_follow_the_language_of_the_moment(app):
    with app.test_request_context(headers={"Cookie": "lang=zh_CN"}):
        refresh()
        chinese = Stage.TARGET.label
        assert chinese != "target" and not chinese.isascii()
        assert Stage.TARGET.label is chinese  # the cached translation
        with force_locale("en"):
            english = Stage.TARGET.label
            assert english.isascii() and english != chinese
            assert RequestStatus.PENDING.label.isascii()
        assert Stage.TARGET.label == chinese
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        refresh()
        assert Stage.TARGET.label == english
