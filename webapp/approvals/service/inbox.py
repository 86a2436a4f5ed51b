"""Who may act on a step (themselves or as someone's deputy) and the inbox queries: waiting for
me, filed by me, decided by me, and overdue below me."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from webapp.approvals.models import (
    ApprovalRequest,
    ApprovalStep,
    Delegation,
    RequestStatus,
    RequestType,
    StepStatus,
)
from webapp.approvals.workflow import DEPARTMENT_ROLES
from webapp.auth.models import Role, User
from webapp.common.timeutil import local_today, utcnow
from webapp.contracts.service import arrears_of_many
from webapp.extensions import db

# what an inbox row shows of a request besides its own columns (DOMAIN.md: the approver sees
# what they decide: the contract's total and flags)
ROW_LOADS = (
    joinedload(ApprovalRequest.account),
    joinedload(ApprovalRequest.applicant),
    joinedload(ApprovalRequest.contract),
)


# Rank of the roles that decide steps: a deputy must be able to take the step themselves,
# so of the same role or above (DOMAIN.md: 审核 is the supervisor's, 审批 the head's).
APPROVER_RANK = {
    Role.SUPERVISOR: 1,
    Role.FINANCE: 1,
    Role.DEPARTMENT_HEAD: 2,
    Role.EXECUTIVE: 3,
}
# the role line each decides in; the executive stands above both
_LINE = {Role.SUPERVISOR: "dept", Role.DEPARTMENT_HEAD: "dept", Role.FINANCE: "finance"}


def may_deputise(user: User, deputy: User) -> bool:
    """Whether `deputy` may stand in for `user`: an active colleague allowed to take user's
    steps themselves — the same role or above in the same line (supervisor → supervisor or
    head; finance → finance), from the same department when the steps are departmental, or an
    executive, who stands above every department. Nobody else decides (an account manager, the
    custodian, the administrator), so they neither name nor are deputies."""
    if user.role not in APPROVER_RANK or deputy.role not in APPROVER_RANK:
        return False
    if deputy.id == user.id or not deputy.active:
        return False
    if deputy.role is Role.EXECUTIVE:
        return True
    if _LINE.get(deputy.role) != _LINE.get(user.role):
        return False
    if APPROVER_RANK[deputy.role] < APPROVER_RANK[user.role]:
        return False
    if user.role in DEPARTMENT_ROLES:
        return user.department_id is not None and deputy.department_id == user.department_id
    return True


def principals(user: User, today: date | None = None) -> list[User]:
    """The user and everyone who named them deputy for today, as long as the rules still let
    them stand in (a delegation outlives neither a change of role nor of department)."""
    today = today or local_today()
    absent = db.session.scalars(
        sa.select(User)
        .join(Delegation, Delegation.user_id == User.id)
        .where(
            Delegation.deputy_id == user.id,
            Delegation.starts_on <= today,
            Delegation.ends_on >= today,
            User.active.is_(True),
        )
    )
    return [user, *(p for p in absent if may_deputise(p, user))]


def _fits(step: ApprovalStep, person: User) -> bool:
    if step.assignee_id is not None:
        return step.assignee_id == person.id
    if person.role is not step.role:
        return False
    return step.department_id is None or step.department_id == person.department_id


def acting_as(user: User, request: ApprovalRequest, step: ApprovalStep) -> User | None:
    """Whom `user` would decide `step` for (themselves or someone they deputise), or None.
    Nobody decides a request they filed, not even as someone's deputy."""
    if request.applicant_id == user.id or not step.current:
        return None
    if step.status is not StepStatus.WAITING or request.status is not RequestStatus.PENDING:
        return None
    for person in principals(user):
        if person.id != request.applicant_id and _fits(step, person):
            return person
    return None


def who_can_act(step: ApprovalStep) -> list[tuple[User, list[User]]]:
    """The people who can decide `step` (its assignee, or the active users of its role and
    department), each with whoever they named deputy for today. The applicant is never one,
    not even as a deputy."""
    request = step.request
    if step.assignee_id is not None:
        people = [step.assignee] if step.assignee and step.assignee.active else []
    else:
        stmt = sa.select(User).where(User.role == step.role, User.active.is_(True))
        if step.department_id is not None:
            stmt = stmt.where(User.department_id == step.department_id)
        people = list(db.session.scalars(stmt.order_by(User.full_name)))
    people = [p for p in people if p.id != request.applicant_id]
    deputies: dict[int, list[User]] = {p.id: [] for p in people}
    if people:
        today = local_today()
        rows = db.session.execute(
            sa.select(Delegation.user_id, User)
            .join(User, Delegation.deputy_id == User.id)
            .where(
                Delegation.user_id.in_(list(deputies)),
                Delegation.starts_on <= today,
                Delegation.ends_on >= today,
                User.active.is_(True),
                User.id != request.applicant_id,
            )
            .order_by(User.full_name)
        )
        by_id = {p.id: p for p in people}
        for principal_id, deputy in rows:
            if may_deputise(by_id[principal_id], deputy):
                deputies[principal_id].append(deputy)
    return [(p, deputies[p.id]) for p in people]


def waiting_step_people(request: ApprovalRequest) -> dict[int, list[tuple[User, list[User]]]]:
    """For each step of the current round still to be decided: who can act, with deputies."""
    if request.status is not RequestStatus.PENDING:
        return {}
    return {
        s.id: who_can_act(s)
        for s in request.steps
        if s.round == request.round and s.status is StepStatus.WAITING
    }


def approvers_of(step: ApprovalStep) -> list[User]:
    """Everyone who may decide `step` now: its assignee, or the active users of its role (and
    department), plus whoever they named deputy for today. The applicant is never one."""
    found: list[User] = []
    for person, deputies in who_can_act(step):
        found += [p for p in (person, *deputies) if p not in found]
    return found


def inbox_clause(user: User) -> sa.ColumnElement[bool]:
    """Current steps waiting for `user` or for someone they deputise.

    Built as a union of one index search per way a step can be someone's (assigned to them,
    or their role's and department's), because SQLite answers an OR of the two with a scan of
    every waiting step."""
    open_step = sa.and_(ApprovalStep.status == StepStatus.WAITING, ApprovalStep.current.is_(True))
    parts = []
    for person in principals(user):
        parts.append(
            sa.select(ApprovalStep.id).where(open_step, ApprovalStep.assignee_id == person.id)
        )
        by_role = sa.select(ApprovalStep.id).where(
            open_step, ApprovalStep.role == person.role, ApprovalStep.assignee_id.is_(None)
        )
        if person.role in DEPARTMENT_ROLES:
            by_role = by_role.where(ApprovalStep.department_id == person.department_id)
        parts.append(by_role)
    return sa.and_(
        ApprovalStep.id.in_(sa.union_all(*parts)),
        ApprovalRequest.applicant_id != user.id,
    )


def waiting_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ApprovalStep)
        .join(ApprovalRequest, ApprovalStep.request_id == ApprovalRequest.id)
        .where(inbox_clause(user))
    )


def waiting_for(
    user: User, type_: RequestType | None = None, limit: int = 200, overdue_only: bool = False
):
    stmt = (
        sa.select(ApprovalRequest, ApprovalStep)
        .join(ApprovalStep, ApprovalStep.request_id == ApprovalRequest.id)
        .where(inbox_clause(user))
        .options(*ROW_LOADS)
        .order_by(ApprovalStep.due_at.nulls_last(), ApprovalRequest.filed_at)
        .limit(limit)
    )
    if type_ is not None:
        stmt = stmt.where(ApprovalRequest.type == type_)
    if overdue_only:
        stmt = stmt.where(ApprovalStep.due_at < utcnow())
    return db.session.execute(stmt).all()


def inbox_rows(
    user: User,
    box: str,
    type_: RequestType | None = None,
    limit: int = 100,
    overdue_only: bool = False,
):
    """(request, step) pairs of one inbox box: waiting for me, filed by me, decided by me."""
    if box == "waiting":
        return waiting_for(user, type_, limit, overdue_only)
    if box == "filed":
        mine = ApprovalRequest.applicant_id == user.id
    else:
        decided = sa.select(ApprovalStep.request_id).where(ApprovalStep.decided_by_id == user.id)
        mine = ApprovalRequest.id.in_(decided)
    # the newest `limit` ids first (by index), then their current steps: SQLite would otherwise
    # walk every request in date order to the join
    newest = sa.select(ApprovalRequest.id).where(mine)
    if type_ is not None:
        newest = newest.where(ApprovalRequest.type == type_)
    newest = newest.order_by(ApprovalRequest.filed_at.desc()).limit(limit)
    stmt = (
        sa.select(ApprovalRequest, ApprovalStep)
        .outerjoin(
            ApprovalStep,
            sa.and_(ApprovalStep.request_id == ApprovalRequest.id, ApprovalStep.current.is_(True)),
        )
        .where(ApprovalRequest.id.in_(newest))
        .options(*ROW_LOADS)
        .order_by(ApprovalRequest.filed_at.desc())
    )
    if overdue_only:
        stmt = stmt.where(ApprovalStep.due_at < utcnow())
    return db.session.execute(stmt).all()


# Whose overdue steps a superior is shown (DOMAIN.md: overdue steps are flagged to the
# approver and to their superior): the head watches the department's supervisor and the
# finance co-signature of the department's requests; the executive watches the heads.
SUPERIOR_OF = {
    Role.DEPARTMENT_HEAD: (Role.SUPERVISOR, Role.FINANCE),
    Role.EXECUTIVE: (Role.DEPARTMENT_HEAD,),
}


def _overdue_below_clause(user: User) -> sa.ColumnElement[bool] | None:
    """Current steps overdue at someone `user` is superior to (None: nobody is below them)."""
    watched = SUPERIOR_OF.get(user.role)
    if not watched:
        return None
    clause = sa.and_(
        ApprovalStep.status == StepStatus.WAITING,
        ApprovalStep.current.is_(True),
        ApprovalStep.role.in_(watched),
        ApprovalStep.due_at < utcnow(),
    )
    if user.role in DEPARTMENT_ROLES:
        clause = sa.and_(clause, ApprovalRequest.department_id == user.department_id)
    return clause


def overdue_below(user: User, limit: int = 100):
    """(request, step) pairs whose current step is overdue at someone `user` is superior to."""
    clause = _overdue_below_clause(user)
    if clause is None:
        return []
    stmt = (
        sa.select(ApprovalRequest, ApprovalStep)
        .join(ApprovalStep, ApprovalStep.request_id == ApprovalRequest.id)
        .where(clause)
        .options(*ROW_LOADS)
        .order_by(ApprovalStep.due_at)
        .limit(limit)
    )
    return db.session.execute(stmt).all()


def arrears_for(rows) -> dict[int, Decimal]:
    """What each credit adjustment's client owes now, by account id: the figure a credit
    decision rests on beside the current and proposed grade and limit."""
    return arrears_of_many(item.account_id for item, _step in rows if item.is_credit)


def waiting_row(user: User, request_id: int, step_id: int):
    """(request, step) when `step_id` is the current step of `request_id` waiting for `user`,
    else None: the inbox row to show again after a decision was refused."""
    row = db.session.execute(
        sa.select(ApprovalRequest, ApprovalStep)
        .join(ApprovalStep, ApprovalStep.request_id == ApprovalRequest.id)
        .where(inbox_clause(user), ApprovalStep.id == step_id, ApprovalRequest.id == request_id)
        .options(*ROW_LOADS)
    ).first()
    return tuple(row) if row else None


def overdue_below_count(user: User) -> int:
    """How many steps `overdue_below` would list without a limit."""
    clause = _overdue_below_clause(user)
    if clause is None:
        return 0
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ApprovalStep)
        .join(ApprovalRequest, ApprovalStep.request_id == ApprovalRequest.id)
        .where(clause)
    )


def waiting_count_of_type(user: User, type_: RequestType | None) -> int:
    """How many steps are waiting for `user`, of one request type (or all)."""
    stmt = (
        sa.select(sa.func.count())
        .select_from(ApprovalStep)
        .join(ApprovalRequest, ApprovalStep.request_id == ApprovalRequest.id)
        .where(inbox_clause(user))
    )
    if type_ is not None:
        stmt = stmt.where(ApprovalRequest.type == type_)
    return db.session.scalar(stmt)
