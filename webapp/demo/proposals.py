"""Demo proposals: a few for the first account manager's accounts, one already sent to the
client with a link that was opened, and the company's branding (colour and a drawn logo).
Called by the demo package inside a request context (the services translate their messages)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from PIL import Image, ImageDraw

from webapp.accounts.models import Account
from webapp.auth.models import Role, User
from webapp.common.timeutil import local_today, utcnow
from webapp.contracts.lines import LineInput
from webapp.extensions import db
from webapp.proposals import branding, service
from webapp.proposals.models import ProposalLinkOpen

BRAND_COLOR = "#1F4E79"
PROPOSALS = [
    (
        "年度钢材供应合作方案",
        "客户年用冷轧板约 1200 吨，现有供应商交期不稳，希望降低库存、稳定质量。",
        "宝钢冷轧板直供，苏州仓备货 200 吨，驻厂技术员一名，按月结算。",
        [
            ("冷轧钢板", "宝钢", "1.0mm×1250", "吨", "100", "4500.50"),
            ("镀锌卷", "鞍钢", "0.5mm", "吨", "20", "5780"),
            ("驻厂技术服务", "", "", "月", "12", "0"),
        ],
    ),
    (
        "紧固件集中采购方案",
        "客户紧固件品类多、供应商分散，希望集中采购、统一质检。",
        "提供 VMI 寄售库存与条码管理，质检报告随货。",
        [
            ("镀锌螺栓", "晋亿", "M12×80", "件", "50000", "1.25"),
            ("不锈钢螺母", "晋亿", "M12", "件", "50000", "0.38"),
        ],
    ),
]
DEMO_OPENS = [
    ("58.247.12.34", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) MicroMessenger/8.0.47"),
    ("58.247.12.34", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0 Safari/537.36"),
]


def _logo() -> bytes:
    image = Image.new("RGBA", (360, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 116, 116), fill=BRAND_COLOR)
    draw.rectangle((40, 40, 80, 80), fill="white")
    draw.rectangle((132, 36, 352, 52), fill=BRAND_COLOR)
    draw.rectangle((132, 68, 300, 84), fill="#8AA4BD")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def load(echo: Callable[[str], None]) -> None:
    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN).limit(1))
    profile = branding.profile()
    if admin is not None and profile is not None:
        branding.save_branding(
            admin,
            name=profile.name,
            color=BRAND_COLOR,
            logo=_logo(),
            remove_logo=False,
            expected_version=profile.version,
        )
    manager = db.session.scalar(
        sa.select(User).where(User.role == Role.ACCOUNT_MANAGER).order_by(User.id).limit(1)
    )
    if manager is None:
        return
    accounts = db.session.scalars(
        sa.select(Account).where(Account.owner_id == manager.id).order_by(Account.id).limit(2)
    ).all()
    made = []
    for account, (title, needs, solution, lines) in zip(accounts, PROPOSALS, strict=False):
        made.append(
            service.create_proposal(
                manager,
                account.id,
                service.ProposalInput(
                    values={
                        "title": f"{account.short_name or account.name} {title}",
                        "client_needs": needs,
                        "solution": solution,
                        "implementation_plan": "签约后两周内完成首批交付，之后按月度计划供货。",
                        "timeline": "第 1 周 现场调研\n第 2 周 样品确认\n第 4 周 首批交付",
                        "reference_clients": "上海汽车零部件有限公司\n苏州精工机械股份有限公司",
                        "team_manager": manager.full_name,
                        "team_sales": "王芳",
                        "team_after_sales": "刘强",
                        "team_finance": "陈静",
                        "team_training": "赵敏",
                    },
                    valid_until=local_today() + timedelta(days=30),
                    rows=[
                        LineInput(
                            product=p,
                            brand=b,
                            spec=s,
                            unit=u,
                            quantity_text=q,
                            unit_price_text=price,
                        )
                        for p, b, s, u, q, price in lines
                    ],
                ),
            )
        )
    if made:
        link = service.create_link(manager, made[0].id, branding.company_branding())
        for hours, (ip, agent) in enumerate(DEMO_OPENS, start=1):
            db.session.add(
                ProposalLinkOpen(
                    link_id=link.id,
                    kind="view",
                    ip=ip,
                    user_agent=agent,
                    at=utcnow() - timedelta(hours=len(DEMO_OPENS) - hours),
                )
            )
        db.session.commit()
    echo(f"Demo data: {len(made)} proposals, one sent to the client and opened")
