"""Single-use, expiring links in approval e-mails: one per approver, step, round and decision.

The link carries a random token; the database keeps only its SHA-256 together with what it is
bound to (user, request, step, round, the request's version when mailed, the decision). Opening
the link shows a confirm page and never decides; only a POST decides, through
`approvals.service.decide` as the bound user, and marks the token used with a conditional UPDATE
in the same transaction, so a link works once even if it is sent twice at the same moment.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from webapp.approvals import service as approvals
from webapp.approvals.models import (
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStep,
    RequestStatus,
    StepStatus,
)
from webapp.auth.models import User
from webapp.common.errors import DomainError, NotFound
from webapp.common.timeutil import utcnow
from webapp.extensions import db
from webapp.notifications.models import MailActionToken

DECISIONS = ("approve", "reject", "return")


class LinkState(enum.Enum):
    OPEN = "open"
    USED = "used"
    EXPIRED = "expired"
    DECIDED = "decided"  # the step was decided (by someone) or the request closed


class LinkGone(DomainError):
    """The link can no longer be used: it was used, it expired, or the step moved on."""

    def __init__(self, message: str, state: LinkState) -> None:
        super().__init__(message)
        self.state = state


@dataclass
class Link:
    """A token with what it points at, loaded for the confirm page."""

    token: MailActionToken
    user: User
    request: ApprovalRequest
    step: ApprovalStep
    state: LinkState
    message: str | None  # why the link is no longer usable, when it is not
    changed: bool  # the request changed after the mail was sent
    new_events: int  # trail entries added after the mail was sent

    @property
    def is_open(self) -> bool:
        """Still usable: not used, not expired, and the step still waits."""
        return self.state is LinkState.OPEN

    @property
    def approves(self) -> bool:
        return self.token.decision == "approve"

    @property
    def rejects(self) -> bool:
        return self.token.decision == "reject"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue(
    user: User, step: ApprovalStep, decision: str, hours: float | None = None
) -> tuple[str, MailActionToken]:
    """Create a link for `user` to take `decision` on `step`; returns the raw token (for the
    e-mail only, never stored) and its row. The caller commits."""
    if decision not in DECISIONS:
        raise ValueError(decision)
    if hours is None:
        hours = float(current_app.config.get("MAIL_LINK_HOURS") or 72)
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    request = step.request
    row = MailActionToken(
        token_hash=_hash(raw),
        user_id=user.id,
        request_id=request.id,
        step_id=step.id,
        round=step.round,
        request_version=request.version,
        decision=decision,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.session.add(row)
    return raw, row


def _find(raw: str) -> MailActionToken:
    """The token's row; anything unknown or malformed is simply "not found"."""
    if not raw or len(raw) > 100:
        raise NotFound(_("There is nothing at this address."))
    row = db.session.scalar(
        sa.select(MailActionToken).where(MailActionToken.token_hash == _hash(raw))
    )
    if row is None:
        raise NotFound(_("There is nothing at this address."))
    return row


def load(raw: str) -> Link:
    """Read a link for the confirm page: what it decides, on what, and whether it still can."""
    token = _find(raw)
    user = db.session.get(User, token.user_id)
    request = db.session.get(ApprovalRequest, token.request_id)
    step = db.session.get(ApprovalStep, token.step_id)
    if user is None or request is None or step is None:
        raise NotFound(_("There is nothing at this address."))
    state, message = _state(token, user, request, step)
    new_events = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ApprovalEvent)
        .where(ApprovalEvent.request_id == request.id, ApprovalEvent.at > token.created_at)
    )
    changed = (request.round, request.version) != (token.round, token.request_version)
    return Link(token, user, request, step, state, message, changed, new_events)


def _state(token, user, request, step) -> tuple[LinkState, str | None]:
    if token.used_at is not None:
        return LinkState.USED, _("This link was already used.")
    if step.status is not StepStatus.WAITING or not step.current:
        if step.decided_by is not None:
            return LinkState.DECIDED, _(
                "Already decided by %(name)s.", name=step.decided_by.full_name
            )
        return LinkState.DECIDED, _(
            "The request is no longer waiting for this step (%(status)s).",
            status=request.status.label,
        )
    if request.status is not RequestStatus.PENDING or request.round != token.round:
        return LinkState.DECIDED, _(
            "The request is no longer waiting for this step (%(status)s).",
            status=request.status.label,
        )
    if token.expires_at <= utcnow():
        return LinkState.EXPIRED, _("This link has expired. Open the request in KeyDesk instead.")
    if not user.active:
        return LinkState.EXPIRED, _("This link is no longer valid. Open the request in KeyDesk.")
    return LinkState.OPEN, None


def use(raw: str, comment: str | None) -> ApprovalRequest:
    """Take the link's decision as its user. The token is marked used by a conditional UPDATE
    in the decision's own transaction: if the decision fails, the link stays usable; if two
    posts race, one decides and the other is told the link was used.

    Raises LinkGone (used, expired, decided), NotFound (unknown token), and whatever
    `approvals.service.decide` raises (ValidationFailed for a missing reason, Forbidden)."""
    link = load(raw)
    if not link.is_open:
        raise LinkGone(link.message or "", link.state)
    token = link.token
    now = utcnow()
    claimed = db.session.execute(
        sa.update(MailActionToken)
        .where(
            MailActionToken.id == token.id,
            MailActionToken.used_at.is_(None),
            MailActionToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise LinkGone(_("This link was already used."), LinkState.USED)
    try:
        # decide() commits the step and this token together, or rolls both back.
        return approvals.decide(link.user, token.request_id, token.step_id, token.decision, comment)
    except approvals.AlreadyDecided as error:
        db.session.rollback()
        raise LinkGone(error.message, LinkState.DECIDED) from error
    except Exception:
        db.session.rollback()
        raise
