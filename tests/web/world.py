"""A small company to test permissions against: two departments, one user per role, and an
account owned by an account manager of department A with one contact on it."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.accounts.models import Account, Contact
from webapp.auth.models import Department, Role, User


@dataclass
class World:
    dept_a: Department
    dept_b: Department
    owner: User  # account manager, department A, owns `account`
    colleague: User  # account manager, department A, not on the team
    other_manager: User  # account manager, department B
    supervisor: User  # department A
    head: User  # department A
    executive: User
    finance: User
    custodian: User
    admin: User
    account: Account
    contact: Contact

    def by_role(self, role: Role) -> User:
        return {
            Role.ACCOUNT_MANAGER: self.owner,
            Role.SUPERVISOR: self.supervisor,
            Role.DEPARTMENT_HEAD: self.head,
            Role.EXECUTIVE: self.executive,
            Role.FINANCE: self.finance,
            Role.CUSTODIAN: self.custodian,
            Role.ADMIN: self.admin,
        }[role]


def build_world(make_department, make_user, make_account, make_contact) -> World:
    dept_a = make_department("大客户一部")
    dept_b = make_department("大客户二部")
    owner = make_user(Role.ACCOUNT_MANAGER, dept_a, username="owner", full_name="张经理")
    account = make_account(owner, name="上海宝钢测试有限公司", short_name="宝钢测试")
    return World(
        dept_a=dept_a,
        dept_b=dept_b,
        owner=owner,
        colleague=make_user(Role.ACCOUNT_MANAGER, dept_a, username="colleague", full_name="李经理"),
        other_manager=make_user(Role.ACCOUNT_MANAGER, dept_b, username="southern"),
        supervisor=make_user(Role.SUPERVISOR, dept_a, username="supervisor", full_name="王主管"),
        head=make_user(Role.DEPARTMENT_HEAD, dept_a, username="head"),
        executive=make_user(Role.EXECUTIVE, username="executive"),
        finance=make_user(Role.FINANCE, username="finance"),
        custodian=make_user(Role.CUSTODIAN, username="custodian"),
        admin=make_user(Role.ADMIN, username="admin"),
        account=account,
        contact=make_contact(account, name="陈总"),
    )
