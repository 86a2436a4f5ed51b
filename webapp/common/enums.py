"""Enums whose members carry a translatable label; the stored code stays English."""

from __future__ import annotations

import enum

_LABELS: dict[enum.Enum, object] = {}


class LabelledEnum(enum.Enum):
    @property
    def label(self) -> str:
        return str(_LABELS.get(self, self.value))

    @property
    def lazy_label(self):
        """The untranslated label object, for places evaluated before a request (form labels)."""
        return _LABELS.get(self, self.value)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


def set_labels(mapping: dict) -> None:
    """Register labels (lazy gettext strings) for enum members."""
    _LABELS.update(mapping)
