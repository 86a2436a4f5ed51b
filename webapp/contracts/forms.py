from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from webapp.accounts.forms import strip
from webapp.contracts.models import ClauseKey, DistributionLevel, FreightPayer, Transport
from webapp.submissions import SubmissionKeyField


def _text(label, max_length=200):
    return StringField(label, [Optional(), Length(max=max_length)], filters=[strip])


PARTY_LABELS = {
    "name": _l("Legal name"),
    "address": _l("Address"),
    "legal_rep": _l("Legal representative"),
    "signing_rep": _l("Signing representative"),
    "contact": _l("Contact person"),
    "phone": _l("Phone"),
    "bank": _l("Bank"),
    "account_no": _l("Bank account"),
    "tax_number": _l("Tax number"),
}
PARTY_LENGTHS = {"name": 120, "address": 200, "bank": 80, "account_no": 40, "tax_number": 18}
# The editor shows these fields above a clause group's wording: (field name, CSS class).
CLAUSE_FIELDS = {
    ClauseKey.DELIVERY: (
        ("delivery_time", ""),
        ("delivery_place", ""),
        ("transport", ""),
        ("freight_payer", ""),
    ),
    ClauseKey.DISTRIBUTION: (
        ("dist_level", ""),
        ("dist_exclusive", ""),
        ("dist_territory", ""),
        ("dist_products", ""),
        ("dist_term", ""),
    ),
    ClauseKey.SETTLEMENT: (("settlement_method", "wide"),),
    ClauseKey.POLICY: (
        ("policy_rebate", ""),
        ("policy_annual_bonus", ""),
        ("policy_promotion", ""),
        ("policy_advertising", ""),
        ("policy_staff", ""),
    ),
}


class ContractForm(FlaskForm):
    """The scalar fields of a draft. Line items are parsed by contracts.lines, because their
    number varies and each row's amount is recomputed on every request."""

    title = StringField(_l("Title"), [DataRequired(), Length(max=120)], filters=[strip])
    # InputRequired, not DataRequired: 0 % (tax-exempt goods) is a rate, though Decimal 0 is falsy
    tax_rate = DecimalField(
        _l("VAT rate (%)"), [InputRequired(), NumberRange(min=0, max=100)], places=2
    )
    delivery_time = _text(_l("Delivery time"))
    delivery_place = _text(_l("Delivery place"))
    transport = SelectField(_l("Transport"), [Optional()])
    freight_payer = SelectField(_l("Freight paid by"), [Optional()])
    dist_level = SelectField(_l("Distribution level"), [Optional()])
    dist_exclusive = BooleanField(_l("Exclusive in the territory"))
    dist_territory = _text(_l("Territory"))
    dist_products = _text(_l("Product range"))
    dist_term = _text(_l("Term"), 100)
    settlement_method = _text(_l("Settlement method"))
    policy_rebate = _text(_l("Rebates"))
    policy_annual_bonus = _text(_l("Annual bonus"))
    policy_promotion = _text(_l("Promotion"))
    policy_advertising = _text(_l("Advertising"))
    policy_staff = _text(_l("Staff support"))
    signing_place = _text(_l("Place of signing"), 100)
    signing_date = DateField(_l("Date of signing"), [Optional()])
    effective_on = DateField(_l("Effective from"), [Optional()])
    expires_on = DateField(_l("Expires on"), [Optional()])
    version = HiddenField()
    submission_key = SubmissionKeyField()  # used by the new-contract form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.transport.choices = blank + Transport.choices()
        self.freight_payer.choices = blank + FreightPayer.choices()
        self.dist_level.choices = blank + DistributionLevel.choices()


for _side in ("client", "our"):
    for _name, _label in PARTY_LABELS.items():
        setattr(ContractForm, f"{_side}_{_name}", _text(_label, PARTY_LENGTHS.get(_name, 60)))
for _key in ClauseKey:
    setattr(
        ContractForm,
        f"clause_{_key.value}",
        # "Settlement clause", not a second "Settlement method" beside the field above it
        TextAreaField(
            _l("%(clause)s clause", clause=_key.lazy_label), [Optional(), Length(max=5000)]
        ),
    )


class ArchiveForm(FlaskForm):
    scan = FileField(_l("Scan of the signed contract (PDF, JPEG or PNG, at most 10 MB)"))


class TerminateForm(FlaskForm):
    reason = StringField(_l("Reason"), [DataRequired(), Length(max=200)], filters=[strip])


class StandardClauseForm(FlaskForm):
    text = TextAreaField(_l("Standard wording"), [DataRequired(), Length(max=5000)])


class CompanyForm(FlaskForm):
    name = StringField(_l("Legal name"), [DataRequired(), Length(max=120)], filters=[strip])
    address = _text(_l("Address"))
    legal_rep = _text(_l("Legal representative"), 60)
    phone = _text(_l("Phone"), 60)
    bank = _text(_l("Bank"), 80)
    account_no = _text(_l("Bank account"), 40)
    tax_number = _text(_l("Tax number"), 18)
    version = HiddenField()
