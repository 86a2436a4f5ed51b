"""Attack plans seen from the account: filing one (through the approval engine, where the plan
is checked and its chain decided), the plan's page, its approved actions as tasks with
progress, and its monthly progress review (月度进度检讨)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from webapp import audit
from webapp.accounts.models import Account
from webapp.accounts.service import account_scope, can_edit, get_account
from webapp.approvals import service as approvals
from webapp.approvals.models import (
    ApprovalRequest,
    AttackAction,
    AttackPlan,
    RequestType,
)
from webapp.auth.models import User
from webapp.common.errors import Forbidden, NotFound, ValidationFailed
from webapp.common.queries import first_and_total
from webapp.common.timeutil import local_today, utcnow
from webapp.extensions import db
from webapp.plans.models import AttackReview
from webapp.plans.service import DUE_WINDOW_DAYS, ReviewInput, review_values


def file_plan(user: User, account_id: int, data: dict) -> ApprovalRequest:
    """File an attack plan for approval. An account the user may not work on answers like a
    missing one, and nothing is written."""
    return approvals.file_request(user, account_id, RequestType.ATTACK, data)


def revise_plan(user: User, request_id: int, data: dict) -> ApprovalRequest:
    """The applicant revises a returned attack plan and files it again."""
    request = approvals.get_request(user, request_id)
    if not request.is_attack:
        raise NotFound(_("No such attack plan."))
    return approvals.resubmit(user, request.id, data)


def _plans_query() -> sa.Select:
    return sa.select(AttackPlan).options(
        joinedload(AttackPlan.request),
        selectinload(AttackPlan.actions).joinedload(AttackAction.owner),
        selectinload(AttackPlan.expenses),
    )


def account_plans(user: User, account: Account) -> list[AttackPlan]:
    """The account's attack plans, newest first (the account was checked)."""
    return list(
        db.session.scalars(
            _plans_query()
            .where(AttackPlan.account_id == account.id)
            .order_by(AttackPlan.id.desc())
            .limit(50)
        )
    )


def approved_plan(account: Account) -> AttackPlan | None:
    """The account's newest approved attack plan (the account plan document shows it)."""
    return db.session.scalar(
        _plans_query()
        .where(AttackPlan.account_id == account.id, AttackPlan.approved_at.is_not(None))
        .order_by(AttackPlan.approved_at.desc(), AttackPlan.id.desc())
        .limit(1)
    )


def get_plan(user: User, plan_id: int) -> AttackPlan:
    plan = db.session.scalar(_plans_query().where(AttackPlan.id == plan_id))
    if plan is None:
        raise NotFound(_("No such attack plan."))
    get_account(user, plan.account_id, missing=_("No such attack plan."))
    return plan


def plan_reviews(plan: AttackPlan) -> list[AttackReview]:
    return list(
        db.session.scalars(
            sa.select(AttackReview)
            .where(AttackReview.plan_id == plan.id)
            .options(joinedload(AttackReview.created_by))
            .order_by(AttackReview.held_on.desc(), AttackReview.id.desc())
        )
    )


def can_update(user: User, action: AttackAction) -> bool:
    """An approved plan's task moves on by its owner or whoever may edit the account."""
    plan = action.plan
    return plan.is_approved and (action.owner_id == user.id or can_edit(user, plan.request.account))


def can_review(user: User, plan: AttackPlan) -> bool:
    return plan.is_approved and can_edit(user, plan.request.account)


def _percent(raw) -> int:
    text = str(raw or "").strip().rstrip("%").strip()
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 100:
        raise ValidationFailed({"percent": _("Progress is a whole percent from 0 to 100.")})
    return int(text)


def update_progress(user: User, action_id: int, raw_percent) -> AttackAction:
    """The task's owner sets its percent done; 100 marks it done."""
    action = db.session.get(AttackAction, action_id)
    if action is None:
        raise NotFound(_("No such task."))
    get_account(user, action.plan.account_id, missing=_("No such task."))
    if not can_update(user, action):
        raise Forbidden(_("Only the task's owner or the account's team updates an approved task."))
    percent = _percent(raw_percent)
    before = action.percent
    action.percent = percent
    action.done_at = utcnow() if percent == 100 else None
    audit.record_event(
        actor=user,
        entity_type="attack_action",
        entity_id=action.id,
        account_id=action.plan.account_id,
        action="plan.progress",
        subject=action.plan.request.number,
        detail=f"{action.action}: {before}% → {percent}%",
    )
    db.session.commit()
    return action


def add_review(user: User, plan_id: int, data: ReviewInput) -> AttackReview:
    """Record the plan's monthly progress review (月度进度检讨)."""
    plan = get_plan(user, plan_id)
    if not can_review(user, plan):
        raise Forbidden(_("An approved plan is reviewed by the account's team."))
    review = AttackReview(plan_id=plan.id, created_by_id=user.id, **review_values(data))
    db.session.add(review)
    db.session.flush()
    audit.record_event(
        actor=user,
        entity_type="attack_review",
        entity_id=review.id,
        account_id=plan.account_id,
        action="create",
        subject=plan.request.number,
        detail=review.decisions or review.notes,
    )
    db.session.commit()
    return review


def _tasks_query(user: User, within_days: int) -> sa.Select:
    last = local_today() + timedelta(days=within_days - 1)
    return (
        sa.select(AttackAction)
        .join(AttackPlan, AttackAction.plan_id == AttackPlan.id)
        .join(Account, AttackPlan.account_id == Account.id)
        .where(
            AttackAction.owner_id == user.id,
            AttackAction.done_at.is_(None),
            AttackAction.due_on <= last,
            AttackPlan.approved_at.is_not(None),
            account_scope(user),
        )
    )


def _task_order() -> tuple:
    return (AttackAction.due_on, AttackAction.id)


def _task_loads() -> tuple:
    return (
        joinedload(AttackAction.plan)
        .joinedload(AttackPlan.request)
        .joinedload(ApprovalRequest.account),
    )


def _tasks_listed(user: User, within_days: int) -> sa.Select:
    return _tasks_query(user, within_days).options(*_task_loads()).order_by(*_task_order())


def due_tasks(user: User, *, within_days: int = DUE_WINDOW_DAYS, limit: int | None = None):
    """`user`'s open tasks of approved attack plans due by the end of the window."""
    stmt = _tasks_listed(user, within_days)
    return list(db.session.scalars(stmt.limit(limit) if limit else stmt))


def due_tasks_and_total(
    user: User, *, limit: int, within_days: int = DUE_WINDOW_DAYS
) -> tuple[list[AttackAction], int]:
    """The first `limit` of `due_tasks` and how many there are, in one query."""
    return first_and_total(
        _tasks_query(user, within_days), limit, order_by=_task_order(), options=_task_loads()
    )


def get_review(user: User, review_id: int) -> AttackReview:
    review = db.session.get(AttackReview, review_id)
    if review is None:
        raise NotFound(_("No such review."))
    get_plan(user, review.plan_id)
    return review
