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
from webapp.approvals.service.inbox import APPROVER_RANK, approvers_of, may_deputise
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
    """Name a deputy for a date range (`may_deputise`: someone who could take the step
    themselves); the trail then records their decisions as "deputy for user"."""
    if user.role not in APPROVER_RANK:
        raise Forbidden(_("You decide no approval steps, so you name no deputy."))
    if ends_on < starts_on:
        raise ValidationFailed({"ends_on": _("The end cannot be before the start.")})
    if (ends_on - starts_on).days > 366:
        raise ValidationFailed({"ends_on": _("A delegation lasts at most a year.")})
    deputy = db.session.get(User, deputy_id)
    if deputy is None or not deputy.active or deputy.id == user.id:
        raise ValidationFailed({"deputy_id": _("Choose an active colleague.")})
    if not may_deputise(user, deputy):
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


def can_name_deputy(user: User) -> bool:
    """Only those who decide approval steps name a deputy for them."""
    return user.role in APPROVER_RANK


def deputy_choices(user: User) -> list[tuple[User, str]]:
    people = db.session.scalars(
        sa.select(User)
        .where(User.active.is_(True), User.id != user.id)
        .order_by(User.role, User.full_name)
    )
    return [(p, _choice_label(p)) for p in people if may_deputise(user, p)]


def _choice_label(person: User) -> str:
    department = person.department.name if person.department else None
    return " · ".join(x for x in (person.full_name, person.role.label, department) if x)


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
