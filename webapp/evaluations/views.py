"""The account's Evaluation tab (figures, score, grade, recommendations, the chart, a period
to choose and the report's PDF/Word), and the administrator's weights page."""

from __future__ import annotations

import base64
import io

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts.tabs import render_tab
from webapp.auth.models import Role
from webapp.auth.permissions import ACCOUNT_READERS, roles_required
from webapp.common.errors import DomainError, Forbidden, NotFound, ValidationFailed
from webapp.common.rendering import render_page
from webapp.documents import service as document_service
from webapp.documents.models import EXTENSIONS, MIME_TYPES
from webapp.evaluations import documents, scoring, service

bp = Blueprint("evaluations", __name__)
readers = roles_required(*ACCOUNT_READERS)
admins = roles_required(Role.ADMIN)


def _chart_data_uri(item: service.Evaluation) -> str:
    png = documents.chart_png(
        item,
        {
            "title": _("Monthly sales against plan"),
            "plan_label": _("Plan"),
            "actual_label": _("Actual (plan met)"),
            "behind_label": _("Actual (behind plan)"),
            "unit_label": _("10k yuan"),
        },
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@bp.get("/accounts/<int:account_id>/evaluation")
@readers
def account_evaluation(account_id: int):
    """The tab; `start` and `end` (YYYY-MM) choose the period, the last 12 full months by
    default. A wrong period answers 422 with the figures of the default period and the error
    next to the field."""
    period, errors = _asked_period()
    account, item = service.evaluation(current_user, account_id, period.start, period.end)
    return render_tab(
        "evaluation",
        "evaluations/_evaluation.html",
        status=422 if errors else 200,
        account=account,
        item=item,
        period=period,
        default_period=service.default_period(),
        form=request.args if errors else None,
        errors=errors,
        chart=_chart_data_uri(item),
        signed=service.is_signed(account),
        criteria=service.criterion_rows(item),
        advice=service.advice(item),
    )


def _asked_period() -> tuple[service.Period, dict[str, str]]:
    """The period `start` and `end` ask for; if they are wrong, the default one and why."""
    try:
        return service.chosen_period(request.args.get("start"), request.args.get("end")), {}
    except ValidationFailed as error:
        return service.default_period(), error.errors


@bp.get("/accounts/<int:account_id>/evaluation/report.<fmt>")
@readers
def period_report(account_id: int, fmt: str):
    """The report for a chosen period (`start`, `end` as on the tab), rendered on request and
    not stored: the stored, versioned report is the one of the default period (documents
    panel, `flask render evaluation`). 403/404 as the account page."""
    if fmt not in ("pdf", "docx"):
        abort(404)
    try:
        period = service.chosen_period(request.args.get("start"), request.args.get("end"))
        account, _item = service.evaluation(current_user, account_id, period.start, period.end)
        report = documents.Report(account, period)
        data = document_service.render_bytes("evaluation", documents.report_context(report), fmt)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:  # a wrong period; fonts missing on the server
        return _cannot_produce(error)
    return send_file(
        io.BytesIO(data),
        mimetype=MIME_TYPES[fmt],
        as_attachment=True,
        download_name=f"{documents.filename(report)}.{EXTENSIONS[fmt]}",
        max_age=0,
    )


def _cannot_produce(error: DomainError):
    return render_page(
        "errors/error.html",
        status=422,
        code=422,
        title=_("The document cannot be produced"),
        message=error.message,
    )


@bp.route("/admin/evaluation-weights", methods=["GET", "POST"])
@admins
def weights():
    errors, status = {}, 200
    if request.method == "POST":
        try:
            service.save_settings(current_user, request.form.to_dict())
        except ValidationFailed as error:
            errors, status = error.errors, 422
        else:
            flash(_("Evaluation weights saved."), "success")
            return redirect(url_for("evaluations.weights"), code=303)
    return render_page(
        "evaluations/weights.html",
        settings=service.current_settings(),
        defaults=scoring.Settings(),
        criteria=scoring.CRITERIA,
        grades=scoring.GRADES,
        labels=service.CRITERION_LABELS,
        form=request.form if errors else None,
        errors=errors,
        status=status,
    )
