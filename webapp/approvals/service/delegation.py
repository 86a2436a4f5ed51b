"""Deputies for a date range, and the administrator handing a waiting step to someone else."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from webapp.approvals.models import (
    ApprovalRequest,
    ApprovalStep,
    Delegation,
    StepStatus,
)
from webapp.approvals.service.core import TooLate, record_event
from webapp.approvals.service.inbox import approvers_of
from webapp.approvals.signals import step_opened
from webapp.auth.models import Role, User
from webapp.common.errors import Forbidden, NotFound, ValidationFailed
from webapp.common.events import after_commit
from webapp.common.timeutil import local_today
from webapp.extensions import db


def reassign(admin: User, step_id: int, user_id: int) -> ApprovalStep:
    """When an approver leaves, the administrator hands their waiting step to someone else."""
    if admin.role is not Role.ADMIN:
        raise Forbidden(_("Only the administrator reassigns steps."))
    step = db.session.get(ApprovalStep, step_id)
    if step is None:
        raise NotFound(_("No such step."))
    if step.status is not StepStatus.WAITING or not step.current:
        raise TooLate(_("The step is already decided."))
    person = db.session.get(User, user_id)
    if person is None or not person.active:
        raise ValidationFailed({"user_id": _("Choose an active user.")})
    if person.id == step.request.applicant_id:
        raise ValidationFailed({"user_id": _("Nobody decides their own request.")})
    step.assignee_id = person.id
    record_event(step.request, admin, "reassign", person.full_name)
    after_commit(step_opened, step.request, step=step)
    db.session.commit()
    return step


def delegate(user: User, deputy_id: int, starts_on: date, ends_on: date) -> Delegation:
    if ends_on < starts_on:
        raise ValidationFailed({"ends_on": _("The end cannot be before the start.")})
    if (ends_on - starts_on).days > 366:
        raise ValidationFailed({"ends_on": _("A delegation lasts at most a year.")})
    deputy = db.session.get(User, deputy_id)
    if deputy is None or not deputy.active or deputy.id == user.id:
        raise ValidationFailed({"deputy_id": _("Choose an active colleague.")})
    if not _may_deputise(user, deputy):
        raise ValidationFailed({"deputy_id": _("This colleague cannot stand in for you.")})
    delegation = Delegation(
        user_id=user.id, deputy_id=deputy.id, starts_on=starts_on, ends_on=ends_on
    )
    db.session.add(delegation)
    db.session.commit()
    return delegation


def my_delegations(user: User) -> list[Delegation]:
    return list(
        db.session.scalars(
            sa.select(Delegation)
            .where(Delegation.user_id == user.id, Delegation.ends_on >= local_today())
            .options(joinedload(Delegation.deputy))
            .order_by(Delegation.starts_on)
        )
    )


def delegations_to(user: User) -> list[Delegation]:
    """Whom `user` is deputy for, today or later."""
    return list(
        db.session.scalars(
            sa.select(Delegation)
            .where(Delegation.deputy_id == user.id, Delegation.ends_on >= local_today())
            .options(joinedload(Delegation.user))
            .order_by(Delegation.starts_on)
        )
    )


def _may_deputise(user: User, deputy: User) -> bool:
    """A colleague of the same department, or anyone of the user's own role, or an executive;
    never an administrator or the custodian, who decide nothing."""
    if deputy.role in (Role.ADMIN, Role.CUSTODIAN):
        return False
    same_department = user.department_id is not None and deputy.department_id == user.department_id
    return same_department or deputy.role in (user.role, Role.EXECUTIVE)


def deputy_choices(user: User) -> list[tuple[User, str]]:
    people = db.session.scalars(
        sa.select(User)
        .where(User.active.is_(True), User.id != user.id)
        .order_by(User.role, User.full_name)
    )
    return [(p, f"{p.full_name} · {p.role.label}") for p in people if _may_deputise(user, p)]


def active_approvers() -> list[User]:
    roles = (Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.EXECUTIVE, Role.FINANCE)
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.active.is_(True), User.role.in_(roles))
            .order_by(User.role, User.full_name)
        )
    )


def end_delegation(user: User, delegation_id: int) -> None:
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None:
        raise NotFound(_("No such delegation."))
    if delegation.user_id != user.id:
        raise Forbidden(_("Only who named the deputy ends the delegation."))
    db.session.delete(delegation)
    db.session.commit()


def waiting_steps_for_admin(limit: int = 200) -> list[ApprovalStep]:
    """Current steps, those whose only possible approvers have left first, for reassignment."""
    return list(
        db.session.scalars(
            sa.select(ApprovalStep)
            .where(ApprovalStep.current.is_(True), ApprovalStep.status == StepStatus.WAITING)
            .options(
                joinedload(ApprovalStep.request).joinedload(ApprovalRequest.account),
                joinedload(ApprovalStep.assignee),
            )
            .order_by(ApprovalStep.due_at.nulls_last())
            .limit(limit)
        )
    )


def stranded(step: ApprovalStep) -> bool:
    """Nobody active can decide this step (its approvers left the company)."""
    return not approvers_of(step)
