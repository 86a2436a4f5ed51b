"""The faces documents use, and the checks `flask doctor` runs on the machine.

Body text is Noto Serif CJK SC, headings Noto Sans CJK SC (Debian package fonts-noto-cjk).
WeasyPrint needs pango (libpango-1.0-0, libpangoft2-1.0-0) and subsets fonts fast through
HarfBuzz (libharfbuzz-subset0); without it it falls back to fontTools, about 30 times slower
for Chinese (9 s instead of 0.3 s for a five-page contract). Missing pieces are reported with
the command that installs them, so nobody meets empty boxes in a PDF.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
# CJK Unified Ideographs Extension B–G (𠀀 𪚥 and the rare characters of personal and company
# names): the Noto faces lack most of them; BabelStone Han (fonts-babelstone-han) has them and
# follows the Noto faces in every PDF font list.
EXTENSION_FACE = "BabelStone Han"
EXTENSION_SAMPLE = "𠀀𪚥"
REQUIRED_FACES = (SERIF, SANS)

# What the DOCX names: the faces every Chinese Windows and Office has (宋体 SimSun for the
# body, 黑体 SimHei for headings and bold, SimSun-ExtB for Extension B–G), Times New Roman
# and Arial for Latin text. The font table lists the Noto faces (and BabelStone Han) as their
# alternatives, the faces the document is also laid out with on a Linux machine
# (LibreOffice there: tests/unit/test_documents_libreoffice.py).
WORD_SERIF = "SimSun"
WORD_SANS = "SimHei"
WORD_EXTENSION = "SimSun-ExtB"
WORD_LATIN_SERIF = "Times New Roman"
WORD_LATIN_SANS = "Arial"
WORD_ALTERNATES = {WORD_SERIF: SERIF, WORD_SANS: SANS, WORD_EXTENSION: EXTENSION_FACE}

APT_PACKAGES = (
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fonts-noto-cjk",
    "fonts-babelstone-han",
)
INSTALL_COMMAND = (
    "sudo apt-get update && sudo apt-get install -y --no-install-recommends "
    + " ".join(APT_PACKAGES)
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    fatal: bool = True  # False: works, but slowly or partly (a warning)


@lru_cache(maxsize=8)
def fc_query(face: str) -> tuple[str, str] | None:
    """The family and the file fontconfig picks for `face` (once per process: fontconfig does
    not change under a running server), or None when fontconfig is missing."""
    if shutil.which("fc-match") is None:
        return None
    result = subprocess.run(
        ["fc-match", "--format=%{family}\n%{file}", f"{face}:lang=zh-cn"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    family, _newline, file = result.stdout.strip().partition("\n")
    return family, file


def _fc_match(face: str) -> str | None:
    """The family fontconfig picks for `face`, or None when fontconfig is missing."""
    found = fc_query(face)
    return None if found is None else found[0]


def check_fonts() -> list[Check]:
    checks = []
    for face in REQUIRED_FACES:
        family = _fc_match(face)
        if family is None:
            checks.append(
                Check(
                    f"font {face}",
                    False,
                    "fontconfig (fc-match) is not installed",
                    "sudo apt-get install -y fontconfig fonts-noto-cjk",
                )
            )
            continue
        found = face in family.split(",")
        checks.append(
            Check(
                f"font {face}",
                found,
                "installed" if found else f"missing; fontconfig would use {family or 'nothing'}",
                "" if found else "sudo apt-get install -y fonts-noto-cjk",
            )
        )
    return checks


def check_extension_face() -> Check:
    """The fallback face for CJK Extension B–G must be installed and have those characters."""
    name = f"font {EXTENSION_FACE} (CJK Extension B–G)"
    if shutil.which("fc-list") is None:
        return Check(name, False, "fontconfig (fc-list) is not installed", INSTALL_COMMAND)
    missing = []
    for char in EXTENSION_SAMPLE:
        result = subprocess.run(
            ["fc-list", f":charset={ord(char):x}", "family"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if EXTENSION_FACE not in result.stdout:
            missing.append(char)
    if missing:
        return Check(
            name,
            False,
            f"missing: {''.join(missing)} would print as empty boxes",
            "sudo apt-get install -y fonts-babelstone-han",
        )
    return Check(name, True, f"installed ({EXTENSION_SAMPLE} print)")


def check_pango() -> Check:
    try:
        from weasyprint.text.ffi import pango

        version = pango.pango_version()  # e.g. 15010 for 1.50.10
        detail = f"pango {version // 10000}.{version // 100 % 100}.{version % 100}"
        return Check("pango (WeasyPrint)", True, detail)
    except (OSError, ImportError) as error:
        return Check(
            "pango (WeasyPrint)",
            False,
            f"WeasyPrint cannot load pango: {error}",
            "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0",
        )


def check_harfbuzz_subset() -> Check:
    try:
        from weasyprint.text.ffi import harfbuzz_subset
    except (OSError, ImportError) as error:
        return Check("harfbuzz-subset", False, str(error), INSTALL_COMMAND, fatal=False)
    if harfbuzz_subset is None:
        return Check(
            "harfbuzz-subset",
            False,
            "not found: fonts are subset with fontTools, about 30x slower (9 s a contract)",
            "sudo apt-get install -y libharfbuzz-subset0",
            fatal=False,
        )
    return Check("harfbuzz-subset", True, "installed: fast font subsetting")


def run_checks() -> list[Check]:
    return [*check_fonts(), check_extension_face(), check_pango(), check_harfbuzz_subset()]


def missing_fonts() -> list[str]:
    """Faces documents cannot print without (empty when all is well). The Extension B–G face
    is checked by `flask doctor` only: without it a PDF still prints, rare characters aside."""
    return [c.name.removeprefix("font ") for c in check_fonts() if not c.ok]


def ready() -> tuple[bool, str]:
    """The readiness check `/readyz` runs: the faces documents cannot print without (fontconfig
    answers once per process, so this is cheap)."""
    missing = missing_fonts()
    return (not missing, "missing: " + ", ".join(missing) if missing else "installed")
