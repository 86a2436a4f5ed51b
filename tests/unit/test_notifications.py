"""Notifications: the generic service (notify, count, mark read), what the approval engine's
signals leave for approvers and applicants, and the single-use e-mail links (issue, load,
expiry, tampering, use exactly once)."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from webapp.approvals import service as approvals
from webapp.approvals.models import ApprovalStep, RequestStatus, RequestType, StepStatus
from webapp.auth.models import User
from webapp.common.errors import NotFound, ValidationFailed
from webapp.common.timeutil import utcnow
from webapp.extensions import db
from webapp.notifications import approvals as reactions
from webapp.notifications import service, tokens
from webapp.notifications.models import MailActionToken, Notification

SUPPORT = {"support_kind": "training", "content": "为客户设备部开展两天操作培训", "amount": "8000"}


def file_support(world, **data):
    return approvals.file_request(
        world.owner, world.account.id, RequestType.SUPPORT, {**SUPPORT, **data}
    )


def notes(user, kind=None):
    stmt = sa.select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt.order_by(Notification.id)))


# --- the generic service ------------------------------------------------------------------------


def test_notify_stores_an_unread_notification(world):
    stored = service.notify(world.owner, "标题", "正文", "/accounts/1", kind="test")
    assert stored.id and stored.read_at is None
    assert service.unread_count(world.owner) == 1
    assert service.unread_count(world.colleague) == 0
    assert [n.title for n in service.recent(world.owner)] == ["标题"]


def test_notify_with_a_key_stores_an_event_once(world):
    assert service.notify(world.owner, "一", key="event-1") is not None
    assert service.notify(world.owner, "二", key="event-1") is None
    assert service.notify(world.colleague, "三", key="event-1") is not None  # per user
    assert [n.title for n in notes(world.owner)] == ["一"]


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_notify_links_only_inside_the_app(world, link):
    with pytest.raises(ValueError):
        service.notify(world.owner, "x", link=link)


def test_mark_read_marks_only_ones_own(world):
    mine = service.notify(world.owner, "一")
    service.notify(world.owner, "二")
    with pytest.raises(NotFound):
        service.mark_read(world.colleague, mine.id)
    assert service.mark_read(world.owner, mine.id).read_at is not None
    assert service.unread_count(world.owner) == 1
    first_read = mine.read_at
    assert service.mark_read(world.owner, mine.id).read_at == first_read  # again: unchanged


def test_mark_all_read_leaves_other_users_alone(world):
    service.notify(world.owner, "一")
    service.notify(world.owner, "二")
    service.notify(world.colleague, "三")
    assert service.mark_all_read(world.owner) == 2
    assert service.unread_count(world.owner) == 0
    assert service.unread_count(world.colleague) == 1


def test_recent_lists_unread_first_then_newest(world):
    old = service.notify(world.owner, "旧")
    service.notify(world.owner, "中")
    service.notify(world.owner, "新")
    service.mark_read(world.owner, old.id)
    service.notify(world.owner, "最新")
    titles = [n.title for n in service.recent(world.owner)]
    assert titles == ["最新", "新", "中", "旧"]
    service.mark_read(world.owner, service.recent(world.owner)[0].id)
    assert [n.title for n in service.recent(world.owner)][-2:] == ["最新", "旧"]


# --- reactions to the approval engine -----------------------------------------------------------


def test_filing_tells_the_first_steps_approvers(world):
    item = file_support(world)
    waiting = notes(world.supervisor, "approval.waiting")
    assert len(waiting) == 1
    assert item.number in waiting[0].title
    assert waiting[0].link == f"/approvals/{item.id}"
    assert notes(world.head) == [] and notes(world.owner) == []


def test_each_step_tells_the_next_approver_and_the_applicant(world):
    item = file_support(world)
    approvals.decide(world.supervisor, item.id, item.steps[0].id, "approve", "同意")
    assert len(notes(world.head, "approval.waiting")) == 1
    done = notes(world.owner, "approval.step_done")
    assert len(done) == 1 and world.supervisor.full_name in done[0].body
    assert "同意" in done[0].body
    approvals.decide(world.head, item.id, item.steps[1].id, "approve")
    approved = notes(world.owner, "approval.approved")
    assert len(approved) == 1 and item.number in approved[0].title


@pytest.mark.parametrize(
    ("decision", "kind"), [("reject", "approval.rejected"), ("return", "approval.returned")]
)
def test_the_applicant_hears_a_rejection_or_return_with_its_comment(world, decision, kind):
    item = file_support(world)
    approvals.decide(world.supervisor, item.id, item.steps[0].id, decision, "预算偏高，请说明")
    outcome = notes(world.owner, kind)
    assert len(outcome) == 1
    assert "预算偏高，请说明" in outcome[0].body
    assert world.supervisor.full_name in outcome[0].body


def test_a_withdrawal_notifies_nobody(world):
    item = file_support(world)
    approvals.withdraw(world.owner, item.id)
    assert notes(world.owner) == []


def test_resubmission_tells_the_first_approver_again(world):
    item = file_support(world)
    approvals.decide(world.supervisor, item.id, item.steps[0].id, "return", "补充说明")
    approvals.resubmit(world.owner, item.id, {**SUPPORT, "content": "已补充"})
    assert len(notes(world.supervisor, "approval.waiting")) == 2


def test_a_reassignment_tells_the_new_assignee_once(world):
    item = file_support(world)
    step = item.steps[0]
    approvals.reassign(world.admin, step.id, world.head.id)
    approvals.reassign(world.admin, step.id, world.head.id)
    assert len(notes(world.head, "approval.waiting")) == 1


def test_a_failing_notification_never_undoes_the_decision(world, monkeypatch, caplog):
    item = file_support(world)

    def broken(*args, **kwargs):
        raise RuntimeError("notification store down")

    monkeypatch.setattr(reactions, "notify", broken)
    with caplog.at_level(logging.ERROR, logger="webapp.notifications.approvals"):
        decided = approvals.decide(world.supervisor, item.id, item.steps[0].id, "approve")
    assert "notification store down" in caplog.text
    db.session.expire_all()
    assert decided.steps[0].status is StepStatus.APPROVED
    assert decided.steps[1].current


# --- e-mail links -------------------------------------------------------------------------------


def issue(world, item, decision="approve", **kwargs):
    raw, row = tokens.issue(world.supervisor, item.steps[0], decision, **kwargs)
    db.session.commit()
    return raw, row


def test_only_a_hash_of_the_token_is_stored(world):
    item = file_support(world)
    raw, row = issue(world, item)
    assert raw not in row.token_hash and len(row.token_hash) == 64
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailActionToken)) == 1


def test_an_issued_link_is_open_and_bound_to_user_request_step_and_round(world):
    item = file_support(world)
    raw, _row = issue(world, item)
    link = tokens.load(raw)
    assert link.state is tokens.LinkState.OPEN
    assert (link.user, link.request, link.step) == (world.supervisor, item, item.steps[0])
    assert (link.token.round, link.token.decision) == (1, "approve")
    assert not link.changed and link.new_events == 0


@pytest.mark.parametrize("raw", ["", "x", "A" * 43, "A" * 500])
def test_an_unknown_or_tampered_token_is_not_found(world, raw):
    item = file_support(world)
    issue(world, item)
    with pytest.raises(NotFound):
        tokens.load(raw)


def test_a_changed_character_is_not_found(world):
    item = file_support(world)
    raw, _row = issue(world, item)
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    with pytest.raises(NotFound):
        tokens.load(tampered)


def test_an_expired_link_decides_nothing(world):
    item = file_support(world)
    raw, row = issue(world, item)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert tokens.load(raw).state is tokens.LinkState.EXPIRED
    with pytest.raises(tokens.LinkGone) as gone:
        tokens.use(raw, None)
    assert gone.value.state is tokens.LinkState.EXPIRED
    db.session.expire_all()
    assert item.steps[0].status is StepStatus.WAITING


def test_links_expire_after_the_configured_hours(world, app):
    item = file_support(world)
    app.config["MAIL_LINK_HOURS"] = 2
    _raw, row = issue(world, item)
    assert timedelta(hours=1, minutes=59) < row.expires_at - row.created_at <= timedelta(hours=2)
    app.config["MAIL_LINK_HOURS"] = 72
    _raw, row = issue(world, item)
    assert row.expires_at - row.created_at == timedelta(hours=72)


def test_a_link_decides_once_as_its_user(world):
    item = file_support(world)
    raw, row = issue(world, item)
    decided = tokens.use(raw, "可以")
    db.session.expire_all()
    step = decided.steps[0]
    assert (step.status, step.decided_by_id, step.comment) == (
        StepStatus.APPROVED,
        world.supervisor.id,
        "可以",
    )
    assert db.session.get(MailActionToken, row.id).used_at is not None
    assert tokens.load(raw).state is tokens.LinkState.USED
    with pytest.raises(tokens.LinkGone) as gone:
        tokens.use(raw, None)
    assert gone.value.state is tokens.LinkState.USED


def test_a_reject_link_needs_a_reason_and_stays_usable_without_one(world):
    item = file_support(world)
    raw, row = issue(world, item, "reject")
    with pytest.raises(ValidationFailed):
        tokens.use(raw, "  ")
    db.session.expire_all()
    assert db.session.get(MailActionToken, row.id).used_at is None
    assert item.steps[0].status is StepStatus.WAITING
    assert tokens.use(raw, "客户信用不足").status is RequestStatus.REJECTED


def test_a_link_to_a_step_someone_else_decided_says_who(world):
    item = file_support(world)
    raw, _row = issue(world, item)
    approvals.decide(world.supervisor, item.id, item.steps[0].id, "approve")
    link = tokens.load(raw)
    assert link.state is tokens.LinkState.DECIDED
    assert world.supervisor.full_name in link.message
    with pytest.raises(tokens.LinkGone):
        tokens.use(raw, None)


def test_a_link_to_a_withdrawn_request_is_closed(world):
    item = file_support(world)
    raw, _row = issue(world, item)
    approvals.withdraw(world.owner, item.id)
    assert tokens.load(raw).state is tokens.LinkState.DECIDED


def test_the_link_notices_what_happened_after_the_mail(world):
    item = file_support(world)
    raw, _row = issue(world, item)
    approvals.add_comment(world.owner, item.id, "补充：客户要求提前")
    assert tokens.load(raw).new_events == 1


def test_a_link_from_an_earlier_round_is_closed(world):
    item = file_support(world)
    raw, _row = issue(world, item)
    approvals.decide(world.supervisor, item.id, item.steps[0].id, "return", "补充说明")
    approvals.resubmit(world.owner, item.id, {**SUPPORT, "content": "已补充"})
    link = tokens.load(raw)
    assert link.state is tokens.LinkState.DECIDED and link.changed


def test_two_posts_racing_on_one_link_decide_once(world, monkeypatch):
    """The conditional UPDATE is the guard: a post that read the link as open just before
    another used it is refused, and the step is not decided twice."""
    item = file_support(world)
    raw, row = issue(world, item)
    stale = tokens.load(raw)
    db.session.execute(
        sa.update(MailActionToken).where(MailActionToken.id == row.id).values(used_at=utcnow())
    )
    db.session.commit()
    monkeypatch.setattr(tokens, "load", lambda _raw: stale)
    with pytest.raises(tokens.LinkGone) as gone:
        tokens.use(raw, None)
    assert gone.value.state is tokens.LinkState.USED
    db.session.expire_all()
    assert item.steps[0].status is StepStatus.WAITING


def test_one_link_posted_from_several_threads_at_once_decides_once(app, world):
    """Real concurrency: each thread has its own session and posts the same link."""
    item = file_support(world)
    raw, row = issue(world, item)
    step_id, token_id = item.steps[0].id, row.id
    barrier = threading.Barrier(4)
    outcomes = []

    def post():
        with app.app_context(), app.test_request_context():
            barrier.wait()
            try:
                tokens.use(raw, None)
                outcomes.append("ok")
            except tokens.LinkGone as gone:
                outcomes.append(gone.state.value)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) - {"ok"} <= {"used", "decided"} and len(outcomes) == 4
    db.session.expire_all()
    assert db.session.get(MailActionToken, token_id).used_at is not None
    decided = db.session.get(ApprovalStep, step_id)
    assert (decided.status, decided.decided_by_id) == (StepStatus.APPROVED, world.supervisor.id)


def test_an_inactive_users_link_no_longer_works(world):
    item = file_support(world)
    raw, _row = issue(world, item)
    world.supervisor.active = False
    db.session.commit()
    assert tokens.load(raw).state is tokens.LinkState.EXPIRED


def test_demo_data_leaves_every_user_an_unread_notification(runner):
    result = runner.invoke(args=["demo-data", "--accounts", "3"])
    assert result.exit_code == 0, result.output
    users = list(db.session.scalars(sa.select(User)))
    assert users and all(service.unread_count(user) == 1 for user in users)
