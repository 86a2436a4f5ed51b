from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from webapp.common.timeutil import local_today
from webapp.submissions import SubmissionKeyField


class ComplaintForm(FlaskForm):
    subject = StringField(_l("Subject"), [DataRequired(), Length(max=120)])
    received_on = DateField(_l("Received on"), [Optional()], default=local_today)
    description = TextAreaField(_l("What the client said"), [DataRequired(), Length(max=4000)])
    submission_key = SubmissionKeyField()
