"""Markup that keyboard and screen-reader users rely on, and that the Content-Security-Policy
needs: the skip link, badges that say what they mean, tab links marked with aria-current, and
no inline event handlers in any template."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from tests.helpers import text
from webapp.common.timeutil import local_today
from webapp.contracts.models import Contract, ContractStatus
from webapp.extensions import db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _contract(world, number: str, **flags) -> None:
    today = local_today()
    db.session.add(
        Contract(
            number=number,
            account_id=world.account.id,
            owner_id=world.owner.id,
            department_id=world.account.department_id,
            title="徽标测试合同",
            status=ContractStatus.IN_APPROVAL,
            effective_on=today,
            expires_on=today + timedelta(days=365),
            **flags,
        )
    )
    db.session.commit()


def test_contract_badges_carry_their_meaning_in_text_and_a_visible_legend(world, login):
    _contract(world, "HT-2026-80001", deviates=True, over_credit=True)
    html = text(login(world.owner, lang="zh_CN").get("/contracts/"))
    legend = re.search(r'<ul class="legend" id="contract-badge-legend".*?</ul>', html, re.S)
    assert legend, "the list explains its badges"
    assert "条款与标准文本不同" in legend.group(0) and "超出可用信用额度" in legend.group(0)
    deviates = re.search(r'<span class="badge badge-red badge-deviates".*?</span></span>', html)
    assert '<span aria-hidden="true">≠</span>' in deviates.group(0)
    assert 'class="visually-hidden"' in deviates.group(0)
    over = re.search(r'<span class="badge badge-red badge-over-credit".*?</span></span>', html)
    assert '<span aria-hidden="true">¥!</span>' in over.group(0)


def test_no_legend_when_no_contract_has_a_badge(world, login):
    _contract(world, "HT-2026-80002")
    html = text(login(world.owner).get("/contracts/"))
    assert "HT-2026-80002" in html and 'id="contract-badge-legend"' not in html


def test_every_page_starts_with_a_skip_link_to_the_main_content(world, login):
    for path in ("/", "/accounts/", "/approvals/", "/notifications/"):
        html = text(login(world.owner).get(path))
        assert re.search(r'<body[^>]*>\s*<a class="skip-link" href="#main">', html), path
        assert '<main class="page" id="main" tabindex="-1">' in html, path


def test_inbox_boxes_are_links_marked_current_not_fake_tabs(world, login):
    html = text(login(world.supervisor).get("/approvals/?box=filed"))
    nav = re.search(r'<nav class="tabs" aria-label="[^"]+">.*?</nav>', html, re.S).group(0)
    assert "aria-selected" not in nav
    assert re.search(r'href="/approvals/\?box=filed"\s*aria-current="page"', nav)


def test_no_template_has_an_inline_event_handler():
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if handler.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"inline event handlers (use static/js and data-* hooks): {offenders}"
