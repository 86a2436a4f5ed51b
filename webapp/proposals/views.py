"""Proposal pages: the account tab, the editor (quotation rows edited with htmx), the proposal
page with its client links and their opens, branding for the administrator, and the public
link page /p/<token> that the client opens without an account."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts import service as accounts
from webapp.accounts.tabs import render_tab
from webapp.auth.models import Role
from webapp.auth.permissions import ACCOUNT_EDITORS, ACCOUNT_READERS, roles_required
from webapp.common.errors import DomainError, Forbidden, NotFound, ValidationFailed
from webapp.common.forms import apply_errors, handle_form
from webapp.common.rendering import render_fragment, render_page, wants_fragment
from webapp.contracts import lines as line_rules
from webapp.proposals import branding, delivery, service, sharing
from webapp.proposals.forms import TEAM_LABELS, BrandingForm, LinkForm, ProposalForm, RevokeForm
from webapp.proposals.models import Proposal
from webapp.submissions import Once

bp = Blueprint("proposals", __name__)
readers = roles_required(*ACCOUNT_READERS)
editors = roles_required(*ACCOUNT_EDITORS)


@bp.app_template_filter("proposal_money")
def proposal_money(text: str) -> str:
    """A money string of a proposal's content ("1234.50") as ¥1,234.50."""
    return f"¥{Decimal(text):,.2f}"


@bp.app_template_filter("proposal_qty")
def proposal_qty(text: str) -> str:
    """A quantity string ("12.00", "3.50") without trailing zeros: 12, 3.5."""
    value = Decimal(text)
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


PUBLIC_HEADERS = {
    # The token is the only secret: keep it out of caches, referrers and search engines.
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Frame-Options": "DENY",
}


# --- the account tab --------------------------------------------------------------------------


@bp.get("/accounts/<int:account_id>/proposals")
@readers
def account_proposals(account_id: int):
    account = accounts.get_account(current_user, account_id)
    return render_tab(
        "proposals",
        "proposals/_account_proposals.html",
        account=account,
        rows=service.list_for_account(current_user, account.id),
        can_edit=accounts.can_edit(current_user, account),
    )


# --- the editor -------------------------------------------------------------------------------

LINE_EDITOR = line_rules.LineEditor(
    endpoint="proposals.lines", name="proposal", amount_id="quote-amount", add_id="add-quote-line"
)


def _input(form: ProposalForm, rows) -> service.ProposalInput:
    values = {}
    for name in service.TEXT_FIELDS:
        value = getattr(form, name).data
        values[name] = (value.strip() or None) if isinstance(value, str) else value
    return service.ProposalInput(values=values, valid_until=form.valid_until.data, rows=rows)


def _valid(form: ProposalForm, rows) -> bool:
    """The form's field checks and the service's rules at once, so every mistake is marked in
    one round (the service checks again when saving)."""
    form_ok = form.validate_on_submit()
    errors = service.validate(_input(form, rows))
    apply_errors(form, ValidationFailed({k: v for k, v in errors.items() if k not in form.errors}))
    return form_ok and not errors


def _render_editor(account, proposal, form, rows, status=200, conflict=None):
    return render_page(
        "proposals/edit.html",
        account=account,
        proposal=proposal,
        form=form,
        **line_rules.editor_context(LINE_EDITOR, rows, validate=service.validate_quote_line),
        team_labels=TEAM_LABELS,
        conflict=conflict,
        status=status,
    )


@bp.route("/accounts/<int:account_id>/proposals/new", methods=["GET", "POST"])
@editors
def new(account_id: int):
    account = accounts.get_account(current_user, account_id, for_edit=True)
    form = ProposalForm(
        data=service.defaults(current_user, account) if request.method == "GET" else None
    )
    if request.method == "GET":
        return _render_editor(account, None, form, [line_rules.LineInput() for _ in range(3)])
    rows, action = line_rules.posted_lines(request.form)
    if action != "save":  # a row added or removed: shown again, nothing checked yet
        return _render_editor(account, None, form, rows)
    return handle_form(
        form,
        valid=lambda: _valid(form, rows),
        save=lambda: service.create_proposal(current_user, account.id, _input(form, rows)),
        saved=_saved,
        show=lambda **answer: _render_editor(account, None, form, rows, **answer),
        once=Once(form, Proposal, lambda id: service.get_proposal(current_user, id)),
    )


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@editors
def edit(proposal_id: int):
    proposal = service.get_proposal(current_user, proposal_id, for_edit=True)
    if request.method == "GET":
        form = ProposalForm(obj=proposal)
        form.version.data = str(proposal.version)
        rows = [line_rules.LineInput.from_line(line) for line in proposal.lines]
        return _render_editor(proposal.account, proposal, form, rows or [line_rules.LineInput()])
    form = ProposalForm()
    rows, action = line_rules.posted_lines(request.form)
    if action != "save":  # a row added or removed: shown again, nothing checked yet
        return _render_editor(proposal.account, proposal, form, rows)
    return handle_form(
        form,
        valid=lambda: _valid(form, rows),
        save=lambda: service.save_proposal(
            current_user, proposal.id, _input(form, rows), form.version.data
        ),
        saved=_saved,
        show=lambda **answer: _render_editor(proposal.account, proposal, form, rows, **answer),
    )


def _saved(proposal):
    flash(_("Proposal saved."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)


@bp.post("/proposals/lines")
@editors
def lines():
    """htmx: the quotation editor's row edits and recomputes (contracts.lines.editor_answer)."""
    template, context = line_rules.editor_answer(
        LINE_EDITOR, request.form, validate=service.validate_quote_line
    )
    return render_fragment(template, **context)


# --- the proposal page ------------------------------------------------------------------------


def _links_context(proposal, link_form=None, created=None):
    links = service.links_of(proposal)
    can_edit = service.can_edit_proposal(current_user, proposal)
    rows = service.link_rows(links, can_edit, delivery.public_url)
    newest = next((row for row in rows if row.url), None)  # the link to hand over now
    opens = sorted((o for link in links for o in link.opens), key=lambda o: o.id, reverse=True)
    return dict(
        proposal=proposal,
        links=rows,
        share=newest,
        share_qr=sharing.qr_svg(newest.url, _("QR code of the client link")) if newest else None,
        opens=opens[:100],
        agents={o.id: sharing.describe_agent(o.user_agent) for o in opens[:100]},
        can_edit=can_edit,
        link_form=link_form or LinkForm(formdata=None),
        revoke_form=RevokeForm(formdata=None),
        problems=service.send_problems(proposal),
        created=created,
        mail_available=delivery.mail_available(),
    )


@bp.get("/proposals/<int:proposal_id>")
@readers
def detail(proposal_id: int):
    proposal = service.get_proposal(current_user, proposal_id)
    brand = branding.company_branding()
    return render_page(
        "proposals/detail.html",
        doc=service.proposal_content(proposal, brand),
        brand=brand,
        team_labels=TEAM_LABELS,
        **_links_context(proposal),
    )


@bp.get("/proposals/<int:proposal_id>/links")
@readers
def links(proposal_id: int):
    """htmx: the links and their opens, refreshed while the page is open."""
    proposal = service.get_proposal(current_user, proposal_id)
    return render_fragment("proposals/_links.html", **_links_context(proposal))


def _links_answer(proposal_id: int, status: int = 200, **context):
    if wants_fragment():
        proposal = service.get_proposal(current_user, proposal_id)
        return render_fragment(
            "proposals/_links.html", status=status, **_links_context(proposal, **context)
        )
    return redirect(url_for("proposals.detail", proposal_id=proposal_id), code=303)


@bp.post("/proposals/<int:proposal_id>/links")
@editors
def send(proposal_id: int):
    """Send to client: a new link to the proposal as it is now, optionally e-mailed."""
    service.get_proposal(current_user, proposal_id, for_edit=True)
    form = LinkForm()
    if not form.validate_on_submit():
        return _link_refused(proposal_id, form)
    try:
        link = service.create_link(
            current_user,
            proposal_id,
            branding.company_branding(),
            days=form.days.data,
            email=form.email.data or None,
        )
    except ValidationFailed as error:
        return _link_refused(proposal_id, form, error)
    except (NotFound, Forbidden):
        raise  # the error pages answer them
    except DomainError as error:
        flash(error.message, "error")
        return _links_answer(proposal_id, status=409)
    for message, category in delivery.deliver(current_user, link):
        flash(message, category)
    return _links_answer(proposal_id, created=link.id)


def _link_refused(proposal_id: int, form: LinkForm, error: ValidationFailed | None = None):
    """422 with the form and its errors: the form's own checks, or the service's `error`."""
    if error is not None:
        apply_errors(form, error)
    if not wants_fragment():  # the fragment shows the errors at the form itself
        flash(
            error.message
            if error
            else _("Please correct the marked fields; nothing was saved yet."),
            "error",
        )
    return _links_answer(proposal_id, status=422, link_form=form)


@bp.post("/proposals/links/<int:link_id>/revoke")
@editors
def revoke(link_id: int):
    link = service.revoke_link(current_user, link_id)
    flash(_("Link revoked; it no longer opens."), "success")
    return _links_answer(link.proposal_id)


# --- the client's side: no account, nothing revealed on a bad link ----------------------------


def _public(body: str, status: int = 200):
    response = make_response(body, status)
    response.headers.update(PUBLIC_HEADERS)
    return response


def _invalid(invalid: service.LinkInvalid):
    """The branded "no longer valid" page, naming whom to ask when the link existed."""
    return _public(
        render_template(
            "proposals/link_invalid.html",
            brand=branding.company_branding(),
            contact=service.link_contact(invalid.link),
        ),
        invalid.status,
    )


@bp.get("/p/<token>")
def public(token: str):
    try:
        link = service.resolve_link(token)
    except service.LinkInvalid as invalid:
        return _invalid(invalid)
    service.record_open(link, "view", request.remote_addr, request.user_agent.string)
    brand = branding.company_branding()
    return _public(
        render_template(
            "proposals/public.html",
            doc=service.version_content(link.version),
            brand=brand,
            team_labels=TEAM_LABELS,
            token=token,
            has_pdf=delivery.has_pdf(link),
            expires_at=link.expires_at,
        )
    )


@bp.get("/p/<token>/download")
def public_download(token: str):
    try:
        link = service.resolve_link(token)
    except service.LinkInvalid as invalid:
        return _invalid(invalid)
    response = delivery.public_pdf(link)
    if response is None:
        return _invalid(service.LinkInvalid(404, link))
    service.record_open(link, "download", request.remote_addr, request.user_agent.string)
    response.headers.update(PUBLIC_HEADERS)
    return response


# --- administration: branding -----------------------------------------------------------------


@bp.route("/admin/branding", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def branding_settings():
    form = _branding_form()

    def saved(_profile):
        flash(_("Branding saved."), "success")
        return redirect(url_for("proposals.branding_settings"), code=303)

    return handle_form(
        form,
        save=lambda: _save_branding(form),
        saved=saved,
        show=lambda status, conflict: render_page(
            "proposals/branding.html", form=form, brand=branding.company_branding(), status=status
        ),
        conflict_on_form=True,
    )


def _branding_form() -> BrandingForm:
    form = BrandingForm()
    if request.method == "GET":
        row = branding.profile()
        form.name.data = row.name if row else ""
        form.color.data = (row.brand_color if row else None) or branding.DEFAULT_COLOR
        form.version.data = str(row.version) if row else ""
    return form


def _save_branding(form: BrandingForm):
    upload = request.files.get("logo")
    return branding.save_branding(
        current_user,
        name=form.name.data,
        color=form.color.data,
        logo=(upload.read(branding.LOGO_MAX_BYTES + 1) if upload else b"") or None,
        remove_logo=bool(form.remove_logo.data),
        expected_version=form.version.data,
    )
