"""The role map drawn twice from one layout (`rolemap.build_map`): as SVG for the page and as a
picture (Pillow; the printed layout, `printmap`) for the account plan document, so both show
the same boxes, lines and words.

Each box: name and position, buying role, stance as a coloured bar *and* its word, relationship
ladder, our colleague who owns the relationship. Reporting lines are solid elbows from boss to
staff; influence lines dashed purple arrows from the speaker to the listener.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import gettext as _
from markupsafe import Markup, escape

from webapp.accounts.models import Stance
from webapp.relationships.rolemap import GAP_Y, NODE_H, NODE_W, Person, RoleMap

STANCE_COLOURS = {Stance.SUPPORT: "#2e7d32", Stance.NEUTRAL: "#8a6d00", Stance.OPPOSE: "#c62828"}
INFLUENCE = "#6a3fb5"
REPORTING = "#5a6070"


@dataclass(frozen=True)
class Words:
    """The words every box repeats, translated once per drawing."""

    no_ladder: str
    no_owner: str
    ours: str  # "Ours: {}" with the owner's name in place of {}

    @classmethod
    def current(cls) -> Words:
        return cls(_("No relationship yet"), _("no owner"), _("Ours: %(name)s", name="\x00"))


def box_lines(person: Person, words: Words) -> list[str]:
    """The four lines of text in a person's box."""
    name = person.name + (f" · {person.title}" if person.title else "")
    owner = person.owner or words.no_owner
    return [
        _clip(name, 16),
        person.role_label,
        f"{person.stance_label} · {person.ladder_label or words.no_ladder}",
        _clip(words.ours.replace("\x00", owner), 16),
    ]


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def reporting_points(boss: Person, person: Person) -> list[tuple[int, int]]:
    """The reporting line from a boss down to a person: an elbow from the middle of the
    boss's bottom to the middle of the person's top, or, for a person listed under their
    boss (print), down the boss's left and into the person's left side."""
    if person.stacked:
        x = boss.x + 14
        y = person.y + NODE_H // 2
        return [(x, boss.y + NODE_H), (x, y), (person.x, y)]
    x1, y1 = boss.x + NODE_W // 2, boss.y + NODE_H
    x2, y2 = person.x + NODE_W // 2, person.y
    ym = (y1 + y2) // 2
    return [(x1, y1), (x1, ym), (x2, ym), (x2, y2)]


def _anchor(person: Person, other: Person) -> tuple[int, int]:
    """Where a line leaves or reaches a box: its side facing the other box."""
    cx, cy = person.x + NODE_W // 2, person.y + NODE_H // 2
    if abs(other.y - person.y) > abs(other.x - person.x) // 3:
        return cx, person.y + (NODE_H if other.y > person.y else 0)
    return person.x + (NODE_W if other.x > person.x else 0), cy


BULGE = 60  # how far an influence line between stacked boxes swings out to their right
ARCH_RISE = 30  # how far a line bending round a row rises; 3 more per box it spans, ≤ GAP_Y - 8


def _bezier(p0, p1, p2, p3, steps: int = 16) -> list[tuple[int, int]]:
    points = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        x = a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0]
        y = a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]
        points.append((round(x), round(y)))
    return points


def influence_points(source: Person, target: Person) -> list[tuple[int, int]]:
    """The influence line as points (SVG and PNG draw the same ones).

    - Between boxes on one row it leaves the speaker's top edge and bends over the row into the
      listener's top edge (under it, for the top row, which has no room above), through the gap
      between the rows, so it never runs across the text of the boxes in between; a longer
      line bends a little higher, so lines over one row do not lie on each other.
    - Between boxes stacked in one column it leaves and enters on their right side and swings
      out, so it never runs over the reporting line.
    - Otherwise it runs straight between the facing sides."""
    if source.y == target.y and source.x != target.x:
        span = abs(target.x - source.x)
        rightwards = target.x > source.x
        # the ends sit on the facing halves of the two boxes, clear of the reporting line
        x1 = source.x + (NODE_W * 3 // 4 if rightwards else NODE_W // 4)
        x2 = target.x + (NODE_W // 4 if rightwards else NODE_W * 3 // 4)
        rise = min(GAP_Y - 8, ARCH_RISE + 3 * (span // NODE_W))
        lift = rise * 4 // 3  # a cubic Bézier reaches 3/4 of its control points' height
        if source.depth == 0:  # the top row: below it
            y, bend = source.y + NODE_H, source.y + NODE_H + lift
        else:
            y, bend = source.y, source.y - lift
        return _bezier((x1, y), (x1, bend), (x2, bend), (x2, y))
    if abs(source.x - target.x) >= NODE_W:
        return [_anchor(source, target), _anchor(target, source)]
    x1, y1 = source.x + NODE_W, source.y + NODE_H // 2
    x2, y2 = target.x + NODE_W, target.y + NODE_H // 2
    # cubic Bézier with both control points BULGE to the right
    return _bezier((x1, y1), (x1 + BULGE, y1), (x2 + BULGE, y2), (x2, y2))


def extent(role_map: RoleMap) -> tuple[int, int, list[list[tuple[int, int]]]]:
    """The drawing's width and height with room for every line, and the lines' points."""
    routes = [influence_points(line.source, line.target) for line in role_map.lines]
    lowest = max((y for points in routes for _, y in points), default=0)
    return role_map.width, max(role_map.height, lowest + 8), routes


def svg(role_map: RoleMap, title: str) -> Markup:
    """The map as an inline SVG (no script, no external reference)."""
    w, h, routes = extent(role_map)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="role-map-svg" width="{w}" '
        f'height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="role-map-title">',
        f'<title id="role-map-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        f'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{INFLUENCE}"/></marker></defs>',
    ]
    words = Words.current()
    by_id = {p.id: p for p in role_map.people}
    for person in role_map.people:
        boss = by_id.get(person.boss_id)
        if boss is not None:
            d = "M" + " L".join(f"{x},{y}" for x, y in reporting_points(boss, person))
            out.append(
                f'<path class="reporting" d="{d}" fill="none" stroke="{REPORTING}" '
                'stroke-width="1.5"/>'
            )
    # influence lines under the boxes: where one passes a box on its way, it goes behind it
    # (boxes are filled white) instead of across its words
    for line, points in zip(role_map.lines, routes, strict=True):
        d = "M" + " L".join(f"{x},{y}" for x, y in points)
        label = escape(f"{line.source.name} → {line.target.name} {line.note}".strip())
        out.append(
            f'<path class="influence" d="{d}" fill="none" stroke="{INFLUENCE}" stroke-width="2" '
            f'stroke-dasharray="6 4" marker-end="url(#arrow)"><title>{label}</title></path>'
        )
    for person in role_map.people:
        out.append(_svg_box(person, words))
    out.append("</svg>")
    return Markup("".join(out))


def _svg_box(person: Person, words: Words) -> str:
    """One box; its colours come from app.css by the stance class (.role-map-svg)."""
    name, role, stance, ours = (escape(t) for t in box_lines(person, words))
    return (
        f'<g class="person stance-{person.stance.value}" data-contact="{person.id}" '
        f'transform="translate({person.x},{person.y})">'
        f'<rect class="box" width="{NODE_W}" height="{NODE_H}" rx="6"/>'
        f'<rect class="bar" width="8" height="{NODE_H}" rx="3"/>'
        f'<text x="16" y="20" class="name">{name}</text><text x="16" y="39">{role}</text>'
        f'<text x="16" y="58" class="said">{stance}</text><text x="16" y="77">{ours}</text></g>'
    )


# --- PNG for documents ----------------------------------------------------------------------------

SCALE = 1.5  # px per layout unit: ~330 dpi at the six columns the plan prints
TAG_W, TAG_H = 48, 20  # the "+N" tag of a box whose staff the printed chart leaves out
MAX_PX = 2400  # the longer side: about 360 dpi at the 170 mm the plan prints it

FONT_FILES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
)


@lru_cache(maxsize=4)
def _font(size: int):
    from PIL import ImageFont

    for path, index in FONT_FILES:
        try:
            return ImageFont.truetype(path, size, index=index)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def png(role_map: RoleMap) -> bytes:
    """The same drawing as `svg`, as PNG bytes."""
    out = io.BytesIO()
    _picture(role_map).save(out, format="PNG", optimize=False)
    return out.getvalue()


def jpeg(role_map: RoleMap) -> bytes:
    """The same drawing as `svg`, as JPEG bytes: what the account plan prints (PDF and Word
    alike). WeasyPrint re-encodes a PNG (decode and deflate again, ~0.1 s for a chart) but
    embeds a JPEG as it is; at quality 85 without chroma subsampling the words stay crisp."""
    out = io.BytesIO()
    _picture(role_map).save(out, format="JPEG", quality=85, subsampling=0)
    return out.getvalue()


def _picture(role_map: RoleMap):
    from PIL import Image, ImageDraw

    width, height, routes = extent(role_map)
    scale = min(SCALE, MAX_PX / max(width, height))
    size = (max(1, int(width * scale)), max(1, int(height * scale)))
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    font = _font(max(8, int(13 * scale)))

    def s(*values):
        return [int(v * scale) for v in values]

    words = Words.current()
    by_id = {p.id: p for p in role_map.people}
    for person in role_map.people:
        boss = by_id.get(person.boss_id)
        if boss is not None:
            points = [v for point in reporting_points(boss, person) for v in point]
            draw.line(s(*points), fill=_rgb(REPORTING), width=2)
    # influence lines first, boxes (filled white) over them: see `svg`
    for route in routes:
        points = [s(x, y) for x, y in route]
        for start, end in zip(points, points[1:], strict=False):
            _dashed(draw, start, end, _rgb(INFLUENCE), max(2, int(2 * scale)))
        _arrow_head(draw, points[-2], points[-1], _rgb(INFLUENCE), int(10 * scale))
    for person in role_map.people:
        colour = _rgb(STANCE_COLOURS[person.stance])
        draw.rectangle(
            s(person.x, person.y, person.x + NODE_W, person.y + NODE_H),
            fill=(255, 255, 255),
            outline=colour,
            width=3,
        )
        draw.rectangle(s(person.x, person.y, person.x + 8, person.y + NODE_H), fill=colour)
        for i, text in enumerate(box_lines(person, words)):
            fill = colour if i == 2 else (35, 38, 45)
            draw.text(s(person.x + 16, person.y + 6 + i * 19), text, font=font, fill=fill)
        if person.hidden:  # print: people below not drawn, a tag on the top right corner
            left, top = person.x + NODE_W - TAG_W, person.y - TAG_H // 2
            draw.rectangle(s(left, top, left + TAG_W, top + TAG_H), fill=_rgb(REPORTING))
            draw.text(
                s(left + TAG_W // 2, top + TAG_H // 2),
                f"+{person.hidden}",
                font=font,
                fill=(255, 255, 255),
                anchor="mm",
            )
    return image


def _dashed(draw, start, end, fill, width, dash=12, gap=8) -> None:
    (x1, y1), (x2, y2) = start, end
    length = max(1.0, ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5)
    done = 0.0
    while done < length:
        a, b = done / length, min(done + dash, length) / length
        draw.line(
            [x1 + (x2 - x1) * a, y1 + (y2 - y1) * a, x1 + (x2 - x1) * b, y1 + (y2 - y1) * b],
            fill=fill,
            width=width,
        )
        done += dash + gap


def _arrow_head(draw, start, end, fill, size) -> None:
    (x1, y1), (x2, y2) = start, end
    length = max(1.0, ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5)
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    bx, by = x2 - ux * size, y2 - uy * size
    draw.polygon(
        [
            (x2, y2),
            (bx - uy * size / 2, by + ux * size / 2),
            (bx + uy * size / 2, by - ux * size / 2),
        ],
        fill=fill,
    )
