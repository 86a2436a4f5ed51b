"""How the decision map draws influence lines (issue 15): a line between two people on one row
of the org chart never runs across a box (its text) on that row; it bends round the row, stays
inside the drawing, and ends on the listener's box."""

from __future__ import annotations

import re

import pytest

from webapp.accounts.models import BuyingRole, Stance
from webapp.relationships import drawing, printmap
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


# --- the printed chart (printmap) -------------------------------------------------------------


def org(n: int, staff_each: int = 4) -> RoleMap:
    """n people, each reporting to person (i - 1) // staff_each: a tree about log4(n) deep."""
    from webapp.relationships.rolemap import _lay_out

    people = {
        i: Person(
            i,
            f"员工{i:03d}",
            "",
            BuyingRole.USER,
            Stance.NEUTRAL,
            None,
            "",
            (i - 1) // staff_each if i else None,
        )  # fmt: skip
        for i in range(n)
    }
    _lay_out(people)
    return RoleMap(list(people.values()), [], 0, 0)


def overlapping(people) -> list:
    return [
        (a.name, b.name)
        for i, a in enumerate(people)
        for b in people[i + 1 :]
        if abs(a.x - b.x) < NODE_W and abs(a.y - b.y) < NODE_H
    ]


@pytest.mark.parametrize("n", [1, 3, 20, 200])
def test_the_printed_chart_fits_the_page_and_counts_everyone_it_leaves_out(n):
    bands = printmap.print_maps(org(n))
    drawn = [p for band in bands for p in band.people]
    assert len(drawn) + sum(p.hidden for p in drawn) == n  # drawn, or counted in a "+N"
    assert len({p.id for p in drawn}) == len(drawn)
    for band in bands:
        assert printmap.width_mm(band) <= printmap.TEXT_WIDTH_MM
        assert not overlapping(band.people)


def test_a_small_team_is_drawn_whole_with_staff_listed_under_their_boss():
    bands = printmap.print_maps(org(20))
    assert len(bands) == 1 and len(bands[0].people) == 20  # 1 + 4 + 15 listed under the four
    boss = next(p for p in bands[0].people if p.id == 1)
    listed = [p for p in bands[0].people if p.boss_id == 1]
    assert all(p.stacked and p.x > boss.x and p.y > boss.y for p in listed)


def test_people_without_a_boss_are_packed_four_to_a_band():
    loose = RoleMap(row(14, 0), [], 0, 0)
    bands = printmap.print_maps(loose)
    assert [len(b.people) for b in bands] == [4, 4, 4, 2]


def test_a_long_chain_of_bosses_is_cut_to_a_page_high_figure():
    bands = printmap.print_maps(org(12, staff_each=1))  # 员工000 ← 001 ← … ← 011
    (band,) = bands
    assert band.height * printmap.MM_PER_UNIT < 200  # A4 less margins: 253 mm
    drawn = band.people
    assert len(drawn) + sum(p.hidden for p in drawn) == 12


def test_the_plan_of_a_big_client_draws_the_top_and_lists_everyone(
    app, make_user, make_account, make_contact
):
    """45 people (over the 40 a table holds): the chart and its caption say how many are
    drawn, and a roster line names each person with their boss, in PDF and Word alike."""
    from webapp.auth.models import Role
    from webapp.documents import blocks
    from webapp.relationships import sections

    with app.test_request_context():
        account = make_account(make_user(Role.ACCOUNT_MANAGER))
        people = []
        for i in range(45):
            boss = people[(i - 1) // 4] if i else None
            people.append(
                make_contact(account, name=f"员工{i:02d}", reports_to_id=boss.id if boss else None)
            )
        out = sections.role_map(account)
    images = [b for b in out if isinstance(b, blocks.Image)]
    assert images and images[0].mime == "image/jpeg"
    assert "共 45 人，图中为上层 21 人" in images[0].caption
    roster = [b.text for b in out if isinstance(b, blocks.Paragraph) and b.small]
    assert len(roster) == 45 and not any(isinstance(b, blocks.Table) for b in out)
    assert "员工44　— · 决策者 · 中立 · — · 上级：员工10 · 我方：—" in roster
