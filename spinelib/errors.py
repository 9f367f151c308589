"""The one exception type a user of spinelib sees for bad input."""
from __future__ import annotations

import math
from numbers import Integral, Real

__all__ = ["InputError", "fmt_allowed", "Shown", "kind", "whole_number", "number", "yes_no", "YES", "NO", "choice"]


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


def _is_bool(value) -> bool:
    """Python's or numpy's bool (numpy 2 names its type ``bool``, numpy 1 ``bool_``)."""
    return isinstance(value, bool) or type(value).__name__ in ("bool", "bool_")


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
    if _is_bool(value) or not isinstance(value, Real):
        raise InputError(name, allowed, value if isinstance(value, str) else kind(value))
    if not isinstance(value, Integral) and not (math.isfinite(value) and float(value).is_integer()):
        raise InputError(name, allowed, value)
    if not lo <= value <= hi:
        raise InputError(name, allowed, value)
    return int(value)


def number(value, field: str, lo: float, hi: float, *, whole: bool = False) -> float:
    """A number within ``[lo, hi]`` from a control value or typed text, else an :class:`InputError`.

    Typed text may use a decimal comma. With ``whole=True`` the value must be a whole number
    and an ``int`` is returned.

    >>> number("2,5", "load level", 1, 5)
    2.5
    >>> number(3.0, "days", 1, 7, whole=True)
    3
    >>> number("", "minutes", 1, 30)
    Traceback (most recent call last):
    ...
    spinelib.errors.InputError: minutes: must be a number from 1 to 30 (the box is empty)
    """
    allowed = f"{'a whole number' if whole else 'a number'} from {lo:g} to {hi:g}"
    if value is None or (isinstance(value, str) and value.strip() == ""):
        raise InputError(field, allowed + " (the box is empty)")
    try:
        x = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise InputError(field, allowed, value) from None
    if not math.isfinite(x) or x < lo or x > hi or (whole and x != int(x)):
        raise InputError(field, allowed, value)
    return int(x) if whole else x


YES = frozenset({"yes", "y", "true", "1", "t"})
NO = frozenset({"no", "n", "false", "0", "f"})


def yes_no(value):
    """``True`` for a yes, ``False`` for a no, ``None`` for anything else (not an answer).

    Accepts booleans (numpy's too), the numbers 1 and 0, and yes/no words in any case.

    >>> [yes_no(v) for v in (True, 0, " Yes ", "n", "maybe", None)]
    [True, False, True, False, None, None]
    """
    if _is_bool(value):
        return bool(value)
    if isinstance(value, Real) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        v = value.strip().lower()
        if v in YES:
            return True
        if v in NO:
            return False
    return None


def choice(value, field: str, allowed):
    """``value`` when it is one of ``allowed``, else a one-line :class:`InputError`.

    >>> choice("high", "irritability", ("low", "moderate", "high"))
    'high'
    """
    if not isinstance(value, str) or value not in allowed:
        raise InputError(field, fmt_allowed(allowed), value)
    return value
