"""What a page reads does not grow with what it shows: the signed-in user comes with the
department the header names; warning rows come with the people they name."""

from __future__ import annotations

import re

import sqlalchemy as sa

from webapp.auth.models import Role
from webapp.extensions import db
from webapp.warnings.models import EarlyWarning, RuleKey, WarningStatus


def _statements(client, url: str) -> tuple[list[str], str]:
    """The SQL a request runs, starting like a server's request: with an empty session."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, _params, _context, _many):
        seen.append(" ".join(statement.split()))

    db.session.remove()  # the test's objects must not stand in for what the request loads
    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    assert response.status_code == 200
    return seen, response.get_data(as_text=True)


def test_the_header_department_comes_with_the_user(world, login):
    department = world.owner.department.name
    client = login(world.owner)
    statements, html = _statements(client, "/accounts/")
    assert department in html  # the header: name · role · department
    user_reads = [s for s in statements if re.search(r"FROM users\b", s) and "users.id =" in s]
    assert len(user_reads) == 1, statements
    department_reads = [s for s in statements if re.match(r"SELECT .* FROM departments WHERE", s)]
    assert department_reads == [], department_reads


def _user_reads(statements: list[str]) -> list[str]:
    """Reads of one user by id (a lazy load per row would be one of these per person)."""
    return [s for s in statements if re.search(r"\bFROM users WHERE users\.id = ", s)]


def test_warning_rows_bring_the_people_they_name(world, make_user, login):
    people = [
        make_user(Role.ACCOUNT_MANAGER, username=f"acting{n}", full_name=f"经办人{n}号")
        for n in range(3)
    ]
    db.session.add_all(
        [
            EarlyWarning(
                rule=RuleKey.CHURN,
                account_id=world.account.id,
                figures={},
                assignee_id=person.id,
                status=WarningStatus.ACKNOWLEDGED,
                handled_by_id=people[-1 - n].id,
                note=f"在跟进 {n}",
            )
            for n, person in enumerate(people)
        ]
    )
    db.session.commit()
    names = [p.full_name for p in people]
    client = login(world.supervisor)
    for url in ("/", "/open-warnings?scope=team", f"/accounts/{world.account.id}/warnings"):
        statements, html = _statements(client, url)
        assert all(name in html for name in names), url
        # no person read on their own: each comes with the row that names them (and the
        # signed-in user with their department)
        assert _user_reads(statements) == [], url
