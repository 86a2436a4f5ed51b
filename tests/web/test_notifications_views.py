"""The bell, the notifications page with marking read in place, and the confirm page behind
an e-mail link: GET shows, only POST decides; used, expired, decided and tampered links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import text
from webapp.approvals import service as approvals
from webapp.approvals.models import ApprovalStep, RequestStatus, RequestType, StepStatus
from webapp.common.timeutil import utcnow
from webapp.extensions import db
from webapp.notifications import service, tokens
from webapp.notifications.models import MailActionToken, Notification

SUPPORT = {"support_kind": "seminar", "content": "举办产品技术研讨会", "amount": "12000"}


def file_support(app, world):
    with app.test_request_context():
        return approvals.file_request(world.owner, world.account.id, RequestType.SUPPORT, SUPPORT)


def link_for(app, world, item, decision="approve"):
    with app.test_request_context():
        raw, _row = tokens.issue(world.supervisor, item.steps[0], decision)
        db.session.commit()
    return f"/mail/decide/{raw}"


@pytest.fixture
def client(client):
    """Nobody signed in, reading English (the link works without signing in)."""
    client.set_cookie("lang", "en")
    return client


def step_of(item) -> ApprovalStep:
    db.session.expire_all()
    return db.session.get(ApprovalStep, item.steps[0].id)


# --- bell and list ------------------------------------------------------------------------------


def test_every_page_has_a_bell_that_loads_its_count(world, login):
    page = text(login(world.owner).get("/"))
    assert 'id="notifications-bell"' in page and 'hx-get="/notifications/bell"' in page


def test_the_bell_fragment_counts_unread_and_polls(app, world, login, hx):
    service.notify(world.owner, "一")
    service.notify(world.owner, "二")
    response = login(world.owner).get("/notifications/bell", headers=hx)
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="notifications-bell"' in body and ">2<" in body
    assert "every 30s" in body and "notifications-changed from:body" in body
    assert "HX-Request" in response.headers["Vary"]


def test_the_list_shows_only_my_notifications(world, login):
    service.notify(world.owner, "我的通知", "正文内容", "/approvals/")
    service.notify(world.colleague, "别人的通知")
    page = text(login(world.owner).get("/notifications/"))
    assert "我的通知" in page and "正文内容" in page and 'href="/approvals/"' in page
    assert "别人的通知" not in page


def test_marking_one_read_in_place_refreshes_the_bell(world, login, hx):
    item = service.notify(world.owner, "一")
    response = login(world.owner).post(f"/notifications/{item.id}/read", headers=hx)
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert f'id="notification-{item.id}"' in body and "Mark read" not in body
    assert response.headers["HX-Trigger"] == "notifications-changed"
    db.session.expire_all()
    assert db.session.get(Notification, item.id).read_at is not None


def test_marking_read_without_htmx_redirects_to_the_list(world, login):
    item = service.notify(world.owner, "一")
    response = login(world.owner).post(f"/notifications/{item.id}/read")
    assert response.status_code == 303 and response.headers["Location"] == "/notifications/"


def test_someone_elses_notification_is_not_found(world, login):
    item = service.notify(world.colleague, "别人的")
    assert login(world.owner).post(f"/notifications/{item.id}/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, item.id).read_at is None


def test_mark_all_read_in_place(world, login, hx):
    service.notify(world.owner, "一")
    service.notify(world.owner, "二")
    response = login(world.owner).post("/notifications/read-all", headers=hx)
    body = text(response)
    assert 'id="notification-list"' in body and "<html" not in body
    assert response.headers["HX-Trigger"] == "notifications-changed"
    assert service.unread_count(world.owner) == 0


def test_the_applicant_sees_the_outcome_on_the_notifications_page(app, world, login):
    item = file_support(app, world)
    with app.test_request_context():
        approvals.decide(world.supervisor, item.id, item.steps[0].id, "reject", "预算超标")
    page = text(login(world.owner).get("/notifications/"))
    assert item.number in page and "预算超标" in page


# --- the confirm page ---------------------------------------------------------------------------


def test_the_link_opens_a_confirm_page_without_sign_in_and_get_decides_nothing(app, world, client):
    item = file_support(app, world)
    url = link_for(app, world, item)
    response = client.get(url)
    body = text(response)
    assert response.status_code == 200
    assert item.number in body and 'id="confirm-form"' in body and 'method="post"' in body
    assert world.account.name in body  # the account's credit context
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert step_of(item).status is StepStatus.WAITING


def test_posting_the_confirm_form_decides_as_the_links_user(app, world, client):
    item = file_support(app, world)
    url = link_for(app, world, item)
    response = client.post(url, data={"comment": "同意"})
    assert response.status_code == 200 and 'id="confirm-done"' in text(response)
    step = step_of(item)
    assert (step.status, step.decided_by_id, step.comment) == (
        StepStatus.APPROVED,
        world.supervisor.id,
        "同意",
    )
    again = client.get(url)
    assert again.status_code == 410
    assert_dead_link_reveals_nothing(again, item, world)
    assert client.post(url, data={"comment": "再来"}).status_code == 410


def assert_dead_link_reveals_nothing(response, item, world):
    """A dead link says so and whom to ask: nothing of the request (issue 13)."""
    body = text(response)
    assert 'id="link-dead"' in body and "no longer valid" in body
    for secret in (item.number, item.title, item.content, world.account.name):
        assert secret not in body
    assert 'id="confirm-form"' not in body


def test_a_reject_link_asks_for_a_reason(app, world, client):
    item = file_support(app, world)
    url = link_for(app, world, item, "reject")
    response = client.post(url, data={"comment": ""})
    assert response.status_code == 422 and "Give a reason" in text(response)
    assert step_of(item).status is StepStatus.WAITING
    assert client.post(url, data={"comment": "信用不足"}).status_code == 200
    db.session.expire_all()
    assert step_of(item).request.status is RequestStatus.REJECTED


def test_an_expired_link_says_so(app, world, client):
    item = file_support(app, world)
    url = link_for(app, world, item)
    db.session.execute(sa.update(MailActionToken).values(expires_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 410
    assert_dead_link_reveals_nothing(response, item, world)
    assert client.post(url, data={}).status_code == 410
    assert step_of(item).status is StepStatus.WAITING


@pytest.mark.parametrize("suffix", ["x", "", "-tampered"])
def test_a_tampered_link_reveals_nothing(app, world, client, suffix):
    item = file_support(app, world)
    url = link_for(app, world, item)
    bad = url[:-2] + suffix if suffix != "" else url[:-1]
    for response in (client.get(bad), client.post(bad, data={"comment": "x"})):
        assert response.status_code == 404
        assert_dead_link_reveals_nothing(response, item, world)
    assert step_of(item).status is StepStatus.WAITING


def test_a_link_to_a_step_already_decided_reveals_nothing(app, world, client):
    item = file_support(app, world)
    url = link_for(app, world, item)
    with app.test_request_context():
        approvals.decide(world.supervisor, item.id, item.steps[0].id, "approve")
    response = client.get(url)
    assert response.status_code == 409
    assert_dead_link_reveals_nothing(response, item, world)
    assert world.supervisor.full_name not in text(response).split('id="link-dead"')[1]


def test_the_confirm_page_warns_when_the_request_changed_after_the_mail(app, world, client):
    item = file_support(app, world)
    url = link_for(app, world, item)
    assert 'id="changed-warning"' not in text(client.get(url))
    with app.test_request_context():
        approvals.add_comment(world.owner, item.id, "客户要求提前一周")
    assert 'id="changed-warning"' in text(client.get(url))


def test_the_confirm_post_needs_the_forms_csrf_token(app, world, client):
    item = file_support(app, world)
    url = link_for(app, world, item)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(url, data={"comment": "同意"}).status_code == 400
    assert step_of(item).status is StepStatus.WAITING
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(client.get(url)))
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', text(client.get(url)))
    response = client.post(url, data={"comment": "同意", "csrf_token": token.group(1)})
    assert response.status_code == 200
    assert step_of(item).status is StepStatus.APPROVED
