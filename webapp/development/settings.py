"""Settings of the development rules an administrator edits; code defaults until saved."""

from __future__ import annotations

from copy import deepcopy
from datetime import date

from flask_babel import gettext as _

from webapp.auth.models import Role
from webapp.common.errors import Forbidden, ValidationFailed
from webapp.development.models import DevelopmentSetting
from webapp.extensions import db

DEFAULTS: dict[str, object] = {
    # claims from the pool per salesperson per calendar month
    "claim_limit": 5,
    # days without a visit before the pool takes an account back, by sales tier ("" = no tier)
    "neglect_days": {"AAA": 60, "AA": 45, "A": 30, "B+": 30, "B": 21, "C": 14, "": 14},
    # days an unqualified lead stays with its owner before it returns to the pool
    "unqualified_days": 7,
    # the daily-lead rule: working days without a new lead before the supervisor is told
    "lead_gap_days": 3,
    "working_weekdays": [0, 1, 2, 3, 4],  # Monday = 0
    "holidays": [],  # ISO dates off work
    "extra_workdays": [],  # ISO dates worked although a weekend (调休)
    # credit grading (资信评估): criterion weights (sum 100), grade floors, limit in months
    "credit_weights": {"volume": 30, "payment": 50, "potential": 20},
    "credit_floors": {"green": 75, "yellow": 50},
    "credit_limit_months": {"green": 2, "yellow": 1, "red": 0},
}


def get_setting(key: str):
    row = db.session.get(DevelopmentSetting, key)
    return deepcopy(row.value) if row is not None else deepcopy(DEFAULTS[key])


def all_settings() -> dict[str, object]:
    stored = {r.key: r.value for r in db.session.scalars(db.select(DevelopmentSetting))}
    return {k: deepcopy(stored.get(k, v)) for k, v in DEFAULTS.items()}


def put_setting(key: str, value) -> None:
    """Store a checked value; the caller validated it and commits."""
    row = db.session.get(DevelopmentSetting, key)
    if row is None:
        db.session.add(DevelopmentSetting(key=key, value=value))
    else:
        row.value = value


def save_settings(actor, data: dict) -> dict:
    """Check and store the pool and daily-lead settings (the administrator's)."""
    if actor.role is not Role.ADMIN:
        raise Forbidden(_("Only the administrator edits these settings."))
    errors: dict[str, str] = {}

    def whole(name: str, low: int, high: int) -> int | None:
        raw = str(data.get(name) or "").strip()
        if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
            errors[name] = _("A whole number from %(low)s to %(high)s.", low=low, high=high)
            return None
        return int(raw)

    clean: dict[str, object] = {
        "claim_limit": whole("claim_limit", 1, 100),
        "unqualified_days": whole("unqualified_days", 0, 365),
        "lead_gap_days": whole("lead_gap_days", 1, 30),
        "neglect_days": {
            t: whole(f"neglect_{t or 'none'}", 1, 365) for t in DEFAULTS["neglect_days"]
        },
    }
    clean["credit_weights"] = {
        k: whole(f"credit_weight_{k}", 0, 100) for k in ("volume", "payment", "potential")
    }
    if (
        None not in clean["credit_weights"].values()
        and sum(clean["credit_weights"].values()) != 100
    ):
        errors["credit_weights"] = _("The credit weights must add up to 100.")
    clean["credit_floors"] = {k: whole(f"credit_floor_{k}", 1, 100) for k in ("green", "yellow")}
    floors = clean["credit_floors"]
    if None not in floors.values() and floors["yellow"] >= floors["green"]:
        errors["credit_floor_yellow"] = _("The yellow floor must be below the green one.")
    clean["credit_limit_months"] = {
        k: whole(f"credit_months_{k}", 0, 24) for k in ("green", "yellow", "red")
    }
    weekdays = [
        int(d)
        for d in data.get("working_weekdays", [])
        if str(d).isascii() and str(d).isdigit() and int(d) < 7
    ]
    if not weekdays:
        errors["working_weekdays"] = _("Choose at least one working day.")
    clean["working_weekdays"] = sorted(set(weekdays))
    for name in ("holidays", "extra_workdays"):
        days = []
        for line in str(data.get(name) or "").replace("，", ",").replace(",", "\n").splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                days.append(date.fromisoformat(line).isoformat())
            except ValueError:
                errors[name] = _("Write dates as 2026-10-01, one per line.")
        clean[name] = sorted(set(days))
    if errors:
        raise ValidationFailed(errors)
    for key, value in clean.items():
        put_setting(key, value)
    db.session.commit()
    return clean
