"""The faster html_params writes exactly what WTForms' own writes, for every kind of value."""

import pytest
from markupsafe import Markup
from wtforms import Form, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.widgets import core

from webapp.common import html_params as fast

CASES = [
    {},
    {"name": "title", "id": "title", "type": "text", "value": "合同 No. 1"},
    {"value": "He said \"hi\" <b> & 'bye'"},
    {"value": Markup('<i title="x">already safe</i>')},
    {"value": Markup("&#34;kept&#34;")},
    {"required": True, "readonly": False, "disabled": None},
    {"class_": "input wide", "for_": "x", "data_hx_post": "/a?b=1&c=2", "aria_described_by": "e"},
    {"maxlength": 120, "min": 0, "step": 0.01, "value": 12.5},
    {"z": 1, "a": 2, "m": True},
    {'odd"key': "v", "k<": True},
]


@pytest.mark.parametrize("kwargs", CASES)
def test_same_output_as_wtforms(kwargs):
    ours, theirs = fast.html_params(**kwargs), fast.ORIGINAL(**kwargs)
    assert isinstance(ours, Markup)
    assert str(ours) == str(theirs)


class _Form(Form):
    name = StringField(render_kw={"placeholder": 'a "quoted" <hint>'})
    amount = IntegerField()
    kind = SelectField(choices=[SelectChoice("a", "A & B"), SelectChoice("b", '"B"')])
    note = TextAreaField()


def test_installed_widgets_render_as_before():
    form = _Form(data={"name": "x < y", "amount": 3, "kind": "b", "note": "</textarea>"})
    html_wtforms = [str(field()) for field in form]
    fast.install()
    try:
        assert core.html_params is fast.html_params
        assert [str(field()) for field in form] == html_wtforms
    finally:
        core.html_params = fast.ORIGINAL
