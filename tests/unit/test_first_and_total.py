"""`first_and_total`: the first records in the order asked, the total behind them, eager loads
for the records shown only, and a statement's own joins and filters kept."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from webapp.accounts.models import Account, Contact
from webapp.common.queries import first_and_total
from webapp.extensions import db


def _statements(run):
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_rest):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        result = run()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    return result, seen


def test_first_records_in_order_with_the_total(world, make_account):
    for name in ("丙公司", "甲公司", "丁公司", "乙公司"):
        make_account(world.owner, name=f"{name}（首页测试）")
    stmt = sa.select(Account).where(Account.name.like("%首页测试%"))
    db.session.expunge_all()  # the records and their owners come from the query alone
    (records, total), seen = _statements(
        lambda: first_and_total(
            stmt,
            3,
            order_by=(Account.name.desc(), Account.id),
            options=(joinedload(Account.owner),),
        )
    )
    expected = sorted((a.name for a in db.session.scalars(stmt)), reverse=True)[:3]
    assert [a.name for a in records] == expected
    assert total == 4
    assert len(seen) == 1
    _owners, lazy = _statements(lambda: [a.owner.full_name for a in records])
    assert lazy == []  # the owners came with the records


def test_joins_and_filters_of_the_statement_are_kept(world, make_account, make_contact):
    other = make_account(world.owner, name="别的客户（首页测试）")
    for n in range(3):
        make_contact(world.account, name=f"联系人{n}")
    make_contact(other, name="别处的人")
    stmt = (
        sa.select(Contact)
        .join(Account, Contact.account_id == Account.id)
        .where(Account.id == world.account.id)
    )
    records, total = first_and_total(stmt, 2, order_by=(Contact.name.desc(),))
    assert total == db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    assert [c.name for c in records] == sorted(
        (c.name for c in db.session.scalars(stmt)), reverse=True
    )[:2]
    assert all(c.account_id == world.account.id for c in records)


def test_nothing_found_is_an_empty_list_and_zero(world):
    assert first_and_total(sa.select(Account).where(Account.id < 0), 6) == ([], 0)
