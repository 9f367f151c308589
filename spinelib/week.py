"""The shape of a practice day and week: three slots a day, session days spread over the week."""
from __future__ import annotations

__all__ = ["SLOTS", "SLOT_TITLES", "WEEKDAYS", "session_days"]

SLOTS = ("morning", "midday", "evening")
SLOT_TITLES = {
    "morning": "Morning stabilizers",
    "midday": "Mid-day mobility reset",
    "evening": "Evening calming routine",
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def session_days(days_per_week: int) -> tuple[int, ...]:
    """Weekday indexes (0 = Monday) of the session days, spread over the week.

    >>> session_days(3)
    (0, 2, 5)
    >>> session_days(7)
    (0, 1, 2, 3, 4, 5, 6)
    """
    d = int(days_per_week)
    return tuple(sorted({int(i * 7 / d + 0.5) % 7 for i in range(d)}))
