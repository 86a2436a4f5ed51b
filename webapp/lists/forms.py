from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length


def strip(value):
    return value.strip() if isinstance(value, str) else value


class SaveViewForm(FlaskForm):
    list_key = HiddenField(validators=[DataRequired(), Length(max=40)])
    query = HiddenField(validators=[Length(max=2000)])
    name = StringField(_l("View name"), [DataRequired(), Length(max=60)], filters=[strip])


class RenameViewForm(FlaskForm):
    name = StringField(_l("New name"), [DataRequired(), Length(max=60)], filters=[strip])


class DeleteViewForm(FlaskForm):
    pass
