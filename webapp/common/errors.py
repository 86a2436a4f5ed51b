"""Domain errors raised by service functions and turned into messages or pages by views."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the action; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """Input broke a rule beyond the form's own field checks."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("；".join(errors.values()))
        self.errors = errors


class NotFound(DomainError):
    pass


class Forbidden(DomainError):
    pass


class Conflict(DomainError):
    """Someone else saved the record since the form was loaded."""

    def __init__(self, message: str, current_version: int, changes: list) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.changes = changes
