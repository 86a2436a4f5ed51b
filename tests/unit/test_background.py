"""The background seam: named tasks, one runner per app, unknown names refused in the request."""

from __future__ import annotations

import pytest

from webapp.common import background


class Recorder:
    def __init__(self):
        self.calls = []

    def submit(self, app, name, args):
        self.calls.append((name, args))


def test_a_task_goes_to_the_app_runner_with_its_arguments(app):
    runner = Recorder()
    background.register_task(app, "test.echo", lambda *a: a)
    background.set_runner(app, runner)
    with app.test_request_context():
        background.submit("test.echo", 7, "x")
    assert runner.calls == [("test.echo", (7, "x"))]
    assert background.run_task(app, "test.echo", (1, 2)) == (1, 2)


def test_an_unknown_task_fails_in_the_request_not_later(app):
    with app.test_request_context(), pytest.raises(LookupError):
        background.submit("nobody.registered")


def test_a_name_cannot_mean_two_functions(app):
    background.register_task(app, "test.once", print)
    background.register_task(app, "test.once", print)  # the same function again is fine
    with pytest.raises(ValueError):
        background.register_task(app, "test.once", repr)


def test_the_sales_import_is_a_registered_task(app):
    assert "sales.import" in app.extensions[background.TASKS]
