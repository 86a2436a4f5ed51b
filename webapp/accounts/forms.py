from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from webapp.accounts.models import (
    AccountKind,
    BuyingRole,
    Channel,
    DecisionStyle,
    Ladder,
    Loyalty,
    Ownership,
    Personality,
    Relation,
    Stance,
    VisitKind,
)
from webapp.accounts.uscc import normalise, uscc_error
from webapp.common.ids import MAX_ID, coerce_id
from webapp.common.timeutil import local_today
from webapp.submissions import SubmissionKeyField

PHONE = Regexp(r"^[0-9+\-() ]{5,30}$", message=_l("Use digits, spaces, +, - and brackets only."))

USCC_MESSAGES = {
    "length": _l("The unified social credit code has 18 characters."),
    "characters": _l("The code may contain digits and capital letters except I, O, S, V, Z."),
    "check": _l("The check character does not match; please check the code."),
}


def strip(value):
    return value.strip() if isinstance(value, str) else value


def _uscc(form, field):
    field.data = normalise(field.data or "")
    problem = uscc_error(field.data)
    if problem:
        raise ValidationError(USCC_MESSAGES[problem])


def _blank(choices):
    return [("", "—"), *choices]


class AccountForm(FlaskForm):
    name = StringField(_l("Full legal name"), [DataRequired(), Length(max=120)], filters=[strip])
    short_name = StringField(_l("Short name"), [Optional(), Length(max=40)], filters=[strip])
    tax_number = StringField(_l("Unified social credit code"), [Optional(), _uscc])
    legal_representative = StringField(
        _l("Legal representative"), [Optional(), Length(max=40)], filters=[strip]
    )
    address = StringField(_l("Registered address"), [Optional(), Length(max=200)], filters=[strip])
    bank_name = StringField(_l("Bank"), [Optional(), Length(max=80)], filters=[strip])
    bank_account = StringField(
        _l("Bank account"),
        [Optional(), Length(max=40), Regexp(r"^[0-9 \-]+$", message=_l("Digits only."))],
        filters=[strip],
    )
    phone = StringField(_l("Phone"), [Optional(), PHONE], filters=[strip])
    kind = SelectField(_l("Kind"), [DataRequired()])
    relation = SelectField(_l("Relation"), [DataRequired()])
    channel = SelectField(_l("Channel"), [DataRequired()])
    ownership = SelectField(_l("Ownership"), [DataRequired()])
    loyalty = SelectField(_l("Loyalty"), [DataRequired()])
    notes = TextAreaField(_l("Notes"), [Optional(), Length(max=4000)])
    owner_id = SelectField(_l("Account owner"), coerce=coerce_id, validate_choice=False)
    version = HiddenField()

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = AccountKind.choices()
        self.relation.choices = Relation.choices()
        self.channel.choices = Channel.choices()
        self.ownership.choices = Ownership.choices()
        self.loyalty.choices = Loyalty.choices()
        if owners is None:
            del self.owner_id
        else:
            self.owner_id.choices = [(u.id, u.full_name) for u in owners]


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), [DataRequired(), Length(max=40)], filters=[strip])
    title = StringField(_l("Position"), [Optional(), Length(max=60)], filters=[strip])
    phone = StringField(_l("Phone"), [Optional(), PHONE], filters=[strip])
    email = StringField(_l("E-mail"), [Optional(), Email(), Length(max=120)], filters=[strip])
    buying_role = SelectField(_l("Buying role"), [DataRequired()])
    personality = SelectField(_l("Personality"), [Optional()])
    decision_style = SelectField(_l("Decision style"), [Optional()])
    stance = SelectField(_l("Stance"), [DataRequired()])
    ladder = SelectField(_l("Relationship"), [Optional()])
    reports_to_id = SelectField(_l("Reports to"), [Optional()], validate_choice=True)
    birthday = DateField(_l("Birthday"), [Optional()])
    hometown = StringField(_l("Hometown"), [Optional(), Length(max=60)], filters=[strip])
    interests = StringField(_l("Interests"), [Optional(), Length(max=200)], filters=[strip])
    tenure = StringField(_l("Tenure"), [Optional(), Length(max=60)], filters=[strip])
    authority = StringField(_l("Authority"), [Optional(), Length(max=200)], filters=[strip])
    personal_notes = TextAreaField(_l("Personal notes"), [Optional(), Length(max=2000)])
    version = HiddenField()
    submission_key = SubmissionKeyField()

    def __init__(self, *args, colleagues=(), show_personal=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.buying_role.choices = BuyingRole.choices()
        self.personality.choices = _blank(Personality.choices())
        self.decision_style.choices = _blank(DecisionStyle.choices())
        self.stance.choices = Stance.choices()
        self.ladder.choices = _blank(Ladder.choices())
        self.reports_to_id.choices = [("", "—")] + [(str(c.id), c.name) for c in colleagues]
        if not show_personal:
            for name in ("birthday", "hometown", "interests", "tenure", "authority"):
                delattr(self, name)
            del self.personal_notes


class VisitForm(FlaskForm):
    kind = SelectField(_l("Kind"), [DataRequired()])
    visited_on = DateField(_l("Date"), [DataRequired()], default=local_today)
    contact_id = SelectField(_l("Contact"), [Optional()], validate_choice=True)
    summary = TextAreaField(_l("Summary"), [DataRequired(), Length(max=4000)])
    next_step = StringField(_l("Next step"), [Optional(), Length(max=200)], filters=[strip])
    next_date = DateField(_l("Next date"), [Optional()])
    submission_key = SubmissionKeyField()

    def __init__(self, *args, contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = VisitKind.choices()
        self.contact_id.choices = [("", "—")] + [(str(c.id), c.name) for c in contacts]

    def validate_next_date(self, field):
        if field.data and self.visited_on.data and field.data < self.visited_on.data:
            raise ValidationError(_l("The next date cannot be before the visit."))


class MemberForm(FlaskForm):
    user_id = IntegerField(_l("Colleague"), [DataRequired(), NumberRange(min=1, max=MAX_ID)])
