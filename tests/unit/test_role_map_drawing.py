"""How the decision map draws influence lines (issue 15): a line between two people on one row
of the org chart never runs across a box (its text) on that row; it bends round the row, stays
inside the drawing, and ends on the listener's box."""

from __future__ import annotations

import re

import pytest

from webapp.accounts.models import BuyingRole, Stance
from webapp.relationships import drawing
from webapp.relationships.rolemap import GAP_X, GAP_Y, NODE_H, NODE_W, PAD, Line, Person, RoleMap


def row(n: int, depth: int) -> list[Person]:
    y = PAD + depth * (NODE_H + GAP_Y)
    return [
        Person(
            i,
            f"员工{i}",
            "",
            BuyingRole.USER,
            Stance.NEUTRAL,
            None,
            "",
            None,
            x=PAD + i * (NODE_W + GAP_X),
            y=y,
            depth=depth,
        )  # fmt: skip
        for i in range(n)
    ]


def inside(x: float, y: float, p: Person) -> bool:
    return p.x + 1 < x < p.x + NODE_W - 1 and p.y + 1 < y < p.y + NODE_H - 1


def traced(points):
    """Every point along the polyline, a few pixels apart."""
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        steps = max(1, int(max(abs(x2 - x1), abs(y2 - y1)) / 3))
        for k in range(steps + 1):
            yield x1 + (x2 - x1) * k / steps, y1 + (y2 - y1) * k / steps


@pytest.mark.parametrize("depth", [0, 1, 3])
@pytest.mark.parametrize("a, b", [(0, 4), (4, 0), (0, 2), (3, 1), (1, 2), (2, 1)])
def test_a_line_along_one_row_passes_no_box(depth, a, b):
    people = row(5, depth)
    points = drawing.influence_points(people[a], people[b])
    crossed = [(x, y, p.name) for x, y in traced(points) for p in people if inside(x, y, p)]
    assert not crossed
    assert min(y for _, y in points) >= 0
    # it ends on the listener's box edge
    end_x, end_y = points[-1]
    target = people[b]
    assert target.x <= end_x <= target.x + NODE_W and target.y <= end_y <= target.y + NODE_H


def test_the_drawing_is_tall_enough_for_a_line_bending_below_a_single_row(app):
    people = row(4, 0)
    role_map = RoleMap(
        people, [Line(1, people[0], people[3], "")], 4 * (NODE_W + GAP_X), NODE_H + 2 * PAD
    )
    with app.test_request_context():
        svg = str(drawing.svg(role_map, "map"))
    height = int(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))
    lowest = max(y for _, y in drawing.influence_points(people[0], people[3]))
    assert height >= lowest + 4
