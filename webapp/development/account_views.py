"""The account's Development tab: stage and checklist, moves, MAN qualification, value
assessment, forecast, tier figures, pool history."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts import service as accounts
from webapp.accounts.models import Stage
from webapp.accounts.tabs import render_tab
from webapp.auth.permissions import ACCOUNT_EDITORS, ACCOUNT_READERS, roles_required
from webapp.common.errors import DomainError, ValidationFailed
from webapp.common.forms import apply_errors
from webapp.common.rendering import wants_fragment
from webapp.development import assessment, credit, qualification, service, stages
from webapp.development.forms import (
    AssessmentForm,
    CheckForm,
    ForecastForm,
    MoveForm,
    QualificationForm,
    ReasonForm,
)

bp = Blueprint("development_account", __name__, url_prefix="/accounts/<int:account_id>/development")
readers = roles_required(*ACCOUNT_READERS)
editors = roles_required(*ACCOUNT_EDITORS)


def _forms(panel, **given):
    account, profile = panel.account, panel.profile
    forms = dict(
        qualification_form=QualificationForm(formdata=None),
        assessment_form=AssessmentForm(formdata=None),
        forecast_form=ForecastForm(
            formdata=None,
            data={
                "expected_value": f"{profile.expected_value:.2f}"
                if profile.expected_value is not None
                else "",
                "expected_close": profile.expected_close,
            },
        ),
        move_form=MoveForm(formdata=None, data={"expected": account.stage.value}),
        reason_form=ReasonForm(formdata=None),
    )
    last = panel.qualifications[0] if panel.qualifications else None
    if last is not None:  # start from the last answers: fixing one piece of evidence is common
        for key in ("money", "authority", "need"):
            form = forms["qualification_form"]
            form[key].data = "yes" if getattr(last, key) else "no"
            form[f"{key}_evidence"].data = getattr(last, f"{key}_evidence")
            form[f"{key}_on"].data = getattr(last, f"{key}_on")
    latest = panel.assessments[0] if panel.assessments else None
    if latest is not None:
        for key, score in latest.scores.items():
            getattr(forms["assessment_form"], f"score_{key}").data = str(score)
        for key, note in latest.notes.items():
            getattr(forms["assessment_form"], f"note_{key}").data = note
    forms.update(given)
    return forms


def _tab(account_id: int, status: int = 200, pending=None, **given):
    account = accounts.get_account(current_user, account_id)
    panel = service.panel(current_user, account)
    return render_tab(
        "development",
        "development/_account.html",
        status=status,
        account=account,
        panel=panel,
        pending=pending,
        stages=Stage,
        **_forms(panel, **given),
    )


@bp.get("")
@readers
def development(account_id: int):
    return _tab(account_id)


def _act(account_id: int, form, name: str, save, message: str):
    """Validate `form`, run `save`, answer the tab (htmx) or redirect to it; a refusal shows on
    the tab with the form as it was typed."""
    accounts.get_account(current_user, account_id, for_edit=True)
    if form.validate():
        try:
            save()
        except ValidationFailed as error:
            apply_errors(form, error)
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash(message, "success")
            if wants_fragment():
                return _tab(account_id)
            return redirect(
                url_for("development_account.development", account_id=account_id), code=303
            )
    return _tab(account_id, 422, **{name: form})


@bp.post("/qualify")
@editors
def qualify(account_id: int):
    form = QualificationForm()
    return _act(
        account_id,
        form,
        "qualification_form",
        lambda: qualification.qualify(current_user, account_id, form.data),
        _("Qualification recorded."),
    )


@bp.post("/assess")
@editors
def assess(account_id: int):
    form = AssessmentForm()
    return _act(
        account_id,
        form,
        "assessment_form",
        lambda: assessment.assess(current_user, account_id, form.data),
        _("Assessment recorded."),
    )


@bp.post("/forecast")
@editors
def forecast(account_id: int):
    form = ForecastForm()
    return _act(
        account_id,
        form,
        "forecast_form",
        lambda: stages.set_forecast(current_user, account_id, form.data),
        _("Forecast saved."),
    )


@bp.post("/checklist/<item>")
@editors
def check(account_id: int, item: str):
    form = CheckForm()
    return _act(
        account_id,
        form,
        "check_form",
        lambda: stages.set_item(current_user, account_id, item, form.checked.data == "1"),
        _("Checklist updated."),
    )


@bp.post("/move")
@editors
def move(account_id: int):
    form = MoveForm()
    if not form.validate():
        return _tab(account_id, 422, move_form=form)
    try:
        stages.move(
            current_user,
            account_id,
            Stage(form.to.data),
            expected=Stage(form.expected.data)
            if form.expected.data in Stage._value2member_map_
            else None,
            reason=form.reason.data or "",
            confirm=form.confirm.data == "1",
        )
    except stages.NeedsConfirmation as warning:
        form.confirm.data = "1"
        return _tab(
            account_id,
            409,
            pending=dict(message=warning.message, unchecked=warning.unchecked, form=form),
            move_form=form,
        )
    except ValidationFailed as error:
        apply_errors(form, error)
        return _tab(account_id, 422, move_form=form)
    except DomainError as error:
        form.form_errors.append(error.message)
        return _tab(account_id, 422, move_form=form)
    flash(_("Moved to %(stage)s.", stage=Stage(form.to.data).label), "success")
    if wants_fragment():
        return _tab(account_id)
    return redirect(url_for("development_account.development", account_id=account_id), code=303)


@bp.post("/give-up")
@editors
def give_up(account_id: int):
    form = ReasonForm()
    return _act(
        account_id,
        form,
        "reason_form",
        lambda: stages.give_up(current_user, account_id, form.reason.data),
        _("Marked as given up."),
    )


@bp.post("/reopen")
@editors
def reopen(account_id: int):
    form = ReasonForm()
    return _act(
        account_id,
        form,
        "reason_form",
        lambda: stages.reopen(current_user, account_id, form.reason.data),
        _("Taken up again."),
    )


@bp.post("/credit")
@editors
def grade_credit(account_id: int):
    """资信评估 now, from the sales records; the result suggests the next credit adjustment."""
    form = CheckForm()
    return _act(
        account_id,
        form,
        "check_form",
        lambda: credit.grade_account(current_user, account_id),
        _("Credit graded."),
    )
