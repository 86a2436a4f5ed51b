from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional


class ConfirmForm(FlaskForm):
    """The confirm page of an e-mail link: the decision is the link's; a reject or return needs
    a comment, which the approval engine checks."""

    comment = TextAreaField(_l("Comment"), [Optional(), Length(max=2000)])
