"""Withdrawing a request tells its approvers (issue 18, 6): the approvers of the step that was
waiting get a bell notification and, with mail configured, an e-mail through the outbox, in the
same transaction as the notification."""

from __future__ import annotations

import sqlalchemy as sa

from tests.web.test_contracts_views import make_contract  # noqa: F401  (fixture)
from tests.web.test_mail import SUPPORT, mail_world, smtp  # noqa: F401  (fixtures)
from webapp.approvals import service as approvals
from webapp.approvals.models import RequestType
from webapp.extensions import db
from webapp.notifications import mail
from webapp.notifications.models import Notification, OutboxMail


def test_withdrawing_tells_the_waiting_approvers_by_bell_and_mail(app, mail_world):  # noqa: F811
    world, inbox = mail_world
    with app.test_request_context():
        item = approvals.file_request(world.owner, world.account.id, RequestType.SUPPORT, SUPPORT)
    assert mail.wait_for_mail()
    with app.test_request_context():
        approvals.withdraw(world.owner, item.id)
    assert mail.wait_for_mail()
    bell = db.session.scalars(
        sa.select(Notification).where(
            Notification.user_id == world.supervisor.id, Notification.kind == "approval.withdrawn"
        )
    ).all()
    assert len(bell) == 1 and item.number in bell[0].title
    mails = inbox.to("supervisor@example.com")
    assert len(mails) == 2 and bell[0].title in mails[-1]["Subject"]
    assert "/mail/decide/" not in str(mails[-1])  # nothing left to decide
    assert inbox.to("head@example.com") == []  # a later step never opened
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 2


def test_withdrawing_without_mail_still_rings_the_bell(app, world):
    with app.test_request_context():
        item = approvals.file_request(world.owner, world.account.id, RequestType.SUPPORT, SUPPORT)
        approvals.withdraw(world.owner, item.id)
    kinds = db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == world.supervisor.id)
    ).all()
    assert "approval.withdrawn" in kinds


def test_withdrawing_a_contract_in_approval_tells_the_approvers(
    app,
    world,
    login,
    make_contract,  # noqa: F811
):
    contract_id = make_contract("in_approval")
    response = login(world.owner).post(f"/contracts/{contract_id}/withdraw")
    assert response.status_code == 303
    waiting = db.session.scalars(
        sa.select(Notification.user_id).where(Notification.kind == "approval.withdrawn")
    ).all()
    assert waiting and world.owner.id not in waiting
