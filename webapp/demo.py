"""A realistic Chinese demo data set: departments, users for every role, key accounts across
kinds, stages and tiers, their people, visits, credit history and contracts in every status.

Deterministic for a given seed. Rows go in with bulk inserts so `--accounts 10000` (about 50,000
contacts) loads in seconds on SQLite.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import click
import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from webapp.accounts.models import (
    Account,
    AccountKind,
    AccountMember,
    BuyingRole,
    Channel,
    Contact,
    CreditChange,
    CreditGrade,
    DecisionStyle,
    Ladder,
    Loyalty,
    Ownership,
    Personality,
    Relation,
    SalesTier,
    Stage,
    Stance,
    ValueClass,
    Visit,
    VisitKind,
)
from webapp.accounts.uscc import make_uscc
from webapp.auth.models import Department, Role, User
from webapp.common.timeutil import local_today
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
from webapp.extensions import db
from webapp.notifications.models import Notification
from webapp.proposals import demo as demo_proposals
from webapp.sales import demo as demo_sales

PASSWORD = "keydesk123"
REGION_CODES = ("91310115", "91330106", "91320505", "91440300", "91110108", "91120116")
OUR_TAX_NUMBER = make_uscc("91320594MA1XY7T1W")
BATCH = 5000

DEPARTMENTS = {
    "华东大客户部": ("上海", "杭州", "苏州", "南京", "宁波", "合肥"),
    "华南大客户部": ("广州", "深圳", "佛山", "东莞", "厦门", "福州"),
    "华北大客户部": ("北京", "天津", "石家庄", "济南", "青岛", "太原"),
}
# username, full name, role, department (None: company-wide)
USERS = [
    ("zhangwei", "张伟", Role.ACCOUNT_MANAGER, "华东大客户部"),
    ("wangfang", "王芳", Role.ACCOUNT_MANAGER, "华东大客户部"),
    ("liuqiang", "刘强", Role.ACCOUNT_MANAGER, "华东大客户部"),
    ("lina", "李娜", Role.SUPERVISOR, "华东大客户部"),
    ("wangqiang", "王强", Role.DEPARTMENT_HEAD, "华东大客户部"),
    ("chenhao", "陈浩", Role.ACCOUNT_MANAGER, "华南大客户部"),
    ("huangli", "黄丽", Role.ACCOUNT_MANAGER, "华南大客户部"),
    ("linjie", "林杰", Role.ACCOUNT_MANAGER, "华南大客户部"),
    ("zhouyan", "周燕", Role.SUPERVISOR, "华南大客户部"),
    ("wujun", "吴军", Role.DEPARTMENT_HEAD, "华南大客户部"),
    ("sunli", "孙丽", Role.ACCOUNT_MANAGER, "华北大客户部"),
    ("mazhiyuan", "马志远", Role.ACCOUNT_MANAGER, "华北大客户部"),
    ("gaoxin", "高欣", Role.ACCOUNT_MANAGER, "华北大客户部"),
    ("heyong", "何勇", Role.SUPERVISOR, "华北大客户部"),
    ("guoming", "郭明", Role.DEPARTMENT_HEAD, "华北大客户部"),
    ("zhaomin", "赵敏", Role.EXECUTIVE, None),
    ("chenjing", "陈静", Role.FINANCE, None),
    ("liuyang", "刘洋", Role.CUSTODIAN, None),
    ("admin", "系统管理员", Role.ADMIN, None),
]

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
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武"  # noqa: E501
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "平",
    "刚",
    "建国",
    "志强",
    "海燕",
    "玉兰",
    "国庆",
    "晓东",
    "文博",
    "子涵",
)
TITLES = {
    BuyingRole.DECISION_MAKER: ("总经理", "董事长", "副总经理", "院长"),
    BuyingRole.TECHNICAL: ("技术总监", "总工程师", "设备部经理"),
    BuyingRole.FINANCIAL: ("财务总监", "财务经理"),
    BuyingRole.USER: ("生产部经理", "车间主任", "仓储主管"),
    BuyingRole.INFLUENCER: ("采购经理", "行政主管", "项目经理"),
    BuyingRole.COACH: ("采购专员", "总经理助理", "技术员"),
}
BANKS = ("中国工商银行", "中国建设银行", "中国银行", "中国农业银行", "招商银行", "交通银行")
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
PRODUCTS = (
    ("冷轧钢板", "宝钢", "1.0mm×1250", "吨", 4500),
    ("镀锌螺栓", "晋亿", "M12×80", "件", 1),
    ("不锈钢焊条", "大西洋", "A102 Φ3.2", "公斤", 120),
    ("工业润滑油", "长城", "L-HM46", "桶", 980),
    ("液压阀组", "恒立", "DN25", "套", 6800),
    ("包装纸箱", "合兴", "五层 600×400", "个", 6),
)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _welcome(user: User, now: datetime) -> dict:
    """One unread notification per demo user, so the bell shows what it is for."""
    return dict(
        user_id=user.id,
        kind="welcome",
        title="欢迎使用大客户工作台",
        body="审批轮到您、您提交的申请有了结果时，这里会通知您；配置了邮件服务器时也会发邮件。",
        link="/approvals/" if user.role is not Role.ADMIN else "/admin/users",
        key="welcome",
        created_at=now,
    )


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(model), rows[start : start + BATCH])


def load(*, n_accounts: int, seed: int, if_empty: bool, echo: Callable[[str], None]) -> None:
    """Load the data set; refuse (or, with if_empty, skip quietly) when users already exist."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        if if_empty:
            echo("Demo data: the database already has users; nothing loaded.")
            return
        raise click.ClickException("the database already has data; use a fresh database")
    if n_accounts < 1:
        raise click.ClickException("--accounts must be at least 1")
    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = local_today()

    departments = {}
    for name in DEPARTMENTS:
        department = Department(name=name, created_at=now)
        db.session.add(department)
        departments[name] = department
    db.session.flush()
    password_hash = generate_password_hash(PASSWORD)
    users = []
    for username, full_name, role, department in USERS:
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            password_hash=password_hash,
            department_id=departments[department].id if department else None,
            email=f"{username}@keydesk.example",
            created_at=now,
        )
        db.session.add(user)
        users.append(user)
    db.session.add(
        CompanyProfile(
            name="华东精工销售有限公司",
            address="苏州工业园区星湖街 218 号",
            legal_rep="周明",
            phone="0512-62881234",
            bank="中国银行苏州工业园区支行",
            account_no="5566 7788 9900 1122",
            tax_number=OUR_TAX_NUMBER,
        )
    )
    db.session.flush()
    managers = [u for u in users if u.role is Role.ACCOUNT_MANAGER]
    colleagues = {
        d.id: [u for u in managers if u.department_id == d.id] for d in departments.values()
    }
    echo(f"Demo data: {len(users)} users in {len(departments)} departments")

    # --- accounts ------------------------------------------------------------------------------
    accounts, used_names = [], set()
    for n in range(1, n_accounts + 1):
        owner = managers[(n - 1) % len(managers)]
        city = rng.choice(
            DEPARTMENTS[next(k for k, d in departments.items() if d.id == owner.department_id)]
        )
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
            Decimal(rng.randrange(50, 2000) * 10_000)
            if signed or rng.random() < 0.4
            else Decimal(0)
        )
        answers = [rng.choice((True, True, None, False)) for _ in range(3)]
        accounts.append(
            dict(
                name=name,
                short_name=short,
                tax_number=make_uscc(rng.choice(REGION_CODES) + f"{n:09d}"),
                legal_representative=_name(rng),
                address=f"{city}市{rng.choice(('高新区', '经开区', '工业园区'))}"
                f"{rng.choice(TRADE_NAMES)}路 {rng.randint(1, 999)} 号",
                bank_name=f"{rng.choice(BANKS)}{city}分行",
                bank_account=" ".join(f"{rng.randint(0, 9999):04d}" for _ in range(4)),
                phone=f"0{rng.randint(10, 999)}-{rng.randint(2000_0000, 8999_9999)}",
                kind=kind,
                relation=rng.choices(list(Relation), weights=(1, 6, 2))[0],
                channel=rng.choice(list(Channel)),
                ownership=Ownership.STATE
                if kind is AccountKind.IMPORTANT
                else rng.choice(list(Ownership)),
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
                notes="年度框架客户，关注交期和服务响应。"
                if signed and rng.random() < 0.3
                else None,
                owner_id=owner.id,
                department_id=owner.department_id,
                version=1,
                created_at=now - timedelta(days=rng.randint(30, 900)),
                updated_at=now - timedelta(hours=rng.randint(1, 2000)),
            )
        )
    _insert(Account, accounts)
    ids = list(db.session.scalars(sa.select(Account.id).order_by(Account.id)))
    echo(f"Demo data: {len(ids)} accounts")

    members, credits = [], []
    for account_id, row in zip(ids, accounts, strict=True):
        team = [u for u in colleagues[row["department_id"]] if u.id != row["owner_id"]]
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
    _insert(AccountMember, members)
    _insert(CreditChange, credits)

    # --- contacts and visits -------------------------------------------------------------------
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
            contacts.append(
                dict(
                    account_id=account_id,
                    name=_name(rng),
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
    _insert(Contact, contacts)
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
    _insert(Visit, visits)
    echo(f"Demo data: {len(visits)} visits")
    _contracts(rng, ids, accounts, users, now, today, echo)
    _insert(Notification, [_welcome(user, now) for user in users])
    db.session.commit()

    with current_app.test_request_context():
        _approval_requests(rng, users, today, echo)
        demo_proposals.load(echo)  # branding, proposals, one link sent and opened
    demo_sales.load(seed, ids, accounts, users, today, echo)  # records, complaints, warnings

    echo("")
    echo(f"Demo logins (password for all: {PASSWORD}):")
    for username, full_name, role, department in USERS:
        echo(f"  {username:<11} {full_name:<5} {role.value:<16} {department or '—'}")


def _contracts(rng, ids, accounts, users, now, today, echo) -> None:
    """Contracts in every status: drafts (one returned), in approval (one flagged), approved,
    signed ones in force, expiring soon and expired, and a terminated one."""
    heads = {u.department_id: u for u in users if u.role is Role.DEPARTMENT_HEAD}
    custodian = next(u for u in users if u.role is Role.CUSTODIAN)
    signed_accounts = [
        (i, r)
        for i, r in zip(ids, accounts, strict=True)
        if r["stage"] in (Stage.MAINTENANCE, Stage.CLOSING)
    ]
    plan = [
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
    ]
    chosen = signed_accounts[: max(len(plan), len(signed_accounts) // 2)]
    year = today.year
    contracts, number = [], 0
    for n, (account_id, row) in enumerate(chosen):
        kind = plan[n % len(plan)]
        number += 1
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
        total = sum((line["amount"] for line in lines), Decimal(0))
        effective = {
            "in_force": today - timedelta(days=120),
            "expiring": today - timedelta(days=340),
            "expired": today - timedelta(days=400),
            "future": today + timedelta(days=20),
        }.get(kind, today)
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
        contracts.append(
            (
                kind,
                lines,
                dict(
                    number=f"HT-{year}-{number:05d}",
                    account_id=account_id,
                    owner_id=row["owner_id"],
                    department_id=row["department_id"],
                    status=status,
                    we_sell=True,
                    title="购销合同",
                    tax_rate=DEFAULT_VAT_RATE,
                    total=total,
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
                    termination_reason="客户业务调整，双方协商一致提前终止"
                    if kind == "terminated"
                    else None,
                    client_name=row["name"],
                    client_address=row["address"],
                    client_legal_rep=row["legal_representative"],
                    client_signing_rep=_name(rng),
                    client_contact=_name(rng),
                    client_phone=row["phone"],
                    client_bank=row["bank_name"],
                    client_account_no=row["bank_account"],
                    client_tax_number=row["tax_number"],
                    our_name="华东精工销售有限公司",
                    our_address="苏州工业园区星湖街 218 号",
                    our_legal_rep="周明",
                    our_signing_rep=_name(rng),
                    our_contact=_name(rng),
                    our_phone="0512-62881234",
                    our_bank="中国银行苏州工业园区支行",
                    our_account_no="5566 7788 9900 1122",
                    our_tax_number=OUR_TAX_NUMBER,
                    version=1,
                    created_at=now - timedelta(days=30),
                    updated_at=now - timedelta(days=1),
                ),
            )
        )
    _insert(Contract, [c[2] for c in contracts])
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
        owner, head = row["owner_id"], heads[row["department_id"]].id
        trail = [("create", owner, None, "draft", None)]
        if kind != "draft":
            trail.append(("submit", owner, "draft", "in_approval", None))
        if kind == "returned":
            trail.append(("return", head, "in_approval", "draft", row["return_comment"]))
        if row["status"] in (
            ContractStatus.APPROVED,
            ContractStatus.SIGNED,
            ContractStatus.TERMINATED,
        ):
            trail.append(("approve", head, "in_approval", "approved", "同意"))
        if row["status"] in (ContractStatus.SIGNED, ContractStatus.TERMINATED):
            trail.append(("archive", custodian.id, "approved", "signed", None))
        if kind == "terminated":
            trail.append(("terminate", head, "signed", "terminated", row["termination_reason"]))
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
            for i, (action, actor, before, after, comment) in enumerate(trail)
        ]
    _insert(ContractLine, line_rows)
    _insert(ContractClause, clause_rows)
    _insert(ContractEvent, events)
    db.session.add(ContractCounter(year=year, last=number))
    echo(f"Demo data: {len(contract_ids)} contracts in every status")


def _approval_requests(rng, users, today, echo) -> None:
    """Requests of all three types at every step, through the engine itself so each has its
    steps, trail and notifications: waiting at each approver, overdue ones, decided ones,
    returned, withdrawn; the contracts in approval get their 合同审批 requests."""
    from webapp.approvals import service as approvals
    from webapp.approvals.models import (
        ApprovalRequest,
        ApprovalStep,
        RequestType,
        SupportKind,
        SupportTask,
    )

    people_of = {
        dept: {u.role: u for u in users if u.department_id == dept}
        for dept in {u.department_id for u in users if u.department_id}
    }
    finance = next(u for u in users if u.role is Role.FINANCE)
    executive = next(u for u in users if u.role is Role.EXECUTIVE)

    def step_of(item):
        db.session.refresh(item)
        return approvals.current_step(item)

    def decide(item, user, decision="approve", comment=None):
        return approvals.decide(user, item.id, step_of(item).id, decision, comment)

    def age(item, days):
        """Move a request's filing (and its open step) `days` into the past."""
        shift = timedelta(days=days)
        item = db.session.get(ApprovalRequest, item.id)
        item.filed_at -= shift
        if item.deadline_at:
            item.deadline_at -= shift
        for step in item.steps:
            if step.due_at:
                step.due_at -= shift
        db.session.commit()

    managers = [u for u in users if u.role is Role.ACCOUNT_MANAGER]
    count = 0
    for manager in managers:
        bosses = people_of[manager.department_id]
        supervisor, head = bosses[Role.SUPERVISOR], bosses[Role.DEPARTMENT_HEAD]
        account_ids = list(
            db.session.scalars(
                sa.select(Account.id).where(Account.owner_id == manager.id).order_by(Account.id)
            )
        )[:6]
        if len(account_ids) < 6:
            continue
        kinds = list(SupportKind)
        support = [
            ("training", "为客户设备部开展两天操作培训", "8000", None),
            ("seminar", "在客户总部举办新产品技术研讨会", "26000", "review"),
            ("advertising", "联合投放行业展会广告与促销物料", "86000", "head"),
            ("after_sales", "派驻工程师驻场一周处理设备调试", "5000", "approved"),
            ("sales", "陪同客户采购部考察我司生产基地", "3000", "returned"),
            (rng.choice(kinds).value, "季度客户答谢会", "15000", "withdrawn"),
        ]
        for account_id, (kind, content, amount, outcome) in zip(account_ids, support, strict=True):
            item = approvals.file_request(
                manager,
                account_id,
                RequestType.SUPPORT,
                {
                    "support_kind": kind,
                    "content": content,
                    "amount": amount,
                    "starts_on": today + timedelta(days=rng.randint(5, 30)),
                    "ends_on": today + timedelta(days=rng.randint(31, 45)),
                },
            )
            count += 1
            if outcome == "review":
                age(item, 5)  # overdue at the supervisor
            elif outcome in ("head", "approved"):
                decide(item, supervisor, comment="同意，请经理审批")
                if outcome == "approved":
                    decide(item, head, comment="同意")
                    if kind == "after_sales":
                        task_id = db.session.scalar(
                            sa.select(SupportTask.id).where(SupportTask.request_id == item.id)
                        )
                        approvals.deliver_task(manager, task_id, "工程师已驻场完成调试")
                elif item.amount and item.amount > Decimal("50000"):
                    decide(item, head, comment="预算较大，报常务副总")  # now the executive's
            elif outcome == "returned":
                decide(item, supervisor, "return", "请补充考察行程与人数")
            elif outcome == "withdrawn":
                approvals.withdraw(manager, item.id)

        credit = [
            ("green", "1500000", "近 12 个月采购 420 万元，回款均按期", None),
            ("yellow", "300000", "近两个季度回款平均逾期 25 天", "finance"),
            ("green", "900000", "年度采购量增长 35%", "head"),
            ("red", "0", "连续三个月逾期，已发律师函", "overdue"),
            ("green", "800000", "集团担保，回款记录良好", "approved"),
        ]
        for account_id, (grade, limit, basis, outcome) in zip(account_ids[1:], credit, strict=True):
            item = approvals.file_request(
                manager,
                account_id,
                RequestType.CREDIT,
                {
                    "proposed_grade": grade,
                    "proposed_limit": limit,
                    "basis": basis,
                    "content": "根据近期交易量与履约记录调整信用等级和额度",
                },
            )
            count += 1
            if outcome in ("finance", "head", "approved"):
                decide(item, supervisor, comment="属实")
            if outcome in ("head", "approved"):
                decide(item, finance, comment="核对回款记录无误")
            if outcome == "approved":
                decide(item, head, comment="同意调整")
            if outcome == "overdue":
                age(item, 12)  # past the 10-day deadline (seed 001)

    # the contracts in approval (or returned, or decided) get their 合同审批 requests
    contracts = db.session.scalars(
        sa.select(Contract).where(Contract.number.like(f"HT-{today.year}-%")).order_by(Contract.id)
    ).all()
    for contract in contracts:
        if contract.status is ContractStatus.DRAFT and not contract.return_comment:
            continue  # never submitted
        owner = db.session.get(User, contract.owner_id)
        head = people_of[contract.department_id][Role.DEPARTMENT_HEAD]
        item = approvals.file_contract_request(contract, owner)
        db.session.commit()
        count += 1
        if contract.return_comment and contract.status is ContractStatus.DRAFT:
            decide(item, head, "return", contract.return_comment)
        elif contract.status is not ContractStatus.IN_APPROVAL:
            decide(item, head, comment="同意")
            if step_of(item) is not None:
                decide(item, executive, comment="同意")
        elif contract.over_credit or contract.deviates:
            decide(item, head, comment="条款有调整，报常务副总审批")
    waiting = db.session.scalar(
        sa.select(sa.func.count()).select_from(ApprovalStep).where(ApprovalStep.current.is_(True))
    )
    echo(f"Demo data: {count} approval requests, {waiting} waiting for a decision")
