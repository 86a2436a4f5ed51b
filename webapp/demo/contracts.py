"""Our company's profile, and contracts in every status for the accounts in closing or
maintenance: drafts (one returned), in approval (one flagged), approved, signed ones in force,
expiring soon, expired and not yet in force, and a terminated one, each with its event trail."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from webapp.accounts.models import Stage
from webapp.accounts.uscc import make_uscc
from webapp.auth.models import Role, User
from webapp.contracts.lines import DEFAULT_VAT_RATE
from webapp.contracts.models import (
    ClauseKey,
    CompanyProfile,
    Contract,
    ContractClause,
    ContractCounter,
    ContractEvent,
    ContractLine,
    ContractStatus,
    DistributionLevel,
    FreightPayer,
    Transport,
)
from webapp.contracts.standard_text import BUILT_IN
from webapp.demo.common import insert_rows, person_name
from webapp.extensions import db

COMPANY = dict(
    name="华东精工销售有限公司",
    address="苏州工业园区星湖街 218 号",
    legal_rep="周明",
    phone="0512-62881234",
    bank="中国银行苏州工业园区支行",
    account_no="5566 7788 9900 1122",
    tax_number=make_uscc("91320594MA1XY7T1W"),
)
PRODUCTS = (
    ("冷轧钢板", "宝钢", "1.0mm×1250", "吨", 4500),
    ("镀锌螺栓", "晋亿", "M12×80", "件", 1),
    ("不锈钢焊条", "大西洋", "A102 Φ3.2", "公斤", 120),
    ("工业润滑油", "长城", "L-HM46", "桶", 980),
    ("液压阀组", "恒立", "DN25", "套", 6800),
    ("包装纸箱", "合兴", "五层 600×400", "个", 6),
)
# What the n-th contract becomes, over and over.
PLAN = (
    "draft",
    "returned",
    "in_approval",
    "flagged",
    "approved",
    "in_force",
    "in_force",
    "expiring",
    "expired",
    "terminated",
    "future",
)


def load(
    rng: random.Random,
    ids: list[int],
    accounts: list[dict],
    users: list[User],
    now: datetime,
    today: date,
    echo: Callable[[str], None],
) -> None:
    db.session.add(CompanyProfile(**COMPANY))
    signed_accounts = [
        (i, r)
        for i, r in zip(ids, accounts, strict=True)
        if r["stage"] in (Stage.MAINTENANCE, Stage.CLOSING)
    ]
    chosen = signed_accounts[: max(len(PLAN), len(signed_accounts) // 2)]
    year = today.year
    contracts = []
    for number, (account_id, row) in enumerate(chosen, start=1):
        kind = PLAN[(number - 1) % len(PLAN)]
        lines = _lines(rng)
        contract = _contract(
            rng, kind, f"HT-{year}-{number:05d}", account_id, row, lines, now, today
        )
        contracts.append((kind, lines, contract))
    insert_rows(Contract, [c[2] for c in contracts])
    contract_ids = list(
        db.session.scalars(
            sa.select(Contract.id).where(Contract.number.like(f"HT-{year}-%")).order_by(Contract.id)
        )
    )
    line_rows, clause_rows, events = [], [], []
    for contract_id, (kind, lines, row) in zip(contract_ids, contracts, strict=True):
        line_rows += [dict(contract_id=contract_id, **line) for line in lines]
        for key in ClauseKey:
            text = BUILT_IN[key]
            if kind == "flagged" and key is ClauseKey.SETTLEMENT:
                text = text.replace(
                    "每逾期一日按未付金额的万分之五", "每逾期一日按未付金额的万分之三"
                )
            clause_rows.append(
                dict(contract_id=contract_id, key=key, text=text, standard_version=0)
            )
        events += [
            dict(
                contract_id=contract_id,
                at=now - timedelta(days=30 - i),
                actor_id=actor,
                action=action,
                from_status=before,
                to_status=after,
                comment=comment,
            )
            for i, (action, actor, before, after, comment) in enumerate(_trail(kind, row, users))
        ]
    insert_rows(ContractLine, line_rows)
    insert_rows(ContractClause, clause_rows)
    insert_rows(ContractEvent, events)
    db.session.add(ContractCounter(year=year, last=len(chosen)))
    echo(f"Demo data: {len(contract_ids)} contracts in every status")


def _lines(rng: random.Random) -> list[dict]:
    lines = []
    for position in range(1, rng.randint(2, 6) + 1):
        product, brand, spec, unit, base = rng.choice(PRODUCTS)
        quantity = Decimal(rng.randint(1, 200))
        price = (Decimal(base) * Decimal(rng.randint(90, 115)) / 100).quantize(Decimal("0.01"))
        lines.append(
            dict(
                position=position,
                product=product,
                brand=brand,
                spec=spec,
                unit=unit,
                quantity=quantity,
                unit_price=price,
                amount=(quantity * price).quantize(Decimal("0.01")),
            )
        )
    return lines


def _contract(
    rng: random.Random,
    kind: str,
    number: str,
    account_id: int,
    row: dict,
    lines: list[dict],
    now: datetime,
    today: date,
) -> dict:
    """The contract with an account (`row`), dated and in the status its `kind` asks for."""
    effective = {
        "in_force": today - timedelta(days=120),
        "expiring": today - timedelta(days=340),
        "expired": today - timedelta(days=400),
        "future": today + timedelta(days=20),
    }.get(kind, today)
    # The dict is built whole, so every contract draws a number here, whatever its kind.
    expires = {
        "expiring": today + timedelta(days=rng.randint(3, 25)),
        "expired": today - timedelta(days=35),
    }.get(kind, effective + timedelta(days=365))
    status = {
        "draft": ContractStatus.DRAFT,
        "returned": ContractStatus.DRAFT,
        "in_approval": ContractStatus.IN_APPROVAL,
        "flagged": ContractStatus.IN_APPROVAL,
        "approved": ContractStatus.APPROVED,
        "terminated": ContractStatus.TERMINATED,
    }.get(kind, ContractStatus.SIGNED)
    return dict(
        number=number,
        account_id=account_id,
        owner_id=row["owner_id"],
        department_id=row["department_id"],
        status=status,
        we_sell=True,
        title="购销合同",
        tax_rate=DEFAULT_VAT_RATE,
        total=sum((line["amount"] for line in lines), Decimal(0)),
        delivery_time="合同生效后 15 日内分批交货",
        delivery_place=row["address"],
        transport=Transport.ROAD,
        freight_payer=FreightPayer.SELLER,
        dist_level=DistributionLevel.FIRST_LEVEL,
        dist_exclusive=False,
        dist_territory=row["address"][:2] + "地区",
        dist_products="全系列产品",
        dist_term="一年",
        settlement_method="月结 30 天，银行转账",
        policy_rebate="年销量达标返 1%",
        policy_annual_bonus="按年度回款额 0.5%",
        policy_promotion="按季度促销计划",
        policy_advertising="联合广告费用各承担 50%",
        policy_staff="派驻技术服务人员一名",
        signing_place="苏州",
        signing_date=effective,
        effective_on=effective,
        expires_on=expires,
        over_credit=kind == "flagged",
        deviates=kind == "flagged",
        return_comment="请补充分批交货的具体时间表" if kind == "returned" else None,
        termination_reason="客户业务调整，双方协商一致提前终止" if kind == "terminated" else None,
        client_name=row["name"],
        client_address=row["address"],
        client_legal_rep=row["legal_representative"],
        client_signing_rep=person_name(rng),
        client_contact=person_name(rng),
        client_phone=row["phone"],
        client_bank=row["bank_name"],
        client_account_no=row["bank_account"],
        client_tax_number=row["tax_number"],
        our_name=COMPANY["name"],
        our_address=COMPANY["address"],
        our_legal_rep=COMPANY["legal_rep"],
        our_signing_rep=person_name(rng),
        our_contact=person_name(rng),
        our_phone=COMPANY["phone"],
        our_bank=COMPANY["bank"],
        our_account_no=COMPANY["account_no"],
        our_tax_number=COMPANY["tax_number"],
        version=1,
        created_at=now - timedelta(days=30),
        updated_at=now - timedelta(days=1),
    )


def _trail(kind: str, row: dict, users: list[User]) -> list[tuple]:
    """The contract's events so far: (action, actor id, from status, to status, comment)."""
    head = next(
        u.id
        for u in users
        if u.role is Role.DEPARTMENT_HEAD and u.department_id == row["department_id"]
    )
    custodian = next(u.id for u in users if u.role is Role.CUSTODIAN)
    owner = row["owner_id"]
    trail = [("create", owner, None, "draft", None)]
    if kind != "draft":
        trail.append(("submit", owner, "draft", "in_approval", None))
    if kind == "returned":
        trail.append(("return", head, "in_approval", "draft", row["return_comment"]))
    if row["status"] in (ContractStatus.APPROVED, ContractStatus.SIGNED, ContractStatus.TERMINATED):
        trail.append(("approve", head, "in_approval", "approved", "同意"))
    if row["status"] in (ContractStatus.SIGNED, ContractStatus.TERMINATED):
        trail.append(("archive", custodian, "approved", "signed", None))
    if kind == "terminated":
        trail.append(("terminate", head, "signed", "terminated", row["termination_reason"]))
    return trail
