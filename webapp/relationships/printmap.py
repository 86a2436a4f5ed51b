"""The decision map laid out for print (the account plan document), from the page's map.

A4 holds four boxes side by side at a size whose words read well in print (~6 pt), so
the printed chart is the *top* of the org chart, as deep as fits four columns:
- a boss whose shown staff have no shown staff of their own lists them under themself (a
  column of boxes) instead of side by side, so a team takes one column, not four;
- deeper levels that would not fit are left out, and the box of a person with staff left
  out carries "+N" (how many people below them are not drawn); the people table that
  follows in the document lists everyone with their boss;
- separate trees (people with no boss on the map) are packed into bands of at most four
  columns, each band its own figure, so a figure never outgrows a page.
Influence lines are drawn where both people are drawn; the influence table lists them all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from webapp.relationships.rolemap import GAP_X, GAP_Y, NODE_H, NODE_W, PAD, Line, Person, RoleMap

COLUMNS = 4  # boxes side by side on the 170 mm text width: words ~6 pt
STACK = 6  # staff listed under their boss at most; the rest are counted in the boss's "+N"
LEVELS = 3  # levels drawn below the top at most, so a figure stays within a page's height
INDENT = 28  # listed staff sit this far right of their boss, the reporting line in between
STACK_GAP = 12
COLUMN_W = NODE_W + INDENT + GAP_X
TEXT_WIDTH_MM = 170.0
MM_PER_UNIT = TEXT_WIDTH_MM / (COLUMNS * COLUMN_W + 2 * PAD)


class _Tree:
    """The reporting tree with a depth limit: what is drawn, and how wide it is."""

    def __init__(self, staff: dict, limit: int = 0):
        self.staff, self.limit = staff, limit

    def below(self, person: Person, seen: frozenset = frozenset()) -> int:
        """Everyone under `person` (a loop saved before the checks existed ends the count)."""
        seen = seen | {person.id}
        return sum(
            1 + self.below(c, seen) for c in self.staff.get(person.id, []) if c.id not in seen
        )

    def shown_staff(self, person: Person, depth: int) -> list[Person]:
        return self.staff.get(person.id, []) if depth < self.limit else []

    def stacks(self, person: Person, depth: int) -> bool:
        team = self.shown_staff(person, depth)
        return bool(team) and not any(self.shown_staff(c, depth + 1) for c in team)

    def width(self, person: Person, depth: int = 0) -> int:
        team = self.shown_staff(person, depth)
        if not team or self.stacks(person, depth):
            return 1
        return sum(self.width(c, depth + 1) for c in team)

    def place(self, person: Person, depth: int, cursor: list[int], placed: dict) -> Person:
        """Copies of `person` and the staff drawn under them, at print positions."""
        y = PAD + depth * (NODE_H + GAP_Y)
        team = self.shown_staff(person, depth)
        if not team or self.stacks(person, depth):
            x = cursor[0]
            cursor[0] += COLUMN_W
            listed = team[:STACK]
            hidden = self.below(person) - len(listed)
            for i, c in enumerate(listed):
                placed[c.id] = replace(
                    c,
                    x=x + INDENT,
                    y=y + NODE_H + STACK_GAP + i * (NODE_H + STACK_GAP),
                    depth=depth + 1,
                    hidden=self.below(c),
                    stacked=True,
                )
                hidden -= placed[c.id].hidden
        else:
            drawn = [self.place(c, depth + 1, cursor, placed) for c in team]
            x = (drawn[0].x + drawn[-1].x) // 2
            hidden = 0
        placed[person.id] = replace(person, x=x, y=y, depth=depth, hidden=hidden, stacked=False)
        return placed[person.id]


def print_maps(role_map: RoleMap) -> list[RoleMap]:
    """The bands of the printed chart (module docstring); their people are copies with print
    positions, `hidden` (people below not drawn) and `stacked` (listed under their boss)."""
    people = {p.id: p for p in role_map.people}
    staff: dict[int | None, list[Person]] = defaultdict(list)
    for p in role_map.people:
        staff[p.boss_id if p.boss_id in people else None].append(p)
    for team in staff.values():
        team.sort(key=lambda p: p.x)  # the page's order, left to right
    roots = _roots(staff, people)
    deepest = max((p.depth for p in role_map.people), default=0)
    tree = _Tree(staff)
    while tree.limit < min(deepest, LEVELS):
        deeper = _Tree(staff, tree.limit + 1)
        if any(deeper.width(r) > COLUMNS for r in roots):
            break
        tree = deeper

    bands: list[list[Person]] = [[]]
    used = 0
    for root in roots:
        w = tree.width(root)
        if bands[-1] and used + w > COLUMNS:
            bands.append([])
            used = 0
        bands[-1].append(root)
        used += w

    out = []
    for band in bands:
        placed: dict[int, Person] = {}
        cursor = [PAD]
        for root in band:
            tree.place(root, 0, cursor, placed)
        lines = [
            Line(ln.id, placed[ln.source.id], placed[ln.target.id], ln.note)
            for ln in role_map.lines
            if ln.source.id in placed and ln.target.id in placed
        ]
        ordered = sorted(placed.values(), key=lambda p: (p.y, p.x))
        out.append(
            RoleMap(
                ordered,
                lines,
                max(p.x + NODE_W for p in ordered) + PAD,
                max(p.y + NODE_H for p in ordered) + PAD,
            )
        )
    return out


def _roots(staff, people) -> list[Person]:
    """The people at the top of each tree, and one of each loop saved before the checks."""
    roots = list(staff.get(None, []))
    reached: set[int] = set()
    todo = list(roots)
    while todo:
        p = todo.pop()
        if p.id not in reached:
            reached.add(p.id)
            todo.extend(staff.get(p.id, []))
    for p in people.values():
        if p.id not in reached:
            roots.append(p)
            todo = [p]
            while todo:
                q = todo.pop()
                if q.id not in reached:
                    reached.add(q.id)
                    todo.extend(staff.get(q.id, []))
    return roots


def width_mm(band: RoleMap) -> float:
    """The printed width of a band: every band at one scale, so their words are one size."""
    return round(band.width * MM_PER_UNIT, 1)
