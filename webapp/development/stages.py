"""The five development stages of seed 001 (大客户开发流程) with their key words and tasks as
checklists, then maintenance / re-development after signing.

Moving forward warns about unchecked items of the stages left behind (the mover confirms and
the unchecked items are recorded); leaving stage 1 needs a passed MAN qualification and a
vetoed account moves no further forward; moving backwards, giving up and reopening need a
reason. Every move records who made it (StageMove + the account's history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from webapp import audit
from webapp.accounts.models import Account, Stage
from webapp.accounts.service import get_account
from webapp.auth.models import User
from webapp.common.errors import DomainError, ValidationFailed
from webapp.common.timeutil import local_today, utcnow
from webapp.development.models import MoveKind, Qualification, StageCheck, StageMove
from webapp.development.profiles import profile_for
from webapp.extensions import db

KEY_WORDS = {
    Stage.TARGET: _l("Potential need"),
    Stage.INFORMATION: _l("Coach; information complete"),
    Stage.EVALUATION: _l("Deal value; development programme"),
    Stage.RELATIONSHIP: _l("Contact approach; decision simulation; steady penetration"),
    Stage.CLOSING: _l("Site visit; contract signed"),
    Stage.MAINTENANCE: _l("Cooperation evaluation; new needs"),
}

CHECKLISTS: dict[Stage, list[tuple[str, object]]] = {
    Stage.TARGET: [
        ("need_known", _l("Potential need understood (why add or change a supplier, how urgent)")),
        ("profile_known", _l("Business age, size and current situation known")),
        ("first_contact", _l("First conversation held")),
        ("opportunity_judged", _l("Chance of a deal judged")),
    ],
    Stage.INFORMATION: [
        ("samples_sent", _l("Samples and materials delivered")),
        ("coach_identified", _l("Coach identified inside the client")),
        ("decision_maker_file", _l("Decision-maker file complete")),
        ("purchasing_process", _l("Purchasing process known")),
        ("suppliers_known", _l("Current suppliers and their share known")),
        ("cycle_payment_known", _l("Decision cycle and payment habits known")),
    ],
    Stage.EVALUATION: [
        ("value_assessed", _l("Value assessment done")),
        (
            "programme_designed",
            _l("Development programme designed (tasks, people, support, timing)"),
        ),
        ("coach_agrees", _l("Programme reviewed with the coach")),
    ],
    Stage.RELATIONSHIP: [
        ("contact_plan", _l("Way of contacting the key decision maker designed")),
        ("decision_simulation", _l("Decision simulation done (why choose us, why help us)")),
        ("penetration_assessed", _l("Supporting and opposing forces assessed")),
        ("top_meeting", _l("Our management met the decision maker where needed")),
        ("tailored_materials", _l("Quotation with tailored company materials delivered")),
    ],
    Stage.CLOSING: [
        ("site_visit", _l("Site visit or factory audit held")),
        ("visit_follow_up", _l("Findings of the visit followed up")),
        ("deal_proposed", _l("Deal proposed")),
        ("contract_signed", _l("Contract signed")),
    ],
    Stage.MAINTENANCE: [
        ("cooperation_evaluated", _l("Cooperation evaluated")),
        ("new_needs", _l("New needs identified for re-development")),
    ],
}
STAGES = list(Stage)
ITEM_STAGE = {key: stage for stage, items in CHECKLISTS.items() for key, _label in items}
ITEM_LABEL = {key: label for items in CHECKLISTS.values() for key, label in items}


class NeedsConfirmation(DomainError):
    """A forward move leaves checklist items unchecked; the mover must confirm."""

    def __init__(self, message: str, unchecked: list[str]) -> None:
        super().__init__(message)
        self.unchecked = unchecked


@dataclass
class ChecklistItem:
    key: str
    label: str
    checked: bool
    by: str | None = None


def checked_items(account_id: int) -> dict[str, StageCheck]:
    return {
        c.item: c
        for c in db.session.scalars(
            sa.select(StageCheck).where(StageCheck.account_id == account_id)
        )
    }


def checklist(account: Account, stage: Stage | None = None) -> list[ChecklistItem]:
    stage = stage or account.stage
    done = checked_items(account.id)
    return [ChecklistItem(k, str(label), k in done) for k, label in CHECKLISTS[stage]]


def set_item(actor: User, account_id: int, item: str, checked: bool) -> Account:
    account = get_account(actor, account_id, for_edit=True)
    if item not in ITEM_STAGE:
        raise ValidationFailed({"item": _("No such checklist item.")})
    existing = db.session.get(StageCheck, (account.id, item))
    if checked and existing is None:
        db.session.add(StageCheck(account_id=account.id, item=item, by_id=actor.id))
    elif not checked and existing is not None:
        db.session.delete(existing)
    else:
        return account
    audit.record_changes(
        actor=actor,
        entity_type="development",
        entity_id=account.id,
        account_id=account.id,
        before={"development.checklist": None if checked else str(ITEM_LABEL[item])},
        after={"development.checklist": str(ITEM_LABEL[item]) if checked else None},
        version=account.version,
        action="add" if checked else "remove",
    )
    db.session.commit()
    return account


def unchecked_between(account_id: int, start: Stage, end: Stage) -> list[str]:
    """Labels of the unchecked items of the stages from `start` up to, not including, `end`."""
    done = checked_items(account_id)
    stages = STAGES[STAGES.index(start) : STAGES.index(end)]
    return [str(label) for s in stages for k, label in CHECKLISTS[s] if k not in done]


def move_refusal(account: Account, to: Stage) -> str | None:
    """Why a forward move is not allowed at all (qualification), or None."""
    profile = profile_for(account.id, create=False)
    qualification = profile.qualification if profile else Qualification.PENDING
    if STAGES.index(to) <= 0:
        return None
    if qualification is Qualification.UNQUALIFIED:
        return _(
            "The lead failed the MAN qualification (%(reason)s); re-qualify it before it moves "
            "past stage 1.",
            reason=(profile.qualification_reason if profile else "") or "",
        )
    if account.stage is Stage.TARGET and qualification is not Qualification.QUALIFIED:
        return _("Qualify the lead (MAN) before it leaves stage 1.")
    return None


def move(
    actor: User,
    account_id: int,
    to: Stage,
    *,
    expected: Stage | None = None,
    reason: str = "",
    confirm: bool = False,
) -> StageMove:
    """Move the account to stage `to` (module docstring). `expected` is the stage the mover saw:
    if someone moved the account meanwhile, nothing changes and they are told."""
    account = get_account(actor, account_id, for_edit=True)
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ValidationFailed({"reason": _("At most 300 characters.")})
    if expected is not None and account.stage is not expected:
        raise DomainError(
            _("Someone moved this account to %(stage)s meanwhile.", stage=account.stage.label)
        )
    if account.abandoned:
        raise DomainError(_("The account was given up; reopen it first."))
    if to is account.stage:
        raise ValidationFailed({"to": _("The account is already in this stage.")})
    forward = STAGES.index(to) > STAGES.index(account.stage)
    unchecked: list[str] = []
    if forward:
        refusal = move_refusal(account, to)
        if refusal:
            raise DomainError(refusal)
        unchecked = unchecked_between(account.id, account.stage, to)
        if unchecked and not confirm:
            raise NeedsConfirmation(
                _("%(count)s checklist items are not done yet.", count=len(unchecked)), unchecked
            )
    elif not reason:
        raise ValidationFailed({"reason": _("Say why the account moves back.")})
    kind = MoveKind.FORWARD if forward else MoveKind.BACKWARD
    return _apply_move(actor, account, to, kind, reason or None, unchecked)


def _apply_move(actor, account, to, kind, reason, unchecked) -> StageMove:
    before = audit.snapshot(account, ["stage", "abandoned", "abandon_reason"])
    record = StageMove(
        account_id=account.id,
        by_id=actor.id,
        kind=kind,
        from_stage=account.stage,
        to_stage=to,
        reason=reason,
        unchecked=unchecked or None,
    )
    account.stage = to
    if kind is MoveKind.ABANDON:
        account.abandoned, account.abandon_reason = True, reason
    elif kind is MoveKind.REOPEN:
        account.abandoned, account.abandon_reason = False, None
    account.updated_at = utcnow()
    profile_for(account).stage_since = utcnow()
    db.session.add(record)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise DomainError(_("The account changed meanwhile; reload the page.")) from None
    audit.record_changes(
        actor=actor,
        entity_type="account",
        entity_id=account.id,
        account_id=account.id,
        before=before,
        after=audit.snapshot(account, ["stage", "abandoned", "abandon_reason"]),
        version=account.version,
    )
    db.session.commit()
    return record


def give_up(actor: User, account_id: int, reason: str) -> StageMove:
    """放弃: the account stays in its stage, marked given up, with the reason."""
    account = get_account(actor, account_id, for_edit=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Say why the account is given up.")})
    if len(reason) > 200:
        raise ValidationFailed({"reason": _("At most 200 characters.")})
    if account.abandoned:
        raise DomainError(_("The account was given up already."))
    return _apply_move(actor, account, account.stage, MoveKind.ABANDON, reason, [])


def reopen(actor: User, account_id: int, reason: str) -> StageMove:
    account = get_account(actor, account_id, for_edit=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Say why the account is taken up again.")})
    if not account.abandoned:
        raise DomainError(_("The account is not given up."))
    return _apply_move(actor, account, account.stage, MoveKind.REOPEN, reason[:300], [])


def moves(account: Account) -> list[StageMove]:
    return list(
        db.session.scalars(
            sa.select(StageMove)
            .where(StageMove.account_id == account.id)
            .order_by(StageMove.at.desc(), StageMove.id.desc())
        )
    )


def set_forecast(actor: User, account_id: int, data: dict) -> Account:
    """销售机会及成交时间: expected annual value (≥ 0) and close month (not before this one)."""
    account = get_account(actor, account_id, for_edit=True)
    errors = {}
    value = data.get("expected_value")
    if value is not None and not isinstance(value, Decimal):
        errors["expected_value"] = _("Enter an amount.")
    elif value is not None and (value < 0 or value >= Decimal("1e13")):
        errors["expected_value"] = _("Enter an amount from 0 to 9,999,999,999,999.")
    month = data.get("expected_close")
    if month is not None:
        if not isinstance(month, date):
            errors["expected_close"] = _("Enter a month.")
        else:
            month = month.replace(day=1)
            if month < local_today().replace(day=1):
                errors["expected_close"] = _("The expected close month cannot be in the past.")
    if errors:
        raise ValidationFailed(errors)
    profile = profile_for(account)
    before = {
        "development.expected_value": audit.display_value(profile.expected_value),
        "development.expected_close": audit.display_value(profile.expected_close),
    }
    profile.expected_value = value.quantize(Decimal("0.01")) if value is not None else None
    profile.expected_close = month
    db.session.flush()
    audit.record_changes(
        actor=actor,
        entity_type="development",
        entity_id=account.id,
        account_id=account.id,
        before=before,
        after={
            "development.expected_value": audit.display_value(profile.expected_value),
            "development.expected_close": audit.display_value(profile.expected_close),
        },
        version=account.version,
    )
    db.session.commit()
    return account
