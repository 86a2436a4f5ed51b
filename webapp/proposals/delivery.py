"""Getting a proposal out: the stored PDF behind a client link (made by the document generator,
which also serves the PDF/DOCX downloads of the proposal page) and the e-mail to the client when
the server has a mail server configured."""

from __future__ import annotations

import io
import logging

from flask import current_app, render_template, request, send_file, url_for
from flask_babel import gettext as _

from webapp.auth.models import User
from webapp.common.errors import DomainError
from webapp.common.timeutil import to_local
from webapp.documents import service as documents
from webapp.documents.models import GeneratedDocument
from webapp.extensions import db
from webapp.proposals import branding
from webapp.proposals import documents as proposal_documents
from webapp.proposals import links as tokens
from webapp.proposals.models import Proposal, ProposalLink

log = logging.getLogger(__name__)


def deliver(user: User, link: ProposalLink) -> list[tuple[str, str]]:
    """After "send to client": store the PDF of the link's version, then e-mail the link when
    an address was given and mail is configured. Returns the messages for the sender."""
    messages = []
    problem = attach_document(user, link)
    if link.recipient_email and mail_link(link, public_url(link)):
        messages.append(
            (_("Link created and e-mailed to %(email)s.", email=link.recipient_email), "success")
        )
    elif link.recipient_email:
        messages.append(
            (
                _("Link created; e-mail is not configured, so copy it and send it yourself."),
                "success",
            )
        )
    else:
        messages.append((_("Link created; copy it below and send it to the client."), "success"))
    if problem:
        messages.append((problem, "error"))
    return messages


def public_url(link: ProposalLink) -> str:
    """The address the client opens: KEYDESK_BASE_URL (the public address of KeyDesk, which the
    client must be able to reach), else the host the request came to."""
    path = url_for("proposals.public", token=tokens.token_for(link.key))
    base = current_app.config.get("BASE_URL") or request.host_url
    return base.rstrip("/") + path


def attach_document(user: User, link: ProposalLink) -> str | None:
    """Store the PDF of the link's version and remember it on the version, so the client
    downloads exactly what was sent. Returns a message when no PDF could be made (the link
    still shows the proposal as a page the client can print)."""
    version = link.version
    if version.document_id is not None:
        return None
    try:
        row = documents.generate(user, proposal_documents.PROPOSAL.kind, link.proposal_id, "pdf")
    except DomainError as error:
        log.warning("no PDF for proposal %s: %s", link.proposal_id, error.message)
        return _(
            "The PDF could not be made (%(reason)s); the client sees the page only.",
            reason=error.message,
        )
    if row.source_version.split(".")[0] != str(version.record_version):
        # The proposal was saved again between freezing and rendering: this PDF is not the
        # version the link shows, so the link keeps the page only.
        return _("The proposal changed while the link was made; send a new link for a PDF.")
    version.document_id = row.id
    db.session.commit()
    return None


def has_pdf(link: ProposalLink) -> bool:
    return link.version.document_id is not None


def public_pdf(link: ProposalLink):
    """The stored PDF of the link's version as a download, or None when there is none."""
    if link.version.document_id is None:
        return None
    row = db.session.get(GeneratedDocument, link.version.document_id)
    if row is None:
        return None
    try:
        data = documents.read_bytes(row)
    except DomainError:
        log.exception("stored PDF %s of a client link is missing", row.id)
        return None
    return send_file(
        io.BytesIO(data), mimetype=row.mime, as_attachment=True, download_name=row.filename
    )


# --- e-mail -----------------------------------------------------------------------------------


def _mail():
    """The notifications area's SMTP helper, if this installation has it."""
    try:
        from webapp.notifications import mail
    except ImportError:  # pragma: no cover - the area is part of the app
        return None
    if not all(hasattr(mail, name) for name in ("build_message", "send", "mail_enabled")):
        return None
    return mail


def mail_available() -> bool:
    mail = _mail()
    return bool(mail is not None and mail.mail_enabled())


def _email_text(proposal, url, expires, sender, company) -> str:
    return "\n\n".join(
        (
            _("Hello,"),
            _(
                '%(company)s has prepared the proposal "%(title)s" for you.',
                company=company or sender,
                title=proposal.title,
            ),
            _("Open it here (valid until %(when)s):", when=expires) + "\n" + url,
            sender,
        )
    )


def mail_link(link: ProposalLink, url: str) -> bool:
    """E-mail the link to the client; False when no mail server is configured. Delivery runs
    after the request (the helper's thread) and a failure is logged, never shown to the client."""
    mail = _mail()
    if mail is None or not mail.mail_enabled() or not link.recipient_email:
        return False
    proposal = db.session.get(Proposal, link.proposal_id)
    company = branding.company_branding()["name"]
    context = dict(
        proposal=proposal,
        url=url,
        expires=to_local(link.expires_at).strftime("%Y-%m-%d %H:%M"),
        sender=proposal.owner.full_name if proposal.owner else "",
        company=company,
    )
    message = mail.build_message(
        link.recipient_email,
        None,
        _("Proposal: %(title)s", title=proposal.title),
        _email_text(**context),
        render_template("proposals/email_link.html", **context),
    )
    mail.send([message])
    return True
