"""The administrator's development settings: value weights, tier tables 4-1/4-2, pool and
daily-lead settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.auth.models import Role
from webapp.auth.permissions import roles_required
from webapp.common.errors import ValidationFailed
from webapp.common.rendering import render_page
from webapp.development import assessment, settings, tiers
from webapp.development.models import TierTable

bp = Blueprint("development_admin", __name__, url_prefix="/admin/development")
admins = roles_required(Role.ADMIN)
WEEKDAYS = [_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun")]


def _page(status: int = 200, errors=None, form=None, section: str = ""):
    return render_page(
        "development/admin.html",
        status=status,
        errors=errors or {},
        form=form,
        section=section,
        weights=assessment.weights(),
        criteria={k: str(v) for k, v in assessment.CRITERIA.items()},
        tables={t: tiers.tier_table(t) for t in TierTable},
        values=settings.all_settings(),
        weekdays=WEEKDAYS,
    )


@bp.get("")
@admins
def index():
    return _page()


def _save(section: str, save, message: str):
    try:
        save()
    except ValidationFailed as error:
        return _page(422, error.errors, request.form, section)
    flash(message, "success")
    return redirect(url_for("development_admin.index") + f"#{section}", code=303)


@bp.post("/weights")
@admins
def weights():
    return _save(
        "weights",
        lambda: assessment.save_weights(current_user, request.form.to_dict()),
        _("Weights saved."),
    )


@bp.post("/tiers/<table>")
@admins
def tier_table(table: str):
    kind = TierTable(table) if table in TierTable._value2member_map_ else TierTable.RETAIL
    return _save(
        f"tiers-{kind.value}",
        lambda: tiers.save_table(
            current_user, kind, tiers.parse_table(kind, request.form.to_dict())
        ),
        _("Tier table saved; every account's tier was recomputed."),
    )


@bp.post("/settings")
@admins
def rules():
    data = request.form.to_dict()
    data["working_weekdays"] = request.form.getlist("working_weekdays")
    return _save(
        "settings", lambda: settings.save_settings(current_user, data), _("Settings saved.")
    )
