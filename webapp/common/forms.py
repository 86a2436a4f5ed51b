"""Helpers shared by form-handling views."""

from __future__ import annotations

from webapp.common.errors import ValidationFailed


def apply_errors(form, error: ValidationFailed) -> None:
    """Show a service's validation errors inline, on the field they name when it exists."""
    # errors on hidden fields (the version) go to the top of the form
    for name, message in error.errors.items():
        target = getattr(form, name, None)
        hidden = getattr(target, "type", "") == "HiddenField"  # nowhere to show it inline
        if target is not None and hasattr(target, "errors") and not hidden:
            target.errors = [*target.errors, message]
        else:
            form.form_errors.append(message)
