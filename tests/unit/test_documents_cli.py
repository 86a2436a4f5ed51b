"""`flask render` (one document or a whole batch on several processes) and `flask doctor`."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.unit.documents_support import make_contract, pdf_text
from webapp.documents import fonts
from webapp.documents.models import GeneratedDocument
from webapp.extensions import db


@pytest.fixture
def two_contracts(world):
    return [make_contract(world.owner, world.account) for _ in range(2)]


def test_render_one_contract_to_a_file(runner, two_contracts, tmp_path):
    contract = two_contracts[0]
    target = tmp_path / "out.pdf"
    result = runner.invoke(args=["render", "contract", str(contract.id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert contract.number in pdf_text(target.read_bytes())
    assert "version 1" in result.output
    row = db.session.scalar(sa.select(GeneratedDocument))
    assert row.created_by_id is None and row.source_id == contract.id


def test_render_all_contracts_with_worker_processes(runner, two_contracts, tmp_path):
    folder = tmp_path / "batch"
    args = ["render", "contract", "--all", "--format", "docx", "-o", str(folder), "--jobs", "2"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "2 of 2 contract documents rendered" in result.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"购销合同-{c.number}-v1.docx" for c in two_contracts)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(GeneratedDocument.id))) == 2


def test_render_all_in_process_reuses_stored_files(runner, two_contracts, tmp_path):
    args = ["render", "contract", "--all", "-o", str(tmp_path), "--jobs", "1"]
    assert runner.invoke(args=args).exit_code == 0
    assert runner.invoke(args=args).exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count(GeneratedDocument.id))) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "horoscope", "1"], "unknown document kind 'horoscope'"),
        (["render", "contract"], "either a SOURCE_ID or --all"),
        (["render", "contract", "999"], "999"),
    ],
)
def test_render_refuses_clearly(runner, world, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and message in result.output


def test_doctor_reports_fonts_pango_and_harfbuzz(runner, app):
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    for name in ("Noto Serif CJK SC", "Noto Sans CJK SC", "pango", "harfbuzz-subset", "folder"):
        assert name in result.output


def test_doctor_names_the_install_command_for_missing_pieces(runner, app, monkeypatch):
    monkeypatch.setattr(fonts, "_fc_match", lambda face: "DejaVu Sans")
    monkeypatch.setattr(
        fonts,
        "check_harfbuzz_subset",
        lambda: fonts.Check("harfbuzz-subset", False, "not found", "apt-get x", fatal=False),
    )
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    expected = "[FAIL] font Noto Serif CJK SC: missing; fontconfig would use DejaVu Sans"
    assert expected in result.output
    assert "[WARN] harfbuzz-subset" in result.output
    assert "fonts-noto-cjk" in result.output and "libharfbuzz-subset0" in result.output


def test_a_pdf_batch_warms_only_the_pdf_renderer(app, monkeypatch):
    """render --all counts its warm-up in its documents/s: a PDF batch never builds a DOCX."""
    from webapp.documents import docx, pdf, warmup

    made = []
    monkeypatch.setattr(pdf, "render_pdf", lambda document, stylesheet=None: made.append("pdf"))
    monkeypatch.setattr(docx, "render_docx", lambda document: made.append("docx"))
    warmup.warm_up(app, kinds=("contract",), formats=("pdf",))
    assert made == ["pdf"]
    made.clear()
    warmup.warm_up(app, kinds=("contract",), formats=("docx",))
    assert made == ["docx"]
    made.clear()
    warmup.warm_up(app)  # a web worker: both
    assert sorted(made) == ["docx", "pdf"]
