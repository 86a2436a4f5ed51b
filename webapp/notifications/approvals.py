"""What notifications do when the approval engine announces a change (webapp/approvals/
signals.py, sent after the engine's commit).

- A step becomes current: its approvers (deputies included) hear "waiting for you"; when it
  follows an approved step, the applicant hears that step is done. The applicant follows every
  step and is told the outcome: approved, rejected or returned, with the comment.
- With MAIL_SERVER set, everyone notified who has an e-mail address also gets a mail; approvers'
  mails carry one single-use link per decision, opening a confirm page.

Everything here runs in its own transaction after the decision is committed (the area's
`init_app` connects the two receivers); a failure is logged and swallowed: notifying never
undoes or breaks a decision.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import current_app, has_request_context, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from webapp.approvals import service as approvals
from webapp.approvals.models import ApprovalRequest, ApprovalStep, RequestStatus, StepStatus
from webapp.approvals.workflow import ACTION_LABELS
from webapp.attachments.service import attachments_of
from webapp.auth.models import User
from webapp.extensions import db
from webapp.filters import local_datetime, money
from webapp.notifications import mail, tokens
from webapp.notifications.service import notify

log = logging.getLogger(__name__)


def on_step_opened(sender: ApprovalRequest, step: ApprovalStep | None = None, **_extra) -> None:
    _safely(_step_opened, sender, step)


def on_request_closed(sender: ApprovalRequest, status=None, actor=None, steps=(), **_extra) -> None:
    if (status or sender.status) is RequestStatus.WITHDRAWN:
        _safely(_withdrawn, sender, list(steps))
    else:
        _safely(_request_closed, sender, status, actor)


def on_credit_deadline_near(
    sender: ApprovalRequest, step: ApprovalStep | None = None, days_left: int = 0, **_extra
) -> None:
    _safely(_credit_deadline_near, sender, step, days_left)


def _credit_deadline_near(item: ApprovalRequest, step: ApprovalStep | None, days_left: int):
    """The approvers of a credit adjustment's current step hear how many days are left of the
    10-day rule, once per request and day left."""
    if step is None:
        return
    link = app_path("approvals.detail", request_id=item.id)
    for person in approvals.approvers_of(step):
        with force_locale(_locale(person)):
            title = _("%(number)s: %(n)s days left to decide", number=item.number, n=days_left)
            body = _(
                "Credit adjustment for %(account)s must be decided within 10 days of filing.",
                account=item.account.name,
            )
        notify(
            person,
            title,
            body,
            link,
            kind="approval.reminder",
            key=f"approval-request:{item.id}:reminder:{days_left}",
            commit=False,
        )
    db.session.commit()


def _safely(handler, *args) -> None:
    try:
        handler(*args)
    except Exception:
        log.exception("notifying about an approval request failed; the decision stands")
        try:
            db.session.rollback()
        except Exception:
            log.exception("rollback after a failed notification failed")


# --- links ------------------------------------------------------------------------------------


def app_path(endpoint: str, **values) -> str:
    """A path in the app, with or without a request (signals also fire from CLI commands)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute(path: str) -> str:
    """An address for an e-mail: KEYDESK_BASE_URL, else the host the request came to."""
    base = current_app.config.get("BASE_URL")
    if not base:
        base = request.host_url if has_request_context() else "http://localhost:5000"
    return base.rstrip("/") + path


def _locale(user: User) -> str:
    supported = current_app.config["LANGUAGES"]
    return user.locale if user.locale in supported else current_app.config["BABEL_DEFAULT_LOCALE"]


def _step_name(step: ApprovalStep) -> str:
    action = ACTION_LABELS.get(step.action_name, step.action_name)
    who = step.assignee.full_name if step.assignee else step.role.label
    return f"{action} · {who}"


# --- messages ---------------------------------------------------------------------------------


@dataclass
class Outgoing:
    """A notification just stored, and what its e-mail needs."""

    user: User
    title: str
    body: str
    link: str
    step: ApprovalStep | None = None  # for approvers: the step their links decide
    facts: list[tuple[str, str]] = field(default_factory=list)


def _facts(item: ApprovalRequest) -> list[tuple[str, str]]:
    facts = [
        (_("Request number"), item.number),
        (_("Type"), item.type.label),
        (_("Account"), item.account.name),
        (_("Applicant"), item.applicant.full_name),
        (_("Filed"), local_datetime(item.filed_at)),
    ]
    if item.proposed_grade is not None:
        facts.append(
            (
                _("Proposed"),
                f"{item.proposed_grade.label} · {money(item.proposed_limit)} "
                f"({_('now')} {item.current_grade.label if item.current_grade else '—'} · "
                f"{money(item.current_limit)})",
            )
        )
    if item.amount is not None:
        facts.append((_("Amount"), money(item.amount)))
    if item.content:
        content = item.content if len(item.content) <= 500 else item.content[:500] + "…"
        facts.append((_("Content"), content))
    files = attachments_of("request", item.id)
    if files:
        facts.append((_("Attachments"), "、".join(f"{a.filename} ({a.size_label})" for a in files)))
    return facts


def _step_opened(item: ApprovalRequest, step: ApprovalStep | None) -> None:
    if step is None:
        return
    link = app_path("approvals.detail", request_id=item.id)
    outgoing: list[Outgoing] = []
    for person in approvals.approvers_of(step):
        with force_locale(_locale(person)):
            title = _("%(number)s is waiting for you", number=item.number)
            body = _(
                "%(type)s for %(account)s, filed by %(applicant)s. Your step: %(step)s.",
                type=item.type.label,
                account=item.account.name,
                applicant=item.applicant.full_name,
                step=_step_name(step),
            )
            facts = _facts(item)
        stored = notify(
            person,
            title,
            body,
            link,
            kind="approval.waiting",
            key=f"approval-step:{step.id}:waiting",
            commit=False,
        )
        if stored is not None:
            outgoing.append(Outgoing(person, title, body, link, step=step, facts=facts))
    previous = next(
        (
            s
            for s in item.steps
            if s.round == step.round
            and s.position == step.position - 1
            and s.status is StepStatus.APPROVED
        ),
        None,
    )
    if previous is not None:
        applicant = item.applicant
        with force_locale(_locale(applicant)):
            title = _("%(number)s: %(step)s done", number=item.number, step=_step_name(previous))
            decider = previous.decided_by.full_name if previous.decided_by else "—"
            body = _(
                "%(name)s approved; now waiting for %(step)s.", name=decider, step=_step_name(step)
            )
            if previous.comment:
                body += "\n" + _("Comment: %(comment)s", comment=previous.comment)
        stored = notify(
            applicant,
            title,
            body,
            link,
            kind="approval.step_done",
            key=f"approval-step:{previous.id}:done",
            commit=False,
        )
        if stored is not None:
            outgoing.append(Outgoing(applicant, title, body, link))
    _mail(outgoing)
    db.session.commit()  # the bell, the links and the outbox rows together


def _request_closed(
    item: ApprovalRequest, status: RequestStatus | None, actor: User | None
) -> None:
    status = status or item.status
    if status not in (RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.RETURNED):
        return  # a withdrawal: its approvers hear it (`_withdrawn`), the applicant did it
    deciding = _deciding_step(item, status)
    decider = deciding.decided_by if deciding and deciding.decided_by else actor
    name = decider.full_name if decider else "—"
    comment = deciding.comment if deciding else None
    applicant = item.applicant
    link = app_path("approvals.detail", request_id=item.id)
    with force_locale(_locale(applicant)):
        if status is RequestStatus.APPROVED:
            title = _("%(number)s approved", number=item.number)
            body = _(
                "%(title)s for %(account)s was approved by %(name)s.",
                title=item.title,
                account=item.account.name,
                name=name,
            )
        elif status is RequestStatus.REJECTED:
            title = _("%(number)s rejected", number=item.number)
            body = _("%(name)s rejected %(title)s.", name=name, title=item.title)
        else:
            title = _("%(number)s returned for revision", number=item.number)
            body = _(
                "%(name)s returned %(title)s for revision; revise and resubmit it.",
                name=name,
                title=item.title,
            )
        if comment:
            body += "\n" + _("Comment: %(comment)s", comment=comment)
    stored = notify(
        applicant,
        title,
        body,
        link,
        kind=f"approval.{status.value}",
        key=f"approval-request:{item.id}:{item.round}:{status.value}",
        commit=False,
    )
    if stored is not None:
        _mail([Outgoing(applicant, title, body, link)])
    db.session.commit()


def _withdrawn(item: ApprovalRequest, step_ids: list[int]) -> None:
    """The approvers of the step(s) that were waiting hear the applicant withdrew it: a bell
    and, with mail, an e-mail (no decision links: nothing is left to decide)."""
    link = app_path("approvals.detail", request_id=item.id)
    outgoing: list[Outgoing] = []
    for step in (db.session.get(ApprovalStep, step_id) for step_id in step_ids):
        if step is None:
            continue
        for person in approvals.approvers_of(step):
            with force_locale(_locale(person)):
                title = _("%(number)s was withdrawn", number=item.number)
                body = _(
                    "%(applicant)s withdrew %(title)s for %(account)s; nothing is left for you "
                    "to decide.",
                    applicant=item.applicant.full_name,
                    title=item.title,
                    account=item.account.name,
                )
            stored = notify(
                person,
                title,
                body,
                link,
                kind="approval.withdrawn",
                key=f"approval-step:{step.id}:withdrawn",
                commit=False,
            )
            if stored is not None:
                outgoing.append(Outgoing(person, title, body, link))
    _mail(outgoing)
    db.session.commit()


def _deciding_step(item: ApprovalRequest, status: RequestStatus) -> ApprovalStep | None:
    wanted = {
        RequestStatus.APPROVED: StepStatus.APPROVED,
        RequestStatus.REJECTED: StepStatus.REJECTED,
        RequestStatus.RETURNED: StepStatus.RETURNED,
    }[status]
    decided = [s for s in item.steps if s.round == item.round and s.status is wanted]
    return max(decided, key=lambda s: s.position) if decided else None


# --- e-mail -----------------------------------------------------------------------------------


def _mail(outgoing: list[Outgoing]) -> None:
    """Build the e-mails of the notifications just stored and put them in the outbox, in the
    same transaction (the caller commits; they are sent after that)."""
    if not mail.mail_enabled():
        return
    messages = []
    for item in outgoing:
        if not item.user.email:
            continue
        actions = []
        expires_at = None
        if item.step is not None:
            for decision in tokens.DECISIONS:
                raw, row = tokens.issue(item.user, item.step, decision)
                expires_at = row.expires_at
                actions.append((decision, absolute(app_path("notifications.confirm", token=raw))))
        with force_locale(_locale(item.user)):
            messages.append(_message(item, actions, expires_at))
    mail.queue(messages)


# The mail's button colour per decision (inline: mail clients ignore style sheets).
BUTTON_COLOURS = {"approve": "#15803d", "reject": "#b91c1c", "return": "#52606d"}


def _message(item: Outgoing, actions, expires_at):
    labels = {
        "approve": _("Approve"),
        "reject": _("Reject"),
        "return": _("Return for revision"),
    }
    context = dict(
        greeting=_("Hello %(name)s,", name=item.user.full_name),
        title=item.title,
        body=item.body,
        facts=item.facts,
        actions=[(labels[d], url, BUTTON_COLOURS[d]) for d, url in actions],
        expires=local_datetime(expires_at) if expires_at else None,
        open_url=absolute(item.link),
    )
    lines = [context["greeting"], "", item.body, ""]
    lines += [f"{label}: {value}" for label, value in item.facts]
    if actions:
        lines.append("")
        lines += [f"{label}: {url}" for label, url, _d in context["actions"]]
        lines.append("")
        lines.append(_confirm_note(context["expires"]))
    lines += ["", _("Open it in KeyDesk: %(url)s", url=context["open_url"])]
    html = render_template(
        "notifications/mail.html", note=_confirm_note(context["expires"]), **context
    )
    subject = f"[{_('KeyDesk')}] {item.title}"
    return mail.build_message(item.user.email, item.user.full_name, subject, "\n".join(lines), html)


def _confirm_note(expires: str | None) -> str:
    return _(
        "Each link opens a page where you confirm; nothing is decided before that. A link works "
        "once and expires on %(when)s.",
        when=expires or "—",
    )
