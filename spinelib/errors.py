"""The one exception type a user of spinelib sees for bad input."""
from __future__ import annotations

__all__ = ["InputError", "fmt_allowed"]


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
