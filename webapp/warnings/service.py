"""Rules for early warnings: evaluation, who sees and handles which warning, thresholds, and
major events reported on an account.

Evaluation (`evaluate`, run by `flask warnings run` from cron, or an admin's button) is
idempotent: per rule, the warnings that hold now are compared with those on record by
(account, subject). A warning that still holds keeps its id and status and gets fresh figures; a
new one opens; one that no longer holds closes itself (status cleared). A warning a person
resolved while it still held stays resolved until the condition goes away and comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from webapp import audit
from webapp.accounts.models import Account
from webapp.accounts.service import can_edit, get_account
from webapp.auth.models import Role, User
from webapp.common.errors import Forbidden, NotFound, ValidationFailed
from webapp.common.timeutil import local_today, to_local, utcnow
from webapp.extensions import db
from webapp.filters import money
from webapp.warnings.models import (
    EarlyWarning,
    EventKind,
    MajorEvent,
    RuleKey,
    WarningRule,
    WarningStatus,
)
from webapp.warnings.rules import RULES, Context
from webapp.warnings.signals import job_ran

OPEN_STATUSES = (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED)
LEADERS = frozenset({Role.SUPERVISOR, Role.DEPARTMENT_HEAD})


# --- thresholds -------------------------------------------------------------------------------


@dataclass
class RuleSetting:
    key: RuleKey
    enabled: bool
    threshold: int
    window_days: int | None

    @property
    def spec(self):
        return RULES[self.key]


def _default_threshold(key: RuleKey) -> int:
    if key is RuleKey.CONTRACT_EXPIRING:
        from webapp.contracts.service import expiry_window

        return expiry_window()
    return RULES[key].threshold


def rule_settings() -> list[RuleSetting]:
    stored = {r.key: r for r in db.session.scalars(sa.select(WarningRule))}
    settings = []
    for key, spec in RULES.items():
        row = stored.get(key)
        settings.append(
            RuleSetting(
                key,
                row.enabled if row else True,
                row.threshold if row else _default_threshold(key),
                (row.window_days if row else spec.window_days)
                if spec.window_days is not None
                else None,
            )
        )
    return settings


def update_rules(actor: User, data: dict[str, str]) -> list[RuleSetting]:
    """Admins set each rule's switch, threshold and window (form fields `<key>-enabled`,
    `<key>-threshold`, `<key>-window`). Thresholds are whole numbers 0–100000."""
    if actor.role is not Role.ADMIN:
        raise Forbidden(_("Only an administrator changes warning thresholds."))
    errors, values = {}, {}
    for setting in rule_settings():
        key = setting.key.value
        parsed = {}
        for name in ("threshold", "window"):
            if name == "window" and setting.window_days is None:
                continue
            raw = (data.get(f"{key}-{name}") or "").strip()
            if not (raw.isascii() and raw.isdigit()) or not 0 <= int(raw) <= 100000:
                errors[f"{key}-{name}"] = _("Enter a whole number from 0 to 100000.")
                continue
            parsed[name] = int(raw)
        if parsed.get("window") == 0:
            errors[f"{key}-window"] = _("The window is at least one day.")
        values[setting.key] = (bool(data.get(f"{key}-enabled")), parsed)
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    for key, (enabled, parsed) in values.items():
        row = db.session.get(WarningRule, key)
        if row is None:
            row = WarningRule(key=key, threshold=0)
            db.session.add(row)
        before = {"enabled": row.enabled, "threshold": row.threshold, "window": row.window_days}
        row.enabled = enabled
        row.threshold = parsed["threshold"]
        row.window_days = parsed.get("window")
        row.updated_by_id, row.updated_at = actor.id, now
        after = {"enabled": row.enabled, "threshold": row.threshold, "window": row.window_days}
        if before != after:
            audit.record_changes(
                actor=actor,
                entity_type="warning_rule",
                entity_id=list(RuleKey).index(key) + 1,
                account_id=None,
                before={k: audit.display_value(v) for k, v in before.items()},
                after={k: audit.display_value(v) for k, v in after.items()},
                version=None,
            )
    db.session.commit()
    return rule_settings()


# --- evaluation -------------------------------------------------------------------------------


def _plain(value) -> object:
    """A figure as JSON keeps it: money in fen as a whole number, dates as ISO text."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


HIT_COLUMNS = ("account_id", "subject", "assignee_id", "assignee_role", "department_id")


@dataclass
class RunSummary:
    raised: int = 0
    updated: int = 0
    cleared: int = 0
    holding: int = 0


def evaluate(now: datetime | None = None, only: set[RuleKey] | None = None) -> RunSummary:
    """Run every enabled rule (or `only` these) over all accounts; see the module docstring."""
    now = now or utcnow()
    today = to_local(now).date()
    summary = RunSummary()
    _one_run_at_a_time()
    for setting in rule_settings():
        if only is not None and setting.key not in only:
            continue
        hits: dict[tuple[int, str], dict] = {}
        if setting.enabled:
            ctx = Context(today, now, setting.threshold, setting.window_days)
            for row in db.session.execute(setting.spec.query(ctx)).mappings():
                figures = {k: _plain(v) for k, v in row.items() if k not in HIT_COLUMNS}
                role = row["assignee_role"]
                hits[(row["account_id"], row["subject"] or "")] = {
                    "figures": figures,
                    "assignee_id": row["assignee_id"],
                    "assignee_role": Role(role) if role else None,
                    "department_id": row["department_id"],
                }
        _reconcile(setting.key, hits, now, summary)
    db.session.commit()
    job_ran.send(None, now=now)  # the other areas' periodic rules, after this commit
    return summary


def _one_run_at_a_time() -> None:
    """Two overlapping runs (cron and the admin's button) must not both raise the same
    warning: the second waits for the first's transaction. PostgreSQL: an advisory lock;
    SQLite: taking the write lock at once (a write statement that changes nothing)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(6051)"))
    else:
        db.session.execute(
            sa.update(WarningRule).where(WarningRule.key.is_(None)).values(enabled=True)
        )


def _reconcile(rule: RuleKey, hits: dict, now: datetime, summary: RunSummary) -> None:
    held = {
        (w.account_id, w.subject): w
        for w in db.session.execute(
            sa.select(
                EarlyWarning.id,
                EarlyWarning.account_id,
                EarlyWarning.subject,
                EarlyWarning.figures,
                EarlyWarning.status,
                EarlyWarning.assignee_id,
                EarlyWarning.assignee_role,
                EarlyWarning.department_id,
            ).where(EarlyWarning.rule == rule, EarlyWarning.holding.is_(True))
        )
    }
    new_rows, changed, gone_open, gone_closed = [], [], [], []
    for key, hit in hits.items():
        current = held.get(key)
        if current is None:
            new_rows.append(
                {
                    "rule": rule,
                    "account_id": key[0],
                    "subject": key[1],
                    "status": WarningStatus.OPEN,
                    "holding": True,
                    "raised_at": now,
                    "updated_at": now,
                    **hit,
                }
            )
        elif (
            current.figures != hit["figures"]
            or current.assignee_id != hit["assignee_id"]
            or current.assignee_role != hit["assignee_role"]
            or current.department_id != hit["department_id"]
        ):
            changed.append({"id": current.id, "updated_at": now, **hit})
    for key, current in held.items():
        if key not in hits:
            (gone_open if current.status in OPEN_STATUSES else gone_closed).append(current.id)
    for start in range(0, len(new_rows), 1000):
        db.session.execute(sa.insert(EarlyWarning), new_rows[start : start + 1000])
    for start in range(0, len(changed), 1000):
        db.session.execute(sa.update(EarlyWarning), changed[start : start + 1000])
    for ids, values in (
        (gone_open, {"holding": False, "status": WarningStatus.CLEARED, "closed_at": now}),
        (gone_closed, {"holding": False}),
    ):
        for start in range(0, len(ids), 500):
            db.session.execute(
                sa.update(EarlyWarning)
                .where(EarlyWarning.id.in_(ids[start : start + 500]))
                .values(**values, updated_at=now)
            )
    summary.raised += len(new_rows)
    summary.updated += len(changed)
    summary.cleared += len(gone_open)
    summary.holding += len(hits)


# --- reading and handling ---------------------------------------------------------------------


def _routed_to(user: User) -> sa.ColumnElement[bool]:
    """Warnings this user must act on: named to them, or to their role (in their department,
    for department roles)."""
    by_role = sa.and_(
        EarlyWarning.assignee_id.is_(None),
        EarlyWarning.assignee_role == user.role,
        sa.or_(
            EarlyWarning.department_id.is_(None),
            EarlyWarning.department_id == user.department_id,
        ),
    )
    return sa.or_(EarlyWarning.assignee_id == user.id, by_role)


def open_for(user: User) -> sa.Select:
    """Open and acknowledged warnings the user must act on (unordered, for lists and counts)."""
    return sa.select(EarlyWarning).where(_routed_to(user), EarlyWarning.status.in_(OPEN_STATUSES))


def warnings_for(user: User, limit: int = 50) -> list[EarlyWarning]:
    """The home page list: open and acknowledged warnings the user must act on."""
    return list(
        db.session.scalars(
            open_for(user)
            .order_by(EarlyWarning.raised_at.desc(), EarlyWarning.id.desc())
            .limit(limit)
        )
    )


def account_warnings(user: User, account: Account, limit: int = 50) -> list[EarlyWarning]:
    return list(
        db.session.scalars(
            sa.select(EarlyWarning)
            .where(EarlyWarning.account_id == account.id)
            .options(*row_loads())
            .order_by(
                sa.case((EarlyWarning.status.in_(OPEN_STATUSES), 0), else_=1),
                EarlyWarning.raised_at.desc(),
            )
            .limit(limit)
        )
    )


def can_handle(user: User, warning: EarlyWarning) -> bool:
    """The person who must act, anyone of the role it is routed to, or a leader of the
    account's department."""
    if warning.assignee_id == user.id:
        return True
    if warning.assignee_id is None and warning.assignee_role is user.role:
        return warning.department_id in (None, user.department_id)
    return user.role in LEADERS and warning.account.department_id == user.department_id


def handle_warning(user: User, warning_id: int, action: str, note: str | None) -> EarlyWarning:
    """Acknowledge (I am on it) or resolve (dealt with) a warning, with an optional note."""
    warning = db.session.get(EarlyWarning, warning_id)
    if warning is None:
        raise NotFound(_("No such warning."))
    get_account(user, warning.account_id, missing=_("No such warning."))  # hidden = missing
    if not can_handle(user, warning):
        raise Forbidden(_("This warning is for someone else."))
    note = (note or "").strip()[:1000] or None
    if action not in ("acknowledge", "resolve"):
        raise ValidationFailed({"action": _("Choose acknowledge or resolve.")})
    if not warning.is_open:
        raise ValidationFailed({"action": _("This warning is already closed.")})
    now = utcnow()
    before = warning.status
    if action == "acknowledge":
        warning.status = WarningStatus.ACKNOWLEDGED
    else:
        warning.status = WarningStatus.RESOLVED
        warning.closed_at = now
    if note:
        warning.note = note
    warning.handled_by_id, warning.handled_at = user.id, now
    audit.record_changes(
        actor=user,
        entity_type="warning",
        entity_id=warning.id,
        account_id=warning.account_id,
        before={"warning.status": before.value},
        after={"warning.status": warning.status.value, "warning.note": note},
        subject=warning.rule.value,  # the history names it by the rule's label
        version=None,
    )
    db.session.commit()
    return warning


def describe(warning: EarlyWarning) -> str:
    """The warning's figures in words, in the reader's language."""
    shown = {}
    for name, value in (warning.figures or {}).items():
        if name.endswith("_fen"):
            shown[name[:-4]] = money((Decimal(int(value or 0)) / 100).quantize(Decimal("0.01")))
        elif name.endswith("_qty"):
            shown[name] = _quantity(value)
        elif name == "kind":
            shown[name] = EventKind(value).label if value in EventKind._value2member_map_ else value
        elif name == "due_at" and value:
            shown[name] = to_local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
        else:
            shown[name] = value
    try:
        return str(RULES[warning.rule].message) % shown
    except (KeyError, TypeError, ValueError):
        return ", ".join(f"{k}: {v}" for k, v in shown.items())


def _quantity(fen) -> str:
    text = f"{(Decimal(int(fen or 0)) / 100).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def who_must_act(warning: EarlyWarning) -> str:
    if warning.assignee is not None:
        return warning.assignee.full_name
    if warning.assignee_role is not None:
        return warning.assignee_role.label
    return "—"


@dataclass(frozen=True)
class WarningRow:
    """A warning as its row (home page, account tab) shows it to one reader."""

    warning: EarlyWarning
    description: str  # the figures in words (`describe`)
    who_must_act: str
    can_handle: bool  # the reader may acknowledge or resolve it (`can_handle`)


def row_loads() -> tuple:
    """Loader options for warnings shown as rows: the account, who must act and who handled
    it come in the same query (a row names all three)."""
    return (
        joinedload(EarlyWarning.account),
        joinedload(EarlyWarning.assignee),
        joinedload(EarlyWarning.handled_by),
    )


def warning_row(user: User, warning: EarlyWarning) -> WarningRow:
    return WarningRow(warning, describe(warning), who_must_act(warning), can_handle(user, warning))


def warning_rows(user: User, warnings: list[EarlyWarning]) -> list[WarningRow]:
    return [warning_row(user, warning) for warning in warnings]


# --- major events -----------------------------------------------------------------------------


def report_event(actor: User, account_id: int, data: dict) -> MajorEvent:
    """A salesperson on the account reports a major event; the warning opens at once."""
    account = get_account(actor, account_id, for_edit=True)
    if not can_edit(actor, account):
        raise Forbidden(_("Only the account's team reports events on it."))
    errors = {}
    kind = data.get("kind")
    if kind not in {k.value for k in EventKind}:
        errors["kind"] = _("Choose what happened.")
    description = (data.get("description") or "").strip()
    if not description:
        errors["description"] = _("Describe what happened.")
    occurred_on = data.get("occurred_on") or local_today()
    if isinstance(occurred_on, date) and occurred_on > local_today():
        errors["occurred_on"] = _("The event cannot be in the future.")
    if errors:
        raise ValidationFailed(errors)
    event = MajorEvent(
        account_id=account.id,
        kind=EventKind(kind),
        occurred_on=occurred_on,
        description=description[:2000],
        reported_by_id=actor.id,
    )
    db.session.add(event)
    db.session.flush()
    audit.record_changes(
        actor=actor, entity_type="major_event", entity_id=event.id, account_id=account.id,
        before={}, after={
            "major_event.kind": event.kind.value,
            "major_event.occurred_on": audit.display_value(event.occurred_on),
            "major_event.description": event.description,
        },
        version=None, action="add",
    )  # fmt: skip
    db.session.commit()
    evaluate(only={RuleKey.MAJOR_EVENT})
    return event


def account_events(account: Account, limit: int = 20) -> list[MajorEvent]:
    return list(
        db.session.scalars(
            sa.select(MajorEvent)
            .where(MajorEvent.account_id == account.id)
            .order_by(MajorEvent.occurred_on.desc(), MajorEvent.id.desc())
            .limit(limit)
        )
    )


def get_warning(warning_id: int) -> EarlyWarning:
    warning = db.session.get(EarlyWarning, warning_id)
    if warning is None:
        raise NotFound(_("No such warning."))
    return warning
