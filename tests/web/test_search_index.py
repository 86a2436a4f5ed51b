"""The search index follows the records: a new account or contact is found at once, a renamed
one by its new name only, a deleted one no more, a rolled-back change leaves the old terms, and
records loaded in bulk are found after `flask search reindex`."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import current_app

from tests.web.contract_data import draft_input
from webapp.accounts.models import Account, Contact
from webapp.auth.models import Role
from webapp.contracts import service as contracts
from webapp.extensions import db
from webapp.search import service
from webapp.search.models import SearchTerm
from webapp.search.terms import account_terms, distinct, query_terms


@pytest.fixture
def manager(make_user):
    return make_user(Role.ACCOUNT_MANAGER)


def labels(user, q: str, kind: str) -> list[str]:
    with current_app.test_request_context():
        results = service.search(user, q, limit=20)
    return [hit.label for group in results.groups if group.kind == kind for hit in group.hits]


def stored_terms(kind: str, record_id: int) -> set[str]:
    stmt = sa.select(SearchTerm.term).where(
        SearchTerm.kind == kind, SearchTerm.record_id == record_id
    )
    return set(db.session.scalars(stmt))


def test_a_new_account_is_found_by_every_key(manager, make_account):
    account = make_account(
        manager,
        name="华东集团有限公司",
        short_name="华东集团",
        tax_number="91310000MA1FL4XQ2K",
        phone="021-5555 1234",
    )
    for q in ("hdjt", "huadong", "dongjituan", "东集", "ma1fl4", "5555 12", "55551234"):
        assert labels(manager, q, "accounts") == ["华东集团"], q
    assert labels(manager, "uadong", "accounts") == []  # not from the middle of a syllable
    assert "hdjtyxgs" in stored_terms("account", account.id)


def test_a_renamed_account_is_found_by_its_new_name_only(manager, make_account):
    account = make_account(manager, name="华东集团有限公司", short_name="华东集团")
    account.name, account.short_name = "苏南钢铁有限公司", "苏南钢铁"
    db.session.commit()
    assert labels(manager, "hdjt", "accounts") == []
    assert labels(manager, "华东", "accounts") == []
    assert labels(manager, "sngt", "accounts") == ["苏南钢铁"]
    assert not any(t.startswith("hd") for t in stored_terms("account", account.id))


def test_a_change_rolled_back_keeps_the_old_terms(manager, make_account):
    account = make_account(manager, name="华东集团有限公司", short_name="华东集团")
    account.short_name = "苏南"
    db.session.flush()
    db.session.rollback()
    assert labels(manager, "hdjt", "accounts") == ["华东集团"]
    assert labels(manager, "sn", "accounts") == []


def test_contacts_follow_create_edit_and_delete(manager, make_account, make_contact):
    account = make_account(manager, name="华东集团有限公司", short_name="华东集团")
    contact = make_contact(account, name="黄大军", phone="139-1234-5678", email="Da.Jun@HD.cn")
    for q in ("hdj", "huangdajun", "大军", "12345678", "jun@hd"):
        assert labels(manager, q, "contacts") == ["黄大军"], q
    contact.name = "李小红"
    db.session.commit()
    assert labels(manager, "hdj", "contacts") == []
    assert labels(manager, "lxh", "contacts") == ["李小红"]
    contact_id = contact.id
    db.session.delete(contact)
    db.session.commit()
    assert labels(manager, "lxh", "contacts") == []
    assert stored_terms("contact", contact_id) == set()


def test_a_reused_id_does_not_inherit_old_terms(manager, make_account, make_contact):
    account = make_account(manager)
    first = make_contact(account, name="黄大军")
    first_id = first.id
    # a delete the index does not see (the database cascades, or a statement by hand)
    db.session.execute(sa.delete(Contact).where(Contact.id == first_id))
    db.session.commit()
    assert labels(manager, "hdj", "contacts") == []
    make_contact(account, id=first_id, name="李小红")
    assert labels(manager, "hdj", "contacts") == []
    assert labels(manager, "lxh", "contacts") == ["李小红"]


def test_bulk_loaded_records_are_found_after_reindex(manager, make_account, runner):
    existing = make_account(manager, name="华东集团有限公司", short_name="华东集团")
    db.session.execute(
        sa.insert(Account),
        [
            {
                **{c: getattr(existing, c) for c in ("kind", "relation", "channel")},
                **{c: getattr(existing, c) for c in ("ownership", "loyalty", "stage")},
                "credit_grade": existing.credit_grade,
                "credit_limit": existing.credit_limit,
                "owner_id": manager.id,
                "department_id": manager.department_id,
                "name": "重庆钢铁有限公司",
                "short_name": "重钢",
            }
        ],
    )
    db.session.commit()
    assert labels(manager, "chongqing", "accounts") == []  # a bulk insert skips the index
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "account:" in result.output
    assert labels(manager, "chongqing", "accounts") == ["重钢"]
    assert labels(manager, "hdjt", "accounts") == ["华东集团"]


def test_terms_that_start_a_longer_term_are_left_out():
    assert distinct(["jituan", "ji", "jit", "tuan", "t", "x"]) == ["x", "tuan", "jituan"]
    terms = account_terms("华东集团有限公司", "华东集团", None, None)
    assert "华东集团有限公司" in terms and "华东集团" not in terms


@pytest.mark.parametrize(
    ("q", "expected"),
    [("hd jt", ["hd jt", "hdjt"]), ("HDJT", ["hdjt"]), ("华东", ["华东"]), ("a", []), ("%", [])],
)
def test_query_terms(q, expected):
    assert query_terms(q) == expected


def test_contracts_follow_their_number_and_title(manager, make_account):
    account = make_account(manager, name="苏南钢铁有限公司", short_name="苏南钢铁")
    with current_app.test_request_context():
        draft = draft_input(title="年度钢材供货合同")
        contract = contracts.create_contract(manager, account.id, draft)
    found = [f"{contract.number} 年度钢材供货合同"]
    assert labels(manager, "钢材供货", "contracts") == found
    assert labels(manager, contract.number[3:].lower(), "contracts") == found
    contract.title = "年度煤炭运输合同"
    db.session.commit()
    assert labels(manager, "钢材供货", "contracts") == []
    assert labels(manager, "煤炭", "contracts") == [f"{contract.number} 年度煤炭运输合同"]
    assert labels(manager, "sngt", "contracts") == [f"{contract.number} 年度煤炭运输合同"]
