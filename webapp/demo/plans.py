"""Demo plans (issue 15): role service plan items for the first contacts of each account
manager's first accounts, a monthly review, and attack plans — one approved with tasks under
way and a progress review, one waiting for the supervisor."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

import sqlalchemy as sa

from webapp.accounts.models import Account, Contact
from webapp.approvals import service as approvals
from webapp.approvals.models import ApprovalRequest
from webapp.auth.models import Role, User
from webapp.extensions import db
from webapp.plans import attack, service
from webapp.plans.service import ItemInput, ReviewInput

ITEMS = (
    ("建立信任，了解其决策标准", "登门拜访、技术交流", "汇报节能改造方案进展", "monthly"),
    ("让技术把关者认可我方方案", "邀请参观样板工程", "安排样板工程参观", "quarterly"),
    ("保持日常联系", "电话、微信问候", "每周电话沟通项目需求", "weekly"),
)


def _first_accounts(manager: User, n: int) -> list[Account]:
    return list(
        db.session.scalars(
            sa.select(Account).where(Account.owner_id == manager.id).order_by(Account.id).limit(n)
        )
    )


def _contacts(account: Account, n: int) -> list[Contact]:
    return list(
        db.session.scalars(
            sa.select(Contact).where(Contact.account_id == account.id).order_by(Contact.id).limit(n)
        )
    )


def _attack_plan(manager: User, account: Account, today: date, amount: str) -> ApprovalRequest:
    return attack.file_plan(
        manager,
        account.id,
        {
            "title": f"{account.short_name or account.name}二期项目攻关",
            "goals": "本季度内完成技术认可，年内签订二期采购合同",
            "simulation": "我方设备能耗低 15%，本地服务 4 小时响应，三年总拥有成本最低",
            "close_on": today + timedelta(days=90),
            "forces": [
                {"person": "总经理（决策者）", "side": "for", "strength": "medium", "note": ""},
                {"person": "设备部长（技术把关）", "side": "for", "strength": "strong", "note": ""},
                {
                    "person": "采购经理",
                    "side": "against",
                    "strength": "medium",
                    "note": "倾向原供应商",
                },
            ],
            "actions": [
                {
                    "action": "技术交流会",
                    "owner_id": manager.id,
                    "due_on": today + timedelta(days=7),
                },
                {
                    "action": "样板工程参观",
                    "owner_id": manager.id,
                    "due_on": today + timedelta(days=21),
                },
                {
                    "action": "商务谈判",
                    "owner_id": manager.id,
                    "due_on": today + timedelta(days=60),
                },
            ],
            "expenses": [
                {"item": "交流会场地与资料", "amount": "6000", "note": ""},
                {"item": "参观差旅", "amount": amount, "note": "客户 4 人"},
            ],
        },
    )


def _approve(item: ApprovalRequest, *deciders: User) -> None:
    for user in deciders:
        db.session.refresh(item)
        step = approvals.current_step(item)
        if step is None:
            return
        approvals.decide(user, item.id, step.id, "approve", "同意")


def load(rng: random.Random, users: list[User], today: date, echo: Callable[[str], None]) -> None:
    bosses = {
        (u.department_id, u.role): u
        for u in users
        if u.role in (Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.EXECUTIVE)
    }
    executive = next(u for u in users if u.role is Role.EXECUTIVE)
    items = plans = 0
    for manager in (u for u in users if u.role is Role.ACCOUNT_MANAGER and u.active):
        accounts = _first_accounts(manager, 3)
        for account in accounts:
            for contact, (goal, method, action, frequency) in zip(
                _contacts(account, 3), ITEMS, strict=False
            ):
                due = today + timedelta(days=rng.randint(-3, 20))
                service.add_item(
                    manager,
                    account.id,
                    ItemInput(contact.id, goal, method, action, frequency, due, manager.id),
                )
                items += 1
        if len(accounts) < 2:
            continue
        service.add_review(
            manager,
            accounts[0].id,
            ReviewInput(
                today - timedelta(days=rng.randint(1, 20)),
                manager.full_name,
                "按计划推进",
                "加强与技术把关者的交流",
            ),
        )
        supervisor = bosses.get((manager.department_id, Role.SUPERVISOR))
        head = bosses.get((manager.department_id, Role.DEPARTMENT_HEAD))
        approved = _attack_plan(manager, accounts[0], today, "12000")
        _approve(approved, *(u for u in (supervisor, head, executive) if u is not None))
        db.session.refresh(approved)
        if approved.attack_plan.is_approved:
            first = approved.attack_plan.actions[0]
            attack.update_progress(manager, first.id, "60")
            attack.add_review(
                manager,
                approved.attack_plan.id,
                ReviewInput(today, manager.full_name, "技术交流会已筹备六成", "下周发出邀请函"),
            )
        _attack_plan(manager, accounts[1], today, "68000")  # waits for the supervisor
        plans += 2
    echo(f"Demo data: {items} service plan items, {plans} attack plans")
