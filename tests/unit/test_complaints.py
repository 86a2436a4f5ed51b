"""Complaints move record → investigate → leader's instruction → client told → archived, each
step with who and when; none is skipped, so none closes before the client was told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import gettext as _

from webapp.common.errors import Forbidden, NotFound, ValidationFailed
from webapp.complaints import service
from webapp.complaints.models import ComplaintStatus


def recorded(world):
    return service.record_complaint(
        world.owner,
        world.account.id,
        {"subject": "到货包装破损", "description": "3 月 5 日到货 20 箱，5 箱破损"},
    )


def test_the_whole_path_with_who_and_when_and_time_to_close(world):
    complaint = recorded(world)
    service.advance(world.owner, complaint.id, "investigated", "物流途中挤压，责任在承运商")
    service.advance(world.supervisor, complaint.id, "instructed", "补发 5 箱，向承运商索赔")
    service.advance(world.owner, complaint.id, "client_told", "已电话告知采购王总，补货明日到")
    service.advance(world.head, complaint.id, "archived", "归档")
    assert complaint.status is ComplaintStatus.ARCHIVED
    assert [s.step for s in complaint.steps] == list(ComplaintStatus)
    assert [s.actor_id for s in complaint.steps] == [
        world.owner.id, world.owner.id, world.supervisor.id, world.owner.id, world.head.id
    ]  # fmt: skip
    assert all(s.at is not None for s in complaint.steps)
    assert complaint.closed_at is not None and complaint.days_to_close == 0.0


def test_a_complaint_cannot_close_before_the_client_is_told(world):
    complaint = recorded(world)
    service.advance(world.owner, complaint.id, "investigated", "查明原因")
    service.advance(world.supervisor, complaint.id, "instructed", "补发")
    with pytest.raises(ValidationFailed) as error:
        service.advance(world.supervisor, complaint.id, "archived", "归档")
    assert error.value.message == _(
        "A complaint is archived only after the client was told of the result."
    )
    assert complaint.status is ComplaintStatus.INSTRUCTED and complaint.closed_at is None


def test_steps_cannot_be_skipped_or_repeated(world):
    complaint = recorded(world)
    with pytest.raises(ValidationFailed):
        service.advance(world.supervisor, complaint.id, "instructed", "跳过调查")
    service.advance(world.owner, complaint.id, "investigated", "查明")
    with pytest.raises(ValidationFailed):
        service.advance(world.owner, complaint.id, "investigated", "再查一次")


def test_only_a_leader_of_the_department_instructs_and_archives(world):
    complaint = recorded(world)
    service.advance(world.owner, complaint.id, "investigated", "查明")
    with pytest.raises(Forbidden):
        service.advance(world.owner, complaint.id, "instructed", "自己批示")
    assert service.next_step(world.owner, complaint) is None
    assert service.next_step(world.supervisor, complaint) is ComplaintStatus.INSTRUCTED


def test_outsiders_neither_record_nor_see(world):
    with pytest.raises(NotFound):
        service.record_complaint(world.other_manager, world.account.id, {"subject": "x"})
    complaint = recorded(world)
    with pytest.raises(NotFound):
        service.get_complaint(world.other_manager, complaint.id)


def test_a_note_is_required_and_the_future_refused(world):
    complaint = recorded(world)
    with pytest.raises(ValidationFailed):
        service.advance(world.owner, complaint.id, "investigated", "  ")
    with pytest.raises(ValidationFailed):
        service.record_complaint(
            world.owner,
            world.account.id,
            {
                "subject": "s",
                "description": "d",
                "received_on": complaint.received_on + timedelta(days=3),
            },
        )
