"""The demo data set: every role can sign in, records are valid, visibility rules bite."""

from __future__ import annotations

import sqlalchemy as sa

from webapp.accounts.models import Account, BuyingRole, Contact
from webapp.accounts.service import AccountQuery, list_accounts
from webapp.accounts.uscc import uscc_error
from webapp.auth.models import Role, User
from webapp.auth.service import authenticate
from webapp.contracts.models import Contract
from webapp.contracts.service import lifecycle
from webapp.extensions import db


def _load(runner, *args):
    result = runner.invoke(args=["demo-data", "--accounts", "30", *args])
    assert result.exit_code == 0, result.output
    return result


def test_demo_data_has_every_role_and_prints_logins(runner):
    result = _load(runner)
    roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == set(Role)
    assert "zhangwei" in result.output and "keydesk123" in result.output
    assert authenticate("zhangwei", "keydesk123").username == "zhangwei"


def test_demo_accounts_are_valid_and_each_has_a_decision_maker(runner):
    _load(runner)
    accounts = list(db.session.scalars(sa.select(Account)))
    assert len(accounts) == 30
    assert all(uscc_error(a.tax_number) is None for a in accounts)
    with_boss = set(
        db.session.scalars(
            sa.select(Contact.account_id).where(Contact.buying_role == BuyingRole.DECISION_MAKER)
        )
    )
    assert with_boss == {a.id for a in accounts}


def test_demo_manager_sees_only_their_team_while_the_executive_sees_all(runner):
    _load(runner)
    manager = db.session.scalar(sa.select(User).where(User.username == "zhangwei"))
    executive = db.session.scalar(sa.select(User).where(User.username == "zhaomin"))
    mine = list_accounts(manager, AccountQuery(), per_page=100).total
    everyone = list_accounts(executive, AccountQuery(), per_page=100).total
    assert 0 < mine < everyone == 30


def test_demo_contracts_cover_the_lifecycle(runner):
    _load(runner)
    stages = {lifecycle(c).value for c in db.session.scalars(sa.select(Contract))}
    assert {
        "draft",
        "returned",
        "in_approval",
        "approved",
        "in_force",
        "expiring",
        "expired",
        "terminated",
    } <= stages


def test_demo_data_if_empty_changes_nothing_the_second_time(runner):
    _load(runner)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Account))
    result = _load(runner, "--if-empty")
    assert "nothing loaded" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == before


def test_demo_data_refuses_a_database_with_data(runner):
    _load(runner)
    result = runner.invoke(args=["demo-data", "--accounts", "5"])
    assert result.exit_code != 0
    assert "already has data" in result.output


def analyzed_since(started) -> bool:
    """Whether the planner's statistics of `accounts` were gathered after `started`."""
    if db.engine.dialect.name == "sqlite":
        tables = db.session.scalar(
            sa.text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        )
        return bool(tables) and bool(
            db.session.scalar(sa.text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'accounts'"))
        )
    last = db.session.scalar(
        sa.text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'accounts'")
    )
    return last is not None and last >= started


def test_the_loaded_data_has_planner_statistics(runner):
    """A bulk load leaves the query planner guessing until the tables are analyzed."""
    started = db.session.scalar(sa.text("SELECT CURRENT_TIMESTAMP"))
    if db.engine.dialect.name == "postgresql":
        assert not analyzed_since(started)
    _load(runner)
    assert analyzed_since(started)
