from __future__ import annotations

import io
from decimal import Decimal

from flask import Blueprint, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts import service as accounts
from webapp.accounts.tabs import render_tab
from webapp.auth.models import Role
from webapp.auth.permissions import ACCOUNT_EDITORS, ACCOUNT_READERS, roles_required
from webapp.common.errors import DomainError, Forbidden, NotFound, ValidationFailed
from webapp.common.forms import handle_form, select_stored
from webapp.common.money import amount_in_words
from webapp.common.rendering import render_fragment, render_page
from webapp.contracts import completeness, lists, service
from webapp.contracts import lines as line_rules
from webapp.contracts.forms import (
    CLAUSE_FIELDS,
    PARTY_LABELS,
    ArchiveForm,
    ContractForm,
    TerminateForm,
)
from webapp.contracts.models import EVENT_LABELS, ClauseKey, Contract, ContractStatus, Lifecycle
from webapp.lists.tools import list_tools
from webapp.lists.views import export_answer
from webapp.submissions import Once

bp = Blueprint("contracts", __name__)
readers = roles_required(*ACCOUNT_READERS)
editors = roles_required(*ACCOUNT_EDITORS)


# --- lists ------------------------------------------------------------------------------------


@bp.get("/contracts/")
@readers
def index():
    if (exported := export_answer("contracts")) is not None:
        return exported
    query = lists.ContractQuery.from_args(request.args)
    page = lists.list_contracts(current_user, query, per_page=current_app.config["PAGE_SIZE"])
    return render_page(
        "contracts/list.html",
        block="results",
        page=page,
        query=query,
        stages=Lifecycle,
        owners=accounts.owner_choices(current_user),
        stage_of=service.stages_of(page.items),
        expiring=lists.expiring_for(current_user),
        window=service.expiry_window(),
        tools=list_tools("contracts", query.args),
    )


@bp.get("/accounts/<int:account_id>/contracts")
@readers
def account_contracts(account_id: int):
    account = accounts.get_account(current_user, account_id)
    query = lists.ContractQuery.from_args(request.args)
    page = lists.list_contracts(current_user, query, account_id=account.id, per_page=50)
    return render_tab(
        "contracts",
        "contracts/_account_contracts.html",
        account=account,
        page=page,
        stage_of=service.stages_of(page.items),
        can_edit=accounts.can_edit(current_user, account),
        available=service.available_credit(account),
    )


# --- drafting ---------------------------------------------------------------------------------

LINE_EDITOR = line_rules.LineEditor(
    endpoint="contracts.lines", name="contract", amount_id="line-amount", add_id="add-line"
)


def _form_for(contract) -> ContractForm:
    form = ContractForm(obj=contract)
    if request.method == "POST" and "version" not in request.form:
        form.version.data = ""  # never let the stored version stand in for the form's
    if request.method == "GET" and contract is not None:
        select_stored(form, contract, ("transport", "freight_payer", "dist_level"))
        for clause in contract.clauses:
            getattr(form, f"clause_{clause.key.value}").data = clause.text
        form.version.data = str(contract.version)
    return form


def _form_for_new(values: dict) -> ContractForm:
    form = ContractForm()
    if request.method == "GET":
        for name, value in values.items():
            field = getattr(form, name, None)
            if field is not None:
                field.data = getattr(value, "value", value)
        for key, (_version, text) in service.current_standards().items():
            getattr(form, f"clause_{key.value}").data = text
    return form


def _draft_input(form: ContractForm, rows) -> service.DraftInput:
    values = {name: getattr(form, name).data for name in service.TEXT_FIELDS}
    values = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}
    for name, enum in service.ENUM_FIELDS.items():
        raw = getattr(form, name).data
        values[name] = enum(raw) if raw else None
    for name in service.DATE_FIELDS:
        values[name] = getattr(form, name).data
    values["tax_rate"] = form.tax_rate.data
    values["dist_exclusive"] = bool(form.dist_exclusive.data)
    clauses = {key: (getattr(form, f"clause_{key.value}").data or "").strip() for key in ClauseKey}
    return service.DraftInput(values=values, rows=rows, clauses=clauses)


def _render_editor(account, contract, form, rows, status=200, conflict=None, problems=None):
    rate = form.tax_rate.data
    rate = rate if isinstance(rate, Decimal) else line_rules.DEFAULT_VAT_RATE
    groups = completeness.for_form(form, rows)
    return render_page(
        "contracts/edit.html",
        account=account,
        contract=contract,
        form=form,
        checklist=groups,
        missing_count=completeness.missing_count(groups),
        needed=completeness.needed_fields(),
        contact_names=[c.name for c in accounts.contacts(current_user, account)],
        **line_rules.editor_context(LINE_EDITOR, rows, tax_rate=rate),
        party_labels=PARTY_LABELS,
        clause_keys=list(ClauseKey),
        clause_fields=CLAUSE_FIELDS,
        conflict=conflict,
        problems=problems or {},
        status=status,
        standards=_standards_for(contract),
    )


def _standards_for(contract) -> dict:
    """The wording each clause is compared with: the version a contract began from (as the
    service judges deviation), the current one for a new contract."""
    standards = {k: t for k, (_v, t) in service.current_standards().items()}
    if contract is not None:
        standards.update(
            {c.key: service.standard_text(c.key, c.standard_version) for c in contract.clauses}
        )
    return standards


@bp.route("/accounts/<int:account_id>/contracts/new", methods=["GET", "POST"])
@editors
def new(account_id: int):
    account = accounts.get_account(current_user, account_id, for_edit=True)
    form = _form_for_new(service.draft_defaults(current_user, account))
    if request.method == "GET":
        return _render_editor(account, None, form, [line_rules.LineInput() for _ in range(3)])
    rows, action = line_rules.posted_lines(request.form)
    if action not in ("save", "submit"):  # a row added or removed: nothing checked yet
        return _render_editor(account, None, form, rows)
    return handle_form(
        form,
        save=lambda: _create(account, form, rows, submit=action == "submit"),
        saved=_saved,
        show=lambda status, conflict: _render_editor(account, None, form, rows, status=status),
        once=Once(form, Contract, lambda id: service.get_contract(current_user, id)),
    )


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@editors
def edit(contract_id: int):
    contract = service.get_contract(current_user, contract_id)
    if not service.can_edit_contract(current_user, contract):
        return _not_editable(contract)
    form = _form_for(contract)
    if request.method == "GET":
        rows = [line_rules.LineInput.from_line(line) for line in contract.lines]
        problems = service.submission_problems(contract) if request.args.get("check") else None
        return _render_editor(contract.account, contract, form, rows, problems=problems)
    rows, action = line_rules.posted_lines(request.form)
    if action not in ("save", "submit"):  # a row added or removed: nothing checked yet
        return _render_editor(contract.account, contract, form, rows)
    problems: dict[str, str] = {}
    return handle_form(
        form,
        save=lambda: _save_draft(contract, form, rows, action == "submit", problems),
        saved=lambda saved: _saved(saved, submitted=action == "submit"),
        show=lambda **answer: _render_editor(
            contract.account, contract, form, rows, problems=problems, **answer
        ),
    )


def _create(account, form: ContractForm, rows, submit: bool):
    """A new draft; "save and submit" submits it at once when it is complete, and otherwise
    leaves it saved for the edit page to show what it lacks."""
    return service.create_contract(
        current_user, account.id, _draft_input(form, rows), submit=submit
    )


@bp.post("/contracts/checklist")
@editors
def checklist():
    """htmx: what the draft being edited still lacks, from the form as it stands (unsaved)."""
    rows, _action = line_rules.posted_lines(request.form)
    groups = completeness.for_posted(request.form, rows)
    return render_fragment(
        "contracts/_checklist.html",
        checklist=groups,
        missing_count=completeness.missing_count(groups),
    )


def _not_editable(contract):
    status = service.lifecycle(contract).label
    flash(_("Only a draft can be edited; this contract is %(status)s.", status=status), "error")
    return redirect(url_for("contracts.detail", contract_id=contract.id), code=303)


def _save_draft(contract, form: ContractForm, rows, submit: bool, problems: dict):
    """Save the draft, then submit it if asked. A refusal's problems are kept for the page,
    and the form takes the stored version: a refused submit has saved the draft already."""
    try:
        saved = service.save_draft(
            current_user, contract.id, _draft_input(form, rows), form.version.data
        )
        return service.submit(current_user, contract.id) if submit else saved
    except ValidationFailed as error:
        problems.update(error.errors)
        form.version.data = str(service.get_contract(current_user, contract.id).version)
        raise


def _saved(contract, submitted: bool = False):
    if submitted or contract.status is not ContractStatus.DRAFT:
        flash(_("Contract %(number)s submitted for approval.", number=contract.number), "success")
        return redirect(url_for("contracts.detail", contract_id=contract.id), code=303)
    if request.form.get("action") == "submit":  # a new draft that is not complete yet
        flash(
            _("Draft %(number)s saved; it cannot be submitted until the fields listed are filled.",
              number=contract.number),
            "error",
        )  # fmt: skip
        return redirect(url_for("contracts.edit", contract_id=contract.id, check=1), code=303)
    flash(_("Draft %(number)s saved.", number=contract.number), "success")
    return redirect(url_for("contracts.edit", contract_id=contract.id), code=303)


@bp.post("/contracts/lines")
@editors
def lines():
    """htmx: the line editor's row edits and recomputes (contracts.lines.editor_answer)."""
    rate = line_rules.posted_vat_rate(request.form.get("tax_rate"))
    template, context = line_rules.editor_answer(LINE_EDITOR, request.form, tax_rate=rate)
    return render_fragment(template, **context)


# --- the contract page and its actions --------------------------------------------------------


@bp.get("/contracts/<int:contract_id>")
@readers
def detail(contract_id: int):
    contract = service.get_contract(current_user, contract_id)
    return render_page(
        "contracts/detail.html",
        contract=contract,
        stage=service.lifecycle(contract),
        words=amount_in_words(contract.total),
        tax=line_rules.tax_included(contract.total, contract.tax_rate),
        clauses=service.clause_views(contract),
        events=service.events(contract),
        scan=service.latest_scan(contract),
        party_labels=PARTY_LABELS,
        approval=service.approval_link_for(contract),
        can_edit=service.can_edit_contract(current_user, contract),
        can_submit=service.can_submit(current_user, contract),
        can_withdraw=service.can_withdraw(current_user, contract),
        can_archive=service.can_archive(current_user, contract),
        can_terminate=service.can_terminate(current_user, contract),
        available=service.available_credit(contract.account, contract.id),
        archive_form=ArchiveForm(),
        terminate_form=TerminateForm(),
        event_labels=EVENT_LABELS,
    )


def _act(contract_id: int, action, success: str):
    try:
        contract = action()
    except (NotFound, Forbidden):
        raise  # answered 404 / 403 by the error handlers, like every other route
    except DomainError as error:  # ValidationFailed too: its message joins its errors
        flash(error.message, "error")
    else:
        flash(success % {"number": contract.number}, "success")
    return redirect(url_for("contracts.detail", contract_id=contract_id), code=303)


@bp.post("/contracts/<int:contract_id>/submit")
@editors
def submit(contract_id: int):
    return _act(
        contract_id,
        lambda: service.submit(current_user, contract_id),
        _("Contract %(number)s submitted for approval."),
    )


@bp.post("/contracts/<int:contract_id>/withdraw")
@editors
def withdraw(contract_id: int):
    return _act(
        contract_id,
        lambda: service.withdraw(current_user, contract_id),
        _("Contract %(number)s withdrawn to draft."),
    )


@bp.post("/contracts/<int:contract_id>/archive")
@roles_required(Role.CUSTODIAN)
def archive(contract_id: int):
    upload = request.files.get("scan")
    data = upload.read(service.SCAN_MAX_BYTES + 1) if upload else b""
    return _act(
        contract_id,
        lambda: service.archive_signed(
            current_user, contract_id, upload.filename if upload else "", data
        ),
        _("Signed contract %(number)s archived."),
    )


@bp.post("/contracts/<int:contract_id>/terminate")
@roles_required(Role.CUSTODIAN, Role.DEPARTMENT_HEAD)
def terminate(contract_id: int):
    form = TerminateForm()
    return _act(
        contract_id,
        lambda: service.terminate(current_user, contract_id, form.reason.data),
        _("Contract %(number)s terminated."),
    )


@bp.get("/contracts/<int:contract_id>/scan")
@readers
def scan(contract_id: int):
    contract = service.get_contract(current_user, contract_id)
    stored = service.latest_scan(contract)
    if stored is None:
        return render_page(
            "errors/error.html",
            block="error",
            status=404,
            code=404,
            title=_("Not found"),
            message=_("No signed scan is archived yet."),
        )
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[stored.mime]
    return send_file(
        io.BytesIO(stored.data),
        mimetype=stored.mime,
        as_attachment=True,
        download_name=f"{contract.number}-signed.{extension}",
    )
