"""The weekly development summary (周总结, seed 000 EMS guide / seed 001 销售八大流程) of one
salesperson, as document kind ``weekly`` (source id = the salesperson's user id): the leads
filed this week (扫街日报 by day), visits and calls, stage moves, qualifications, assessments
and pool claims, against the target of one new lead a working day. The week runs from Monday
to today; the source version is a digest of every line, so a new record gives a new version.
A Chinese company document whatever the reader's UI language."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.accounts.models import Account, Visit
from webapp.auth.models import Role, User
from webapp.common.errors import Forbidden, NotFound
from webapp.common.timeutil import SHANGHAI, local_today
from webapp.development.models import (
    DevelopmentProfile,
    ManQualification,
    PoolEvent,
    PoolEventKind,
    StageMove,
    ValueAssessment,
)
from webapp.development.settings import all_settings
from webapp.documents.registry import DocumentType
from webapp.extensions import db

TEMPLATE_VERSION = "2026.12-1"
VISIT_KINDS = {"visit": "拜访", "call": "电话", "meeting": "会议"}
RESULT_NAMES = {"qualified": "通过", "unqualified": "未通过（一票否决）", "pending": "待定"}
CLASS_NAMES = {
    "A": "A 全力以赴",
    "B": "B 控制投入",
    "C": "C 关注变化",
    "D": "D 暂缓",
    "insufficient": "信息不足",
}
STAGE_NAMES = {
    "target": "确定开发对象",
    "information": "信息收集",
    "evaluation": "价值评估",
    "relationship": "关系建立",
    "closing": "促成成交",
    "maintenance": "维护/二次开发",
}


@dataclass
class Week:
    user: User
    start: date
    end: date
    leads: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    moves: list = field(default_factory=list)
    qualifications: list = field(default_factory=list)
    assessments: list = field(default_factory=list)
    claims: list = field(default_factory=list)
    working_days: int = 0


def _utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    low = datetime.combine(start, datetime.min.time(), SHANGHAI)
    return low, datetime.combine(end + timedelta(days=1), datetime.min.time(), SHANGHAI)


def week_of(user: User, today: date | None = None) -> Week:
    today = today or local_today()
    start = today - timedelta(days=today.weekday())
    week = Week(user=user, start=start, end=today)
    low, high = _utc_bounds(start, today)
    name = sa.func.coalesce(Account.short_name, Account.name)
    week.leads = db.session.execute(
        sa.select(DevelopmentProfile.filed_on, name, DevelopmentProfile.source,
                  DevelopmentProfile.need, DevelopmentProfile.contact_name)
        .join(Account, Account.id == DevelopmentProfile.account_id)
        .where(DevelopmentProfile.filed_by_id == user.id,
               DevelopmentProfile.filed_on.between(start, today))
        .order_by(DevelopmentProfile.filed_on, Account.id)
    ).all()  # fmt: skip
    week.visits = db.session.execute(
        sa.select(Visit.visited_on, name, Visit.kind, Visit.summary, Visit.next_step)
        .join(Account, Account.id == Visit.account_id)
        .where(Visit.user_id == user.id, Visit.visited_on.between(start, today))
        .order_by(Visit.visited_on, Visit.id)
    ).all()
    week.moves = db.session.execute(
        sa.select(StageMove.at, name, StageMove.from_stage, StageMove.to_stage, StageMove.reason)
        .join(Account, Account.id == StageMove.account_id)
        .where(StageMove.by_id == user.id, StageMove.at >= low, StageMove.at < high)
        .order_by(StageMove.at)
    ).all()
    week.qualifications = db.session.execute(
        sa.select(ManQualification.at, name, ManQualification.result)
        .join(Account, Account.id == ManQualification.account_id)
        .where(ManQualification.by_id == user.id, ManQualification.at >= low,
               ManQualification.at < high)
        .order_by(ManQualification.at)
    ).all()  # fmt: skip
    week.assessments = db.session.execute(
        sa.select(ValueAssessment.at, name, ValueAssessment.result, ValueAssessment.total)
        .join(Account, Account.id == ValueAssessment.account_id)
        .where(ValueAssessment.by_id == user.id, ValueAssessment.at >= low,
               ValueAssessment.at < high)
        .order_by(ValueAssessment.at)
    ).all()  # fmt: skip
    week.claims = db.session.execute(
        sa.select(PoolEvent.at, name, PoolEvent.kind)
        .join(Account, Account.id == PoolEvent.account_id)
        .where(PoolEvent.to_user_id == user.id, PoolEvent.at >= low, PoolEvent.at < high,
               PoolEvent.kind.in_([PoolEventKind.CLAIMED, PoolEventKind.ASSIGNED]))
        .order_by(PoolEvent.at)
    ).all()  # fmt: skip
    settings = all_settings()
    weekdays, holidays = set(settings["working_weekdays"]), set(settings["holidays"])
    extra = set(settings["extra_workdays"])
    week.working_days = sum(
        1
        for i in range((today - start).days + 1)
        if (d := start + timedelta(days=i)).isoformat() in extra
        or (d.weekday() in weekdays and d.isoformat() not in holidays)
    )
    return week


def can_read(reader: User, salesperson: User) -> bool:
    if reader.id == salesperson.id or reader.role is Role.EXECUTIVE:
        return True
    return (
        reader.role in (Role.SUPERVISOR, Role.DEPARTMENT_HEAD)
        and reader.department_id == salesperson.department_id
    )


def _salesperson(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.role is Role.ACCOUNT_MANAGER else None


def week_for_user(reader: User, user_id: int) -> Week:
    salesperson = _salesperson(user_id)
    if salesperson is None:
        raise NotFound(_("No such salesperson."))
    if not can_read(reader, salesperson):
        raise Forbidden(_("This summary belongs to another team."))
    return week_of(salesperson)


def week_for_id(user_id: int) -> Week | None:
    salesperson = _salesperson(user_id)
    return None if salesperson is None else week_of(salesperson)


def context(week: Week) -> dict:
    by_day: dict[date, int] = {}
    for row in week.leads:
        by_day[row.filed_on] = by_day.get(row.filed_on, 0) + 1
    days = [week.start + timedelta(days=i) for i in range((week.end - week.start).days + 1)]
    return {
        "week": week,
        "user": week.user,
        "department": week.user.department.name if week.user.department else "",
        "days": [{"day": d, "count": by_day.get(d, 0)} for d in days],
        "visit_kinds": VISIT_KINDS,
        "stage_names": STAGE_NAMES,
        "result_names": RESULT_NAMES,
        "class_names": CLASS_NAMES,
    }


def source_version(week: Week) -> str:
    plain = repr(
        (week.start, week.end, week.leads, week.visits, week.moves, week.qualifications,
         week.assessments, week.claims, week.user.full_name)
    )  # fmt: skip
    return hashlib.sha1(plain.encode("utf-8")).hexdigest()


def filename(week: Week) -> str:
    return f"周总结-{week.user.full_name}-{week.start:%Y%m%d}"


def salesperson_ids() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(User.id).where(User.role == Role.ACCOUNT_MANAGER, User.active.is_(True))
        )
    )


WEEKLY = DocumentType(
    kind="weekly",
    label=_l("Weekly development summary"),
    template="development/weekly.xml",
    template_version=TEMPLATE_VERSION,
    get_for_user=week_for_user,
    get_any=week_for_id,
    source_version=source_version,
    context=context,
    filename=filename,
    all_ids=salesperson_ids,
)
