from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ComplaintForm(FlaskForm):
    subject = StringField(_l("Subject"), [DataRequired(), Length(max=120)])
    received_on = DateField(_l("Received on"), [Optional()])
    description = TextAreaField(_l("What the client said"), [DataRequired(), Length(max=4000)])
