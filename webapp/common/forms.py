"""Helpers shared by form-handling views."""

from __future__ import annotations

from webapp.common.errors import ValidationFailed


def apply_errors(form, error: ValidationFailed) -> None:
    """Show a service's validation errors inline, on the field they name when it exists."""
    for name, message in error.errors.items():
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, message]
        else:
            form.form_errors.append(message)
