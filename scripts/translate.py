"""Refresh the message catalogue and fill in Chinese translations, safely from several shells.

    .venv/bin/python scripts/translate.py                 # extract + update only
    .venv/bin/python scripts/translate.py zh.json          # ... and apply {"English": "中文"}
    .venv/bin/python scripts/translate.py --missing        # list untranslated ids (JSON)

Extracts every gettext string from webapp/ and templates/ (the `do` extension on, as in
babel.cfg), merges them into translations/zh/LC_MESSAGES/messages.po keeping what is there,
applies the given translations (clearing their fuzzy flag) and writes the file back. The whole
read-modify-write holds an exclusive lock, so two people running it at once lose nothing.
"""

from __future__ import annotations

import fcntl
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "translations/zh/LC_MESSAGES/messages.po"
POT = ROOT / "translations/messages.pot"
METHODS = [("webapp/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _template() -> Catalog:
    template = Catalog(project="KeyDesk", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def main(argv: list[str]) -> int:
    lock = open(ROOT / "translations/.lock", "w")  # noqa: SIM115 (held for the whole run)
    fcntl.flock(lock, fcntl.LOCK_EX)
    template = _template()
    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="zh")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    if argv and argv[0] == "--missing":
        missing = [
            m.id for m in catalog if m.id and (not m.string or m.fuzzy) and isinstance(m.id, str)
        ]
        print(json.dumps(missing, ensure_ascii=False, indent=1))
    elif argv:
        given = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
        for msgid, text in given.items():
            message = catalog.get(msgid)
            if message is None:
                print(f"not in the sources (skipped): {msgid!r}", file=sys.stderr)
                continue
            message.string = text
            message.flags.discard("fuzzy")
    with open(POT, "wb") as fh:
        write_po(fh, template, width=100)
    with open(PO, "wb") as fh:
        write_po(fh, catalog, width=100)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
