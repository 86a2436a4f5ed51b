"""The idle lane (common/idle.py): work that only uses CPU no one else wants runs on one thread
of idle priority, in an app context, one item per key at a time, and a failing item does not
stop the next."""

from __future__ import annotations

import os
import threading

import pytest
from flask import current_app

from webapp.common.idle import IdleLane


def test_an_item_runs_at_idle_priority_in_an_app_context(app):
    lane = IdleLane()
    seen = {}

    def work(value):
        seen["value"] = value
        seen["app"] = current_app.name
        seen["thread"] = threading.current_thread().name
        if hasattr(os, "sched_getscheduler"):
            seen["policy"] = os.sched_getscheduler(0)

    assert lane.submit(app, "k", work, 42)
    assert lane.join(timeout=30)
    assert seen["value"] == 42 and seen["app"] == app.name
    assert seen["thread"] == "keydesk-idle" != threading.current_thread().name
    if lane.priority == "idle":
        assert seen["policy"] == os.SCHED_IDLE


def test_a_key_waiting_already_is_not_queued_twice(app):
    lane = IdleLane()
    gate, runs = threading.Event(), []

    def first():
        gate.wait(10)

    lane.submit(app, "busy", first)  # holds the thread until the gate opens
    assert lane.submit(app, ("pdf", 7), runs.append, 1)
    assert not lane.submit(app, ("pdf", 7), runs.append, 2)  # the waiting one will do
    gate.set()
    assert lane.join(timeout=30)
    assert runs == [1]
    assert lane.submit(app, ("pdf", 7), runs.append, 3)  # once done, the key queues again
    assert lane.join(timeout=30)
    assert runs == [1, 3]


def test_a_failing_item_is_logged_and_the_next_runs(app, caplog):
    lane = IdleLane()
    runs = []

    def broken():
        raise RuntimeError("boom")

    lane.submit(app, "a", broken)
    lane.submit(app, "b", runs.append, "next")
    assert lane.join(timeout=30)
    assert runs == ["next"]
    assert any("idle work 'a' failed" in r.getMessage() for r in caplog.records)


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling policies")
def test_the_main_thread_keeps_its_priority(app):
    lane = IdleLane()
    lane.submit(app, "x", lambda: None)
    assert lane.join(timeout=30)
    assert os.sched_getscheduler(0) != os.SCHED_IDLE
