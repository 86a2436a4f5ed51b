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
