from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from webapp.accounts.forms import strip
from webapp.approvals.models import ForceSide, ForceStrength
from webapp.common.ids import coerce_id, parse_id
from webapp.plans.models import Frequency
from webapp.plans.service import ItemInput, ReviewInput
from webapp.submissions import SubmissionKeyField


class PlanItemForm(FlaskForm):
    """One line of a contact's role service plan (ISUNOR: goal, method, time, action, frequency)."""

    contact_id = SelectField(_l("Contact"), coerce=coerce_id, validate_choice=False)
    goal = StringField(_l("Goal"), [DataRequired(), Length(max=200)], filters=[strip])
    method = StringField(_l("Method"), [DataRequired(), Length(max=200)], filters=[strip])
    action = StringField(_l("Action"), [DataRequired(), Length(max=200)], filters=[strip])
    frequency = SelectField(_l("Frequency"), validate_choice=False)
    due_on = DateField(_l("Due on"), [DataRequired()])
    owner_id = SelectField(_l("Owner"), coerce=coerce_id, validate_choice=False)
    submission_key = SubmissionKeyField()

    def __init__(self, *args, contacts=(), owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.contact_id.choices = [(c.id, c.name) for c in contacts]
        self.owner_id.choices = [(u.id, u.full_name) for u in owners]
        self.frequency.choices = Frequency.choices()

    def values(self) -> ItemInput:
        return ItemInput(
            contact_id=self.contact_id.data,
            goal=self.goal.data or "",
            method=self.method.data or "",
            action=self.action.data or "",
            frequency=self.frequency.data or "",
            due_on=self.due_on.data,
            owner_id=self.owner_id.data,
        )


class ReviewForm(FlaskForm):
    """月度检讨 of an account, or 月度进度检讨 of an attack plan."""

    held_on = DateField(_l("Held on"), [DataRequired()])
    attendees = StringField(_l("Attendees"), [DataRequired(), Length(max=300)], filters=[strip])
    notes = TextAreaField(_l("Where it stands"), [Optional(), Length(max=4000)])
    decisions = TextAreaField(
        _l("Decisions and changes to the plan"), [Optional(), Length(max=4000)]
    )
    submission_key = SubmissionKeyField()

    def values(self) -> ReviewInput:
        return ReviewInput(
            held_on=self.held_on.data,
            attendees=self.attendees.data or "",
            notes=self.notes.data or "",
            decisions=self.decisions.data or "",
        )


class AttackPlanForm(FlaskForm):
    """The attack plan's own fields; its rows (forces, actions, expenses) are read by
    `posted_rows` from the same form."""

    title = StringField(_l("Title"), [DataRequired(), Length(max=120)], filters=[strip])
    goals = TextAreaField(_l("Goals"), [DataRequired(), Length(max=4000)])
    simulation = TextAreaField(
        _l("Decision simulation: why the client should choose us"),
        [DataRequired(), Length(max=4000)],
    )
    close_on = DateField(_l("Expected close"), [Optional()])
    submission_key = SubmissionKeyField()


class ProgressForm(FlaskForm):
    percent = StringField(_l("Percent done"), [DataRequired(), Length(max=4)], filters=[strip])


ROW_FIELDS = {
    "force": ("person", "side", "strength", "note"),
    "action": ("action", "owner_id", "due_on"),
    "expense": ("item", "amount", "note"),
}
MAX_POSTED = 40


def force_choices() -> tuple[list, list]:
    """The sides and strengths a force row offers, in the request's language."""
    return ForceSide.choices(), ForceStrength.choices()


def _index(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else None


def _date(text: str):
    try:
        return date.fromisoformat(text) if text.isascii() else text
    except ValueError:
        return text  # the service names the row and refuses it


def raw_rows(form, kind: str) -> list[dict]:
    """Rows `<kind>-<n>-<field>` as typed, in the order of n; blank rows left out."""
    indexes = set()
    for key in form:
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == kind and (n := _index(parts[1])) is not None:
            indexes.add(n)
    rows = []
    for n in sorted(indexes)[:MAX_POSTED]:
        row = {name: (form.get(f"{kind}-{n}-{name}") or "").strip() for name in ROW_FIELDS[kind]}
        filled = {k: v for k, v in row.items() if k not in ("side", "strength")}
        if any(filled.values()):
            rows.append(row)
    return rows


def posted_rows(form) -> dict:
    """The plan's rows typed into values the service checks: ids and dates parsed where they
    can be (anything else is passed on and refused with the row named)."""
    actions = []
    for row in raw_rows(form, "action"):
        due = row["due_on"]
        actions.append(
            {**row, "owner_id": parse_id(row["owner_id"]), "due_on": _date(due) if due else None}
        )
    return {
        "forces": raw_rows(form, "force"),
        "actions": actions,
        "expenses": raw_rows(form, "expense"),
    }


def padded(rows: list[dict], kind: str, least: int) -> list[dict]:
    """The rows to show in the form: what was typed, then blank rows up to `least` (and at
    least two blank ones)."""
    blank = {name: "" for name in ROW_FIELDS[kind]}
    extra = max(least - len(rows), 2)
    return [*rows, *[dict(blank) for _ in range(extra)]]
