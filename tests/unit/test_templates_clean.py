"""Templates receive answers and never ask questions (CONVENTIONS.md): no enum `.value` compared
with a string, no service called, no query run. Rules live in `can_*` functions and model
properties; views pass their answers.

This reads the Jinja code of every page and document template (comments and string literals
left out, so prose such as "service & support" cannot trip it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    [*(ROOT / "templates").rglob("*.html"), *(ROOT / "docs_templates").rglob("*.xml")]
)

COMMENT = re.compile(r"\{#.*?#\}", re.S)
CODE = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")

FORBIDDEN = {
    "compares an enum's .value": re.compile(
        r"\.value\s*(==|!=|\bin\b|\bnot\s+in\b)|(==|!=)\s*[\w.]+\.value\b"
    ),
    "calls a service": re.compile(r"\bservices?\s*\.\s*\w+"),
    "runs a query": re.compile(
        r"\b(db|session)\s*\.\s*\w+|\.\s*query\b|\.\s*(scalars?|execute|get_or_404|paginate)\s*\("
        r"|\.\s*(all|first|one|one_or_none)\s*\(\s*\)"
    ),
}


def jinja_code(text: str) -> list[tuple[int, str]]:
    """(line, code) of each `{{ … }}` and `{% … %}`, without comments and string literals."""
    text = COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    found = []
    for match in CODE.finditer(text):
        code = STRING.sub("''", match.group(1) or match.group(2) or "")
        found.append((text.count("\n", 0, match.start()) + 1, code))
    return found


def problems(text: str) -> list[str]:
    return [
        f"line {line}: {what}: {code.strip()}"
        for line, code in jinja_code(text)
        for what, pattern in FORBIDDEN.items()
        if pattern.search(code)
    ]


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_neither_compares_enum_values_nor_calls_services_nor_queries(path):
    found = problems(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)}:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "snippet",
    [
        "{% if item.status.value == 'returned' %}",
        "{% if link.state.value != 'open' %}",
        "{% if user.role.value in ('finance', 'supervisor') %}",
        "{% if c.status.value not in ('draft',) %}",
        "{% if 'open' == w.status.value %}",
        "{{ service.action_text(item) }}",
        "{% set approval = services.approval_for(contract) %}",
        "{{ db.session.get(Account, 1) }}",
        "{% for r in rows.all() %}{% endfor %}",
        "{{ Account.query.filter_by(id=1) }}",
        "{{ session.scalar(stmt) }}",
    ],
)
def test_the_check_catches(snippet):
    assert problems(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '<option value="{{ s.value }}" {% if query.stage == s %}selected{% endif %}>',
        "{{ url_for('sales.batch', outcome=outcome.value if outcome else None) }}",
        '{{ _("Approved service & support applications appear here.") }}',
        "{# service.proposal_content builds this #}",
        "{% if can_withdraw and item.is_open %}",
        "{{ query.url_args(page=2) }}",  # the list's search query, not a database query
        "{{ loop.first }}",
    ],
)
def test_the_check_lets_through(snippet):
    assert not problems(snippet)
