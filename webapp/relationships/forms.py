"""The forms of the map, competitors and whitespace tabs. Choices are filled by the view from
the account; the services check every value again (same client, team member, decimals)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


def strip(value):
    return value.strip() if isinstance(value, str) else value


class InfluenceForm(FlaskForm):
    """The two people are chosen from the map's people (the template writes the options: 200
    people in two selects render faster by hand than through the widget)."""

    from_contact_id = SelectField(_l("Who speaks"), [DataRequired()], validate_choice=False)
    to_contact_id = SelectField(_l("Who listens"), [DataRequired()], validate_choice=False)
    note = StringField(_l("How (note)"), [Optional(), Length(max=200)], filters=[strip])


class RemoveLineForm(FlaskForm):
    line_id = StringField(validators=[DataRequired()])


class OwnerForm(FlaskForm):
    contact_id = StringField(validators=[DataRequired()])
    user_id = SelectField(_l("Our owner"), validate_choice=False)


class CompetitorForm(FlaskForm):
    name = StringField(_l("Competitor"), [DataRequired(), Length(max=80)], filters=[strip])
    products = StringField(_l("Products"), [Optional(), Length(max=200)], filters=[strip])
    price = StringField(_l("Price (yuan)"), [Optional(), Length(max=20)], filters=[strip])
    share = StringField(_l("Share of purchases (%)"), [Optional(), Length(max=3)], filters=[strip])
    strengths = TextAreaField(_l("Strengths"), [Optional(), Length(max=500)])
    weaknesses = TextAreaField(_l("Weaknesses"), [Optional(), Length(max=500)])


class RemoveCompetitorForm(FlaskForm):
    row_id = StringField(validators=[DataRequired()])


class WhitespaceForm(FlaskForm):
    product = StringField(_l("Product line"), [DataRequired(), Length(max=80)], filters=[strip])
    unit = StringField(_l("Unit, site or need"), [DataRequired(), Length(max=80)], filters=[strip])
    potential = StringField(
        _l("Potential per year (yuan)"), [DataRequired(), Length(max=20)], filters=[strip]
    )
