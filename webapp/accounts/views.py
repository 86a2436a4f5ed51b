from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts import advice, service
from webapp.accounts.forms import AccountForm, ContactForm, MemberForm, VisitForm
from webapp.accounts.history import history_page
from webapp.accounts.models import (
    AccountKind,
    Contact,
    CreditGrade,
    SalesTier,
    Stage,
    ValueClass,
    Visit,
)
from webapp.accounts.tabs import account_tabs, render_tab
from webapp.accounts.visit_panels import visit_panels
from webapp.auth.models import Role
from webapp.auth.permissions import ACCOUNT_EDITORS, ACCOUNT_READERS, roles_required
from webapp.common.errors import ValidationFailed
from webapp.common.forms import handle_form, select_stored
from webapp.common.rendering import render_page, wants_fragment
from webapp.lists.tools import list_tools
from webapp.lists.views import export_answer
from webapp.submissions import Once

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
readers = roles_required(*ACCOUNT_READERS)
editors = roles_required(*ACCOUNT_EDITORS)


@bp.get("/")
@readers
def index():
    if (exported := export_answer("accounts")) is not None:
        return exported
    query = service.AccountQuery.from_args(request.args)
    page = service.list_accounts(current_user, query, current_app.config["PAGE_SIZE"])
    return render_page(
        "accounts/list.html",
        block="results",
        page=page,
        query=query,
        owners=service.owner_choices(current_user),
        kinds=AccountKind,
        stages=Stage,
        value_classes=ValueClass,
        tiers=SalesTier,
        grades=CreditGrade,
        can_create=service.can_create(current_user),
        tools=list_tools("accounts", query.url_args()),
    )


# The select fields that show a stored enum member.
ACCOUNT_SELECTS = (
    "kind",
    "relation",
    "channel",
    "ownership",
    "loyalty",
)
CONTACT_SELECTS = ("buying_role", "personality", "decision_style", "stance", "ladder")


def _account_form(account=None, **kwargs) -> AccountForm:
    owners = service.owner_choices(current_user)
    # Only supervisors and heads (who choose among several managers) see the owner field.
    show_owner = current_user.role is not Role.ACCOUNT_MANAGER and bool(owners)
    form = AccountForm(obj=account, owners=owners if show_owner else None, **kwargs)
    if request.method == "POST" and "version" not in request.form:
        form.version.data = ""  # never let the stored version stand in for the form's
    if account is not None and request.method == "GET":
        select_stored(form, account, ACCOUNT_SELECTS)
        form.version.data = str(account.version)
    if show_owner and account is not None and account.owner not in owners:
        form.owner_id.choices = [
            (account.owner.id, account.owner.full_name),
            *form.owner_id.choices,
        ]
    return form


@bp.route("/new", methods=["GET", "POST"])
@editors
def new():
    form = _account_form()

    def created(account):
        flash(_("Account %(name)s created.", name=account.name), "success")
        return redirect(url_for("accounts.detail", account_id=account.id), code=303)

    return handle_form(
        form,
        save=lambda: service.create_account(current_user, form.data),
        saved=created,
        show=lambda **answer: render_page("accounts/form.html", form=form, account=None, **answer),
    )


@bp.route("/<int:account_id>/edit", methods=["GET", "POST"])
@editors
def edit(account_id: int):
    account = service.get_account(current_user, account_id, for_edit=True)
    form = _account_form(account)

    def saved(_account):
        flash(_("Saved."), "success")
        return redirect(url_for("accounts.detail", account_id=account_id), code=303)

    return handle_form(
        form,
        save=lambda: service.update_account(current_user, account_id, form.data, form.version.data),
        saved=saved,
        show=lambda **answer: render_page(
            "accounts/form.html", form=form, account=account, **answer
        ),
    )


def _tab(account_id: int, key: str, fragment: str, status: int = 200, **context):
    """One of this area's tabs; `load_x=f` puts f(account) in the context as `x`."""
    account = service.get_account(current_user, account_id)
    context.update(
        account=account,
        can_edit=service.can_edit(current_user, account),
        can_see_personal=service.can_see_personal(current_user, account),
    )
    for name in [n for n in context if n.startswith("load_")]:
        context[name[5:]] = context.pop(name)(account)  # the template gets answers only
    return render_tab(key, fragment, status=status, **context)


@bp.get("/<int:account_id>")
@readers
def detail(account_id: int):
    tabs = account_tabs()
    key = request.args.get("tab", "profile")
    tab = next((t for t in tabs if t.key == key), tabs[0])
    if tab.endpoint != "accounts.profile":
        return redirect(url_for(tab.endpoint, account_id=account_id))
    return profile(account_id)


@bp.get("/<int:account_id>/profile")
@readers
def profile(account_id: int):
    return _tab(
        account_id,
        "profile",
        "accounts/_profile.html",
        load_man=service.man_verdict,
        load_focus=service.service_focus,
        load_credit_history=lambda a: service.credit_history(current_user, a),
        load_team=service.team,
        load_candidates=lambda a: (
            service.member_candidates(current_user, a) if service.can_edit(current_user, a) else []
        ),
    )


@bp.get("/<int:account_id>/contacts")
@readers
def contacts(account_id: int):
    account = service.get_account(current_user, account_id)  # 404 for an account out of scope
    if (exported := export_answer("contacts")) is not None:
        return exported
    people = service.contacts(current_user, account)
    return _tab(
        account_id,
        "contacts",
        "accounts/_contacts.html",
        contacts=people,
        advice=advice.by_person(people),
        form=None,
        tools=list_tools("contacts", {"account_id": str(account_id)}),
    )


@bp.get("/<int:account_id>/activities")
@readers
def activities(account_id: int):
    account = service.get_account(current_user, account_id)
    return _activities_tab(account_id, VisitForm(contacts=service.contacts(current_user, account)))


def _activities_tab(account_id: int, form: VisitForm, status: int = 200):
    return _tab(
        account_id,
        "activities",
        "accounts/_activities.html",
        status=status,
        load_visits=lambda a: service.visits(current_user, a),
        form=form,
        visit_panels=visit_panels(),
    )


@bp.get("/<int:account_id>/history")
@readers
def history(account_id: int):
    """The history tab; `?before=<entry id>` answers the next older page's rows for htmx."""
    before = request.args.get("before", type=int)
    if before is not None and wants_fragment():
        account = service.get_account(current_user, account_id)
        page = history_page(current_user, account, before=before)
        return render_page("accounts/_history.html", "history_items", account=account, page=page)
    return _tab(
        account_id,
        "history",
        "accounts/_history.html",
        load_page=lambda a: history_page(current_user, a, before=before),
    )


# --- contacts ---------------------------------------------------------------------------------


def _contact_form(account, contact=None, **kwargs) -> ContactForm:
    colleagues = [
        c for c in service.contacts(current_user, account) if contact is None or c.id != contact.id
    ]
    form = ContactForm(
        obj=contact,
        colleagues=colleagues,
        show_personal=service.can_see_personal(current_user, account),
        **kwargs,
    )
    if request.method == "POST" and "version" not in request.form:
        form.version.data = ""
    if contact is not None and request.method == "GET":
        select_stored(form, contact, CONTACT_SELECTS)
        form.reports_to_id.data = str(contact.reports_to_id or "")
        form.version.data = str(contact.version)
    return form


def _contact_form_response(account, form, contact=None, conflict=None, status=200):
    return render_page(
        "accounts/contact_form.html",
        block="contact_form",
        account=account,
        form=form,
        contact=contact,
        conflict=conflict,
        status=status,
    )


@bp.route("/<int:account_id>/contacts/new", methods=["GET", "POST"])
@editors
def new_contact(account_id: int):
    account = service.get_account(current_user, account_id, for_edit=True)
    form = _contact_form(account)

    def added(contact):
        flash(_("Contact %(name)s added.", name=contact.name), "success")
        return _back_to_contacts(account_id)

    return handle_form(
        form,
        save=lambda: service.add_contact(current_user, account_id, form.data),
        saved=added,
        show=lambda **answer: _contact_form_response(account, form, **answer),
        once=Once(form, Contact, lambda id: service.get_contact(current_user, id)),
    )


def _back_to_contacts(account_id: int):
    if wants_fragment():
        response = contacts(account_id)
        # The contact form targets #contact-editor; the refreshed list replaces the whole tab.
        response.headers["HX-Retarget"] = "#account-tab"
        return response
    return redirect(url_for("accounts.contacts", account_id=account_id), code=303)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@editors
def edit_contact(contact_id: int):
    contact = service.get_contact(current_user, contact_id, for_edit=True)
    account = contact.account
    form = _contact_form(account, contact)

    def saved(_contact):
        flash(_("Contact saved."), "success")
        return _back_to_contacts(account.id)

    return handle_form(
        form,
        save=lambda: service.update_contact(current_user, contact_id, form.data, form.version.data),
        saved=saved,
        show=lambda **answer: _contact_form_response(account, form, contact, **answer),
    )


@bp.post("/contacts/<int:contact_id>/delete")
@editors
def delete_contact(contact_id: int):
    account = service.delete_contact(current_user, contact_id)
    flash(_("Contact removed."), "success")
    return _back_to_contacts(account.id)


# --- visits and team --------------------------------------------------------------------------


@bp.post("/<int:account_id>/visits")
@editors
def add_visit(account_id: int):
    account = service.get_account(current_user, account_id, for_edit=True)
    form = VisitForm(contacts=service.contacts(current_user, account))

    def recorded(_visit):
        flash(_("Visit recorded."), "success")
        if wants_fragment():  # a fresh, empty form with a new key: a second click saves nothing
            empty = VisitForm(formdata=None, contacts=service.contacts(current_user, account))
            return _activities_tab(account_id, empty)
        return redirect(url_for("accounts.activities", account_id=account_id), code=303)

    return handle_form(
        form,
        save=lambda: service.add_visit(current_user, account_id, form.data),
        saved=recorded,
        show=lambda **answer: _activities_tab(account_id, form, answer["status"]),
        once=Once(form, Visit, lambda id: service.get_visit(current_user, id)),
    )


@bp.post("/<int:account_id>/members")
@editors
def add_member(account_id: int):
    service.get_account(current_user, account_id, for_edit=True)  # 403 before any message
    form = MemberForm()
    if form.validate_on_submit():
        try:
            service.add_member(current_user, account_id, form.user_id.data)
            flash(_("Colleague added to the team."), "success")
        except ValidationFailed as error:
            flash(error.message, "error")
    else:
        flash(_("Choose a colleague."), "error")
    return _back_to_profile(account_id)


@bp.post("/<int:account_id>/members/<int:user_id>/delete")
@editors
def remove_member(account_id: int, user_id: int):
    service.remove_member(current_user, account_id, user_id)
    flash(_("Colleague removed from the team."), "success")
    return _back_to_profile(account_id)


def _back_to_profile(account_id: int):
    if wants_fragment():
        return profile(account_id)
    return redirect(url_for("accounts.detail", account_id=account_id), code=303)
