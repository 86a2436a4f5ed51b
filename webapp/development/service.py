"""What the account's Development tab shows, gathered in one call, and the edit rights the
templates receive as answers."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.accounts.models import Account, Stage
from webapp.accounts.service import can_edit
from webapp.auth.models import User
from webapp.development import assessment, credit, pool, qualification, stages, tiers
from webapp.development.models import (
    DevelopmentProfile,
    ManQualification,
    PoolEvent,
    Qualification,
    StageMove,
    TierFigures,
    ValueAssessment,
)
from webapp.development.profiles import profile_for


@dataclass
class StageView:
    stage: Stage
    key_word: str
    items: list[stages.ChecklistItem]
    current: bool
    done: bool


@dataclass
class DevelopmentPanel:
    account: Account
    profile: DevelopmentProfile
    stages: list[StageView]
    qualifications: list[ManQualification]
    assessments: list[ValueAssessment]
    moves: list[StageMove]
    pool_events: list[PoolEvent]
    figures: TierFigures | None
    can_edit: bool
    is_unqualified: bool
    is_qualified: bool
    class_meaning: str
    criteria: dict
    weights: dict
    credit_scorings: list
    credit_criteria: dict


def panel(user: User, account: Account) -> DevelopmentPanel:
    profile = profile_for(account)
    order = list(Stage)
    current = order.index(account.stage)
    views = [
        StageView(
            stage=s,
            key_word=str(stages.KEY_WORDS[s]),
            items=stages.checklist(account, s),
            current=s is account.stage,
            done=i < current,
        )
        for i, s in enumerate(order)
    ]
    return DevelopmentPanel(
        account=account,
        profile=profile,
        stages=views,
        qualifications=qualification.qualifications(account),
        assessments=assessment.assessments(account),
        moves=stages.moves(account),
        pool_events=pool.pool_history(account),
        figures=tiers.account_figures(account),
        can_edit=can_edit(user, account),
        is_unqualified=profile.qualification is Qualification.UNQUALIFIED,
        is_qualified=profile.qualification is Qualification.QUALIFIED,
        class_meaning=str(assessment.MEANING[account.value_class]),
        criteria={k: str(v) for k, v in assessment.CRITERIA.items()},
        weights=assessment.weights(),
        credit_scorings=credit.scorings(account),
        credit_criteria={k: str(v) for k, v in credit.CRITERIA.items()},
    )
