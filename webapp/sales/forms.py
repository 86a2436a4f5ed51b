from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField

from webapp.sales.models import ImportKind


class ImportForm(FlaskForm):
    file = FileField(_l("File (.xlsx or .csv)"))
    kind = SelectField(
        _l("Kind of file"),
        choices=[SelectChoice("", _l("Detect from the header row"))]
        + [SelectChoice(k.value, k.lazy_label) for k in ImportKind],
        default="",
    )
