"""The attack plan (项目攻关方案, seed 001 stages 4–5) as a request type: what it carries and how
it is checked, and what its final approval does. The chain (supervisor 审核 → head 审批 →
executive above the expense threshold) is data in `workflow.py` like the other types.

The filing form sends `data` with the plan's text fields and three lists of rows (dicts):
`forces` (person, side, strength, note), `actions` (action, owner_id, due_on) and `expenses`
(item, amount, note). Blank rows are dropped by the form; each kept row is checked whole, and
the first problem is refused with the row named, before anything is stored.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.accounts.models import Account
from webapp.accounts.service import team
from webapp.approvals.models import (
    ApprovalRequest,
    AttackAction,
    AttackExpense,
    AttackForce,
    AttackPlan,
    ForceSide,
    ForceStrength,
)
from webapp.auth.models import Role, User
from webapp.common.decimals import DecimalRefused, parse_decimal, refusal_message
from webapp.common.errors import ValidationFailed
from webapp.common.timeutil import utcnow
from webapp.extensions import db

MAX_ROWS = 30
MAX_EXPENSE = Decimal("999999999.99")  # one item; the total stays within what 大写 writes
PLAN_ROLES = (Role.ACCOUNT_MANAGER, Role.SUPERVISOR, Role.DEPARTMENT_HEAD)


def possible_owners(account: Account) -> list[User]:
    """Who may own an action (or a service plan item): the account's team and the active sales
    people of its department."""
    people = {u.id: u for u in team(account) if u.active}
    stmt = sa.select(User).where(
        User.department_id == account.department_id,
        User.active.is_(True),
        User.role.in_(PLAN_ROLES),
    )
    for user in db.session.scalars(stmt):
        people.setdefault(user.id, user)
    return sorted(people.values(), key=lambda u: u.full_name)


def plan_of(request: ApprovalRequest) -> AttackPlan | None:
    """The attack plan a request carries (None for the other types)."""
    return request.attack_plan if request.is_attack else None


def _text(value, limit: int, field: str, label: str, *, required: bool) -> str | None:
    text = (value or "").strip() if isinstance(value, str) else ""
    if required and not text:
        raise ValidationFailed({field: _("%(label)s is required.", label=label)})
    if len(text) > limit:
        raise ValidationFailed({field: _("At most %(n)d characters.", n=limit)})
    return text or None


def _row_error(field: str, n: int, message: str) -> ValidationFailed:
    return ValidationFailed({field: _("Row %(n)d: %(message)s", n=n, message=message)})


def _forces(rows: list[dict]) -> list[AttackForce]:
    out = []
    for n, row in enumerate(rows[: MAX_ROWS + 1], start=1):
        if n > MAX_ROWS:
            raise ValidationFailed({"forces": _("At most %(n)d rows.", n=MAX_ROWS)})
        person = (row.get("person") or "").strip()
        if not person or len(person) > 80:
            raise _row_error("forces", n, _("name the person or force (at most 80 characters)."))
        try:
            side = ForceSide(row.get("side") or "")
            strength = ForceStrength(row.get("strength") or "")
        except ValueError:
            raise _row_error("forces", n, _("choose for or against, and a strength.")) from None
        note = (row.get("note") or "").strip()
        if len(note) > 200:
            raise _row_error("forces", n, _("the note has at most 200 characters."))
        out.append(AttackForce(position=n, person=person, side=side, strength=strength, note=note))
    return out


def _actions(rows: list[dict], account: Account) -> list[AttackAction]:
    owners = {u.id for u in possible_owners(account)}
    out = []
    for n, row in enumerate(rows[: MAX_ROWS + 1], start=1):
        if n > MAX_ROWS:
            raise ValidationFailed({"actions": _("At most %(n)d rows.", n=MAX_ROWS)})
        action = (row.get("action") or "").strip()
        if not action or len(action) > 200:
            raise _row_error("actions", n, _("describe the action (at most 200 characters)."))
        owner_id = row.get("owner_id")
        if not isinstance(owner_id, int) or owner_id not in owners:
            raise _row_error("actions", n, _("choose an owner from the account's team."))
        due_on = row.get("due_on")
        if not isinstance(due_on, date):
            raise _row_error("actions", n, _("give a valid date (YYYY-MM-DD)."))
        out.append(AttackAction(position=n, action=action, owner_id=owner_id, due_on=due_on))
    if not out:
        raise ValidationFailed({"actions": _("List at least one action with owner and date.")})
    return out


def _expenses(rows: list[dict]) -> list[AttackExpense]:
    out = []
    for n, row in enumerate(rows[: MAX_ROWS + 1], start=1):
        if n > MAX_ROWS:
            raise ValidationFailed({"expenses": _("At most %(n)d rows.", n=MAX_ROWS)})
        item = (row.get("item") or "").strip()
        if not item or len(item) > 120:
            raise _row_error("expenses", n, _("name the expense (at most 120 characters)."))
        try:
            amount = parse_decimal(
                str(row.get("amount") or ""), maximum=MAX_EXPENSE, allow_zero=True
            )
        except DecimalRefused as refused:
            raise _row_error("expenses", n, refusal_message(refused.problem, _("Amount"))) from None
        note = (row.get("note") or "").strip()
        if len(note) > 200:
            raise _row_error("expenses", n, _("the note has at most 200 characters."))
        out.append(AttackExpense(position=n, item=item, amount=amount, note=note or None))
    return out


def apply_attack_fields(request: ApprovalRequest, data: dict) -> None:
    """Check the whole plan and put it on the request (filing or revising after a return)."""
    request.title = _text(data.get("title"), 120, "title", _("Title"), required=True)
    request.content = _text(data.get("goals"), 4000, "goals", _("Goals"), required=True)
    simulation = _text(
        data.get("simulation"), 4000, "simulation", _("Decision simulation"), required=True
    )
    close_on = data.get("close_on")
    if close_on is not None and not isinstance(close_on, date):
        raise ValidationFailed({"close_on": _("Give a valid date (YYYY-MM-DD).")})
    forces = _forces(list(data.get("forces") or []))
    actions = _actions(list(data.get("actions") or []), request.account)
    expenses = _expenses(list(data.get("expenses") or []))
    total = sum((e.amount for e in expenses), Decimal("0.00"))
    if total > MAX_EXPENSE:
        raise ValidationFailed(
            {"expenses": _("The expense plan's total is unrealistically large.")}
        )
    plan = request.attack_plan or AttackPlan(account_id=request.account.id)
    plan.simulation, plan.close_on = simulation, close_on
    plan.forces, plan.actions, plan.expenses = forces, actions, expenses
    request.amount = total
    request.attack_plan = plan  # stored with the request (cascade), when it is numbered


def approve_attack_plan(request: ApprovalRequest, actor: User, comment: str | None) -> None:
    """The final approval: the plan's actions become tasks its owners move on."""
    plan = plan_of(request)
    if plan is not None:
        plan.approved_at = utcnow()
