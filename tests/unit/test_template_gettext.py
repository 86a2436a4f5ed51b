"""Templates translate with the request's catalogue, looked up once per request and language
(filters.catalogue): a mail rendered in its recipient's language inside a Chinese request, and a
language switched mid-request, still come out right."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, refresh

TEMPLATE = "{{ _('Sign out') }} · {{ ngettext('%(num)s day', '%(num)s days', 2) }}"


def test_the_catalogue_follows_force_locale_and_refresh(app):
    with app.test_request_context(headers={"Cookie": "lang=zh_CN"}):
        refresh()
        chinese = render_template_string(TEMPLATE)
        assert chinese.startswith("退出") and "2" in chinese
        with force_locale("en"):
            assert render_template_string(TEMPLATE) == "Sign out · 2 days"
        assert render_template_string(TEMPLATE) == chinese
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        refresh()
        assert render_template_string(TEMPLATE) == "Sign out · 2 days"


def test_each_language_is_parsed_once_and_switching_mid_request_still_switches(app):
    from flask_babel import get_locale

    with app.test_request_context(headers={"Cookie": "lang=en"}):
        refresh()  # the test's app context outlives each request's
        english = get_locale()
        assert str(english) == "en"
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        refresh()
        assert get_locale() is english  # not parsed again
        assert render_template_string(TEMPLATE) == "Sign out · 2 days"
    with app.test_request_context():
        refresh()
        assert get_locale().language == "zh"
        assert render_template_string(TEMPLATE).startswith("退出")
        with app.test_request_context(headers={"Cookie": "lang=en"}):
            refresh()
            assert render_template_string(TEMPLATE) == "Sign out · 2 days"
