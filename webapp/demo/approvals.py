"""Approval requests of all three types at every step, filed and decided through the approvals
service itself so each has its steps, trail and notifications: waiting at each approver, overdue,
decided, returned and withdrawn; the contracts sent for approval get their 合同审批 requests.
Runs inside a request context (the services translate their messages)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from webapp.accounts.models import Account
from webapp.approvals import service as approvals
from webapp.approvals.models import (
    ApprovalRequest,
    ApprovalStep,
    RequestType,
    SupportKind,
    SupportTask,
)
from webapp.attachments import service as attachments
from webapp.auth.models import Role, User
from webapp.contracts.models import Contract, ContractStatus
from webapp.extensions import db


def load(rng: random.Random, users: list[User], today: date, echo: Callable[[str], None]) -> None:
    """Support and credit requests for each account manager's first six accounts, then the
    contract requests."""
    people_of = {
        dept: {u.role: u for u in users if u.department_id == dept}
        for dept in {u.department_id for u in users if u.department_id}
    }
    finance = next(u for u in users if u.role is Role.FINANCE)
    executive = next(u for u in users if u.role is Role.EXECUTIVE)
    count = 0
    for manager in (u for u in users if u.role is Role.ACCOUNT_MANAGER):
        bosses = people_of[manager.department_id]
        account_ids = list(
            db.session.scalars(
                sa.select(Account.id).where(Account.owner_id == manager.id).order_by(Account.id)
            )
        )[:6]
        if len(account_ids) < 6:
            continue
        count += _support_requests(rng, manager, account_ids, bosses, today)
        count += _credit_requests(manager, account_ids[1:], bosses, finance)
    count += _contract_requests(people_of, executive, today)
    waiting = db.session.scalar(
        sa.select(sa.func.count()).select_from(ApprovalStep).where(ApprovalStep.current.is_(True))
    )
    echo(f"Demo data: {count} approval requests, {waiting} waiting for a decision")


def _support_requests(
    rng: random.Random, manager: User, account_ids: list[int], bosses: dict, today: date
) -> int:
    supervisor, head = bosses[Role.SUPERVISOR], bosses[Role.DEPARTMENT_HEAD]
    support = [
        ("training", "为客户设备部开展两天操作培训", "8000", None),
        ("seminar", "在客户总部举办新产品技术研讨会", "26000", "review"),
        ("advertising", "联合投放行业展会广告与促销物料", "86000", "head"),
        ("after_sales", "派驻工程师驻场一周处理设备调试", "5000", "approved"),
        ("sales", "陪同客户采购部考察我司生产基地", "3000", "returned"),
        (rng.choice(list(SupportKind)).value, "季度客户答谢会", "15000", "withdrawn"),
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
        if outcome == "review":
            _age(item, 5)  # overdue at the supervisor
        elif outcome in ("head", "approved"):
            _decide(item, supervisor, comment="同意，请经理审批")
            if outcome == "approved":
                _decide(item, head, comment="同意")
                if kind == "after_sales":
                    task_id = db.session.scalar(
                        sa.select(SupportTask.id).where(SupportTask.request_id == item.id)
                    )
                    approvals.deliver_task(manager, task_id, "工程师已驻场完成调试")
            elif item.amount and item.amount > Decimal("50000"):
                _decide(item, head, comment="预算较大，报常务副总")  # now the executive's
        elif outcome == "returned":
            _decide(item, supervisor, "return", "请补充考察行程与人数")
            # the applicant has already attached the itinerary for the next round
            limit = current_app.config["ATTACHMENT_MAX_BYTES"]
            attachments.add(manager, "request", item.id, "考察行程.pdf", _pdf("Itinerary"), limit)
        elif outcome == "withdrawn":
            approvals.withdraw(manager, item.id)
    return len(support)


def _credit_requests(manager: User, account_ids: list[int], bosses: dict, finance: User) -> int:
    supervisor, head = bosses[Role.SUPERVISOR], bosses[Role.DEPARTMENT_HEAD]
    credit = [
        ("green", "1500000", "近 12 个月采购 420 万元，回款均按期", None),
        ("yellow", "300000", "近两个季度回款平均逾期 25 天", "finance"),
        ("green", "900000", "年度采购量增长 35%", "head"),
        ("red", "0", "连续三个月逾期，已发律师函", "overdue"),
        ("green", "800000", "集团担保，回款记录良好", "approved"),
    ]
    for account_id, (grade, limit, basis, outcome) in zip(account_ids, credit, strict=True):
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
        if outcome in ("finance", "head", "approved"):
            _decide(item, supervisor, comment="属实")
        if outcome in ("head", "approved"):
            _decide(item, finance, comment="核对回款记录无误")
        if outcome == "approved":
            _decide(item, head, comment="同意调整")
        if outcome == "overdue":
            _age(item, 12)  # past the 10-day deadline (seed 001)
    return len(credit)


def _contract_requests(people_of: dict, executive: User, today: date) -> int:
    """The contracts in approval (or returned, or decided) get their 合同审批 requests."""
    contracts = db.session.scalars(
        sa.select(Contract).where(Contract.number.like(f"HT-{today.year}-%")).order_by(Contract.id)
    ).all()
    count = 0
    for contract in contracts:
        if contract.status is ContractStatus.DRAFT and not contract.return_comment:
            continue  # never submitted
        owner = db.session.get(User, contract.owner_id)
        head = people_of[contract.department_id][Role.DEPARTMENT_HEAD]
        item = approvals.file_contract_request(contract, owner)
        db.session.commit()
        count += 1
        if contract.return_comment and contract.status is ContractStatus.DRAFT:
            _decide(item, head, "return", contract.return_comment)
        elif contract.status is not ContractStatus.IN_APPROVAL:
            _decide(item, head, comment="同意")
            if _step_of(item) is not None:
                _decide(item, executive, comment="同意")
        elif contract.over_credit or contract.deviates:
            _decide(item, head, comment="条款有调整，报常务副总审批")
    return count


def _pdf(title: str) -> bytes:
    """A one-page PDF saying `title` (written by hand: the demo renders nothing it need not)."""
    stream = f"BT /F1 24 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _step_of(item: ApprovalRequest) -> ApprovalStep | None:
    db.session.refresh(item)
    return approvals.current_step(item)


def _decide(item: ApprovalRequest, user: User, decision="approve", comment=None):
    return approvals.decide(user, item.id, _step_of(item).id, decision, comment)


def _age(item: ApprovalRequest, days: int) -> None:
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
