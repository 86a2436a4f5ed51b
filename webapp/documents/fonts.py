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

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
REQUIRED_FACES = (SERIF, SANS)
APT_PACKAGES = (
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fonts-noto-cjk",
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


def _fc_match(face: str) -> str | None:
    """The family fontconfig picks for `face`, or None when fontconfig is missing."""
    if shutil.which("fc-match") is None:
        return None
    result = subprocess.run(
        ["fc-match", "--format=%{family}", f"{face}:lang=zh-cn"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    return result.stdout.strip()


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
    return [*check_fonts(), check_pango(), check_harfbuzz_subset()]


def missing_fonts() -> list[str]:
    """Faces documents need that the machine lacks (empty when all is well)."""
    return [c.name.removeprefix("font ") for c in check_fonts() if not c.ok]
