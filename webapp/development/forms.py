from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    MonthField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.accounts.forms import PHONE, strip
from webapp.accounts.models import AccountKind, BuyingRole, Channel, Stage
from webapp.common.decimals import DecimalRefused, parse_decimal, refusal_message
from webapp.development.assessment import CRITERIA
from webapp.development.qualification import INDICATORS

# SelectChoice, not tuples: WTForms 3.3 deprecates tuple choices given to the constructor.
YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No (veto)"))]
SCORES = [SelectChoice("", "—"), *[SelectChoice(str(n), str(n)) for n in range(1, 6)]]


class LeadForm(FlaskForm):
    name = StringField(_l("Company name"), [DataRequired(), Length(max=120)], filters=[strip])
    contact_name = StringField(_l("Contact"), [DataRequired(), Length(max=40)], filters=[strip])
    phone = StringField(_l("Phone"), [Optional(), PHONE], filters=[strip])
    source = StringField(_l("Source"), [Optional(), Length(max=60)], filters=[strip])
    need = TextAreaField(_l("Need"), [Optional(), Length(max=500)], filters=[strip])
    short_name = StringField(_l("Short name"), [Optional(), Length(max=40)], filters=[strip])
    tax_number = StringField(
        _l("Unified social credit code"), [Optional(), Length(max=30)], filters=[strip]
    )
    kind = SelectField(_l("Kind"), [DataRequired()])
    channel = SelectField(_l("Channel"), [DataRequired()])
    buying_role = SelectField(_l("Contact's role"), [DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = AccountKind.choices()
        self.channel.choices = Channel.choices()
        self.buying_role.choices = BuyingRole.choices()
        if not self.is_submitted():
            self.channel.data = self.channel.data or Channel.TERMINAL.value
            self.buying_role.data = self.buying_role.data or BuyingRole.INFLUENCER.value


def _qualification_fields():
    fields = {}
    for key, label in INDICATORS.items():
        fields[key] = RadioField(label, choices=YES_NO, validators=[DataRequired()])
        fields[f"{key}_evidence"] = StringField(
            _l("Evidence"), [DataRequired(), Length(max=300)], filters=[strip]
        )
        fields[f"{key}_on"] = DateField(_l("Learnt on"), [DataRequired()])
    return fields


QualificationForm = type("QualificationForm", (FlaskForm,), _qualification_fields())


def _assessment_fields():
    fields = {}
    for key, label in CRITERIA.items():
        fields[f"score_{key}"] = SelectField(label, choices=SCORES, validate_choice=True)
        fields[f"note_{key}"] = StringField(
            _l("Note"), [Optional(), Length(max=300)], filters=[strip]
        )
    return fields


AssessmentForm = type("AssessmentForm", (FlaskForm,), _assessment_fields())


class ForecastForm(FlaskForm):
    expected_value = StringField(_l("Expected annual value (yuan)"), filters=[strip])
    expected_close = MonthField(_l("Expected close month"), [Optional()])

    def validate_expected_value(self, field):
        if not field.data:
            field.data = None
            return
        try:
            field.data = parse_decimal(
                field.data, maximum=Decimal("9999999999999"), allow_zero=True
            )
        except DecimalRefused as refused:
            raise ValidationError(
                refusal_message(refused.problem, str(_l("Expected annual value")))
            ) from None


class MoveForm(FlaskForm):
    to = SelectField(_l("Move to"), [DataRequired()])
    expected = HiddenField()
    reason = StringField(
        _l("Reason (required to move back)"), [Optional(), Length(max=300)], filters=[strip]
    )
    confirm = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.to.choices = Stage.choices()


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), [DataRequired(), Length(max=200)], filters=[strip])


class AssignForm(FlaskForm):
    user_id = SelectField(_l("Assign to"), coerce=int, validate_choice=False)


class CheckForm(FlaskForm):
    checked = HiddenField()
