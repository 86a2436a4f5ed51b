"""SECURITY.md maps each promise to a test; every test it names must exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"`((?:unit|web|browser)/[\w/]+\.py)::(\w+)`")


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_test_security_md_names_exists():
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    references = REFERENCE.findall(text)
    assert len(references) >= 30
    missing = [
        f"{file}::{name}"
        for file, name in references
        if not (ROOT / "tests" / file).exists() or name not in _test_names(ROOT / "tests" / file)
    ]
    assert not missing, f"SECURITY.md names tests that do not exist: {missing}"
