"""Words people read: labels that say what they mean in Chinese and English, no two fields of
one form under the same label, and a contract's status named alike on its page and in the
evaluation report (issue 12, "Words")."""

from __future__ import annotations

import collections
import re
from datetime import timedelta

import pytest

from tests.helpers import text
from webapp.accounts.models import DecisionStyle, VisitKind
from webapp.common.timeutil import local_today
from webapp.contracts.models import Contract, ContractStatus
from webapp.evaluations import documents as report_type
from webapp.evaluations import service as evaluations
from webapp.extensions import db

HX = {"HX-Request": "true"}


@pytest.mark.parametrize(
    ("lang", "checker", "meeting", "sort_by_name"),
    [
        ("zh_CN", "检查型", "面谈", "客户名称"),
        ("en", "Checker", "Face-to-face meeting", "Account name"),
    ],
)
def test_decision_style_visit_kind_and_sort_read_as_meant(
    world, login, lang, checker, meeting, sort_by_name
):
    client = login(world.owner, lang=lang)
    contact_page = text(client.get(f"/accounts/{world.account.id}/contacts/new"))
    assert f'value="{DecisionStyle.CHECKER.value}">{checker}<' in contact_page
    visits = text(client.get(f"/accounts/{world.account.id}/activities", headers=HX))
    assert f'value="{VisitKind.MEETING.value}">{meeting}<' in visits
    assert "约会" not in visits
    listing = text(client.get("/accounts/"))
    assert f'value="name" >{sort_by_name}<' in listing or f'value="name">{sort_by_name}<' in listing


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_no_two_contract_fields_share_a_label(world, login, lang):
    page = text(login(world.owner, lang=lang).get(f"/accounts/{world.account.id}/contracts/new"))
    # the two parties' fields repeat under their own legends (需方 / 供方); the rest must not
    labels = [
        re.sub(r"<[^>]+>|\s+", "", label)
        for name, label in re.findall(r'<label for="([a-z_]+)"[^>]*>(.*?)</label>', page, re.S)
        if not name.startswith(("client_", "our_"))
    ]
    assert [k for k, n in collections.Counter(labels).items() if n > 1] == []
    if lang == "zh_CN":
        assert "发送" not in page and "结算条款" in page and "交货条款" in page


def test_the_evaluation_report_names_a_contract_in_force_as_its_page_does(world, login):
    today = local_today()
    contract = Contract(
        number="HT-2026-00077", account_id=world.account.id, owner_id=world.owner.id,
        department_id=world.account.department_id, title="年度购销合同",
        status=ContractStatus.SIGNED, effective_on=today - timedelta(days=30),
        expires_on=today + timedelta(days=300),
    )  # fmt: skip
    db.session.add(contract)
    db.session.commit()
    page = text(login(world.owner, lang="zh_CN").get(f"/contracts/{contract.id}"))
    assert "履行中" in page
    report = report_type.Report(world.account, evaluations.default_period(today))
    context = report_type.report_context(report)
    assert [c["status"] for c in context["contracts"]] == ["履行中"]
