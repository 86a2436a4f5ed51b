"""What a list page shows beside its results: the export links and the save-view form, for the
filter shown now."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import url_for

from webapp.lists.forms import SaveViewForm
from webapp.lists.registry import list_spec

NOT_SAVED = ("page", "export")


@dataclass(frozen=True)
class ListTools:
    xlsx_url: str
    csv_url: str
    save_form: SaveViewForm


def list_tools(key: str, args: Mapping[str, str]) -> ListTools:
    spec = list_spec(key)
    if spec is None:
        raise LookupError(f"no list {key!r} is registered")
    clean = {k: v for k, v in spec.normalize(args).items() if k not in NOT_SAVED}
    form = SaveViewForm(formdata=None, list_key=key, query=urlencode(clean))
    return ListTools(
        xlsx_url=url_for(spec.endpoint, **clean, export="xlsx"),
        csv_url=url_for(spec.endpoint, **clean, export="csv"),
        save_form=form,
    )
