"""The monthly sales-against-plan chart of the evaluation, drawn as a PNG with Pillow.

Bars are the actual amount of each month (green at or above plan, amber below), the line with
dots the planned amount; amounts in 万元 (10,000 yuan). 1600 × 700 px, printed 160 mm wide it
is about 250 dpi, sharp on paper and on screen. Labels are set in Noto Sans CJK SC
(fonts-noto-cjk), so Chinese labels print; the same figures always give the same bytes.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 700
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 130, 40, 110, 90
BACKGROUND = (255, 255, 255)
GRID = (225, 228, 234)
AXIS = (90, 96, 110)
TEXT = (40, 44, 52)
BAR_MET = (46, 139, 87)
BAR_BEHIND = (230, 160, 40)
PLAN = (40, 90, 170)
# Where Debian's fonts-noto-cjk puts the faces; index 2 of the collection is Simplified Chinese.
FALLBACK_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
)
TEN_THOUSAND = Decimal(10000)


@lru_cache(maxsize=1)
def _font_file() -> tuple[str, int] | None:
    """The file and collection index of Noto Sans CJK SC, asked of fontconfig once."""
    try:
        result = subprocess.run(
            ["fc-match", "--format=%{file}\n%{index}", "Noto Sans CJK SC:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        path, index = result.stdout.split("\n")
        if "CJK" in path and Path(path).exists():
            return path, int(index)
    except (OSError, ValueError, subprocess.SubprocessError):
        pass
    for path, index in FALLBACK_FONTS:
        if Path(path).exists():
            return path, index
    return None


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    found = _font_file()
    if found is None:  # `flask doctor` reports the missing fonts; draw something readable
        return ImageFont.load_default(size)
    path, index = found
    return ImageFont.truetype(path, size, index=index)


def _wan(amount: Decimal) -> float:
    return float(amount / TEN_THOUSAND)


def _nice_step(top: float) -> float:
    """A round axis step giving four to eight grid lines up to `top`."""
    if top <= 0:
        return 1.0
    raw = top / 5
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 0.1
    while magnitude > raw:
        magnitude /= 10
    for factor in (1, 2, 2.5, 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return magnitude * 10


def _label(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.1f}"


def sales_chart(
    months: Sequence[date],
    plan: Sequence[Decimal],
    actual: Sequence[Decimal],
    *,
    title: str,
    plan_label: str,
    actual_label: str,
    behind_label: str,
    unit_label: str,
) -> bytes:
    """PNG bytes of the chart; `plan` and `actual` are amounts in yuan, one per month."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    plan_wan = [_wan(v) for v in plan]
    actual_wan = [_wan(v) for v in actual]
    highest = max([*plan_wan, *actual_wan, 0.0])
    step = _nice_step(highest)
    steps = max(1, int(-(-highest // step)))
    ceiling = step * steps

    draw.text((left, 28), title, font=_font(38), fill=TEXT)
    # legend, top right
    legend_font = _font(28)
    x = right
    legend = (
        (plan_label, PLAN, True),
        (behind_label, BAR_BEHIND, False),
        (actual_label, BAR_MET, False),
    )
    for label, colour, is_line in legend:
        width = draw.textlength(label, font=legend_font)
        x -= width
        draw.text((x, 34), label, font=legend_font, fill=TEXT)
        x -= 50
        if is_line:
            draw.line((x, 52, x + 40, 52), fill=colour, width=5)
            draw.ellipse((x + 13, 45, x + 27, 59), fill=colour)
        else:
            draw.rectangle((x + 6, 38, x + 34, 66), fill=colour)
        x -= 40

    # grid and the value axis
    axis_font = _font(24)
    draw.text((12, top - 50), unit_label, font=axis_font, fill=AXIS)
    for i in range(steps + 1):
        value = step * i
        y = bottom - (bottom - top) * i / steps
        draw.line((left, y, right, y), fill=GRID if i else AXIS, width=2)
        text = _label(value)
        draw.text(
            (left - 14 - draw.textlength(text, font=axis_font), y - 15),
            text,
            font=axis_font,
            fill=AXIS,
        )

    count = max(len(months), 1)
    slot = (right - left) / count
    bar = slot * 0.56
    label_every = 1 if count <= 18 else 2 if count <= 36 else 3
    points = []
    for i, month in enumerate(months):
        centre = left + slot * (i + 0.5)
        height = (bottom - top) * (actual_wan[i] / ceiling) if ceiling else 0
        colour = BAR_MET if actual_wan[i] >= plan_wan[i] else BAR_BEHIND
        if height > 0:
            draw.rectangle(
                (centre - bar / 2, bottom - height, centre + bar / 2, bottom - 1), fill=colour
            )
        if plan_wan[i] > 0:
            points.append((centre, bottom - (bottom - top) * (plan_wan[i] / ceiling)))
        else:
            points.append(None)
        if i % label_every == 0:
            text = f"{month.year % 100:02d}-{month.month:02d}"
            width = draw.textlength(text, font=axis_font)
            draw.text((centre - width / 2, bottom + 14), text, font=axis_font, fill=AXIS)
    # the plan line, broken where a month has no plan
    run: list[tuple[float, float]] = []
    for point in [*points, None]:
        if point is None:
            if len(run) > 1:
                draw.line(run, fill=PLAN, width=5, joint="curve")
            run = []
        else:
            run.append(point)
    for point in points:
        if point is not None:
            cx, cy = point
            draw.ellipse((cx - 8, cy - 8, cx + 8, cy + 8), fill=PLAN, outline=BACKGROUND, width=2)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()
