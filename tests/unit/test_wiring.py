"""How the application is wired: every area registers what it adds in its `init_app`, called
by `create_app`; importing a module registers nothing, and two apps share no registrations."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

from webapp import create_app

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"


def test_importing_every_module_without_create_app_registers_nothing():
    script = textwrap.dedent(
        """
        import importlib, pkgutil, blinker
        import webapp
        for info in pkgutil.walk_packages(webapp.__path__, "webapp."):
            if info.name != "webapp.wsgi":  # the WSGI entry point is where the app is made
                importlib.import_module(info.name)
        from webapp.extensions import login_manager
        import sys
        connected = []
        for name, module in list(sys.modules.items()):
            if not name.startswith("webapp"):
                continue
            for attr, value in vars(module).items():
                if isinstance(value, blinker.Signal) and value.receivers:
                    connected.append(f"{name}.{attr}")
        print("signals with receivers:", connected)
        print("user loader:", login_manager._user_callback)
        assert not connected, connected
        assert login_manager._user_callback is None
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=WEBAPP.parent
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _registration_calls_outside_init_app() -> list[str]:
    found = []
    for path in sorted(WEBAPP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                parents[child] = node
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if not (name.startswith("register_") or name == "connect"):
                continue
            scope = parents.get(node)
            while scope is not None and not isinstance(scope, ast.FunctionDef):
                scope = parents.get(scope)
            if scope is None or scope.name != "init_app":
                where = scope.name if scope is not None else "module level"
                found.append(f"{path.relative_to(WEBAPP.parent)}:{node.lineno} in {where}")
    return found


def test_registrations_happen_only_in_init_app():
    assert _registration_calls_outside_init_app() == []


def test_no_import_exists_only_for_its_side_effects():
    offenders = [
        f"{path.relative_to(WEBAPP.parent)}"
        for path in sorted(WEBAPP.rglob("*.py"))
        if "noqa: F401" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_each_app_has_its_own_registrations(tmp_path):
    config = {
        "TESTING": True,
        "SECRET_KEY": "t",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.sqlite3'}",
    }
    first, second = create_app(config), create_app(config)
    tabs = first.extensions["keydesk.account_tabs"]
    assert list(tabs) == [
        "profile",
        "contacts",
        "activities",
        "history",
        "contracts",
        "requests",
        "proposals",
        "records",
        "complaints",
        "warnings",
        "evaluation",
        "development",
        "map",
        "competitors",
        "whitespace",
        "plans",
    ]
    assert sorted(first.extensions["keydesk.document_types"]) == [
        "account-plan",
        "contract",
        "evaluation",
        "monthly-report",
        "proposal",
        "request",
        "weekly",
    ]
    tabs.pop("evaluation")
    assert "evaluation" in second.extensions["keydesk.account_tabs"]
