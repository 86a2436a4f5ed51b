"""The UI speaks Chinese first: every string the code or templates show must have a zh
translation, and placeholders must survive translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("webapp/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _source_messages() -> set[str]:
    found = set()
    # Same options as babel.cfg: without the `do` extension the extractor silently skips
    # every template that uses it.
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, options_map=options, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog():
    with open(ROOT / "translations/zh/LC_MESSAGES/messages.po", "rb") as fh:
        return read_po(fh, locale="zh")


def test_every_ui_string_has_a_chinese_translation():
    catalog = _catalog()
    translated = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else message.string[0]
        if text:
            translated[key] = text
    missing = sorted(_source_messages() - set(translated))
    assert not missing, f"untranslated in translations/zh: {missing}"


def test_translations_keep_their_placeholders():
    for message in _catalog():
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else message.string[0]
        assert set(PLACEHOLDER.findall(source)) == set(PLACEHOLDER.findall(text)), source
