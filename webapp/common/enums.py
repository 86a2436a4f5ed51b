"""Enums whose members carry a translatable label; the stored code stays English."""

from __future__ import annotations

import enum

from flask_babel import get_locale

_LABELS: dict[enum.Enum, object] = {}
_TRANSLATED: dict[tuple[object, enum.Enum], str] = {}  # (Locale, member) → its label


class LabelledEnum(enum.Enum):
    @property
    def label(self) -> str:
        """The label in the language of the moment, translated once per language: a list of
        accounts shows ~130 labels, and a lazy string looks its catalogue up anew each time
        (~15 µs, 2 ms of that page's CPU)."""
        text = _LABELS.get(self)
        if text is None:
            return self.value
        key = (get_locale(), self)  # None outside an application context: untranslated
        try:
            return _TRANSLATED[key]
        except KeyError:
            _TRANSLATED[key] = translated = str(text)
            return translated

    @property
    def lazy_label(self):
        """The untranslated label object, for places evaluated before a request (form labels)."""
        return _LABELS.get(self, self.value)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


def forget_translations() -> None:
    """The catalogue changed under the running process (`documents.keys`): translate anew."""
    _TRANSLATED.clear()


def set_labels(mapping: dict) -> None:
    """Register labels (lazy gettext strings) for enum members."""
    _LABELS.update(mapping)
    _TRANSLATED.clear()
