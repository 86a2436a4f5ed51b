"""Key accounts across kinds, stages, tiers and credit grades, shared out round-robin among the
account managers, with some team members and each account's first credit-history entry."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from webapp.accounts.models import (
    Account,
    AccountKind,
    AccountMember,
    Channel,
    CreditChange,
    CreditGrade,
    Loyalty,
    Ownership,
    Relation,
    SalesTier,
    Stage,
    ValueClass,
)
from webapp.accounts.uscc import make_uscc
from webapp.auth.models import Role, User
from webapp.common.pinyin import pinyin_key
from webapp.demo.common import insert_rows, person_name
from webapp.demo.people import DEPARTMENTS
from webapp.extensions import db

REGION_CODES = ("91310115", "91330106", "91320505", "91440300", "91110108", "91120116")
TRADE_NAMES = (
    "华鑫",
    "金桥",
    "宏达",
    "恒通",
    "新锐",
    "中联",
    "瑞丰",
    "天诚",
    "永盛",
    "鼎力",
    "博远",
    "海川",
    "信达",
    "安泰",
    "汇丰",
    "锦程",
    "东方",
    "长江",
    "光明",
    "顺捷",
    "合力",
    "嘉禾",
    "荣昌",
    "盛世",
    "卓越",
    "德润",
    "华腾",
    "联创",
    "万通",
    "星河",
    "凯旋",
    "正泰",
    "富源",
    "利民",
    "兴业",
    "同舟",
)
INDUSTRIES = (
    ("精密机械", "有限公司"),
    ("新材料", "股份有限公司"),
    ("电子科技", "有限公司"),
    ("建设工程", "有限公司"),
    ("医药", "股份有限公司"),
    ("物流", "有限公司"),
    ("商贸", "有限公司"),
    ("汽车零部件", "有限公司"),
    ("食品", "有限公司"),
    ("钢铁", "股份有限公司"),
    ("化工", "有限公司"),
    ("包装", "有限公司"),
    ("能源", "股份有限公司"),
    ("环保科技", "有限公司"),
)
PUBLIC_BODIES = ("人民医院", "第一中学", "职业技术学院", "广播电视台", "自来水公司", "供电公司")
BANKS = ("中国工商银行", "中国建设银行", "中国银行", "中国农业银行", "招商银行", "交通银行")


def load(
    rng: random.Random,
    n_accounts: int,
    users: list[User],
    now: datetime,
    echo: Callable[[str], None],
) -> tuple[list[int], list[dict]]:
    """Insert the accounts; return their ids and the rows they were inserted from, in order."""
    managers = [u for u in users if u.role is Role.ACCOUNT_MANAGER]
    rows, used_names = [], set()
    for n in range(1, n_accounts + 1):
        owner = managers[(n - 1) % len(managers)]
        rows.append(_account(rng, n, owner, used_names, now))
    insert_rows(Account, rows)
    ids = list(db.session.scalars(sa.select(Account.id).order_by(Account.id)))
    echo(f"Demo data: {len(ids)} accounts")

    members, credits = [], []
    for account_id, row in zip(ids, rows, strict=True):
        team = [
            u
            for u in managers
            if u.department_id == row["department_id"] and u.id != row["owner_id"]
        ]
        if team and rng.random() < 0.25:
            members.append(dict(account_id=account_id, user_id=rng.choice(team).id))
        credits.append(
            dict(
                account_id=account_id,
                at=row["created_at"],
                actor_id=row["owner_id"],
                old_grade=None,
                new_grade=row["credit_grade"],
                old_limit=None,
                new_limit=row["credit_limit"],
                reason="建档时的初始等级",
            )
        )
    insert_rows(AccountMember, members)
    insert_rows(CreditChange, credits)
    return ids, rows


def _account(rng: random.Random, n: int, owner: User, used_names: set, now: datetime) -> dict:
    """The n-th account, in a city of its owner's region, under a name not used yet."""
    city = rng.choice(DEPARTMENTS[owner.department.name])
    kind = rng.choices(list(AccountKind), weights=(5, 2, 1, 2))[0]
    if kind is AccountKind.IMPORTANT and rng.random() < 0.6:
        trade = rng.choice(PUBLIC_BODIES)
        name, short = f"{city}市{trade}", f"{city}{trade[:2]}"
    else:
        industry, suffix = rng.choice(INDUSTRIES)
        trade = rng.choice(TRADE_NAMES)
        name, short = f"{city}{trade}{industry}{suffix}", f"{trade}{industry[:2]}"
    while name in used_names:
        name = name.replace(city, f"{city}{rng.choice(TRADE_NAMES)}", 1)
    used_names.add(name)
    stage = rng.choices(list(Stage), weights=(3, 4, 3, 3, 2, 5))[0]
    abandoned = stage is not Stage.MAINTENANCE and rng.random() < 0.06
    signed = stage is Stage.MAINTENANCE
    grade = rng.choices(list(CreditGrade), weights=(6, 3, 1))[0]
    limit = (
        Decimal(rng.randrange(50, 2000) * 10_000) if signed or rng.random() < 0.4 else Decimal(0)
    )
    answers = [rng.choice((True, True, None, False)) for _ in range(3)]
    if stage is not Stage.TARGET:
        answers = [True, True, True]  # past stage 1 only through a passed qualification
    return dict(
        name=name,
        short_name=short,
        search_key=pinyin_key(name, short),  # bulk inserts skip the model's own upkeep
        tax_number=make_uscc(rng.choice(REGION_CODES) + f"{n:09d}"),
        legal_representative=person_name(rng),
        address=f"{city}市{rng.choice(('高新区', '经开区', '工业园区'))}"
        f"{rng.choice(TRADE_NAMES)}路 {rng.randint(1, 999)} 号",
        bank_name=f"{rng.choice(BANKS)}{city}分行",
        bank_account=" ".join(f"{rng.randint(0, 9999):04d}" for _ in range(4)),
        phone=f"0{rng.randint(10, 999)}-{rng.randint(2000_0000, 8999_9999)}",
        kind=kind,
        relation=rng.choices(list(Relation), weights=(1, 6, 2))[0],
        channel=rng.choice(list(Channel)),
        ownership=Ownership.STATE if kind is AccountKind.IMPORTANT else rng.choice(list(Ownership)),
        loyalty=rng.choice(list(Loyalty)),
        stage=stage,
        abandoned=abandoned,
        abandon_reason="客户预算冻结，需求推迟一年" if abandoned else None,
        man_money=answers[0],
        man_authority=answers[1],
        man_need=answers[2],
        value_class=rng.choices(list(ValueClass), weights=(3, 4, 2, 1, 2))[0],
        tier=rng.choice(list(SalesTier)) if signed or rng.random() < 0.3 else None,
        credit_grade=grade,
        credit_limit=limit,
        notes="年度框架客户，关注交期和服务响应。" if signed and rng.random() < 0.3 else None,
        owner_id=owner.id,
        department_id=owner.department_id,
        version=1,
        created_at=now - timedelta(days=rng.randint(30, 900)),
        updated_at=now - timedelta(hours=rng.randint(1, 2000)),
    )
