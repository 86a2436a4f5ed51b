"""The buying-role map of an account: its people, reporting lines and influence lines, the
rules lines obey, and the coverage of the six buying roles (issue 15 must-have 1).

The rule on lines, precisely. Every line points from a person to someone who hears them: a
reporting line from the subordinate to the boss ("上级"), an influence line from the one who
speaks to the one who listens. Then:
- nobody reports to themselves, and reporting lines never loop (accounts' own check);
- an influence line joins two different people of the same client, once per direction;
- an influence line may cross the reporting tree (a coach may speak to the decision maker
  over their own boss's head), but a *cycle* through influence lines and reporting lines is
  refused: a line whose listener already, directly or through others, is heard by its
  speaker would make a loop with no one at its top (e.g. the decision maker "influencing" a
  person reporting to them: the reporting line already carries that). The same check runs
  when a reporting line changes (registered with accounts' contact checks), so a new boss
  cannot close a loop through influence lines either.
- an influence line alongside a reporting line in the same direction says nothing new and is
  refused as a duplicate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.accounts.models import BuyingRole, Contact, Ladder, Stance
from webapp.auth.models import User
from webapp.extensions import db
from webapp.relationships.models import InfluenceLine, RelationshipOwner

# --- the graph ----------------------------------------------------------------------------------


def _edges(account_id: int) -> dict[int, set[int]]:
    """Who is heard by whom on one account: reporting lines and influence lines together."""
    heard_by: dict[int, set[int]] = defaultdict(set)
    rows = db.session.execute(
        sa.select(Contact.id, Contact.reports_to_id).where(
            Contact.account_id == account_id, Contact.reports_to_id.is_not(None)
        )
    )
    for person, boss in rows:
        heard_by[person].add(boss)
    lines = db.session.execute(
        sa.select(InfluenceLine.from_contact_id, InfluenceLine.to_contact_id).where(
            InfluenceLine.account_id == account_id
        )
    )
    for speaker, listener in lines:
        heard_by[speaker].add(listener)
    return heard_by


def reaches(edges: dict[int, set[int]], start: int, goal: int) -> bool:
    """Does a path of lines lead from `start` to `goal`?"""
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def influence_problem(source: Contact, target: Contact) -> str | None:
    """Why an influence line from `source` to `target` is refused, or None (module docstring)."""
    if source.id == target.id:
        return _("A person cannot influence themselves.")
    if source.account_id != target.account_id:
        return _("Both people must work at this client.")
    if source.reports_to_id == target.id:
        return _("%(a)s already reports to %(b)s.", a=source.name, b=target.name)
    edges = _edges(source.account_id)
    if target.id in edges.get(source.id, ()):
        return _("This influence line is already on the map.")
    if reaches(edges, target.id, source.id):
        return _(
            "%(b)s is already heard by %(a)s through the lines on the map; this line would make "
            "a loop.",
            a=source.name,
            b=target.name,
        )
    return None


def reporting_problem(contact: Contact | None, boss: Contact) -> str | None:
    """The check accounts runs when `contact` is to report to `boss`: no loop through the
    influence lines (the reporting-only loop is accounts' own check)."""
    if contact is None or contact.id is None:
        return None
    edges = _edges(boss.account_id)
    if reaches(edges, boss.id, contact.id):
        return _("That would make a loop through the influence lines on the map.")
    return None


# --- coverage -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    code: str  # no_decision_maker, no_coach, decision_maker_opposed, only_opposers
    text: str


@dataclass
class Coverage:
    known: list[BuyingRole] = field(default_factory=list)
    missing: list[BuyingRole] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.gaps


def judge(stances: dict[BuyingRole, list[Stance]]) -> Coverage:
    """Coverage from the stances of the people holding each role (pure rule):
    no decision maker; no coach; a decision maker opposed (any of them); another role held
    only by people opposed to us."""
    coverage = Coverage(
        known=[r for r in BuyingRole if stances.get(r)],
        missing=[r for r in BuyingRole if not stances.get(r)],
    )
    makers = stances.get(BuyingRole.DECISION_MAKER, [])
    if not makers:
        coverage.gaps.append(Gap("no_decision_maker", _("No decision maker is known.")))
    elif Stance.OPPOSE in makers:
        coverage.gaps.append(Gap("decision_maker_opposed", _("The decision maker is opposed.")))
    if not stances.get(BuyingRole.COACH):
        coverage.gaps.append(Gap("no_coach", _("No coach (our friend inside) is known.")))
    for role in BuyingRole:
        held = stances.get(role, [])
        if role is not BuyingRole.DECISION_MAKER and held and set(held) == {Stance.OPPOSE}:
            coverage.gaps.append(
                Gap("only_opposers", _("%(role)s: held only by opposers.", role=role.label))
            )
    return coverage


def coverage_for_accounts(ids) -> dict[int, Coverage]:
    """Coverage of each account in `ids` (one query). The caller passes ids of accounts it has
    already read through `account_scope`; an id without contacts gets an empty coverage."""
    ids = list(ids)
    stances: dict[int, dict[BuyingRole, list[Stance]]] = {i: defaultdict(list) for i in ids}
    if ids:
        rows = db.session.execute(
            sa.select(Contact.account_id, Contact.buying_role, Contact.stance).where(
                Contact.account_id.in_(ids)
            )
        )
        for account_id, role, stance in rows:
            stances[account_id][BuyingRole(role)].append(Stance(stance))
    return {i: judge(s) for i, s in stances.items()}


# --- the map ------------------------------------------------------------------------------------

NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 190, 86, 24, 56, 16


@dataclass
class Person:
    id: int
    name: str
    title: str
    role: BuyingRole
    stance: Stance
    ladder: Ladder | None
    owner: str
    boss_id: int | None
    personality: object = None
    decision_style: object = None
    # labels in the current language, translated once per map (200 people, 3 labels each)
    role_label: str = ""
    stance_label: str = ""
    ladder_label: str = ""
    x: int = 0
    y: int = 0
    depth: int = 0
    hidden: int = 0  # print: people below this one the printed chart leaves out (printmap)
    stacked: bool = False  # print: listed under their boss rather than beside their peers

    @property
    def opposed(self) -> bool:
        return self.stance is Stance.OPPOSE

    @property
    def supportive(self) -> bool:
        return self.stance is Stance.SUPPORT


@dataclass
class Line:
    id: int
    source: Person
    target: Person
    note: str


@dataclass
class RoleMap:
    people: list[Person]
    lines: list[Line]
    width: int
    height: int

    def boss_of(self, person: Person) -> Person | None:
        return next((p for p in self.people if p.id == person.boss_id), None)


def build_map(account_id: int) -> RoleMap:
    """People laid out as the org chart (bosses above their staff, each tree side by side),
    with the influence lines between them."""
    contacts = db.session.execute(
        sa.select(
            Contact.id,
            Contact.name,
            Contact.title,
            Contact.buying_role,
            Contact.stance,
            Contact.ladder,
            Contact.reports_to_id,
            Contact.personality,
            Contact.decision_style,
        )
        .where(Contact.account_id == account_id)
        .order_by(Contact.id)
    ).all()
    owners = dict(
        db.session.execute(
            sa.select(RelationshipOwner.contact_id, User.full_name)
            .join(User, User.id == RelationshipOwner.user_id)
            .where(RelationshipOwner.account_id == account_id)
        ).all()
    )
    labels: dict = {}

    def label(member) -> str:
        if member not in labels:
            labels[member] = member.label
        return labels[member]

    people = {}
    for c in contacts:
        role, stance = BuyingRole(c.buying_role), Stance(c.stance)
        ladder = Ladder(c.ladder) if c.ladder else None
        people[c.id] = Person(
            c.id,
            c.name,
            c.title or "",
            role,
            stance,
            ladder,
            owners.get(c.id, ""),
            c.reports_to_id,
            c.personality,
            c.decision_style,
            label(role),
            label(stance),
            label(ladder) if ladder else "",
        )
    _lay_out(people)
    rows = db.session.scalars(
        sa.select(InfluenceLine)
        .where(InfluenceLine.account_id == account_id)
        .order_by(InfluenceLine.id)
    ).all()
    lines = [
        Line(r.id, people[r.from_contact_id], people[r.to_contact_id], r.note or "")
        for r in rows
        if r.from_contact_id in people and r.to_contact_id in people
    ]
    width = max((p.x + NODE_W for p in people.values()), default=NODE_W) + PAD + 50
    height = max((p.y + NODE_H for p in people.values()), default=NODE_H) + PAD
    ordered = sorted(people.values(), key=lambda p: (p.depth, p.x))
    return RoleMap(ordered, lines, width, height)


def _lay_out(people: dict[int, Person]) -> None:
    """A simple tidy tree: leaves left to right, a boss centred over their staff."""
    staff: dict[int | None, list[Person]] = defaultdict(list)
    for p in people.values():
        boss = p.boss_id if p.boss_id in people else None
        staff[boss].append(p)
    next_x = [PAD]

    def place(person: Person, depth: int, seen: set[int]) -> None:
        seen.add(person.id)
        person.depth, person.y = depth, PAD + depth * (NODE_H + GAP_Y)
        children = [c for c in staff.get(person.id, []) if c.id not in seen]
        if not children:
            person.x = next_x[0]
            next_x[0] += NODE_W + GAP_X
            return
        for child in children:
            place(child, depth + 1, seen)
        person.x = (children[0].x + children[-1].x) // 2

    seen: set[int] = set()
    for root in staff.get(None, []):
        place(root, 0, seen)
    for p in people.values():  # a loop saved before the checks existed: still shown
        if p.id not in seen:
            place(p, 0, seen)
