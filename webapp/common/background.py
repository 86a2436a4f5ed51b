"""Work that runs after the request, behind one seam.

An area registers a named task in its `init_app` (`register_task(app, "sales.import", fn)`) and
starts it with `submit("sales.import", batch_id)` after its commit. Arguments are plain values
(ids, strings) so any runner can carry them across processes. The runner is chosen once per app
(`app.extensions["keydesk.background"]`); the default runs the task on a daemon thread inside an
app context. A task queue replaces the runner, not the callers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

from flask import Flask, current_app

TASKS = "keydesk.tasks"
RUNNER = "keydesk.background"


class Runner(Protocol):
    def submit(self, app: Flask, name: str, args: tuple[Any, ...]) -> None: ...


def register_task(app: Flask, name: str, fn: Callable[..., Any]) -> None:
    """Make `fn` startable as `name`; a name is registered once."""
    tasks = app.extensions.setdefault(TASKS, {})
    if name in tasks and tasks[name] is not fn:
        raise ValueError(f"background task {name!r} is registered twice")
    tasks[name] = fn


def task_function(app: Flask, name: str) -> Callable[..., Any]:
    try:
        return app.extensions[TASKS][name]
    except KeyError:
        raise LookupError(f"no background task named {name!r}") from None


def set_runner(app: Flask, runner: Runner) -> None:
    app.extensions[RUNNER] = runner


def submit(name: str, *args: Any) -> None:
    """Start the task `name` with `args` outside the current request (after its commit)."""
    app = current_app._get_current_object()
    task_function(app, name)  # an unknown name fails here, in the request, not later
    runner: Runner = app.extensions.get(RUNNER) or ThreadRunner()
    runner.submit(app, name, args)


def run_task(app: Flask, name: str, args: tuple[Any, ...]) -> Any:
    """Run a registered task now, in its own app context and session."""
    from webapp.extensions import db

    with app.app_context():
        try:
            return task_function(app, name)(*args)
        finally:
            db.session.remove()


class ThreadRunner:
    """Today's runner: a daemon thread in this process. Work that must survive the process keeps
    its state in the database so it can be resumed."""

    def submit(self, app: Flask, name: str, args: tuple[Any, ...]) -> None:
        thread = threading.Thread(
            target=run_task, args=(app, name, args), name=f"keydesk-{name}", daemon=True
        )
        thread.start()
