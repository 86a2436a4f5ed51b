"""Our own people: three regional key-account departments and a user for every role, all with
the same demo password."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from werkzeug.security import generate_password_hash

from webapp.auth.models import Department, Role, User
from webapp.extensions import db

PASSWORD = "keydesk123"

# department: the cities its accounts are in
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


def load(now: datetime, echo: Callable[[str], None]) -> list[User]:
    """Add the departments and users; return the users in the order of USERS."""
    departments = {}
    for name in DEPARTMENTS:
        department = Department(name=name, created_at=now)
        db.session.add(department)
        departments[name] = department
    db.session.flush()
    password_hash = generate_password_hash(PASSWORD)
    users = []
    for index, (username, full_name, role, department) in enumerate(USERS, start=1):
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            password_hash=password_hash,
            department_id=departments[department].id if department else None,
            email=f"{username}@keydesk.example",
            phone=f"138 {1000 + index:04d} {6000 + index * 37:04d}",
            created_at=now,
        )
        db.session.add(user)
        users.append(user)
    db.session.flush()
    echo(f"Demo data: {len(users)} users in {len(departments)} departments")
    return users


def echo_logins(echo: Callable[[str], None]) -> None:
    echo("")
    echo(f"Demo logins (password for all: {PASSWORD}):")
    for username, full_name, role, department in USERS:
        echo(f"  {username:<11} {full_name:<5} {role.value:<16} {department or '—'}")
