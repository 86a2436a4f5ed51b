"""Work that may only use CPU nobody else wants: one thread per process at idle priority.

Some background work is a head start, not a duty: a contract's PDF rendered right after its
status changed (contracts/prerender.py) saves the next reader a wait, but the reader's click
renders it anyway when the stored copy is missing. Such work must not slow the people using the
app. The load run of issue 18 showed it did: the background worker at nice 10 rendering ~110
PDFs in two minutes (~0.45 s of CPU each) raised the pages' p95 from under 170 ms to 200–350 ms
on the two cores it shared with the web workers.

So it runs on the *idle lane*: one daemon thread of the process under Linux's SCHED_IDLE policy
(where that is refused or missing: the thread's nice value 19), which the kernel runs only when
no other thread wants the core. Items are queued in memory, one at a time, each in its own app
context and session; an item already waiting under the same key is not queued twice (it will
do the latest state anyway).

What the lane holds is lost when the process exits. Only put there what is also made on demand.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)


def lower_priority() -> str:
    """Lower the calling thread (not the process) to idle priority; say which was possible."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # 0: the calling thread
        return "idle"
    except (AttributeError, OSError):
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)  # Linux: one thread
        return "nice 19"
    except (AttributeError, OSError):
        return "normal"


class IdleLane:
    """The queue and its one idle-priority thread (started by the first item)."""

    def __init__(self) -> None:
        self._items: queue.Queue = queue.Queue()
        self._waiting: set[Hashable] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.priority = ""  # what lower_priority() achieved, once the thread runs

    def submit(self, app: Flask, key: Hashable, fn: Callable[..., Any], *args: Any) -> bool:
        """Queue `fn(*args)`; False when an item under `key` is already waiting."""
        with self._lock:
            if key in self._waiting:
                return False
            self._waiting.add(key)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="keydesk-idle", daemon=True)
                self._thread.start()
        self._items.put((app, key, fn, args))
        return True

    def join(self, timeout: float) -> bool:
        """Wait until every queued item is done; False if `timeout` seconds passed first."""
        done = threading.Event()

        def wait() -> None:
            self._items.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        return done.wait(timeout)

    def _run(self) -> None:
        from webapp.extensions import db

        self.priority = lower_priority()
        while True:
            app, key, fn, args = self._items.get()
            with self._lock:
                self._waiting.discard(key)  # a change while it runs queues it again
            try:
                with app.app_context():
                    try:
                        fn(*args)
                    finally:
                        db.session.remove()
            except Exception:
                log.exception("idle work %r failed", key)
            finally:
                self._items.task_done()


lane = IdleLane()
