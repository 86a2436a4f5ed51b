"""One unread notification per demo user, so the bell shows what it is for."""

from __future__ import annotations

from datetime import datetime

from webapp.auth.models import Role, User
from webapp.demo.common import insert_rows
from webapp.notifications.models import Notification


def load(users: list[User], now: datetime) -> None:
    insert_rows(
        Notification,
        [
            dict(
                user_id=user.id,
                kind="welcome",
                title="欢迎使用大客户工作台",
                body="审批轮到您、您提交的申请有了结果时，这里会通知您；配置了邮件服务器时也会发邮件。",
                link="/approvals/" if user.role is not Role.ADMIN else "/admin/users",
                key="welcome",
                created_at=now,
            )
            for user in users
        ],
    )
