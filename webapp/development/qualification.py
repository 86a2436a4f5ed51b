"""MAN qualification (seed 001): Money (budget), Authority (decision power), Need, each with its
evidence and the date it was learnt. One failed indicator vetoes the lead (关键指标一票否决): it
is marked unqualified with the reason, cannot leave stage 1 or get a contract submitted until a
later qualification passes. Every qualification is kept."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp import audit
from webapp.accounts.models import Account
from webapp.accounts.service import get_account
from webapp.auth.models import User
from webapp.common.errors import ValidationFailed
from webapp.common.timeutil import local_today
from webapp.development.models import ManQualification, Qualification
from webapp.development.profiles import profile_for
from webapp.extensions import db

INDICATORS = {
    "money": _l("Money (budget)"),
    "authority": _l("Authority (decision power)"),
    "need": _l("Need"),
}


def verdict(answers: dict[str, bool]) -> Qualification:
    """All three indicators pass: qualified; any one fails: unqualified (the veto)."""
    if any(answers[k] is False for k in INDICATORS):
        return Qualification.UNQUALIFIED
    return Qualification.QUALIFIED


def _check(data: dict) -> dict:
    errors, clean = {}, {}
    today = local_today()
    for key, label in INDICATORS.items():
        answer = data.get(key)
        if answer not in ("yes", "no", True, False):
            errors[key] = _("Say whether %(indicator)s is met.", indicator=label)
        else:
            clean[key] = answer in ("yes", True)
        evidence = (data.get(f"{key}_evidence") or "").strip()
        if not evidence:
            errors[f"{key}_evidence"] = _("Give the evidence for %(indicator)s.", indicator=label)
        elif len(evidence) > 300:
            errors[f"{key}_evidence"] = _("At most 300 characters.")
        clean[f"{key}_evidence"] = evidence
        learnt = data.get(f"{key}_on")
        if not isinstance(learnt, date):
            errors[f"{key}_on"] = _("Give the date the evidence was learnt.")
        elif learnt > today:
            errors[f"{key}_on"] = _("The date cannot be in the future.")
        clean[f"{key}_on"] = learnt
    if errors:
        raise ValidationFailed(errors)
    return clean


def qualify(actor: User, account_id: int, data: dict) -> ManQualification:
    """Record a MAN qualification and apply its verdict to the account (see module docstring)."""
    account = get_account(actor, account_id, for_edit=True)
    clean = _check(data)
    result = verdict(clean)
    failed = [str(INDICATORS[k]) for k in INDICATORS if not clean[k]]
    reason = None
    if failed:
        reason = _("Veto: %(failed)s not met", failed="、".join(failed))
        reason += " — " + "；".join(clean[f"{k}_evidence"] for k in INDICATORS if not clean[k])
        reason = reason[:300]
    record = ManQualification(
        account_id=account.id, by_id=actor.id, result=result, reason=reason, **clean
    )
    db.session.add(record)
    profile = profile_for(account)
    before = {"development.qualification": audit.display_value(profile.qualification)}
    profile.qualification = result
    profile.qualification_reason = reason
    account.man_money, account.man_authority, account.man_need = (
        clean["money"],
        clean["authority"],
        clean["need"],
    )
    db.session.flush()
    audit.record_changes(
        actor=actor,
        entity_type="development",
        entity_id=account.id,
        account_id=account.id,
        before=before,
        after={"development.qualification": result.value},
        version=account.version,
    )
    db.session.commit()
    return record


def qualifications(account: Account) -> list[ManQualification]:
    return list(
        db.session.scalars(
            sa.select(ManQualification)
            .where(ManQualification.account_id == account.id)
            .order_by(ManQualification.at.desc(), ManQualification.id.desc())
        )
    )


def on_contract_checked(contract, **_kw) -> dict[str, str]:
    """`contracts.signals.submission_checked`: a vetoed account gets no contract submitted."""
    profile = profile_for(contract.account_id, create=False)
    if profile is not None and profile.qualification is Qualification.UNQUALIFIED:
        return {
            "qualification": _(
                "The client failed the MAN qualification (%(reason)s); re-qualify it before "
                "submitting a contract.",
                reason=profile.qualification_reason or "",
            )
        }
    return {}
