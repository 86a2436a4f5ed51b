"""Two sections of the account plan document (大客户开发计划书): the service plans due and the
approved attack plan with its progress. Each is `build(account) -> blocks` for the account plan
document's section registry (the relationships area wires them with
`register_account_plan_section`); the document generator has already checked that the reader
sees the account, so these read the account's rows as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from webapp.accounts.models import Account
from webapp.common.money import amount_in_words
from webapp.documents.blocks import Heading, KeyValues, Paragraph, Table
from webapp.extensions import db
from webapp.filters import local_date, local_datetime, money
from webapp.plans.attack import approved_plan, plan_reviews
from webapp.plans.models import AccountReview, ServicePlanItem
from webapp.plans.service import needs_review

MAX_ROWS = 60  # a section stays a page or two; the rest is on the account's Plans tab


def _open_items(account: Account) -> list[ServicePlanItem]:
    return list(
        db.session.scalars(
            sa.select(ServicePlanItem)
            .where(ServicePlanItem.account_id == account.id, ServicePlanItem.closed.is_(False))
            .options(joinedload(ServicePlanItem.contact), joinedload(ServicePlanItem.owner))
            .order_by(ServicePlanItem.due_on, ServicePlanItem.id)
            .limit(MAX_ROWS)
        )
    )


def _last_review(account: Account) -> AccountReview | None:
    return db.session.scalar(
        sa.select(AccountReview)
        .where(AccountReview.account_id == account.id)
        .order_by(AccountReview.held_on.desc(), AccountReview.id.desc())
        .limit(1)
    )


def service_plans_section(account: Account) -> list:
    """The open role service plan items by due date (overdue ones marked), the last monthly
    review, and the prompt to review when a hot account was visited since."""
    blocks: list = []
    if needs_review(account):
        blocks.append(
            Paragraph(
                _("Visited since the last review: the service plan is to be reviewed."), bold=True
            )
        )
    items = _open_items(account)
    if items:
        rows = tuple(
            (
                i.contact.name,
                i.goal,
                i.method,
                i.action,
                i.frequency.label,
                local_date(i.due_on) + (f" ({_('overdue')})" if i.is_overdue else ""),
                i.owner.full_name,
            )
            for i in items
        )
        header = (
            _("Contact"),
            _("Goal"),
            _("Method"),
            _("Action"),
            _("Frequency"),
            _("Due on"),
            _("Owner"),
        )
        blocks.append(Table(header=header, rows=rows, widths=(2, 3, 3, 3, 1.5, 2, 1.5)))
    else:
        blocks.append(Paragraph(_("No service plan items yet.")))
    review = _last_review(account)
    if review is not None:
        blocks.append(Heading(_("Last monthly review"), level=2))
        blocks.append(
            KeyValues(
                items=(
                    (_("Held on"), local_date(review.held_on)),
                    (_("Attendees"), review.attendees),
                    (_("Where it stands"), review.notes or "—"),
                    (_("Decisions"), review.decisions or "—"),
                )
            )
        )
    return blocks


def attack_plan_section(account: Account) -> list:
    """The newest approved attack plan: key figures, goals, decision simulation, forces, the
    tasks with their progress, the expense plan with its total in 大写, the last progress
    review."""
    plan = approved_plan(account)
    if plan is None:
        return [Paragraph(_("No approved attack plan."))]
    request = plan.request
    blocks: list = [
        KeyValues(
            items=(
                (_("Request"), request.number),
                (_("Title"), request.title),
                (_("Approved"), local_datetime(plan.approved_at)),
                (_("Expected close"), local_date(plan.close_on) if plan.close_on else "—"),
                (_("Progress"), f"{plan.progress}%"),
                (_("Expense plan total"), f"{money(plan.total)}（{amount_in_words(plan.total)}）"),
            ),
            columns=2,
        ),
        Heading(_("Goals"), level=2),
        Paragraph(request.content or ""),
        Heading(_("Decision simulation: why the client should choose us"), level=2),
        Paragraph(plan.simulation),
    ]
    if plan.forces:
        blocks.append(Heading(_("Supporting and opposing forces"), level=2))
        blocks.append(
            Table(
                header=(_("Person or force"), _("For or against"), _("Strength"), _("Note")),
                rows=tuple(
                    (f.person, f.side.label, f.strength.label, f.note or "") for f in plan.forces
                ),
                widths=(3, 2, 1.5, 4),
            )
        )
    blocks.append(Heading(_("Tasks and progress"), level=2))
    blocks.append(
        Table(
            header=(_("Action"), _("Owner"), _("Due on"), _("Done")),
            rows=tuple(
                (a.action, a.owner.full_name, local_date(a.due_on), f"{a.percent}%")
                for a in plan.actions
            ),
            widths=(5, 2, 2, 1),
            align=("left", "left", "left", "right"),
        )
    )
    if plan.expenses:
        blocks.append(Heading(_("Expense plan"), level=2))
        blocks.append(
            Table(
                header=(_("Item"), _("Amount"), _("Note")),
                rows=tuple((e.item, money(e.amount), e.note or "") for e in plan.expenses),
                widths=(4, 2, 4),
                align=("left", "right", "left"),
                footer=((_("Total"), money(plan.total), amount_in_words(plan.total)),),
            )
        )
    reviews = plan_reviews(plan)
    if reviews:
        last = reviews[0]
        blocks.append(Heading(_("Last progress review"), level=2))
        blocks.append(
            KeyValues(
                items=(
                    (_("Held on"), local_date(last.held_on)),
                    (_("Attendees"), last.attendees),
                    (_("Where it stands"), last.notes or "—"),
                    (_("Decisions"), last.decisions or "—"),
                )
            )
        )
    return blocks
