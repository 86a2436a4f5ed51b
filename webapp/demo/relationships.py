"""Decision maps, competitors and whitespace for the demo accounts (issue 15): the decision
maker and the coach owned by the account's owner, sideways influence lines (the user speaks to
the technical gatekeeper, the coach or influencer to the financial one: all of them report to
the decision maker, so no loop), one or two of six competitors per account with shares that sum
to at most 100 %, and estimates for two of the client's units for the products it buys."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from webapp.accounts.models import Account, BuyingRole, Contact
from webapp.demo.common import insert_rows
from webapp.extensions import db
from webapp.relationships.models import (
    AccountCompetitor,
    Competitor,
    InfluenceLine,
    RelationshipOwner,
    WhitespaceEstimate,
)
from webapp.sales.models import Purchase

COMPETITORS = (
    ("宝武钢铁贸易", "冷轧板、镀锌板", "价格低、供货快", "售后响应慢"),
    ("鞍钢销售公司", "热轧卷、中厚板", "品牌知名度高", "账期短，起订量大"),
    ("沙钢物资", "线材、螺纹钢", "价格灵活", "规格不全"),
    ("华菱贸易", "中厚板", "本地仓库", "质量波动"),
    ("日照钢铁营销", "热轧卷", "价格低", "技术服务弱"),
    ("本钢板材", "冷轧板", "表面质量好", "交期长"),
)
UNITS = ("一分厂", "二分厂", "新建厂区", "维修车间")


def load(rng: random.Random, now: datetime, echo: Callable[[str], None]) -> None:
    accounts = db.session.execute(sa.select(Account.id, Account.owner_id)).all()
    owner_of = dict(accounts)
    people: dict[int, dict[BuyingRole, int]] = {}
    for contact_id, account_id, role in db.session.execute(
        sa.select(Contact.id, Contact.account_id, Contact.buying_role)
    ):
        people.setdefault(account_id, {})[BuyingRole(role)] = contact_id
    owners, lines = [], []
    for account_id, roles in people.items():
        for role in (BuyingRole.DECISION_MAKER, BuyingRole.COACH):
            if role in roles:
                owners.append(
                    dict(
                        contact_id=roles[role], account_id=account_id, user_id=owner_of[account_id]
                    )
                )
        pairs = [
            (BuyingRole.USER, BuyingRole.TECHNICAL, "同一项目组，常交流"),
            (BuyingRole.COACH, BuyingRole.FINANCIAL, "老同事"),
            (BuyingRole.INFLUENCER, BuyingRole.FINANCIAL, "采购预算由其提出"),
        ]
        for speaker, listener, note in pairs:
            if speaker in roles and listener in roles and rng.random() < 0.6:
                lines.append(
                    dict(
                        account_id=account_id,
                        from_contact_id=roles[speaker],
                        to_contact_id=roles[listener],
                        note=note,
                        created_at=now,
                    )
                )
    insert_rows(RelationshipOwner, owners)
    insert_rows(InfluenceLine, lines)
    _competitors(rng, [a for a, _owner in accounts], owner_of, now)
    _whitespace(rng, owner_of, now)
    echo(f"Demo data: {len(lines)} influence lines, {len(owners)} relationship owners")


def _competitors(rng, account_ids, owner_of, now) -> None:
    ids = []
    for name, *_rest in COMPETITORS:
        competitor = Competitor(name=name, created_at=now)
        db.session.add(competitor)
        db.session.flush()
        ids.append(competitor.id)
    rows = []
    for account_id in account_ids:
        first = rng.randint(15, 50)
        chosen = rng.sample(range(len(COMPETITORS)), rng.choice((1, 2)))
        for k, index in enumerate(chosen):
            _name, products, strengths, weaknesses = COMPETITORS[index]
            rows.append(
                dict(
                    account_id=account_id,
                    competitor_id=ids[index],
                    products=products,
                    price=Decimal(rng.randint(3800, 5200)).quantize(Decimal("0.01")),
                    share=first if k == 0 else rng.randint(5, 100 - first - 20),
                    strengths=strengths,
                    weaknesses=weaknesses,
                    updated_at=now,
                    updated_by_id=owner_of[account_id],
                )
            )
    insert_rows(AccountCompetitor, rows)


def _whitespace(rng, owner_of, now) -> None:
    bought = db.session.execute(
        sa.select(Purchase.account_id, Purchase.product).group_by(
            Purchase.account_id, Purchase.product
        )
    ).all()
    rows, seen = [], set()
    for account_id, product in bought:
        for unit in rng.sample(UNITS, 2):
            if (account_id, product, unit) in seen:
                continue
            seen.add((account_id, product, unit))
            rows.append(
                dict(
                    account_id=account_id,
                    product=product,
                    unit=unit,
                    potential=Decimal(rng.randint(5, 80) * 10000).quantize(Decimal("0.01")),
                    updated_at=now,
                    updated_by_id=owner_of[account_id],
                )
            )
    insert_rows(WhitespaceEstimate, rows)
