"""The administrator's approval settings: thresholds, step deadlines, and the reminders of the
10-day credit rule (DOMAIN.md: thresholds are the administrator's). Each save adds a version;
requests keep the version they were filed under, so a change applies to requests filed after
it. Every change is audited field by field."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.approvals.models import ApprovalSettings
from webapp.approvals.workflow import current_settings
from webapp.audit import record_changes, snapshot
from webapp.auth.models import Role, User
from webapp.common.errors import Forbidden, ValidationFailed
from webapp.contracts.lines import MAX_TOTAL, parse_decimal
from webapp.extensions import db

FIELDS = (
    "support_executive_threshold",
    "contract_executive_threshold",
    "attack_executive_threshold",
    "support_step_days",
    "credit_step_days",
    "contract_step_days",
    "credit_reminder_days",
)
AMOUNT_FIELDS = (
    "support_executive_threshold",
    "contract_executive_threshold",
    "attack_executive_threshold",
)
STEP_DAY_FIELDS = ("support_step_days", "credit_step_days", "contract_step_days")
MAX_STEP_DAYS = 30
CREDIT_DEADLINE_DAYS = 10  # seed 001: 信用调整的时间不得多于10日


def settings_versions(limit: int = 20) -> list[ApprovalSettings]:
    """The saved versions, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApprovalSettings).order_by(ApprovalSettings.id.desc()).limit(limit)
        )
    )


def settings_form_data() -> dict[str, str]:
    """The settings in force, as the form shows them (amounts with separators)."""
    current = current_settings()
    data = {name: getattr(current, name) for name in FIELDS}
    for name in AMOUNT_FIELDS:
        data[name] = f"{data[name]:,.2f}" if data[name] is not None else ""
    return {k: str(v) for k, v in data.items()}


def _amount(raw: str | None, label: str, errors: dict, name: str, *, required: bool):
    text = (raw or "").strip()
    if not text:
        if required:
            errors[name] = _("%(label)s is required.", label=label)
        return None
    value, error = parse_decimal(text, maximum=MAX_TOTAL, label=label)
    if error:
        errors[name] = error
    return value


def _days(raw: str | None, errors: dict, name: str) -> int | None:
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_STEP_DAYS:
        errors[name] = _("A whole number of days from 1 to %(n)d.", n=MAX_STEP_DAYS)
        return None
    return int(text)


def _reminders(raw: str | None, errors: dict) -> str | None:
    """ "3,1" (also with 、，or spaces): distinct days before the 10-day credit deadline."""
    text = str(raw or "")
    for separator in ("，", "、", " ", ";", "；"):
        text = text.replace(separator, ",")
    parts = [p for p in text.split(",") if p]
    days = []
    for part in parts:
        if not (part.isascii() and part.isdigit()) or not 1 <= int(part) < CREDIT_DEADLINE_DAYS:
            errors["credit_reminder_days"] = _(
                "Reminder days are whole numbers from 1 to %(n)d, separated by commas.",
                n=CREDIT_DEADLINE_DAYS - 1,
            )
            return None
        days.append(int(part))
    if len(days) > 5:
        errors["credit_reminder_days"] = _("At most %(n)d reminders.", n=5)
        return None
    return ",".join(str(d) for d in sorted(set(days), reverse=True))


def save_settings(admin: User, data: dict) -> ApprovalSettings:
    """Validate and save a new version of the approval settings (administrator only). Nothing
    is stored when a value is wrong or nothing changed."""
    if admin.role is not Role.ADMIN:
        raise Forbidden(_("Only the administrator changes approval settings."))
    errors: dict[str, str] = {}
    values = {
        "support_executive_threshold": _amount(
            data.get("support_executive_threshold"),
            _("Support budget needing the executive"),
            errors,
            "support_executive_threshold",
            required=True,
        ),
        "contract_executive_threshold": _amount(
            data.get("contract_executive_threshold"),
            _("Contract total needing the executive"),
            errors,
            "contract_executive_threshold",
            required=False,
        ),
        "attack_executive_threshold": _amount(
            data.get("attack_executive_threshold"),
            _("Attack plan expenses needing the executive"),
            errors,
            "attack_executive_threshold",
            required=False,
        ),
        **{name: _days(data.get(name), errors, name) for name in STEP_DAY_FIELDS},
        "credit_reminder_days": _reminders(data.get("credit_reminder_days"), errors),
    }
    if errors:
        raise ValidationFailed(errors)
    before = current_settings()
    if all(_same(getattr(before, k), v) for k, v in values.items()):
        raise ValidationFailed({"support_executive_threshold": _("Nothing was changed.")})
    row = ApprovalSettings(created_by_id=admin.id, **values)
    db.session.add(row)
    db.session.flush()
    record_changes(
        actor=admin,
        entity_type="approval_settings",
        entity_id=row.id,
        account_id=None,
        before=snapshot(before, FIELDS),
        after=snapshot(row, FIELDS),
        version=row.id,
    )
    db.session.commit()
    return row


def _same(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return old is not None and new is not None and Decimal(old) == Decimal(new)
    return old == new
