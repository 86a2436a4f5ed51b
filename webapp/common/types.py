"""Column types that keep money exact and times timezone-aware on SQLite and PostgreSQL."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

FEN = Decimal("0.01")


def to_money(value: object) -> Decimal:
    """Convert to a Decimal rounded to the fen; floats are refused (they are never exact)."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


class Money(TypeDecorator):
    """A Decimal amount in yuan, stored as a whole number of fen (分).

    SQLite has no exact decimal type (NUMERIC values become floats there), so both databases
    store an integer count of fen; Python always sees a Decimal with two places.
    """

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int(to_money(value) * 100)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(FEN)

    @property
    def python_type(self):
        return Decimal


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored in UTC; SQLite returns naive values, we re-attach UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a timezone-aware column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    @property
    def python_type(self):
        return datetime


def enum_column(enum_cls: type[enum.Enum], **kwargs) -> sa.Enum:
    """A portable enum column storing the member's value (a short English code)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        **kwargs,
    )
