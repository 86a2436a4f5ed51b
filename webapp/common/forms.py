"""The form idiom of every view, written once.

    form = ThingForm()
    return handle_form(
        form,
        save=lambda: service.save_thing(current_user, form.data),
        saved=lambda thing: redirect(url_for("things.detail", thing_id=thing.id), code=303),
        show=lambda **answer: render_page("things/form.html", form=form, **answer),
    )

GET shows the form (200). A valid POST calls `save`; what it returns goes to `saved` (a
redirect after post, or a fragment for htmx). A POST the form's own checks refuse answers 422
with the same form; a service's `ValidationFailed` puts its messages on the fields they name
(422); a `Conflict` (someone saved the record since the form was loaded) answers 409 with the
other person's change and the form's version moved on, so saving again overwrites knowingly.
`show` receives `status` and `conflict`.

`once` (a `webapp.submissions.Once`) makes a create form idempotent: a repeated POST of the same
submission key answers `saved(first object)` with a notice instead of that view's own message,
and creates nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, flash, message_flashed, request, session

from webapp.common.errors import Conflict, ValidationFailed


def apply_errors(form, error: ValidationFailed) -> None:
    """Show a service's validation errors inline, on the field they name when it exists."""
    # errors on hidden fields (the version) go to the top of the form
    for name, message in error.errors.items():
        target = getattr(form, name, None)
        # nowhere to show it inline
        hidden = getattr(getattr(target, "widget", None), "input_type", "") == "hidden"
        if target is not None and hasattr(target, "errors") and not hidden:
            target.errors = [*target.errors, message]
        else:
            form.form_errors.append(message)


def select_stored(form, record, names) -> None:
    """Select `record`'s stored enum members in the form's select fields, which hold the members'
    values ("" for none)."""
    for name in names:
        value = getattr(record, name)
        getattr(form, name).data = value.value if value else ""


def handle_form(
    form,
    *,
    save: Callable[[], Any],
    saved: Callable[[Any], Response],
    show: Callable[..., Any],
    valid: Callable[[], bool] | None = None,
    conflict_on_form: bool = False,
    once=None,
) -> Any:
    """Validate → save → `saved(result)`; otherwise `show(status=…, conflict=…)`.

    `valid` replaces `form.validate` when a page checks more than the form at once.
    `conflict_on_form` puts a Conflict's message among the form's errors, for pages without a
    panel showing the other person's change."""
    status, conflict = 200, None
    if form.is_submitted() and (valid or form.validate)():
        try:
            result, replayed = once.run(save) if once is not None else (save(), False)
        except ValidationFailed as error:
            apply_errors(form, error)
            status = 422
        except Conflict as error:
            conflict, status = error, 409
            if conflict_on_form:
                form.form_errors.append(error.message)
            if hasattr(form, "version"):
                form.version.data = str(error.current_version)
        else:
            if replayed:
                return _replayed(saved, result, str(once.message))
            return saved(result)
    elif request.method == "POST":
        status = 422
    return show(status=status, conflict=conflict)


def _replayed(saved: Callable[[Any], Response], result: Any, notice: str) -> Response:
    """`saved(result)` saying that nothing new was made, in place of the view's own message.

    A view's `saved` flashes its success ("Visit recorded.") before it redirects or renders a
    fragment; the notice is flashed first and what `saved` adds is dropped as it is flashed."""
    flash(notice, "info")
    keep = len(session.get("_flashes", []))
    this_request = request._get_current_object()

    def drop_later_flashes(_app, **_message):
        if request._get_current_object() is this_request:  # the signal is app-wide
            session["_flashes"] = session.get("_flashes", [])[:keep]

    with message_flashed.connected_to(drop_later_flashes, current_app._get_current_object()):
        return saved(result)
