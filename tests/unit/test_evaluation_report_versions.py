"""The stored evaluation report changes version only when what it shows changes (issue 18): an
account edit the report does not show (address, phone, notes) reuses the stored file, a new
name does not. `flask render evaluation --all --period YYYY-MM:YYYY-MM` renders that period."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.documents_support import docx_body_text
from tests.unit.test_evaluation_service import seed
from webapp.accounts.models import Stage
from webapp.documents import service as documents
from webapp.evaluations import documents as report_type
from webapp.evaluations.service import Period
from webapp.extensions import db


def _generate(world):
    return documents.generate(world.owner, "evaluation", world.account.id, "docx")


def test_an_unrelated_account_edit_keeps_the_stored_report(world):
    first = _generate(world)
    world.account.address = "上海市浦东新区新路 1 号"
    world.account.phone = "021-55556666"
    world.account.notes = "换了前台电话"
    db.session.commit()
    again = _generate(world)
    assert (again.id, again.version) == (first.id, 1)


@pytest.mark.parametrize(
    ("field", "value"), [("name", "新名称有限公司"), ("tax_number", "91310000MA1K00000X")]
)
def test_an_edit_the_report_shows_gives_the_next_version(world, field, value):
    first = _generate(world)
    setattr(world.account, field, value)
    db.session.commit()
    assert _generate(world).version == first.version + 1


def test_render_all_takes_a_period(runner, world, tmp_path):
    seed(world)
    world.account.stage = Stage.MAINTENANCE
    db.session.commit()
    folder = tmp_path / "batch"
    args = ["render", "evaluation", "--all", "--period", "2026-01:2026-02"]
    result = runner.invoke(args=[*args, "--format", "docx", "-o", str(folder), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    (name,) = [p.name for p in folder.iterdir()]
    assert name.endswith("-202601-202602-v1.docx")
    assert "2026年1月1日至2026年2月28日" in docx_body_text((folder / name).read_bytes())


def test_one_report_takes_a_period_too(runner, world, tmp_path):
    target = tmp_path / "one.docx"
    args = ["render", "evaluation", str(world.account.id), "--period", "2026-03:2026-05"]
    result = runner.invoke(args=[*args, "--format", "docx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    report = report_type.report_for_id(world.account.id, period="2026-03:2026-05")
    assert report.period == Period(date(2026, 3, 1), date(2026, 5, 31))


@pytest.mark.parametrize(
    ("kind", "period", "words"),
    [
        ("evaluation", "2026-13:2026-02", "YYYY-MM"),
        ("evaluation", "2026-01", "YYYY-MM:YYYY-MM"),
        ("contract", "2026-01:2026-02", "no period"),
    ],
)
def test_a_wrong_period_is_refused(runner, world, kind, period, words):
    result = runner.invoke(args=["render", kind, "--all", "--period", period])
    assert result.exit_code != 0
    assert words in result.output
