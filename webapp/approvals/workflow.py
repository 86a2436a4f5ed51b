"""The request types as data: their steps (who acts, under what name, on what condition) and
deadlines. The engine in service.py knows no type by name; adding a type is adding an entry.

DOMAIN.md "Approval requests": support — supervisor 审核 → head 审批, executive above a budget
threshold; attack plan (项目攻关方案, seed 001) — the same, executive above the administrator's
expense threshold; credit — supervisor → finance → head, decided within 10 days of filing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from webapp.approvals.models import ApprovalRequest, ApprovalSettings, RequestType
from webapp.auth.models import Role
from webapp.extensions import db

ACTION_LABELS = {
    "review": _l("Review (审核)"),
    "cosign": _l("Co-sign (会签)"),
    "approve": _l("Approve (审批)"),
}
# What each kind of step may decide (DOMAIN.md: a step can approve, reject with a reason, or
# return for revision); a decision outside its step's list is refused.
STEP_DECISIONS = {
    "review": ("approve", "return", "reject"),
    "cosign": ("approve", "return", "reject"),
    "approve": ("approve", "return", "reject"),
}
DECISION_LABELS = {
    "approve": _l("Approved"),
    "return": _l("Returned for revision"),
    "reject": _l("Rejected"),
}
EVENT_LABELS = {
    "file": _l("Filed"),
    "approve": _l("Approved"),
    "reject": _l("Rejected"),
    "return": _l("Returned for revision"),
    "withdraw": _l("Withdrawn"),
    "resubmit": _l("Resubmitted"),
    "comment": _l("Comment"),
    "reassign": _l("Step reassigned to"),
    "attach": _l("File attached"),
}


@dataclass(frozen=True)
class StepSpec:
    role: Role
    action: str  # a key of ACTION_LABELS
    condition: str | None = None  # a key of CONDITIONS; the step exists only when it holds


@dataclass(frozen=True)
class Workflow:
    steps: tuple[StepSpec, ...]
    deadline_days: int | None = None  # whole request, from filing
    # each step's days, from when it becomes current, are the administrator's (settings)


# Before the administrator saves any settings: the executive threshold from the configuration.
DEFAULT_SETTINGS = {
    "contract_executive_threshold": None,
    "attack_executive_threshold": Decimal("50000.00"),
    "support_step_days": 3,
    "credit_step_days": 3,
    "contract_step_days": 3,
    "credit_reminder_days": "3,1",
}


def default_settings() -> ApprovalSettings:
    """The settings in force before the administrator saved a version (never stored)."""
    return ApprovalSettings(
        id=None,
        support_executive_threshold=current_app.config["SUPPORT_EXECUTIVE_THRESHOLD"],
        **DEFAULT_SETTINGS,
    )


def current_settings() -> ApprovalSettings:
    """The newest saved version, which requests filed now are decided under."""
    newest = db.session.scalar(
        sa.select(ApprovalSettings).order_by(ApprovalSettings.id.desc()).limit(1)
    )
    return newest or default_settings()


def settings_for(request: ApprovalRequest) -> ApprovalSettings:
    """The settings a request was filed under: a change applies to requests filed after it."""
    if request.settings_id is None:
        return default_settings()
    return db.session.get(ApprovalSettings, request.settings_id)


def _budget_over_threshold(request: ApprovalRequest) -> bool:
    threshold = settings_for(request).support_executive_threshold
    return request.amount is not None and threshold is not None and request.amount > threshold


def _contract_flagged(request: ApprovalRequest) -> bool:
    """Over the client's available credit, standard wording edited (DOMAIN.md 合同审批), or a
    total above the administrator's contract threshold."""
    contract = request.contract
    if contract is None:
        return False
    threshold = settings_for(request).contract_executive_threshold
    over_threshold = threshold is not None and contract.total > threshold
    return contract.over_credit or contract.deviates or over_threshold


def _expenses_over_threshold(request: ApprovalRequest) -> bool:
    """An attack plan whose expense plan (费用计划) totals above the administrator's threshold
    also goes to the executive (seed 001: 常务副总 approves the 费用计划)."""
    threshold = settings_for(request).attack_executive_threshold
    return request.amount is not None and threshold is not None and request.amount > threshold


CONDITIONS: dict[str, Callable[[ApprovalRequest], bool]] = {
    "budget_over_threshold": _budget_over_threshold,
    "contract_flagged": _contract_flagged,
    "expenses_over_threshold": _expenses_over_threshold,
}

WORKFLOWS: dict[RequestType, Workflow] = {
    RequestType.SUPPORT: Workflow(
        steps=(
            StepSpec(Role.SUPERVISOR, "review"),
            StepSpec(Role.DEPARTMENT_HEAD, "approve"),
            StepSpec(Role.EXECUTIVE, "approve", condition="budget_over_threshold"),
        ),
    ),
    RequestType.CREDIT: Workflow(
        steps=(
            StepSpec(Role.SUPERVISOR, "review"),
            StepSpec(Role.FINANCE, "cosign"),
            StepSpec(Role.DEPARTMENT_HEAD, "approve"),
        ),
        deadline_days=10,  # 信用调整的时间不得多于10日 (seed 001)
    ),
    RequestType.CONTRACT: Workflow(
        steps=(
            StepSpec(Role.DEPARTMENT_HEAD, "approve"),
            StepSpec(Role.EXECUTIVE, "approve", condition="contract_flagged"),
        ),
    ),
    RequestType.ATTACK: Workflow(
        steps=(
            StepSpec(Role.SUPERVISOR, "review"),
            StepSpec(Role.DEPARTMENT_HEAD, "approve"),
            StepSpec(Role.EXECUTIVE, "approve", condition="expenses_over_threshold"),
        ),
    ),
}

# Roles that act for one department (the request's); the others act company-wide.
DEPARTMENT_ROLES = frozenset({Role.SUPERVISOR, Role.DEPARTMENT_HEAD})


def steps_for(request: ApprovalRequest) -> list[StepSpec]:
    workflow = WORKFLOWS[request.type]
    return [s for s in workflow.steps if s.condition is None or CONDITIONS[s.condition](request)]
