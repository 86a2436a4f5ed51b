from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from webapp.auth.models import Role

USERNAME = Regexp(
    r"^[A-Za-z0-9_.\-]+$", message=_l("Letters, digits, dot, dash and underscore only.")
)
# a telephone number as people write it: 0571-8888 6666, +86 138 0000 0000, (021) 6000-1234
PHONE = Regexp(
    r"^\+?[0-9][0-9 ()\-]{4,30}$",
    message=_l("Digits, spaces, dashes and brackets only (e.g. 0571-8888 6666)."),
)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), [DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), [DataRequired(), Length(max=200)])
    next = HiddenField()


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), [DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), [DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField(
        _l("New password again"),
        [DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))],
    )


def _role_choices():
    return [(r.value, r.label) for r in Role]


class UserForm(FlaskForm):
    username = StringField(_l("Username"), [DataRequired(), Length(min=2, max=64), USERNAME])
    full_name = StringField(_l("Full name"), [DataRequired(), Length(max=64)])
    email = StringField(_l("E-mail"), [Optional(), Email(), Length(max=120)])
    phone = StringField(
        _l("Phone"),
        [Optional(), Length(max=32), PHONE],
        filters=[lambda value: " ".join(value.split()) if value else value],
        description=_l("Shown to clients whose proposal link has expired."),
    )
    role = SelectField(_l("Role"), [DataRequired()])
    department_id = SelectField(_l("Department"), [Optional()])
    password = PasswordField(_l("Password"), [Optional(), Length(min=8, max=200)])
    active = BooleanField(_l("Active"), default=True)
    version = HiddenField()

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()
        self.department_id.choices = [("", "—")] + [(str(d.id), d.name) for d in departments]


class DepartmentForm(FlaskForm):
    name = StringField(_l("Department name"), [DataRequired(), Length(max=80)])
