"""Demo development data: every account's profile, MAN qualifications matching its answers,
value assessments giving its class, forecasts, ticked checklists, leads filed in the last days,
tiers recomputed from the sales records, and the pool rule run once so the pool has content."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from webapp.accounts.models import Account, Stage, ValueClass
from webapp.common.timeutil import to_local
from webapp.demo.common import insert_rows
from webapp.development import credit, pool, tiers
from webapp.development.assessment import DEFAULT_WEIGHTS, classify
from webapp.development.models import (
    DevelopmentProfile,
    ManQualification,
    Qualification,
    StageCheck,
    ValueAssessment,
)
from webapp.development.profiles import ensure_profiles
from webapp.development.stages import CHECKLISTS
from webapp.extensions import db
from webapp.notifications.models import Notification

SOURCES = ("扫街", "老客户介绍", "展会", "电话开发", "网络询盘", "行业协会")
NEEDS = (
    "现有供应商交期不稳，想增加一家备选",
    "新建产线，年需求约 3000 吨",
    "集中采购招标，明年一季度定标",
    "希望降低采购成本 5% 以上",
)
SCORES = {ValueClass.A: (4, 5), ValueClass.B: (3, 4), ValueClass.C: (2, 3), ValueClass.D: (1, 2)}
EVIDENCE = {
    "money": ("年度采购预算已批复", "预算未落实，暂无资金安排"),
    "authority": ("采购总监可直接拍板", "对接人无决策权，决策在集团总部"),
    "need": ("现供应商质量问题频发，有替换需求", "与现供应商签有三年独家协议"),
}
STAGES = list(Stage)


def load(rng: random.Random, today: date, now: datetime, echo: Callable[[str], None]) -> None:
    ensure_profiles()
    accounts = db.session.execute(
        sa.select(
            Account.id,
            Account.owner_id,
            Account.stage,
            Account.value_class,
            Account.man_money,
            Account.man_authority,
            Account.man_need,
            Account.abandoned,
            Account.created_at,
        )
    ).all()
    qualifications, assessments, checks, profiles = [], [], [], []
    for a in accounts:
        answers = {"money": a.man_money, "authority": a.man_authority, "need": a.man_need}
        known = all(v is not None for v in answers.values())
        result = Qualification.PENDING
        reason = None
        if known:
            result = (
                Qualification.UNQUALIFIED if False in answers.values() else Qualification.QUALIFIED
            )
            at = a.created_at + timedelta(days=rng.randint(1, 20))
            row = {"account_id": a.id, "by_id": a.owner_id, "at": at, "result": result}
            for key, value in answers.items():
                row[key] = value
                row[f"{key}_evidence"] = EVIDENCE[key][0 if value else 1]
                row[f"{key}_on"] = to_local(at).date()
            if result is Qualification.UNQUALIFIED:
                failed = [k for k, v in answers.items() if not v]
                reason = "一票否决：" + "；".join(EVIDENCE[k][1] for k in failed)
            row["reason"] = reason
            qualifications.append(row)
        if a.value_class is not ValueClass.INSUFFICIENT:
            low, high = SCORES[a.value_class]
            for _try in range(20):
                scores = {k: rng.randint(low, high) for k in DEFAULT_WEIGHTS}
                total, found = classify(scores, DEFAULT_WEIGHTS)
                if found is a.value_class:
                    break
            else:
                scores = {k: low for k in DEFAULT_WEIGHTS}
                total, found = classify(scores, DEFAULT_WEIGHTS)
            assessments.append(
                {
                    "account_id": a.id,
                    "by_id": a.owner_id,
                    "at": a.created_at + timedelta(days=rng.randint(20, 60)),
                    "scores": scores,
                    "notes": {"A": "预计可拿到三成份额", "E": "回款记录良好"},
                    "weights": dict(DEFAULT_WEIGHTS),
                    "total": total,
                    "result": found,
                    "previous": ValueClass.INSUFFICIENT,
                }
            )
        index = STAGES.index(a.stage)
        for stage in STAGES[: index + 1]:
            for key, _label in CHECKLISTS[stage]:
                ticked = (stage is not a.stage or rng.random() < 0.5) and rng.random() < 0.9
                if ticked:
                    checks.append({"account_id": a.id, "item": key, "by_id": a.owner_id, "at": now})
        in_development = a.stage is not Stage.MAINTENANCE and not a.abandoned
        recent_lead = a.stage is Stage.TARGET and rng.random() < 0.5
        filed_on = today - timedelta(days=rng.randint(0, 12)) if recent_lead else None
        # most accounts were touched lately (calls, meetings not in the visit records)
        touched = filed_on or (
            today - timedelta(days=rng.randint(0, 12)) if rng.random() < 0.85 else None
        )
        profiles.append(
            {
                "b_id": a.id,
                "qualification": result,
                "qualification_reason": reason,
                "expected_value": Decimal(rng.randrange(20, 800) * 10_000)
                if in_development and rng.random() < 0.85
                else None,
                "expected_close": (
                    today.replace(day=1) + timedelta(days=32 * rng.randint(0, 10))
                ).replace(day=1)
                if in_development
                else None,
                "source": rng.choice(SOURCES),
                "need": rng.choice(NEEDS),
                "filed_by_id": a.owner_id,
                "filed_on": filed_on or to_local(a.created_at).date(),
                "last_contact_on": touched,
            }
        )
    insert_rows(ManQualification, qualifications)
    insert_rows(ValueAssessment, assessments)
    insert_rows(StageCheck, checks)
    if profiles:
        table = DevelopmentProfile.__table__
        columns = [name for name in profiles[0] if name != "b_id"]
        db.session.connection().execute(
            table.update()
            .where(table.c.account_id == sa.bindparam("b_id"))
            .values({name: sa.bindparam(name) for name in columns}),
            profiles,
        )
    changed = tiers.recompute(today=today)
    db.session.commit()
    signed = db.session.scalars(
        sa.select(Account.id)
        .where(Account.stage == Stage.MAINTENANCE)
        .order_by(Account.id)
        .limit(60)
    ).all()
    for account_id in signed:  # 资信评估 of the signed accounts, from their sales records
        credit.grade_account(None, account_id, today)
    result = pool.run_rule(now)
    echo(
        f"Demo data: {len(qualifications)} qualifications, {len(assessments)} assessments, "
        f"{changed} tiers from sales, {len(signed)} credit gradings, "
        f"{result.returned} accounts back in the pool"
    )


def settle_notifications(now: datetime) -> None:
    """The pool and daily-lead notices of the demo's first runs are shown as already read, so
    every demo user starts with the one unread welcome of the notifications demo."""
    db.session.execute(
        sa.update(Notification)
        .where(
            Notification.kind.in_(["pool.returned", "leads.gap"]), Notification.read_at.is_(None)
        )
        .values(read_at=now)
    )
    db.session.commit()
