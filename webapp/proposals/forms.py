"""Forms of the proposal area. Field checks here are the browser-facing half; the rules that
matter (required parts, lengths, dates, amounts) are enforced again in service.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from webapp.accounts.forms import strip
from webapp.proposals.service import LINK_DAYS_DEFAULT, LINK_DAYS_MAX, TEXT_LIMITS
from webapp.submissions import SubmissionKeyField

TEAM_LABELS = {
    "team_manager": _l("Key-account manager"),
    "team_sales": _l("Sales support"),
    "team_market": _l("Market support"),
    "team_after_sales": _l("After-sales support"),
    "team_finance": _l("Finance support"),
    "team_training": _l("Training support"),
}


def _text(label, name, required=False):
    checks = [DataRequired()] if required else [Optional()]
    return StringField(label, [*checks, Length(max=TEXT_LIMITS[name])], filters=[strip])


def _area(label, name, required=False):
    checks = [DataRequired()] if required else [Optional()]
    return TextAreaField(label, [*checks, Length(max=TEXT_LIMITS[name])], filters=[strip])


class ProposalForm(FlaskForm):
    """The text parts of a proposal. The quotation rows are parsed like a contract's line items
    (contracts.lines), because their number varies and amounts are recomputed on each request."""

    title = _text(_l("Title"), "title", required=True)
    valid_until = DateField(_l("Offer valid until"), [DataRequired()])
    client_needs = _area(_l("Our understanding of the client's needs"), "client_needs", True)
    solution = _area(_l("Our solution and products"), "solution", True)
    implementation_plan = _area(_l("Implementation plan"), "implementation_plan")
    timeline = _area(_l("Timeline (one step per line)"), "timeline")
    reference_clients = _area(_l("Reference clients (one per line)"), "reference_clients")
    version = HiddenField()
    submission_key = SubmissionKeyField()  # used by the new-proposal form


for _name, _label in TEAM_LABELS.items():
    setattr(ProposalForm, _name, _text(_label, _name))


class LinkForm(FlaskForm):
    days = IntegerField(
        _l("Link valid for (days)"),
        [InputRequired(), NumberRange(min=1, max=LINK_DAYS_MAX)],
        default=LINK_DAYS_DEFAULT,
    )
    email = StringField(
        _l("Client's e-mail (optional)"), [Optional(), Email(), Length(max=254)], filters=[strip]
    )


class RevokeForm(FlaskForm):
    pass


class BrandingForm(FlaskForm):
    name = StringField(_l("Company name"), [DataRequired(), Length(max=120)], filters=[strip])
    color = StringField(_l("Brand colour (#RRGGBB)"), [DataRequired(), Length(max=7)])
    logo = FileField(_l("Logo (PNG or JPEG, at most 512 KB)"))
    remove_logo = BooleanField(_l("Remove the logo"))
    version = HiddenField()
