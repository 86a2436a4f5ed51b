"""Rules of webapp.contracts.service, called directly (no HTTP): numbering, the lifecycle by date,
clause deviations, credit exposure, completeness before submission, who may move a contract
from one state to the next, and the versioned standard wording.

DOMAIN.md "Contracts" and "Approval requests" 3 (合同审批).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import current_app
from flask_babel import refresh

from tests.web.contract_data import LINES, LINES_TOTAL, draft_input, standard_texts
from webapp.auth.models import Role, User
from webapp.common.errors import DomainError, Forbidden, NotFound, ValidationFailed
from webapp.common.timeutil import local_today
from webapp.contracts import lists, service
from webapp.contracts.models import (
    ClauseKey,
    Contract,
    ContractClause,
    ContractCounter,
    ContractEvent,
    ContractLine,
    ContractStatus,
    Lifecycle,
    SignedScan,
    StandardClause,
)
from webapp.contracts.standard_text import BUILT_IN
from webapp.extensions import db


@pytest.fixture
def ctx(app):
    """An English request context (the messages asserted below are the msgids)."""
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        refresh()  # the app context outlives requests in tests; forget a cached locale
        yield


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def year() -> int:
    return local_today().year


def fresh(contract: Contract) -> Contract:
    """The contract as stored, not as this session last saw it."""
    db.session.expire_all()
    return db.session.get(Contract, contract.id)


def trail(contract: Contract) -> list[tuple]:
    return [
        (e.action, e.from_status, e.to_status, e.actor_id, e.comment)
        for e in service.events(fresh(contract))
    ]


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- making contracts in each state -----------------------------------------------------------


def created(world, user=None, account=None, **kw) -> Contract:
    return service.create_contract(
        user or world.owner, (account or world.account).id, draft_input(**kw)
    )


def submitted(world, **kw) -> Contract:
    return service.submit(world.owner, created(world, **kw).id)


def approved(world, **kw) -> Contract:
    contract = service.record_outcome(submitted(world, **kw), world.head, "approve", "同意")
    db.session.commit()
    return contract


def signed(world, **kw) -> Contract:
    return service.archive_signed(world.custodian, approved(world, **kw).id, "签字版.pdf", PDF)


# --- numbering --------------------------------------------------------------------------------


def test_numbers_are_sequential_within_the_year(world):
    numbers = [created(world).number for _ in range(3)]
    assert numbers == [f"HT-{year()}-0000{n}" for n in (1, 2, 3)]
    assert db.session.get(ContractCounter, year()).last == 3


def test_a_new_year_starts_again_at_one(world, monkeypatch):
    monkeypatch.setattr(service, "local_today", lambda: date(2031, 12, 31))
    december = [created(world).number for _ in range(2)]
    monkeypatch.setattr(service, "local_today", lambda: date(2032, 1, 1))
    january = created(world).number
    monkeypatch.setattr(service, "local_today", lambda: date(2031, 12, 31))
    late_december = created(world).number  # the old year's counter is untouched by the new

    assert december == ["HT-2031-00001", "HT-2031-00002"]
    assert january == "HT-2032-00001"
    assert late_december == "HT-2031-00003"
    stored = set(db.session.scalars(sa.select(Contract.number)))
    assert stored == {"HT-2031-00001", "HT-2031-00002", "HT-2031-00003", "HT-2032-00001"}


def test_a_creation_that_rolls_back_gives_up_its_number(world, monkeypatch):
    """Gap-free: the counter moves in the same transaction as the insert."""
    real_event = service._event

    def failing_event(*args, **kwargs):
        raise RuntimeError("disk full")

    # the very first of the year (the counter row itself is created and rolled back) …
    monkeypatch.setattr(service, "_event", failing_event)
    with pytest.raises(RuntimeError):
        created(world)
    db.session.rollback()
    monkeypatch.setattr(service, "_event", real_event)
    first = created(world)

    # … and a later one (the counter row exists and its increment is rolled back)
    monkeypatch.setattr(service, "_event", failing_event)
    with pytest.raises(RuntimeError):
        created(world)
    db.session.rollback()
    monkeypatch.setattr(service, "_event", real_event)
    second = created(world)

    assert (first.number, second.number) == (f"HT-{year()}-00001", f"HT-{year()}-00002")
    assert count(Contract) == 2
    assert db.session.get(ContractCounter, year()).last == 2


def test_invalid_input_stores_nothing_and_uses_no_number(world):
    with pytest.raises(ValidationFailed) as refused:
        created(world, lines=[("钢板", "", "", "吨", "-5", "10")])
    assert set(refused.value.errors) == {"lines"}
    assert count(Contract) == 0
    assert count(ContractCounter) == 0
    assert created(world).number == f"HT-{year()}-00001"


def test_simultaneous_creations_get_distinct_gap_free_numbers(app, world, backend):
    """Eight people creating five contracts each at the same moment, each in their own app
    context and database connection (a file database on SQLite, real rows on PostgreSQL)."""
    threads, each = 8, 5
    user_id, account_id = world.owner.id, world.account.id
    start = threading.Barrier(threads, timeout=60)
    numbers: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def create_some():
        try:
            with app.test_request_context():
                user = db.session.get(User, user_id)
                inputs = [draft_input() for _ in range(each)]
                start.wait()
                for data in inputs:
                    number = service.create_contract(user, account_id, data).number
                    with lock:
                        numbers.append(number)
        except BaseException as error:  # noqa: BLE001 - reported below, not swallowed
            with lock:
                failures.append(error)

    workers = [threading.Thread(target=create_some) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(w.is_alive() for w in workers)
    assert not failures, failures

    expected = [f"HT-{year()}-{n:05d}" for n in range(1, threads * each + 1)]
    assert sorted(numbers) == expected
    db.session.expire_all()
    assert sorted(db.session.scalars(sa.select(Contract.number))) == expected
    assert db.session.get(ContractCounter, year()).last == threads * each


# --- lifecycle by date ------------------------------------------------------------------------

TODAY = date(2026, 6, 15)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


S = ContractStatus
LIFECYCLE_CASES = [
    # status, effective, expires, return comment, expected
    (S.DRAFT, None, None, None, Lifecycle.DRAFT),
    (S.DRAFT, days(0), days(300), "单价请按新报价修改", Lifecycle.RETURNED),
    (S.IN_APPROVAL, days(0), days(300), None, Lifecycle.IN_APPROVAL),
    (S.APPROVED, days(-10), days(300), None, Lifecycle.APPROVED),
    (S.SIGNED, days(1), days(300), None, Lifecycle.SIGNED),  # not in effect yet
    (S.SIGNED, days(5), days(20), None, Lifecycle.SIGNED),  # short, but not in effect yet
    (S.SIGNED, days(0), days(31), None, Lifecycle.IN_FORCE),
    (S.SIGNED, days(-100), days(300), None, Lifecycle.IN_FORCE),
    (S.SIGNED, days(-100), days(30), None, Lifecycle.EXPIRING),  # the 30-day edge
    (S.SIGNED, days(-100), days(1), None, Lifecycle.EXPIRING),
    (S.SIGNED, days(-100), days(0), None, Lifecycle.EXPIRING),  # its last day
    (S.SIGNED, days(-100), days(-1), None, Lifecycle.EXPIRED),
    (S.SIGNED, days(-400), days(-300), None, Lifecycle.EXPIRED),
    (S.TERMINATED, days(-100), days(300), None, Lifecycle.TERMINATED),
    (S.TERMINATED, days(-400), days(-300), None, Lifecycle.TERMINATED),
]


@pytest.mark.parametrize(("status", "effective", "expires", "comment", "expected"), LIFECYCLE_CASES)
def test_lifecycle_reads_the_stage_from_status_and_dates(
    status, effective, expires, comment, expected
):
    contract = Contract(
        status=status, effective_on=effective, expires_on=expires, return_comment=comment
    )
    assert service.lifecycle(contract, TODAY) is expected


def test_lifecycle_window_is_configurable():
    contract = Contract(status=S.SIGNED, effective_on=days(-1), expires_on=days(50))
    assert service.lifecycle(contract, TODAY) is Lifecycle.IN_FORCE
    assert service.lifecycle(contract, TODAY, window=60) is Lifecycle.EXPIRING


_numbers = itertools.count(1)


def stored_contract(world, status, effective, expires, comment) -> Contract:
    contract = Contract(
        number=f"HT-T-{next(_numbers):05d}",
        account_id=world.account.id,
        owner_id=world.owner.id,
        department_id=world.dept_a.id,
        title="测试合同",
        status=status,
        effective_on=effective,
        expires_on=expires,
        return_comment=comment,
    )
    db.session.add(contract)
    return contract


def test_lifecycle_filter_in_sql_agrees_with_lifecycle(world):
    contracts = [stored_contract(world, *case[:4]) for case in LIFECYCLE_CASES]
    db.session.commit()
    seen: list[int] = []
    for stage in Lifecycle:
        in_sql = set(
            db.session.scalars(
                sa.select(Contract.id).where(service.lifecycle_clause(stage, TODAY, 30))
            )
        )
        in_python = {c.id for c in contracts if service.lifecycle(c, TODAY) is stage}
        assert in_sql == in_python, stage
        seen.extend(in_sql)
    assert sorted(seen) == sorted(c.id for c in contracts)  # each contract in exactly one stage
    expected_stages = {case[4] for case in LIFECYCLE_CASES}
    assert expected_stages == set(Lifecycle)  # the table exercises every stage


# --- clause deviations ------------------------------------------------------------------------


def test_a_contract_in_standard_wording_does_not_deviate(world):
    contract = created(world)
    views = service.clause_views(contract)
    assert [v.key for v in views] == list(ClauseKey)
    assert not any(v.deviates for v in views)
    assert all(v.standard_version == 0 and v.diff == "" for v in views)
    assert fresh(contract).deviates is False


def test_an_edited_clause_deviates_and_shows_an_escaped_diff(world):
    standard = BUILT_IN[ClauseKey.QUALITY]
    edited = standard.replace("十二个月", "<b>两年</b>")
    contract = created(world, clauses={ClauseKey.QUALITY: edited})

    assert fresh(contract).deviates is True
    views = {v.key: v for v in service.clause_views(fresh(contract))}
    quality = views[ClauseKey.QUALITY]
    assert quality.deviates
    assert quality.text == edited
    assert quality.standard == standard
    assert "<del>十二个月</del><ins>&lt;b&gt;两年&lt;/b&gt;</ins>" in quality.diff
    assert "<b>" not in quality.diff
    assert not any(v.deviates for k, v in views.items() if k is not ClauseKey.QUALITY)


def test_char_diff_escapes_both_sides():
    assert service.char_diff("a<b>c", "a<i>c") == "a&lt;<del>b</del><ins>i</ins>&gt;c"
    assert service.char_diff("甲方&乙方", "甲方") == "甲方<del>&amp;乙方</del>"


def test_saving_an_edited_clause_marks_the_draft_deviating_and_back(world):
    contract = created(world)
    data = draft_input(clauses={ClauseKey.BREACH: "争议提交上海仲裁委员会仲裁。"})
    service.save_draft(world.owner, contract.id, data, contract.version)
    assert fresh(contract).deviates is True

    service.save_draft(world.owner, contract.id, draft_input(), fresh(contract).version)
    assert fresh(contract).deviates is False


# --- credit exposure --------------------------------------------------------------------------


def set_status(contract: Contract, status: ContractStatus, **dates) -> None:
    contract = fresh(contract)
    contract.status = status
    for name, value in dates.items():
        setattr(contract, name, value)
    db.session.commit()


def test_available_credit_deducts_only_other_open_contracts(world, make_account):
    account = world.account  # credit limit 500,000.00
    today = local_today()
    draft = created(world)
    pending = created(world)
    set_status(pending, S.IN_APPROVAL)
    approved_one = created(world)
    set_status(approved_one, S.APPROVED)
    in_force = created(world)
    set_status(
        in_force,
        S.SIGNED,
        effective_on=today - timedelta(days=10),
        expires_on=today + timedelta(days=100),
    )
    expired = created(world)
    set_status(
        expired,
        S.SIGNED,
        effective_on=today - timedelta(days=400),
        expires_on=today - timedelta(days=1),
    )
    terminated = created(world)
    set_status(terminated, S.TERMINATED)
    other_account = make_account(world.owner)
    elsewhere = created(world, account=other_account)
    set_status(elsewhere, S.IN_APPROVAL)

    open_total = 3 * LINES_TOTAL  # pending, approved, in force
    assert service.available_credit(account) == Decimal("500000.00") - open_total
    # the contract being judged is not counted against itself
    assert service.available_credit(account, pending.id) == Decimal("500000.00") - 2 * LINES_TOTAL
    assert service.available_credit(account, draft.id) == Decimal("500000.00") - open_total
    assert service.available_credit(other_account) == Decimal("500000.00") - LINES_TOTAL


def test_available_credit_deducts_arrears(world, monkeypatch):
    providers = [(lambda account_id: Decimal("1000.50"), None)]
    monkeypatch.setitem(current_app.extensions, "keydesk.arrears_providers", providers)
    assert service.available_credit(world.account) == Decimal("498999.50")


def test_a_contract_above_available_credit_is_flagged(world, make_account):
    tight = make_account(world.owner, credit_limit=LINES_TOTAL - Decimal("0.01"))
    exact = make_account(world.owner, credit_limit=LINES_TOTAL)
    over = created(world, account=tight)
    within = created(world, account=exact)
    assert fresh(over).over_credit is True
    assert fresh(within).over_credit is False  # equal to the available credit is fine
    assert service.needs_higher_chain(fresh(over))
    assert not service.needs_higher_chain(fresh(within))


def test_submission_fixes_the_over_credit_flag_against_other_open_contracts(world, make_account):
    account = make_account(world.owner, credit_limit=Decimal("90000.00"))
    first = created(world, account=account)
    second = created(world, account=account)
    assert not fresh(first).over_credit and not fresh(second).over_credit  # drafts tie up nothing

    service.submit(world.owner, first.id)
    service.submit(world.owner, second.id)
    assert fresh(first).over_credit is False
    assert fresh(second).over_credit is True  # 90,000 − 47,890.99 left for 47,890.99


# --- completeness before submission -----------------------------------------------------------

REQUIRED = [name for names in service.REQUIRED_FOR_SUBMIT.values() for name in names]


def transient_contract() -> Contract:
    """A complete contract that is never stored: submission_problems reads only attributes."""
    data = draft_input()
    contract = Contract(**data.values)
    contract.lines = [
        ContractLine(
            position=1,
            product="钢板",
            unit="吨",
            quantity=Decimal("1"),
            unit_price=Decimal("1"),
            amount=Decimal("1"),
        )
    ]
    contract.clauses = [
        ContractClause(key=k, text=t, standard_version=0) for k, t in data.clauses.items()
    ]
    return contract


def test_a_complete_contract_has_no_problems(ctx):
    assert service.submission_problems(transient_contract()) == {}


@pytest.mark.parametrize("name", REQUIRED)
@pytest.mark.parametrize("blank", [None, ""])
def test_each_required_field_missing_is_a_problem(ctx, name, blank):
    contract = transient_contract()
    setattr(contract, name, blank)
    problems = service.submission_problems(contract)
    assert problems[name] == "Required before submitting."
    other_keys = set(problems) - {name}
    assert other_keys == ({"parties"} if name.startswith(("client_", "our_")) else set())


def test_missing_lines_and_an_emptied_clause_are_problems(ctx):
    contract = transient_contract()
    contract.lines = []
    contract.clauses[0].text = "  "
    problems = service.submission_problems(contract)
    assert set(problems) == {"lines", f"clause_{contract.clauses[0].key.value}"}
    assert problems["lines"] == "Add at least one line item (clause 1, subject)."


def test_submit_refuses_an_incomplete_draft_and_keeps_it_a_draft(world):
    contract = created(
        world, lines=(), delivery_place=None, client_bank=None, clauses={ClauseKey.ORDERING: ""}
    )
    with pytest.raises(ValidationFailed) as refused:
        service.submit(world.owner, contract.id)
    assert set(refused.value.errors) == {
        "lines",
        "delivery_place",
        "client_bank",
        "parties",
        "clause_ordering",
    }
    db.session.rollback()
    assert fresh(contract).status is S.DRAFT
    assert [t[0] for t in trail(contract)] == ["create"]


def test_submit_moves_a_complete_draft_into_approval(world):
    contract = created(world)
    service.submit(world.owner, contract.id)
    stored = fresh(contract)
    assert stored.status is S.IN_APPROVAL
    assert service.lifecycle(stored) is Lifecycle.IN_APPROVAL
    assert trail(contract)[-1] == ("submit", "draft", "in_approval", world.owner.id, None)


def test_submit_refuses_a_contract_that_is_not_a_draft(world):
    contract = submitted(world)
    with pytest.raises(DomainError):
        service.submit(world.owner, contract.id)
    assert fresh(contract).status is S.IN_APPROVAL


@pytest.fixture
def other_head(world, make_user):
    return make_user(Role.DEPARTMENT_HEAD, world.dept_b, username="head_b")


# --- the approval engine's outcome -----------------------------------------------------------
# Who decides is the approval engine's rule (tests/unit/test_contract_approval.py); here, what a
# decision does to the contract.


def test_approval_moves_the_contract_to_approved_with_the_comment_in_its_trail(world):
    contract = submitted(world)
    service.record_outcome(fresh(contract), world.head, "approve", "  同意签订  ")
    db.session.commit()
    assert fresh(contract).status is S.APPROVED
    assert trail(contract)[-1] == ("approve", "in_approval", "approved", world.head.id, "同意签订")


@pytest.mark.parametrize("outcome", ["return", "reject"])
def test_return_or_rejection_sends_it_back_to_draft_with_the_comment(world, outcome):
    contract = submitted(world)
    service.record_outcome(fresh(contract), world.head, outcome, "返利比例过高，请改为0.5%")
    db.session.commit()
    stored = fresh(contract)
    assert stored.status is S.DRAFT
    assert stored.return_comment == "返利比例过高，请改为0.5%"
    assert service.lifecycle(stored) is Lifecycle.RETURNED
    assert service.can_edit_contract(world.owner, stored)
    assert trail(contract)[-1] == (
        outcome,
        "in_approval",
        "draft",
        world.head.id,
        "返利比例过高，请改为0.5%",
    )

    service.submit(world.owner, contract.id)  # resubmitting clears the comment
    stored = fresh(contract)
    assert (stored.status, stored.return_comment) == (S.IN_APPROVAL, None)


@pytest.mark.parametrize("state", ["draft", "approved"])
def test_an_outcome_applies_only_to_a_contract_in_approval(world, state):
    contract = created(world) if state == "draft" else approved(world)
    with pytest.raises(DomainError):
        service.record_outcome(fresh(contract), world.head, "approve")
    db.session.rollback()
    assert fresh(contract).status is (S.DRAFT if state == "draft" else S.APPROVED)


# --- withdraw ---------------------------------------------------------------------------------


def test_the_team_withdraws_a_contract_in_approval(world):
    contract = submitted(world)
    service.withdraw(world.owner, contract.id)
    stored = fresh(contract)
    assert stored.status is S.DRAFT
    assert service.lifecycle(stored) is Lifecycle.DRAFT
    assert trail(contract)[-1] == ("withdraw", "in_approval", "draft", world.owner.id, None)


@pytest.mark.parametrize("state", ["draft", "approved"])
def test_withdraw_only_from_in_approval(world, state):
    contract = created(world) if state == "draft" else approved(world)
    before = fresh(contract).status
    with pytest.raises(DomainError):
        service.withdraw(world.owner, contract.id)
    db.session.rollback()
    assert fresh(contract).status is before


@pytest.mark.parametrize("who", ["colleague", "other_manager", "custodian", "executive"])
def test_withdraw_refused_outside_the_team(world, who):
    contract = submitted(world)
    with pytest.raises((Forbidden, NotFound)):  # NotFound for who cannot see it
        service.withdraw(getattr(world, who), contract.id)
    db.session.rollback()
    assert fresh(contract).status is S.IN_APPROVAL


# --- archiving the signed scan ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "mime"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_custodian_archives_a_real_scan_and_the_contract_is_signed(world, data, mime):
    contract = approved(world)
    service.archive_signed(world.custodian, contract.id, "扫描件.bin", data)
    stored = fresh(contract)
    assert stored.status is S.SIGNED
    scan = service.latest_scan(stored)
    assert (scan.mime, scan.size, scan.data, scan.filename) == (mime, len(data), data, "扫描件.bin")
    assert scan.sha256 == hashlib.sha256(data).hexdigest()
    assert scan.uploaded_by_id == world.custodian.id
    assert trail(contract)[-1][:4] == ("archive", "approved", "signed", world.custodian.id)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"This is a text file renamed to .pdf\n", "The scan must be a PDF, JPEG or PNG file."),
        (b"GIF89a\x01\x00", "The scan must be a PDF, JPEG or PNG file."),
        (b"", "Choose the scan of the signed contract."),
        (b"%PDF-" + b"0" * service.SCAN_MAX_BYTES, "The scan may be at most 10 MB."),
    ],
)
def test_archive_refuses_what_is_not_a_scan(world, data, problem):
    contract = approved(world)
    with pytest.raises(ValidationFailed) as refused:
        service.archive_signed(world.custodian, contract.id, "签字版.pdf", data)
    assert refused.value.errors == {"scan": problem}
    db.session.rollback()
    assert fresh(contract).status is S.APPROVED
    assert count(SignedScan) == 0


def test_archive_accepts_a_scan_of_exactly_ten_megabytes(world):
    data = b"%PDF-" + b"0" * (service.SCAN_MAX_BYTES - 5)
    contract = approved(world)
    service.archive_signed(world.custodian, contract.id, "big.pdf", data)
    assert fresh(contract).status is S.SIGNED
    assert service.latest_scan(fresh(contract)).size == service.SCAN_MAX_BYTES


@pytest.mark.parametrize("who", ["head", "owner", "executive", "finance"])
def test_only_the_custodian_archives(world, who):
    contract = approved(world)
    with pytest.raises(Forbidden):
        service.archive_signed(getattr(world, who), contract.id, "s.pdf", PDF)
    db.session.rollback()
    assert fresh(contract).status is S.APPROVED
    assert count(SignedScan) == 0


@pytest.mark.parametrize("state", ["draft", "in_approval", "signed"])
def test_only_an_approved_contract_is_archived(world, state):
    contract = {"draft": created, "in_approval": submitted, "signed": signed}[state](world)
    scans_before = count(SignedScan)
    with pytest.raises(DomainError):
        service.archive_signed(world.custodian, contract.id, "s.pdf", PDF)
    db.session.rollback()
    assert fresh(contract).status.value == state
    assert count(SignedScan) == scans_before


# --- terminate --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["custodian", "head"])
def test_custodian_or_department_head_terminates_a_signed_contract(world, who):
    contract = signed(world)
    service.terminate(getattr(world, who), contract.id, "  需方停产  ")
    stored = fresh(contract)
    assert stored.status is S.TERMINATED
    assert stored.termination_reason == "需方停产"
    assert service.lifecycle(stored) is Lifecycle.TERMINATED
    assert trail(contract)[-1] == (
        "terminate",
        "signed",
        "terminated",
        getattr(world, who).id,
        "需方停产",
    )


@pytest.mark.parametrize("who", ["owner", "supervisor", "executive", "finance", "other_head"])
def test_others_cannot_terminate(world, other_head, who):
    user = other_head if who == "other_head" else getattr(world, who)
    contract = signed(world)
    with pytest.raises((Forbidden, NotFound)):  # NotFound for who cannot see it
        service.terminate(user, contract.id, "需方停产")
    db.session.rollback()
    assert fresh(contract).status is S.SIGNED


@pytest.mark.parametrize("state", ["draft", "approved"])
def test_only_a_signed_contract_is_terminated(world, state):
    contract = created(world) if state == "draft" else approved(world)
    with pytest.raises(DomainError):
        service.terminate(world.custodian, contract.id, "需方停产")
    db.session.rollback()
    assert fresh(contract).status.value == state


def test_terminating_needs_a_reason(world):
    contract = signed(world)
    with pytest.raises(ValidationFailed):
        service.terminate(world.custodian, contract.id, " ")
    db.session.rollback()
    assert fresh(contract).status is S.SIGNED


# --- editing ----------------------------------------------------------------------------------


def test_save_draft_computes_amounts_and_total_itself(world):
    contract = created(world)
    lines = [("钢板", "", "", "吨", "2.5", "0.45"), ("运费", "", "", "次", "3", "0.33")]
    service.save_draft(world.owner, contract.id, draft_input(lines=lines), contract.version)
    stored = fresh(contract)
    assert [(line.position, line.amount) for line in stored.lines] == [
        (1, Decimal("1.13")),
        (2, Decimal("0.99")),
    ]
    assert stored.total == Decimal("2.12")
    assert stored.version == 2


def test_save_draft_with_a_stale_version_is_a_conflict(world):
    from webapp.common.errors import Conflict

    contract = created(world)
    service.save_draft(world.owner, contract.id, draft_input(title="第一次保存"), 1)
    with pytest.raises(Conflict) as conflict:
        service.save_draft(world.owner, contract.id, draft_input(title="过时的表单"), 1)
    assert conflict.value.current_version == 2
    db.session.rollback()
    assert fresh(contract).title == "第一次保存"


def test_a_save_racing_another_save_is_a_conflict_not_a_crash(world):
    """Both loaded the same version; the other one committed after this one's version check."""
    from webapp.common.errors import Conflict

    contract = db.session.get(Contract, created(world).id)
    loaded_version = contract.version  # this session now holds the row as of this version
    table = Contract.__table__
    with db.engine.begin() as other:
        other.execute(
            sa.update(table)
            .where(table.c.id == contract.id)
            .values(title="别人的修改", version=table.c.version + 1)
        )
    with pytest.raises(Conflict) as conflict:
        service.save_draft(world.owner, contract.id, draft_input(title="我的修改"), loaded_version)
    assert conflict.value.current_version == loaded_version + 1
    stored = fresh(contract)
    assert (stored.title, stored.version) == ("别人的修改", loaded_version + 1)


def test_a_contract_in_approval_cannot_be_saved(world):
    contract = submitted(world)
    with pytest.raises(DomainError):
        service.save_draft(
            world.owner, contract.id, draft_input(title="改了"), fresh(contract).version
        )
    db.session.rollback()
    assert fresh(contract).title == "冷轧板购销合同"


def test_expiry_before_effective_date_is_refused(world):
    today = local_today()
    with pytest.raises(ValidationFailed) as refused:
        created(world, effective_on=today, expires_on=today - timedelta(days=1))
    assert set(refused.value.errors) == {"expires_on"}
    assert count(Contract) == 0


# --- expiring list ----------------------------------------------------------------------------


def test_expiring_for_lists_the_owners_signed_contracts_due_within_30_days(world, make_account):
    today = local_today()
    soon = signed(world)
    set_status(
        soon,
        S.SIGNED,
        effective_on=today - timedelta(days=300),
        expires_on=today + timedelta(days=20),
    )
    later = signed(world)
    set_status(
        later,
        S.SIGNED,
        effective_on=today - timedelta(days=300),
        expires_on=today + timedelta(days=45),
    )
    gone = signed(world)
    set_status(
        gone,
        S.SIGNED,
        effective_on=today - timedelta(days=300),
        expires_on=today - timedelta(days=1),
    )
    colleague_account = make_account(world.colleague)
    theirs = service.create_contract(world.colleague, colleague_account.id, draft_input())
    set_status(
        theirs,
        S.SIGNED,
        effective_on=today - timedelta(days=300),
        expires_on=today + timedelta(days=5),
    )

    assert [c.id for c in lists.expiring_for(world.owner)] == [soon.id]
    assert [c.id for c in lists.expiring_for(world.colleague)] == [theirs.id]
    assert lists.expiring_for(world.head) == []  # owners are reminded, not their managers


# --- standard wording -------------------------------------------------------------------------


def test_admin_edits_create_versions_and_keep_the_old_ones(world):
    first = service.save_standard_clause(world.admin, ClauseKey.QUALITY, " 质量第一版。 ")
    second = service.save_standard_clause(world.admin, ClauseKey.QUALITY, "质量第二版。")
    assert (first.version, first.text, second.version) == (1, "质量第一版。", 2)
    assert service.current_standards()[ClauseKey.QUALITY] == (2, "质量第二版。")
    assert service.current_standards()[ClauseKey.BREACH] == (0, BUILT_IN[ClauseKey.BREACH])
    assert [c.version for c in service.standard_history(ClauseKey.QUALITY)] == [2, 1]
    assert service.standard_text(ClauseKey.QUALITY, 1) == "质量第一版。"
    assert service.standard_text(ClauseKey.QUALITY, 0) == BUILT_IN[ClauseKey.QUALITY]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("   ", "The standard wording cannot be empty."),
        (BUILT_IN[ClauseKey.QUALITY], "Nothing changed."),
    ],
)
def test_standard_wording_refuses_empty_or_unchanged_text(world, text, problem):
    with pytest.raises(ValidationFailed) as refused:
        service.save_standard_clause(world.admin, ClauseKey.QUALITY, text)
    assert refused.value.errors == {"text": problem}
    assert count(StandardClause) == 0


@pytest.mark.parametrize("who", ["head", "executive", "custodian", "owner"])
def test_only_the_admin_edits_standard_wording(world, who):
    with pytest.raises(Forbidden):
        service.save_standard_clause(getattr(world, who), ClauseKey.QUALITY, "新的质量条款。")
    assert count(StandardClause) == 0
    assert service.current_standards()[ClauseKey.QUALITY][0] == 0


def test_a_contract_keeps_diffing_against_the_version_it_began_from(world):
    service.save_standard_clause(world.admin, ClauseKey.QUALITY, "质量符合国家标准。")
    at_v1 = created(world)  # drafted with version 1's text
    edited_at_v1 = created(world, clauses={ClauseKey.QUALITY: "质量符合国家标准及企业标准。"})
    service.save_standard_clause(world.admin, ClauseKey.QUALITY, "质量符合行业标准。")
    at_v2 = created(world)

    quality = {
        c.id: next(v for v in service.clause_views(fresh(c)) if v.key is ClauseKey.QUALITY)
        for c in (at_v1, edited_at_v1, at_v2)
    }
    v1 = quality[at_v1.id]
    assert (v1.standard_version, v1.standard, v1.deviates) == (1, "质量符合国家标准。", False)
    edited = quality[edited_at_v1.id]
    assert (edited.standard_version, edited.deviates) == (1, True)
    assert edited.diff == "质量符合国家标准<ins>及企业标准</ins>。"
    v2 = quality[at_v2.id]
    assert (v2.standard_version, v2.text, v2.deviates) == (2, "质量符合行业标准。", False)
    assert standard_texts()[ClauseKey.QUALITY] == "质量符合行业标准。"


def test_events_record_the_whole_trail(world):
    contract = signed(world)
    assert [t[:3] for t in trail(contract)] == [
        ("create", None, "draft"),
        ("submit", "draft", "in_approval"),
        ("approve", "in_approval", "approved"),
        ("archive", "approved", "signed"),
    ]
    assert count(ContractEvent) == 4
    assert len(LINES) == len(fresh(contract).lines)
