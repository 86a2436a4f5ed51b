"""The client's people and our visits to them: five contacts per account, one for each buying
role, reporting to the decision maker; two to six visits per account, some with a next step."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from webapp.accounts.models import (
    BuyingRole,
    Contact,
    DecisionStyle,
    Ladder,
    Personality,
    Stance,
    Visit,
    VisitKind,
)
from webapp.common.pinyin import pinyin_key
from webapp.demo.common import insert_rows, person_name
from webapp.extensions import db

TITLES = {
    BuyingRole.DECISION_MAKER: ("总经理", "董事长", "副总经理", "院长"),
    BuyingRole.TECHNICAL: ("技术总监", "总工程师", "设备部经理"),
    BuyingRole.FINANCIAL: ("财务总监", "财务经理"),
    BuyingRole.USER: ("生产部经理", "车间主任", "仓储主管"),
    BuyingRole.INFLUENCER: ("采购经理", "行政主管", "项目经理"),
    BuyingRole.COACH: ("采购专员", "总经理助理", "技术员"),
}
HOMETOWNS = ("江苏苏州", "浙江宁波", "湖南长沙", "四川成都", "山东青岛", "广东潮州", "河南郑州")
INTERESTS = ("高尔夫", "钓鱼", "书法", "茶道", "羽毛球", "摄影", "登山", "围棋")
VISIT_SUMMARIES = (
    "拜访采购部，了解下季度钢材需求，客户对交期较为关注。",
    "与技术总监交流新产品参数，约定下周送样。",
    "电话跟进报价反馈，客户认为价格偏高，需要方案调整。",
    "陪同客户参观工厂，决策者对质量体系评价正面。",
    "处理上月到货的包装破损问题，客户表示满意。",
    "了解竞争对手报价与供货份额，客户有意增加我方比例。",
    "与财务沟通回款计划，确认月底前付清上批货款。",
    "参加客户年度供应商大会，介绍新的服务方案。",
)
NEXT_STEPS = (
    "送样并安排测试",
    "提交修改后的报价",
    "约见总经理",
    "准备合作方案书",
    "跟进回款",
    "安排技术交流会",
    "确认年度采购计划",
)


def load(
    rng: random.Random,
    ids: list[int],
    accounts: list[dict],
    now: datetime,
    today: date,
    echo: Callable[[str], None],
) -> None:
    bosses = _contacts(rng, ids, now, echo)
    visits = []
    for account_id, row in zip(ids, accounts, strict=True):
        for k in range(rng.randint(2, 6)):
            visited = today - timedelta(days=rng.randint(1, 200) + k * 7)
            has_next = k == 0 or rng.random() < 0.3
            visits.append(
                dict(
                    account_id=account_id,
                    contact_id=bosses[account_id] if rng.random() < 0.5 else None,
                    user_id=row["owner_id"],
                    kind=rng.choice(list(VisitKind)),
                    visited_on=visited,
                    summary=rng.choice(VISIT_SUMMARIES),
                    next_step=rng.choice(NEXT_STEPS) if has_next else None,
                    next_date=today + timedelta(days=rng.randint(-5, 12)) if has_next else None,
                    version=1,
                    created_at=now,
                )
            )
    insert_rows(Visit, visits)
    echo(f"Demo data: {len(visits)} visits")


def _contacts(
    rng: random.Random, ids: list[int], now: datetime, echo: Callable[[str], None]
) -> dict[int, int]:
    """Insert the contacts; return each account's decision maker (account id: contact id)."""
    contacts = []
    for account_id in ids:
        roles = [
            BuyingRole.DECISION_MAKER,
            BuyingRole.TECHNICAL,
            BuyingRole.FINANCIAL,
            BuyingRole.USER,
            rng.choice((BuyingRole.COACH, BuyingRole.INFLUENCER)),
        ]
        for role in roles:
            decides = role is BuyingRole.DECISION_MAKER
            name = person_name(rng)
            contacts.append(
                dict(
                    account_id=account_id,
                    name=name,
                    search_key=pinyin_key(name)[:200],  # bulk inserts skip the model's upkeep
                    title=rng.choice(TITLES[role]),
                    phone=f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
                    buying_role=role,
                    personality=rng.choice(list(Personality)),
                    decision_style=rng.choice(list(DecisionStyle))
                    if decides or rng.random() < 0.4
                    else None,
                    stance=rng.choices(list(Stance), weights=(4, 4, 1))[0],
                    ladder=rng.choice(list(Ladder))
                    if role is BuyingRole.COACH or decides
                    else None,
                    birthday=date(rng.randint(1962, 1990), rng.randint(1, 12), rng.randint(1, 28))
                    if decides
                    else None,
                    hometown=rng.choice(HOMETOWNS) if decides else None,
                    interests=rng.choice(INTERESTS) if decides else None,
                    tenure=f"{rng.randint(2, 15)} 年" if decides else None,
                    authority="审批 50 万元以上采购" if decides else None,
                    version=1,
                    created_at=now,
                )
            )
    insert_rows(Contact, contacts)
    # Org chart: everyone reports to the account's decision maker (the first contact inserted).
    bosses = dict(
        db.session.execute(
            sa.select(Contact.account_id, sa.func.min(Contact.id)).group_by(Contact.account_id)
        ).all()
    )
    table = Contact.__table__
    db.session.connection().execute(
        sa.update(table)
        .where(table.c.account_id == sa.bindparam("a"), table.c.id != sa.bindparam("b"))
        .values(reports_to_id=sa.bindparam("b")),
        [{"a": account_id, "b": boss} for account_id, boss in bosses.items()],
    )
    echo(f"Demo data: {len(contacts)} contacts")
    return bosses
