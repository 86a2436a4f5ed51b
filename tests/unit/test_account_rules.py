"""Rules of webapp.accounts.service and webapp.auth.service, called directly (no HTTP)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import refresh

from tests.conftest import PASSWORD
from tests.web.formdata import account_form
from webapp.accounts import service
from webapp.accounts.models import (
    Account,
    AccountMember,
    Contact,
    CreditChange,
    CreditGrade,
    Loyalty,
    Ownership,
    Visit,
)
from webapp.audit import AuditEntry
from webapp.auth import service as auth_service
from webapp.auth.models import LoginThrottle, Role, User
from webapp.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from webapp.common.timeutil import utcnow
from webapp.extensions import db


def visible_ids(user: User) -> set[int]:
    return set(db.session.scalars(sa.select(Account.id).where(service.account_scope(user))))


def audit_rows(**where) -> list[AuditEntry]:
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, name) == value)
    return list(db.session.scalars(stmt))


@pytest.fixture
def accounts(world, make_account):
    """Four accounts: the world's (owner's), one the owner is a team member of, one of a
    department-A colleague, one of department B."""
    w = world
    member_of = make_account(w.colleague, name="杭州会员测试有限公司")
    db.session.add(AccountMember(account_id=member_of.id, user_id=w.owner.id))
    db.session.commit()
    colleagues = make_account(w.colleague, name="南京同事测试有限公司")
    southern = make_account(w.other_manager, name="广州南方测试有限公司")
    return {
        "own": w.account.id,
        "member_of": member_of.id,
        "colleagues": colleagues.id,
        "southern": southern.id,
    }


# --- visibility -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", {"own", "member_of"}),
        ("colleague", {"member_of", "colleagues"}),
        ("other_manager", {"southern"}),
        ("supervisor", {"own", "member_of", "colleagues"}),
        ("head", {"own", "member_of", "colleagues"}),
        ("executive", {"own", "member_of", "colleagues", "southern"}),
        ("finance", {"own", "member_of", "colleagues", "southern"}),
        ("custodian", {"own", "member_of", "colleagues", "southern"}),
        ("admin", set()),
    ],
)
def test_account_scope_follows_the_role(world, accounts, who, expected):
    user = getattr(world, who)
    assert visible_ids(user) == {accounts[key] for key in expected}


def test_supervisor_without_department_sees_no_account(world, accounts, make_user):
    # make_user gives a supervisor a department by default; take it away afterwards.
    loose = make_user(Role.SUPERVISOR)
    loose.department_id = None
    db.session.commit()
    assert visible_ids(loose) == set()


@pytest.mark.parametrize(
    ("who", "own", "southern"),
    [
        ("owner", True, False),
        ("colleague", False, False),  # same department, not on the team
        ("other_manager", False, True),
        ("supervisor", True, False),
        ("head", True, False),
        ("executive", False, False),
        ("finance", False, False),  # finance reads, never edits an account directly
        ("custodian", False, False),
        ("admin", False, False),
    ],
)
def test_can_edit_by_role(world, accounts, who, own, southern):
    user = getattr(world, who)
    assert service.can_edit(user, db.session.get(Account, accounts["own"])) is own
    assert service.can_edit(user, db.session.get(Account, accounts["southern"])) is southern


def test_team_member_can_edit_the_account_they_are_on(world, accounts):
    assert service.can_edit(world.owner, db.session.get(Account, accounts["member_of"]))


def test_get_account_raises_not_found_for_unknown_id(world):
    with pytest.raises(NotFound):
        service.get_account(world.owner, 999_999)


def test_another_teams_account_answers_like_a_missing_one(world):
    for outsider in (world.other_manager, world.colleague):
        with pytest.raises(NotFound) as hidden:
            service.get_account(outsider, world.account.id)
        with pytest.raises(NotFound) as missing:
            service.get_account(outsider, 999_999)
        assert hidden.value.message == missing.value.message


def test_finance_may_open_but_not_edit_an_account(world):
    assert service.get_account(world.finance, world.account.id).id == world.account.id
    with pytest.raises(Forbidden):
        service.get_account(world.finance, world.account.id, for_edit=True)


def test_admin_cannot_open_accounts(world):
    with pytest.raises(NotFound):
        service.get_account(world.admin, world.account.id)


# --- creating and updating accounts -----------------------------------------------------------


def test_create_account_is_owned_by_creator_and_audited(world):
    account = service.create_account(world.owner, account_form(name="厦门新建测试有限公司"))
    db.session.expire_all()
    stored = db.session.get(Account, account.id)
    assert stored.name == "厦门新建测试有限公司"
    assert stored.owner_id == world.owner.id
    assert stored.department_id == world.dept_a.id
    assert stored.credit_grade is CreditGrade.YELLOW
    assert stored.credit_limit == Decimal("0.00")
    entries = {e.field: e for e in audit_rows(entity_type="account", entity_id=account.id)}
    assert entries["name"].action == "create"
    assert entries["name"].old_value is None
    assert entries["name"].new_value == "厦门新建测试有限公司"
    assert entries["name"].actor_id == world.owner.id
    assert entries["kind"].new_value == "economic"
    assert "legal_representative" in entries and "notes" not in entries  # only filled fields
    history = db.session.scalars(
        sa.select(CreditChange).where(CreditChange.account_id == account.id)
    )
    assert [(c.old_grade, c.new_grade) for c in history] == [(None, CreditGrade.YELLOW)]


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.FINANCE, Role.CUSTODIAN, Role.ADMIN])
def test_reading_roles_cannot_create_accounts(world, role):
    with pytest.raises(Forbidden):
        service.create_account(world.by_role(role), account_form())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == 1


def test_create_account_refuses_duplicate_name_and_tax_number(world):
    data = account_form(name=world.account.name, tax_number=world.account.tax_number)
    with pytest.raises(ValidationFailed) as raised:
        service.create_account(world.owner, data)
    assert set(raised.value.errors) == {"name", "tax_number"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == 1


def test_update_account_records_before_and_after(world):
    account = world.account
    # the stage is not the form's to set: it moves only through the development area
    data = account_form(account, short_name="宝钢新简称", kind="strategic", stage="evaluation")
    service.update_account(world.owner, account.id, data, account.version)
    db.session.expire_all()
    stored = db.session.get(Account, account.id)
    assert (stored.short_name, stored.kind.value, stored.stage.value, stored.version) == (
        "宝钢新简称",
        "strategic",
        "information",
        2,
    )
    changes = {
        e.field: (e.old_value, e.new_value, e.version)
        for e in audit_rows(entity_type="account", action="update")
    }
    assert changes == {
        "short_name": ("宝钢测试", "宝钢新简称", 2),
        "kind": ("economic", "strategic", 2),
    }


def test_update_account_without_changes_writes_nothing(world):
    account = world.account
    service.update_account(world.owner, account.id, account_form(account), account.version)
    db.session.expire_all()
    assert db.session.get(Account, account.id).version == 1
    assert audit_rows(action="update") == []


def test_update_with_stale_version_raises_conflict_listing_the_other_changes(world):
    account = world.account
    stale = account_form(account, notes="我的备注")
    service.update_account(
        world.supervisor, account.id, account_form(account, short_name="主管改的"), 1
    )
    with pytest.raises(Conflict) as raised:
        service.update_account(world.owner, account.id, stale, stale["version"])
    conflict = raised.value
    assert conflict.current_version == 2
    assert [(c.field, c.old_value, c.new_value, c.actor_id) for c in conflict.changes] == [
        ("short_name", "宝钢测试", "主管改的", world.supervisor.id)
    ]
    db.session.rollback()
    stored = db.session.get(Account, account.id)
    assert (stored.short_name, stored.notes, stored.version) == ("主管改的", None, 2)


def test_update_refuses_a_form_without_version(world):
    with pytest.raises(ValidationFailed) as raised:
        service.update_account(world.owner, world.account.id, account_form(world.account), "")
    assert "version" in raised.value.errors


def test_supervisor_cannot_give_account_to_other_department(world):
    data = {**account_form(world.account), "owner_id": world.other_manager.id}
    with pytest.raises(ValidationFailed) as raised:
        service.update_account(world.supervisor, world.account.id, data, 1)
    assert "owner_id" in raised.value.errors
    db.session.rollback()
    assert db.session.get(Account, world.account.id).owner_id == world.owner.id


def test_supervisor_can_reassign_within_department(world):
    data = {**account_form(world.account), "owner_id": world.colleague.id}
    service.update_account(world.supervisor, world.account.id, data, 1)
    db.session.expire_all()
    assert db.session.get(Account, world.account.id).owner_id == world.colleague.id
    (entry,) = audit_rows(field="owner_id")
    assert (entry.old_value, entry.new_value) == (str(world.owner.id), str(world.colleague.id))


# --- money ------------------------------------------------------------------------------------


def test_credit_limit_round_trips_exactly_to_the_fen(world, make_account):
    account = make_account(world.owner, credit_limit=Decimal("1234567.89"))
    db.session.expire_all()
    stored = db.session.get(Account, account.id)
    assert stored.credit_limit == Decimal("1234567.89")
    assert isinstance(stored.credit_limit, Decimal)
    assert str(stored.credit_limit) == "1234567.89"
    raw = db.session.execute(
        sa.text("SELECT credit_limit FROM accounts WHERE id = :id"), {"id": account.id}
    ).scalar_one()
    assert raw == 123456789  # stored as whole fen


def test_credit_limit_rounds_half_up_to_the_fen(world, make_account):
    account = make_account(world.owner, credit_limit=Decimal("0.005"))
    db.session.expire_all()
    assert db.session.get(Account, account.id).credit_limit == Decimal("0.01")


def test_money_column_refuses_floats(world, make_account):
    with pytest.raises(sa.exc.StatementError) as raised:
        make_account(world.owner, credit_limit=0.1)
    assert isinstance(raised.value.orig, TypeError)
    db.session.rollback()


# --- MAN rule and service focus ---------------------------------------------------------------

Y, N, U = True, False, None


@pytest.mark.parametrize(
    ("money", "authority", "need", "verdict"),
    [
        (Y, Y, Y, "qualified"),
        (N, Y, Y, "veto"),
        (Y, N, Y, "veto"),
        (Y, Y, N, "veto"),
        (N, U, U, "veto"),  # one veto indicator is enough, even with others unknown
        (U, U, N, "veto"),
        (N, N, N, "veto"),
        (U, Y, Y, "unknown"),
        (Y, U, Y, "unknown"),
        (Y, Y, U, "unknown"),
        (U, U, U, "unknown"),
    ],
)
def test_man_verdict(money, authority, need, verdict):
    account = Account(man_money=money, man_authority=authority, man_need=need)
    assert service.man_verdict(account) == verdict


@pytest.mark.parametrize(
    ("ownership", "loyalty", "focus"),
    [
        (Ownership.STATE, Loyalty.LOYAL, ("service", "long_term")),
        (Ownership.STATE, Loyalty.DISLOYAL, ("service", "short_term")),
        (Ownership.PRIVATE, Loyalty.LOYAL, ("value", "long_term")),
        (Ownership.PRIVATE, Loyalty.SEMI_LOYAL, ("value", "mixed")),
        (Ownership.PRIVATE, Loyalty.DISLOYAL, ("value", "short_term")),
    ],
)
def test_service_focus_from_ownership_and_loyalty(ownership, loyalty, focus):
    assert service.service_focus(Account(ownership=ownership, loyalty=loyalty)) == focus


# --- contacts ---------------------------------------------------------------------------------

PERSONAL = {"birthday": date(1970, 5, 1), "hometown": "福建泉州", "interests": "茶道、高尔夫"}


def contact_data(**values) -> dict:
    data = {"name": "赵总", "buying_role": "decision_maker", "stance": "support"}
    data.update(values)
    return data


def test_personal_file_changes_are_sensitive_and_hidden_outside_the_team(world):
    contact = service.add_contact(world.owner, world.account.id, contact_data(**PERSONAL))
    entries = {e.field: e for e in audit_rows(entity_type="contact", entity_id=contact.id)}
    assert entries["contact.hometown"].sensitive is True
    assert entries["contact.birthday"].new_value == "1970-05-01"
    assert entries["contact.name"].sensitive is False

    def fields_seen_by(user):
        return {e.field for e in service.history(user, db.session.get(Account, world.account.id))}

    assert {"contact.birthday", "contact.hometown", "contact.name"} <= fields_seen_by(world.owner)
    for outsider in (world.supervisor, world.head, world.executive, world.finance):
        seen = fields_seen_by(outsider)
        assert "contact.name" in seen
        assert not seen & {"contact.birthday", "contact.hometown", "contact.interests"}


def test_outsider_edit_keeps_personal_file_untouched(world):
    contact = service.add_contact(world.owner, world.account.id, contact_data(**PERSONAL))
    # The supervisor's form has no personal fields; whatever is posted must not wipe them.
    service.update_contact(
        world.supervisor,
        contact.id,
        contact_data(title="总经理", hometown="", birthday=None),
        contact.version,
    )
    db.session.expire_all()
    stored = db.session.get(Contact, contact.id)
    assert (stored.title, stored.hometown, stored.birthday) == (
        "总经理",
        "福建泉州",
        date(1970, 5, 1),
    )


def test_contact_conflict_hides_personal_changes_from_outsiders(world):
    contact = service.add_contact(world.owner, world.account.id, contact_data(**PERSONAL))
    service.update_contact(
        world.owner, contact.id, contact_data(title="董事长", hometown="福建厦门"), 1
    )
    with pytest.raises(Conflict) as raised:
        service.update_contact(world.supervisor, contact.id, contact_data(title="副总"), 1)
    fields = {c.field for c in raised.value.changes}
    assert "contact.title" in fields
    assert "contact.hometown" not in fields
    db.session.rollback()
    with pytest.raises(Conflict) as raised:
        service.update_contact(world.owner, contact.id, contact_data(title="副总"), 1)
    assert "contact.hometown" in {c.field for c in raised.value.changes}


def test_contact_reports_to_cycle_is_refused(world, make_contact):
    boss = world.contact
    deputy = make_contact(world.account, name="副总", reports_to_id=boss.id)
    clerk = make_contact(world.account, name="科长", reports_to_id=deputy.id)
    with pytest.raises(ValidationFailed) as raised:
        service.update_contact(
            world.owner, boss.id, contact_data(name=boss.name, reports_to_id=str(clerk.id)), 1
        )
    assert "reports_to_id" in raised.value.errors
    with pytest.raises(ValidationFailed):
        service.update_contact(
            world.owner, boss.id, contact_data(name=boss.name, reports_to_id=str(boss.id)), 1
        )
    db.session.rollback()
    assert db.session.get(Contact, boss.id).reports_to_id is None


def test_contact_cannot_report_to_someone_at_another_client(world, make_account, make_contact):
    elsewhere = make_contact(make_account(world.owner), name="外人")
    with pytest.raises(ValidationFailed):
        service.add_contact(
            world.owner, world.account.id, contact_data(reports_to_id=str(elsewhere.id))
        )
    assert db.session.scalar(sa.select(Contact.id).where(Contact.name == "赵总")) is None


def test_contact_of_other_team_is_not_found(world):
    with pytest.raises(NotFound):
        service.get_contact(world.other_manager, world.contact.id)
    with pytest.raises(NotFound):
        service.get_contact(world.owner, 999_999)


# --- visits -----------------------------------------------------------------------------------


def visit_data(**values) -> dict:
    data = {"kind": "visit", "visited_on": date(2026, 3, 2), "summary": "介绍新品"}
    data.update(values)
    return data


def test_visit_next_date_before_visit_is_refused(world):
    with pytest.raises(ValidationFailed) as raised:
        service.add_visit(world.owner, world.account.id, visit_data(next_date=date(2026, 3, 1)))
    assert "next_date" in raised.value.errors
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 0


def test_visit_is_stored_and_audited(world):
    visit = service.add_visit(
        world.owner,
        world.account.id,
        visit_data(next_date=date(2026, 3, 2), contact_id=str(world.contact.id)),
    )
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id)
    assert (stored.user_id, stored.contact_id, stored.next_date) == (
        world.owner.id,
        world.contact.id,
        date(2026, 3, 2),
    )
    entries = audit_rows(entity_type="visit")  # one per filled field, for the history
    assert {(e.entity_id, e.account_id, e.action) for e in entries} == {
        (visit.id, world.account.id, "create")
    }
    assert {e.field for e in entries} >= {"visit.summary", "visit.visited_on", "visit.kind"}


def test_visit_with_contact_of_another_client_is_refused(world, make_account, make_contact):
    elsewhere = make_contact(make_account(world.owner), name="外人")
    with pytest.raises(ValidationFailed):
        service.add_visit(world.owner, world.account.id, visit_data(contact_id=str(elsewhere.id)))


# --- team -------------------------------------------------------------------------------------


def test_team_member_is_added_and_removed_with_audit(world):
    service.add_member(world.owner, world.account.id, world.colleague.id)
    assert world.account.id in visible_ids(world.colleague)
    service.remove_member(world.owner, world.account.id, world.colleague.id)
    assert world.account.id not in visible_ids(world.colleague)
    assert [(e.action, e.old_value, e.new_value) for e in audit_rows(field="team")] == [
        ("add", None, "李经理"),
        ("remove", "李经理", None),
    ]


def test_member_from_another_department_is_refused(world):
    with pytest.raises(ValidationFailed):
        service.add_member(world.owner, world.account.id, world.other_manager.id)
    assert world.account.id not in visible_ids(world.other_manager)


# --- audit log --------------------------------------------------------------------------------


def test_audit_entries_cannot_be_updated(world):
    service.update_account(
        world.owner, world.account.id, account_form(world.account, notes="一"), 1
    )
    entry = audit_rows(field="notes")[0]
    entry.new_value = "篡改"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert audit_rows(field="notes")[0].new_value == "一"


def test_audit_entries_cannot_be_deleted(world):
    service.update_account(
        world.owner, world.account.id, account_form(world.account, notes="一"), 1
    )
    db.session.delete(audit_rows(field="notes")[0])
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert len(audit_rows(field="notes")) == 1


# --- sign-in throttling -----------------------------------------------------------------------


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        refresh()  # the app context outlives requests in tests; forget a cached locale
        yield


def test_five_wrong_passwords_lock_even_the_right_one(english, make_user):
    user = make_user(username="lily")
    for _ in range(4):
        assert auth_service.authenticate("lily", "wrong") is None
    with pytest.raises(auth_service.LoginLocked) as raised:
        auth_service.authenticate("lily", "wrong")
    assert "locked" in raised.value.message
    assert "15" in raised.value.message
    with pytest.raises(auth_service.LoginLocked) as raised:
        auth_service.authenticate("lily", PASSWORD)
    assert "locked" in raised.value.message
    throttle = db.session.get(LoginThrottle, "user:lily")
    assert throttle.failures == 5 and throttle.locked_until > utcnow()
    assert user.id  # the user still exists and is untouched
    assert db.session.get(User, user.id).active is True


def test_lock_expires_and_success_resets_the_count(english, make_user):
    user = make_user(username="lily")
    for _ in range(4):
        auth_service.authenticate("lily", "wrong")
    assert auth_service.authenticate("lily", PASSWORD) == user
    assert db.session.get(LoginThrottle, "user:lily") is None
    for _ in range(4):  # a fresh count: four more failures do not lock
        assert auth_service.authenticate("lily", "wrong") is None
    with pytest.raises(auth_service.LoginLocked):
        auth_service.authenticate("lily", "wrong")
    throttle = db.session.get(LoginThrottle, "user:lily")
    throttle.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert auth_service.authenticate("lily", PASSWORD) == user


def test_throttle_counts_per_name_case_insensitively(english, make_user):
    make_user(username="lily")
    for name in ("Lily", "LILY", " lily", "lily", "liLy"):
        try:
            auth_service.authenticate(name, "wrong")
        except auth_service.LoginLocked:
            break
    else:
        pytest.fail("five failures under spellings of one name did not lock it")
    with pytest.raises(auth_service.LoginLocked):
        auth_service.authenticate("lily", PASSWORD)


def test_deactivated_user_cannot_sign_in(english, make_user):
    user = make_user(username="gone")
    user.active = False
    db.session.commit()
    assert auth_service.authenticate("gone", PASSWORD) is None


def test_unknown_name_fails_without_error(english):
    assert auth_service.authenticate("nobody", PASSWORD) is None
