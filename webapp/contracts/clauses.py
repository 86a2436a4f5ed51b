"""Standard contract wording: the administrator's versions of each clause, and how a
contract's clause deviates from the version it began from (shown to approvers as a diff)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import Markup, escape

from webapp.auth.models import Role, User
from webapp.common.errors import Forbidden, ValidationFailed
from webapp.contracts.models import ClauseKey, Contract, StandardClause
from webapp.contracts.standard_text import BUILT_IN
from webapp.extensions import db


def current_standards() -> dict[ClauseKey, tuple[int, str]]:
    """The newest version of each clause's standard wording (version 0: the built-in text)."""
    latest = (
        sa.select(StandardClause.key, sa.func.max(StandardClause.version).label("v"))
        .group_by(StandardClause.key)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(StandardClause.key, StandardClause.version, StandardClause.text).join(
            latest,
            sa.and_(StandardClause.key == latest.c.key, StandardClause.version == latest.c.v),
        )
    ).all()
    standards = {key: (0, text) for key, text in BUILT_IN.items()}
    standards.update({key: (version, text) for key, version, text in rows})
    return standards


def standard_text(key: ClauseKey, version: int) -> str:
    if version == 0:
        return BUILT_IN[key]
    text = db.session.scalar(
        sa.select(StandardClause.text).where(
            StandardClause.key == key, StandardClause.version == version
        )
    )
    return text if text is not None else BUILT_IN[key]


def save_standard_clause(actor: User, key: ClauseKey, text: str) -> StandardClause:
    """An administrator's edit becomes the next version; earlier versions stay for contracts
    that began from them."""
    if actor.role is not Role.ADMIN:
        raise Forbidden(_("Only the administrator edits the standard wording."))
    text = text.strip()
    if not text:
        raise ValidationFailed({"text": _("The standard wording cannot be empty.")})
    version, current = current_standards()[key]
    if text == current:
        raise ValidationFailed({"text": _("Nothing changed.")})
    clause = StandardClause(key=key, version=version + 1, text=text, created_by_id=actor.id)
    db.session.add(clause)
    db.session.commit()
    return clause


def standard_history(key: ClauseKey) -> list[StandardClause]:
    return list(
        db.session.scalars(
            sa.select(StandardClause)
            .where(StandardClause.key == key)
            .order_by(StandardClause.version.desc())
        )
    )


@dataclass
class ClauseView:
    key: ClauseKey
    text: str
    standard_version: int
    standard: str
    deviates: bool
    diff: Markup = field(default_factory=Markup)


def char_diff(old: str, new: str) -> Markup:
    """A readable character-level diff (Chinese has no spaces to split words on)."""
    out = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(old[a1:a2]))
        if op in ("delete", "replace"):
            out.append(Markup("<del>%s</del>") % old[a1:a2])
        if op in ("insert", "replace"):
            out.append(Markup("<ins>%s</ins>") % new[b1:b2])
    return Markup("").join(out)


def clause_views(contract: Contract) -> list[ClauseView]:
    by_key = {c.key: c for c in contract.clauses}
    views = []
    for key in ClauseKey:
        clause = by_key.get(key)
        if clause is None:
            continue
        standard = standard_text(key, clause.standard_version)
        deviates = clause.text.strip() != standard.strip()
        views.append(
            ClauseView(
                key,
                clause.text,
                clause.standard_version,
                standard,
                deviates,
                char_diff(standard, clause.text) if deviates else Markup(),
            )
        )
    return views
