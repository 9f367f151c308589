"""The one exception type a user of spinelib sees for bad input."""
from __future__ import annotations

import math
from numbers import Integral, Real

__all__ = ["InputError", "fmt_allowed", "Shown", "kind", "whole_number"]


class InputError(ValueError):
    """Bad input: a one-line message naming the field, the allowed range and what was given.

    >>> str(InputError("minutes_per_day", "a whole number from 5 to 60", 0))
    'minutes_per_day: must be a whole number from 5 to 60 (got 0)'
    """

    def __init__(self, field: str, allowed: str, got: object = ..., *, where: str = ""):
        self.field = field
        self.allowed = allowed
        self.got = got
        prefix = f"{where}: " if where else ""
        text = f"{prefix}{field}: must be {allowed}"
        if got is not ...:
            shown = repr(got) if isinstance(got, str) else str(got)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            text += f" (got {shown})"
        super().__init__(" ".join(text.split()))


def fmt_allowed(values) -> str:
    """Format a set of allowed values for an error message.

    >>> fmt_allowed(["low", "moderate", "high"])
    'one of low, moderate, high'
    """
    return "one of " + ", ".join(str(v) for v in values)


class Shown:
    """A value shown as-is in an error message (no quotes), e.g. a type name.

    >>> str(Shown("list"))
    'list'
    """

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text


def kind(value) -> Shown:
    """The type name of a value, for 'got ...' in an error message."""
    return Shown(type(value).__name__)


def whole_number(value, name: str, lo: int, hi: int) -> int:
    """``value`` as an int in ``[lo, hi]``, else a one-line :class:`InputError` naming ``name``.

    Accepts ints and whole floats (numpy's too); refuses bools, text, NaN and infinity.

    >>> whole_number(7.0, "days", 1, 3650)
    7
    >>> whole_number("7", "days", 1, 3650)
    Traceback (most recent call last):
    ...
    spinelib.errors.InputError: days: must be a whole number from 1 to 3,650 (got '7')
    """
    allowed = f"a whole number from {lo:,} to {hi:,}"
    if isinstance(value, bool) or type(value).__name__ == "bool_" or not isinstance(value, Real):
        raise InputError(name, allowed, value if isinstance(value, str) else kind(value))
    if not isinstance(value, Integral) and not (math.isfinite(value) and float(value).is_integer()):
        raise InputError(name, allowed, value)
    if not lo <= value <= hi:
        raise InputError(name, allowed, value)
    return int(value)
