"""Complaints in every state, each with the steps that brought it there: recorded by the account
manager, investigated, instructed by the department's supervisor, the client told, archived."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from webapp.auth.models import Role, User
from webapp.complaints.models import Complaint, ComplaintStatus, ComplaintStep
from webapp.demo.common import at_hour
from webapp.extensions import db

COMPLAINTS = (
    ("到货包装破损", "到货 20 件中 3 件包装破损，表面有划伤。"),
    ("交货延迟", "合同约定 5 日到货，实际晚到 4 天，影响客户排产。"),
    ("规格不符", "部分板材厚度公差超出合同约定。"),
    ("发票开具错误", "发票抬头与合同不一致，需重开。"),
)
STEP_NOTES = {
    ComplaintStatus.INVESTIGATED: "已现场核实，情况属实，原因已查明。",
    ComplaintStatus.INSTRUCTED: "同意补发/换货，费用由我方承担，三日内处理完毕。",
    ComplaintStatus.CLIENT_TOLD: "已电话告知客户采购负责人处理结果，客户表示满意。",
    ComplaintStatus.ARCHIVED: "处理完毕，资料归档。",
}


def draw(
    rng: random.Random, account_id: int, row: dict, users: list[User], today: date
) -> tuple[dict, list[dict]]:
    """A complaint from the account (`row`) and its steps, as plain values; see `insert`."""
    subject, description = rng.choice(COMPLAINTS)
    received = today - timedelta(days=rng.randint(5, 150))
    owner = row["owner_id"]
    leader = next(
        (u for u in users if u.role is Role.SUPERVISOR and u.department_id == row["department_id"]),
        None,
    )
    reached = rng.choice(list(ComplaintStatus))
    if leader is None:
        reached = ComplaintStatus.RECORDED
    steps = [
        dict(step=ComplaintStatus.RECORDED, actor_id=owner, at=at_hour(received), note=description)
    ]
    day = received
    for status in list(ComplaintStatus)[1:]:
        if list(ComplaintStatus).index(status) > list(ComplaintStatus).index(reached):
            break
        day = min(day + timedelta(days=rng.randint(1, 4)), today)
        actor = (
            leader.id if status in (ComplaintStatus.INSTRUCTED, ComplaintStatus.ARCHIVED) else owner
        )
        steps.append(
            dict(step=status, actor_id=actor, at=at_hour(day, 15), note=STEP_NOTES[status])
        )
    values = dict(
        account_id=account_id,
        subject=subject,
        description=description,
        received_on=received,
        status=reached,
        recorded_by_id=owner,
        recorded_at=at_hour(received),
        closed_at=steps[-1]["at"] if reached is ComplaintStatus.ARCHIVED else None,
    )
    return values, steps


def insert(drawn: list[tuple[dict, list[dict]]], echo: Callable[[str], None]) -> None:
    for values, steps in drawn:
        complaint = Complaint(**values)
        complaint.steps = [ComplaintStep(**s) for s in steps]
        db.session.add(complaint)
    echo(f"Demo data: {len(drawn)} complaints")
