"""The account plan (大客户开发计划书, issue 15 must-have 7) as document kind ``account-plan``
(`flask render account-plan ID`): one page per section, PDF and Word from the same blocks.

Sections are an ordered registry on the app, `app.extensions["keydesk.account_plan_sections"]`,
filled by `register_account_plan_section(app, key, title, order, build)` from an area's
`init_app`; `build(account) -> list of documents.blocks` blocks, the section's heading is
added here. This area registers profile, role map, coverage, competitors and whitespace; the
plans area adds its own (service plans, attack plan). The document's source version is a
digest of every section's blocks, so any section's new content gives a new document version,
and the render key includes the sections registered (a new section, a new rendering).
The plan is a Chinese company document whatever the reader's UI language.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from webapp.accounts.models import Account
from webapp.accounts.service import get_account
from webapp.auth.models import User
from webapp.documents import blocks
from webapp.documents.registry import DocumentType
from webapp.extensions import db

TEMPLATE_VERSION = "2026.12-2"  # -2: the printed chart (printmap), rosters for long lists
_KEY = "keydesk.account_plan_sections"


@dataclass(frozen=True)
class PlanSection:
    key: str
    title: str
    order: int
    build: Callable[[Account], list]


def register_account_plan_section(app: Flask, key: str, title, order: int, build) -> None:
    app.extensions.setdefault(_KEY, {})[key] = PlanSection(key, title, order, build)


def plan_sections() -> list[PlanSection]:
    return sorted(current_app.extensions.get(_KEY, {}).values(), key=lambda s: (s.order, s.key))


@dataclass
class Plan:
    account: Account

    @cached_property
    def blocks(self) -> list:
        """Every section: its heading, its blocks, a page break between sections."""
        out: list = []
        with force_locale("zh_CN"):
            for i, section in enumerate(plan_sections()):
                if i:
                    out.append(blocks.PageBreak())
                out.append(blocks.Heading(f"{_NUMERALS[i % 10]}、{section.title}", 1))
                out.extend(section.build(self.account))
        return out


_NUMERALS = "一二三四五六七八九十"


def _block_digest(block, digest) -> None:
    if isinstance(block, blocks.Image):
        digest.update(hashlib.sha256(block.data).digest())
    for text in blocks.block_texts(block):
        digest.update(text.encode("utf-8") + b"\x1f")
    digest.update(type(block).__name__.encode("ascii") + b"\x1e")


def source_version(plan: Plan) -> str:
    digest = hashlib.sha1()
    for block in plan.blocks:
        _block_digest(block, digest)
    return digest.hexdigest()


def render_inputs(plan: Plan) -> str:
    return ",".join(f"{s.key}:{s.order}" for s in plan_sections())


def _template_block(block) -> dict:
    """A block as the template writes it (the markup vocabulary)."""
    match block:
        case blocks.Heading():
            return {"tag": f"h{block.level}", "text": block.text}
        case blocks.Paragraph():
            return {"tag": "p", "text": block.text, "bold": block.bold, "small": block.small}
        case blocks.Table():
            return {
                "tag": "table",
                "header": block.header,
                "rows": block.rows,
                "footer": block.footer,
                "widths": ",".join(str(w) for w in block.widths),
                "align": ",".join(block.align),
            }
        case blocks.KeyValues():
            return {"tag": "kv", "items": block.items, "columns": block.columns}
        case blocks.Image():
            return {
                "tag": "image",
                "data": block.data,
                "width": block.width_mm,
                "caption": block.caption,
            }
        case blocks.PageBreak():
            return {"tag": "pagebreak"}
    raise ValueError(f"an account plan section cannot hold {type(block).__name__}")


def context(plan: Plan) -> dict:
    account = plan.account
    return {
        "account": account,
        "department": account.department.name,
        "blocks": [_template_block(b) for b in plan.blocks],
    }


def plan_for_user(user: User, account_id: int) -> Plan:
    return Plan(get_account(user, account_id))


def plan_for_id(account_id: int) -> Plan | None:
    account = db.session.get(Account, account_id)
    return None if account is None else Plan(account)


def filename(plan: Plan) -> str:
    return f"大客户开发计划书-{plan.account.short_name or plan.account.name}"


ACCOUNT_PLAN = DocumentType(
    kind="account-plan",
    label=_l("Account plan"),
    template="account_plan/plan.xml",
    template_version=TEMPLATE_VERSION,
    get_for_user=plan_for_user,
    get_any=plan_for_id,
    source_version=source_version,
    context=context,
    filename=filename,
    all_ids=lambda: db.session.scalars(sa.select(Account.id).order_by(Account.id)).all(),
    render_inputs=render_inputs,
)
