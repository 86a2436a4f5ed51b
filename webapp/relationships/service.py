"""Rules for the role map's changes: influence lines and relationship owners. Every function
reads the account through `accounts.service.get_account` (404 outside the user's scope, 403
for one they see but may not change) and owns its commit."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp import audit
from webapp.accounts import advice
from webapp.accounts.models import Account, Contact
from webapp.accounts.service import can_edit, get_account, team
from webapp.auth.models import User
from webapp.common.errors import NotFound, ValidationFailed
from webapp.common.ids import parse_id
from webapp.extensions import db
from webapp.relationships import drawing, rolemap
from webapp.relationships.models import InfluenceLine, RelationshipOwner


def _contact_on(account: Account, raw, field: str) -> Contact:
    contact_id = parse_id(raw)
    contact = db.session.get(Contact, contact_id) if contact_id is not None else None
    if contact is None or contact.account_id != account.id:
        raise ValidationFailed({field: _("Choose a person at this client.")})
    return contact


def add_influence(actor: User, account_id: int, data: dict) -> InfluenceLine:
    """An influence line from one person to another of the same client (rules: rolemap)."""
    account = get_account(actor, account_id, for_edit=True)
    # one change to the map at a time per account, so two lines cannot close a loop together
    db.session.execute(
        sa.select(Account.id).where(Account.id == account.id).with_for_update()
    ).all()
    source = _contact_on(account, data.get("from_contact_id"), "from_contact_id")
    target = _contact_on(account, data.get("to_contact_id"), "to_contact_id")
    problem = rolemap.influence_problem(source, target)
    if problem:
        raise ValidationFailed({"to_contact_id": problem})
    note = (data.get("note") or "").strip()[:200] or None
    line = InfluenceLine(
        account_id=account.id,
        from_contact_id=source.id,
        to_contact_id=target.id,
        note=note,
        created_by_id=actor.id,
    )
    db.session.add(line)
    db.session.flush()
    audit.record_event(
        actor=actor,
        entity_type="influence_line",
        entity_id=line.id,
        account_id=account.id,
        action="create",
        subject=f"{source.name} → {target.name}",
        detail=note,
    )
    db.session.commit()
    return line


def remove_influence(actor: User, account_id: int, line_id) -> Account:
    account = get_account(actor, account_id, for_edit=True)
    parsed = parse_id(line_id)
    line = db.session.get(InfluenceLine, parsed) if parsed is not None else None
    if line is None or line.account_id != account.id:
        raise NotFound(_("No such influence line."))
    audit.record_event(
        actor=actor,
        entity_type="influence_line",
        entity_id=line.id,
        account_id=account.id,
        action="delete",
        subject=f"{line.source.name} → {line.target.name}",
    )
    db.session.delete(line)
    db.session.commit()
    return account


def set_owner(actor: User, account_id: int, data: dict) -> Contact:
    """Our team member who owns the relationship with a person (the account's team only);
    an empty choice clears it."""
    account = get_account(actor, account_id, for_edit=True)
    contact = _contact_on(account, data.get("contact_id"), "contact_id")
    members = {u.id: u for u in team(account)}
    raw = data.get("user_id") or ""
    row = db.session.get(RelationshipOwner, contact.id)
    if raw == "":
        if row is not None:
            db.session.delete(row)
        name = None
    else:
        user_id = parse_id(raw)
        if user_id not in members:
            raise ValidationFailed({"user_id": _("Choose a member of the account's team.")})
        if row is None:
            row = RelationshipOwner(contact_id=contact.id, account_id=account.id)
            db.session.add(row)
        row.user_id = user_id
        name = members[user_id].full_name
    audit.record_event(
        actor=actor,
        entity_type="contact",
        entity_id=contact.id,
        account_id=account.id,
        action="owner",
        subject=contact.name,
        detail=name,
    )
    db.session.commit()
    return contact


@dataclass
class MapPage:
    """What the Decision map tab shows: the drawing, the people with advice, the lines, the
    coverage and the forms' choices."""

    account: Account
    role_map: rolemap.RoleMap
    svg: object
    coverage: rolemap.Coverage
    advice: dict
    guide: list
    people: list
    boss_names: dict
    team: list
    can_edit: bool


def _boss_names(people) -> dict:
    names = {p.id: p.name for p in people}
    return {p.id: names.get(p.boss_id, "—") for p in people}


def map_page(user: User, account_id: int) -> MapPage:
    account = get_account(user, account_id)
    role_map = rolemap.build_map(account.id)
    return MapPage(
        account=account,
        role_map=role_map,
        svg=drawing.svg(role_map, _("Decision map of %(name)s", name=account.name)),
        coverage=rolemap.coverage_for_accounts([account.id])[account.id],
        advice=advice.by_person(role_map.people),
        guide=advice.guide(role_map.people),
        people=sorted(role_map.people, key=lambda p: p.name),
        boss_names=_boss_names(role_map.people),
        team=team(account),
        can_edit=can_edit(user, account),
    )
