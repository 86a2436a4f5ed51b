"""E-mail through a real SMTP conversation: a local aiosmtpd server on 127.0.0.1 receives what
filing and deciding a request send; the approver's mail carries working confirm links."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest

from webapp.approvals import service as approvals
from webapp.approvals.models import ApprovalStep, RequestType, StepStatus
from webapp.extensions import db
from webapp.notifications import mail

SUPPORT = {"support_kind": "seminar", "content": "举办产品技术研讨会", "amount": "12000"}


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def to(self, address):
        return [m for rcpt, m in self.messages if address in rcpt]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def mail_world(app, world, smtp):
    controller, inbox = smtp
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_FROM="大客户工作台 <keydesk@example.com>",
        BASE_URL="https://keydesk.example.com",
        MAIL_SYNC=False,  # the real path: a background thread; tests join it
    )
    for user, address in (
        (world.owner, "owner@example.com"),
        (world.supervisor, "supervisor@example.com"),
        (world.head, "head@example.com"),
    ):
        user.email = address
    db.session.commit()
    return world, inbox


def body_of(message, subtype):
    return message.get_body(preferencelist=(subtype,)).get_content()


def links(message) -> dict[str, str]:
    found = re.findall(
        r"https://keydesk\.example\.com(/mail/decide/[\w-]+)", body_of(message, "plain")
    )
    assert len(found) == 3, found
    return dict(zip(("approve", "reject", "return"), found, strict=True))


def test_filing_and_deciding_mail_the_approvers_and_the_applicant(app, mail_world, client):
    world, inbox = mail_world
    with app.test_request_context():
        item = approvals.file_request(world.owner, world.account.id, RequestType.SUPPORT, SUPPORT)
    assert mail.wait_for_mail()

    (to_supervisor,) = inbox.to("supervisor@example.com")
    assert inbox.to("owner@example.com") == [] and inbox.to("head@example.com") == []
    assert item.number in to_supervisor["Subject"]
    assert to_supervisor["From"] == "大客户工作台 <keydesk@example.com>"
    assert item.number in body_of(to_supervisor, "html")
    assert "/mail/decide/" in body_of(to_supervisor, "html")
    approve = links(to_supervisor)["approve"]

    # the link opens a confirm page (no sign-in) and only the POST decides
    page = client.get(approve)
    assert page.status_code == 200 and item.number in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ApprovalStep, item.steps[0].id).status is StepStatus.WAITING
    assert client.post(approve, data={"comment": "同意"}).status_code == 200
    assert mail.wait_for_mail()
    db.session.expire_all()
    assert db.session.get(ApprovalStep, item.steps[0].id).decided_by_id == world.supervisor.id

    (to_head,) = inbox.to("head@example.com")
    assert urlsplit(links(to_head)["approve"]).path.startswith("/mail/decide/")
    (step_done,) = inbox.to("owner@example.com")
    assert item.number in step_done["Subject"] and "/mail/decide/" not in body_of(
        step_done, "plain"
    )

    reject = links(to_head)["reject"]
    assert client.post(reject, data={"comment": "预算超标"}).status_code == 200
    assert mail.wait_for_mail()
    outcome = inbox.to("owner@example.com")[-1]
    assert "预算超标" in body_of(outcome, "plain")
    assert f"https://keydesk.example.com/approvals/{item.id}" in body_of(outcome, "plain")
    assert client.get(approve).status_code == 410  # used; the head's approve link: decided
    assert client.get(links(to_head)["approve"]).status_code == 409


def test_users_without_an_address_get_no_mail_but_the_in_app_notification(app, mail_world, client):
    world, inbox = mail_world
    world.supervisor.email = None
    db.session.commit()
    with app.test_request_context():
        approvals.file_request(world.owner, world.account.id, RequestType.SUPPORT, SUPPORT)
    assert mail.wait_for_mail()
    assert inbox.messages == []


def test_an_unreachable_mail_server_is_logged_and_the_request_still_files(app, mail_world, caplog):
    world, inbox = mail_world
    app.config.update(MAIL_PORT=free_port(), MAIL_SYNC=True)
    with app.test_request_context():
        item = approvals.file_request(world.owner, world.account.id, RequestType.SUPPORT, SUPPORT)
    assert item.id and "unavailable" in caplog.text
    assert inbox.messages == []


def test_without_mail_server_nothing_is_sent(app, mail_world):
    world, inbox = mail_world
    app.config["MAIL_SERVER"] = None
    with app.test_request_context():
        approvals.file_request(world.owner, world.account.id, RequestType.SUPPORT, SUPPORT)
    assert mail.wait_for_mail()
    assert inbox.messages == []


def test_outside_a_request_links_use_the_base_url(app, mail_world):
    """Signals also fire from CLI commands, where there is no request to take a host from."""
    world, inbox = mail_world
    app.config["MAIL_SYNC"] = True
    approvals.file_request(world.owner, world.account.id, RequestType.SUPPORT, SUPPORT)
    (to_supervisor,) = inbox.to("supervisor@example.com")
    assert len(links(to_supervisor)) == 3
