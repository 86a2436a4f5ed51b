"""The signed-in user is read once per request, with the department the page header shows."""

from __future__ import annotations

import re

import sqlalchemy as sa

from webapp.extensions import db


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
