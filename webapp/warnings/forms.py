from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from webapp.warnings.models import EventKind


class EventForm(FlaskForm):
    kind = SelectField(
        _l("What happened"),
        choices=[SelectChoice(k.value, k.lazy_label) for k in EventKind],
        default="other",
    )
    occurred_on = DateField(_l("When"), [Optional()])
    description = TextAreaField(_l("Details"), [DataRequired(), Length(max=2000)])
