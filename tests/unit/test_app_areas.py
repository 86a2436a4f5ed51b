"""An app with some areas (`create_app(areas=...)`) and the `flask` command that asks for one
(`flask render KIND` wires the areas up to the one owning KIND: issue 17, a one-off render)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from flask.cli import FlaskGroup

from tests.unit.documents_support import make_contract, pdf_text
from webapp import AREAS, area_name, cli, create_app, wired_areas

ROOT = Path(__file__).resolve().parents[2]


def test_wired_areas_are_the_named_ones_and_those_below():
    assert [area_name(a) for a in wired_areas(("contracts",))] == [
        "auth",
        "lists",
        "accounts",
        "documents",
        "attachments",
        "contracts",
    ]
    assert wired_areas(("documents", "auth")) == AREAS[:4]
    assert wired_areas(None) == AREAS
    assert wired_areas(()) == ()
    with pytest.raises(ValueError, match="horoscope"):
        wired_areas(("horoscope",))


def test_each_area_declares_the_document_types_it_registers(tmp_path):
    """DOCUMENT_KINDS is what `flask render KIND` trusts: it must name exactly the types the
    area's init_app registers."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "t",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.sqlite3'}",
    }
    before: set[str] = set()
    for area in AREAS:
        app = create_app(config, areas=(area_name(area),))
        kinds = set(app.extensions.get("keydesk.document_types", {}))
        assert kinds - before == set(getattr(area, "DOCUMENT_KINDS", ())), area_name(area)
        before = kinds
    assert before == {
        "account-plan",
        "contract",
        "evaluation",
        "monthly-report",
        "proposal",
        "request",
        "weekly",
    }


@pytest.mark.parametrize(
    ("argv", "areas"),
    [
        (["flask", "--app", "webapp", "render", "contract", "12"], ("contracts",)),
        (["flask", "-A", "webapp", "--debug", "render", "contract", "--all"], ("contracts",)),
        (["flask", "render", "--format", "docx", "-o", "x.docx", "request", "3"], ("approvals",)),
        (["flask", "--app=webapp", "render", "--jobs", "2", "evaluation"], ("evaluations",)),
        (["flask", "-e", "render", "render", "weekly", "1"], ("development",)),
        (["flask", "render", "horoscope", "1"], None),  # unknown: the whole app says so
        (["flask", "render", "--help"], None),
        (["flask", "routes"], None),
        (["flask", "--app", "render", "run"], None),
        (["flask"], None),
    ],
)
def test_the_flask_command_asks_for_the_areas_of_render_kind(argv, areas):
    with click.Context(FlaskGroup()):
        assert cli.command_areas(AREAS, argv) == areas


def test_outside_the_flask_command_every_area_is_wired():
    assert cli.command_areas(AREAS, ["flask", "render", "contract", "1"]) is None
    with click.Context(click.Group()):  # another click program
        assert cli.command_areas(AREAS, ["x", "render", "contract", "1"]) is None


def test_flask_render_contract_loads_no_area_above_contracts(app, world, backend, tmp_path):
    """The whole process as an operator runs it: the contract is rendered, and the areas
    above contracts (approvals … development) are never imported."""
    if backend != "sqlite":
        pytest.skip("one backend is enough for the process' imports")
    contract = make_contract(world.owner, world.account)
    target = tmp_path / "one.pdf"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FLASK_")},
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "t",
        "KEYDESK_DOCUMENT_DIR": str(tmp_path / "store"),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-X", "importtime", "-m", "flask", "--app", "webapp", "render"]
    command += ["contract", str(contract.id), "-o", str(target)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert contract.number in pdf_text(target.read_bytes())
    imported = {line.rpartition("|")[2].strip() for line in result.stderr.splitlines()}
    assert "webapp.contracts.models" in imported
    for higher in ("approvals", "proposals", "sales", "warnings", "evaluations", "development"):
        assert not {m for m in imported if m.startswith(f"webapp.{higher}.")}, higher
    assert "docx" not in imported  # a PDF never loads python-docx
    # nor what other commands and pages need: spreadsheets (openpyxl), the task queue (huey
    # and its Redis and PostgreSQL storage), pinyin search keys, calendar feeds
    for library in ("openpyxl", "huey", "redis", "psycopg", "pypinyin", "icalendar"):
        assert library not in imported, library
