"""The dashboard's charts as pictures for the monthly report: the SVG `svg.py` draws for the
dashboard (a `tables.Figure`'s ``chart``, made from the same rows as its table), rasterised to
PNG by resvg (`resvg-py`, a Rust wheel with no system libraries), so the PDF and the DOCX show
the same picture at print resolution.

The SVG's colours are attributes (no CSS classes from app.css), so the picture needs no style
sheet; text is set in Noto Sans CJK SC (BabelStone Han for Extension B–G characters), loaded
from its files once per process instead of scanning every system font on each chart."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from functools import lru_cache

import resvg_py

from webapp.documents.fonts import EXTENSION_FACE, SANS

PRINT_DPI = 200  # the chart's 11 px labels stay sharp on paper; CPU grows with the square
WIDTH_MM = 150.0  # the report's text width is 170 mm; a chart a little narrower, centred
_VIEWBOX = re.compile(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"')


@lru_cache(maxsize=1)
def font_files() -> tuple[str, ...]:
    """The files of the faces the charts are set in (empty: let resvg read the system's)."""
    if shutil.which("fc-match") is None:
        return ()
    found: list[str] = []
    for face in (SANS, EXTENSION_FACE):
        result = subprocess.run(
            ["fc-match", "-f", "%{family}\t%{file}", face],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        family, _tab, path = result.stdout.partition("\t")
        if face in family and path:
            found.append(path)
        elif face == SANS:
            return ()  # no Noto Sans CJK: resvg's own search of the system's faces
    return tuple(found)


def viewbox(chart: str) -> tuple[float, float]:
    """The chart's own width and height (its viewBox, in CSS pixels)."""
    found = _VIEWBOX.search(str(chart))
    if found is None:
        raise ValueError("not a dashboard chart (no viewBox)")
    return float(found.group(1)), float(found.group(2))


def pixel_width(width_mm: float, dpi: int = PRINT_DPI) -> int:
    return math.ceil(width_mm / 25.4 * dpi)


def png(chart: str, width_mm: float = WIDTH_MM, dpi: int = PRINT_DPI) -> bytes:
    """One chart's SVG (as `svg.py` writes it) as PNG bytes, `width_mm` wide at `dpi`
    (about 25 ms of CPU for a bar chart 130 mm wide; the same chart again comes from a small
    per-process cache, as a report is rendered twice, PDF and DOCX, from the same figures)."""
    return _png(str(chart), float(width_mm), int(dpi))


@lru_cache(maxsize=32)
def _png(svg_text: str, width_mm: float, dpi: int) -> bytes:
    viewbox(svg_text)
    files = font_files()
    return resvg_py.svg_to_bytes(
        svg_string=svg_text,
        width=pixel_width(width_mm, dpi),
        background="#ffffff",
        skip_system_fonts=bool(files),
        font_files=list(files) or None,
        font_family=SANS,
        sans_serif_family=SANS,
        serif_family=SANS,
    )
