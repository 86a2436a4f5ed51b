from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from webapp.accounts.forms import strip
from webapp.accounts.models import CreditGrade
from webapp.approvals.models import SupportKind
from webapp.submissions import SubmissionKeyField


class SupportForm(FlaskForm):
    support_kind = SelectField(_l("Kind of support"), [DataRequired()])
    title = StringField(_l("Title"), [Optional(), Length(max=120)], filters=[strip])
    content = TextAreaField(_l("Content"), [DataRequired(), Length(max=4000)])
    amount = StringField(_l("Budget (yuan)"), [Optional(), Length(max=20)], filters=[strip])
    starts_on = DateField(_l("From"), [Optional()])
    ends_on = DateField(_l("To"), [Optional()])
    submission_key = SubmissionKeyField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.support_kind.choices = SupportKind.choices()


class CreditForm(FlaskForm):
    proposed_grade = SelectField(_l("Proposed grade"), [DataRequired()])
    proposed_limit = StringField(
        _l("Proposed limit (yuan)"), [DataRequired(), Length(max=20)], filters=[strip]
    )
    basis = StringField(
        _l("Basis (volume, payment record)"), [DataRequired(), Length(max=400)], filters=[strip]
    )
    content = TextAreaField(_l("Reason"), [DataRequired(), Length(max=4000)])
    submission_key = SubmissionKeyField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposed_grade.choices = CreditGrade.choices()


class DecisionForm(FlaskForm):
    """The comment of a decision; the decision itself is the button pressed (name=decision)."""

    comment = TextAreaField(_l("Comment"), [Optional(), Length(max=2000)])


class CommentForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), [DataRequired(), Length(max=2000)])


class DelegationForm(FlaskForm):
    deputy_id = SelectField(_l("Deputy"), [DataRequired()], coerce=int)
    starts_on = DateField(_l("From"), [DataRequired()])
    ends_on = DateField(_l("To"), [DataRequired()])


class ReassignForm(FlaskForm):
    user_id = SelectField(_l("Hand the step to"), [DataRequired()], coerce=int)


class DeliverForm(FlaskForm):
    note = StringField(_l("What was delivered"), [Optional(), Length(max=500)], filters=[strip])


class ApprovalSettingsForm(FlaskForm):
    """The administrator's approval settings; the service checks the values (amounts, days)."""

    support_executive_threshold = StringField(
        _l("Support budget above which the executive also approves (yuan)"),
        [DataRequired(), Length(max=20)],
        filters=[strip],
    )
    contract_executive_threshold = StringField(
        _l("Contract total above which the executive also approves (yuan, empty: none)"),
        [Optional(), Length(max=20)],
        filters=[strip],
    )
    attack_executive_threshold = StringField(
        _l("Attack plan expenses above which the executive also approves (yuan, empty: never)"),
        [Optional(), Length(max=20)],
        filters=[strip],
    )
    support_step_days = StringField(_l("Days per step: service & support"), [DataRequired()])
    credit_step_days = StringField(_l("Days per step: credit adjustment"), [DataRequired()])
    contract_step_days = StringField(_l("Days per step: contract approval"), [DataRequired()])
    credit_reminder_days = StringField(
        _l("Remind approvers this many days before the 10-day credit deadline (e.g. 3,1)"),
        [Optional(), Length(max=40)],
        filters=[strip],
    )
