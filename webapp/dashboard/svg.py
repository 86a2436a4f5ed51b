"""A small server-side chart renderer: Python lays the chart out, a Jinja template under
templates/dashboard/charts/ writes the SVG (autoescaped, so a client's name cannot break out).

Every chart has a <title> and <desc> (read by screen readers; the figures are also in the table
beside it), scales with its box (viewBox, width 100 %), and each bar or point may link to the
list behind it. No JavaScript and nothing fetched: the markup is the chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask import render_template
from markupsafe import Markup

WIDTH = 480
LABEL_WIDTH = 150
VALUE_WIDTH = 90
ROW = 24
COLOURS = ("#2f6db5", "#e08a2c", "#4c9a5b", "#b5413a")


@dataclass
class Bar:
    label: str
    values: list[float]  # one per series
    texts: list[str]  # the value as written beside the bar
    url: str | None = None


@dataclass
class BarLayout:
    y: float
    label: str
    url: str | None
    parts: list[dict] = field(default_factory=list)  # x, y, width, height, colour, text


def text_width(text: str, font_px: float) -> float:
    """About how wide `text` is set at `font_px` (CJK a full em, digits and Latin ~0.6 em)."""
    return sum(font_px if ord(c) >= 0x2E80 else font_px * 0.6 for c in text)


def _number(value) -> float:
    if value is None:
        return 0.0
    return float(value) if not isinstance(value, Decimal) else float(value)


def bar_chart(title: str, desc: str, bars: list[Bar], series: list[str] | None = None) -> Markup:
    """Horizontal bars, one row per item, one thin bar per series (plan beside actual)."""
    series = series or [""]
    count = max(len(series), 1)
    top = 8 + (18 if len(series) > 1 else 0)
    scale_max = max([_number(v) for b in bars for v in b.values] + [0.0]) or 1.0
    # room right of the longest bar for the longest value text (¥17,420,000.00 is wider
    # than VALUE_WIDTH: it ran off the chart's edge)
    longest = max([text_width(t, 11) for b in bars for t in b.texts] + [0.0])
    span = WIDTH - LABEL_WIDTH - max(VALUE_WIDTH, longest + 10)
    rows = []
    for i, bar in enumerate(bars):
        y = top + i * ROW * count
        layout = BarLayout(y=y, label=bar.label, url=bar.url)
        for s, value in enumerate(bar.values):
            width = max(_number(value), 0) / scale_max * span
            layout.parts.append(
                {
                    "x": LABEL_WIDTH,
                    "y": y + s * ROW + 3,
                    "width": round(width, 1),
                    "height": ROW - 6,
                    "colour": COLOURS[s % len(COLOURS)],
                    "text": bar.texts[s] if s < len(bar.texts) else "",
                    "text_x": round(LABEL_WIDTH + width + 4, 1),
                    "text_y": y + s * ROW + ROW / 2 + 4,
                    "series": series[s] if s < len(series) else "",
                }
            )
        rows.append(layout)
    height = top + max(len(bars), 1) * ROW * count + 8
    legend = [
        {"x": LABEL_WIDTH + i * 110, "colour": COLOURS[i % len(COLOURS)], "name": name}
        for i, name in enumerate(series)
        if len(series) > 1
    ]
    return Markup(
        render_template(
            "dashboard/charts/bars.svg",
            title=title,
            desc=desc,
            rows=rows,
            legend=legend,
            width=WIDTH,
            height=height,
            label_width=LABEL_WIDTH,
            empty=not bars,
        )
    )


def pareto_chart(
    title: str, desc: str, shares: list[float], cutoff: int, url: str | None, note: str
) -> Markup:
    """Revenue bars by client, largest first, with the cumulative share as a line and the
    point where it reaches 80 % marked (and linked to the clients that make it)."""
    left, right, top, bottom = 40, 12, 12, 30
    height = 220
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    n = len(shares)
    step = min(plot_w / n, 40) if n else plot_w  # a few clients: narrow bars, not slabs
    biggest = max(shares + [0.0]) or 1.0
    bars, points, cumulative = [], [], 0.0
    for i, share in enumerate(shares):
        cumulative += share
        h = share / biggest * plot_h
        bars.append(
            {
                "x": round(left + i * step + step * 0.1, 2),
                "y": round(top + plot_h - h, 2),
                "width": round(max(step * 0.8, 0.5), 2),
                "height": round(h, 2),
            }
        )
        points.append(
            (
                round(left + (i + 0.5) * step, 2),
                round(top + plot_h - min(cumulative, 1) * plot_h, 2),
            )
        )
    marker = None
    if n and 0 < cutoff <= n:
        x, y = points[cutoff - 1]
        marker = {"x": x, "y": y, "url": url, "note": note}
    line = " ".join(f"{x},{y}" for x, y in points)
    return Markup(
        render_template(
            "dashboard/charts/pareto.svg",
            title=title,
            desc=desc,
            bars=bars,
            line=line,
            marker=marker,
            width=WIDTH,
            height=height,
            left=left,
            top=top,
            plot_w=plot_w,
            plot_h=plot_h,
            y80=round(top + plot_h * 0.2, 2),
            empty=not n,
        )
    )


def matrix_chart(
    title: str, desc: str, rows: list[str], columns: list[str], cells: list[list[tuple]]
) -> Markup:
    """A grid of counts (rows × columns), each cell shaded by its share of the largest and
    linked to its list; `cells[r][c]` is (count, url)."""
    left, top, cell_w, cell_h = 110, 26, (WIDTH - 110) / max(len(columns), 1), 30
    biggest = max([c[0] for row in cells for c in row] + [0]) or 1
    grid = []
    for r, row in enumerate(cells):
        for c, (count, url) in enumerate(row):
            grid.append(
                {
                    "x": round(left + c * cell_w, 2),
                    "y": top + r * cell_h,
                    "count": count,
                    "url": url if count else None,
                    "opacity": round(0.1 + 0.9 * count / biggest, 2),
                    "dark": count / biggest > 0.5,
                }
            )
    return Markup(
        render_template(
            "dashboard/charts/matrix.svg",
            title=title,
            desc=desc,
            grid=grid,
            row_labels=[
                {"y": top + i * cell_h + cell_h / 2 + 4, "text": t} for i, t in enumerate(rows)
            ],
            column_labels=[
                {"x": round(left + i * cell_w + cell_w / 2, 2), "text": t}
                for i, t in enumerate(columns)
            ],
            cell_w=round(cell_w, 2),
            cell_h=cell_h,
            width=WIDTH,
            height=top + len(rows) * cell_h + 6,
        )
    )
