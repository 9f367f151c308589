"""One validated entry of the log: a session or a week's outcome measures.

Every way into the log (a widget, the app, a CSV import, code) goes through
:func:`session_entry` or :func:`measure_entry`, so a bad value always gives the same one-line
:class:`~spinelib.errors.InputError` naming the field and the allowed range.

>>> e = session_entry("2026-11-02", "morning", "bird_dog;dead_bug_legs", 12, 4, 3, today="2026-11-30")
>>> e["date"], e["exercises"], e["flare"]
(datetime.date(2026, 11, 2), 'bird_dog;dead_bug_legs', False)
>>> session_entry("2026-11-02", "morning", [], 12, 11, 3, today="2026-11-30")
Traceback (most recent call last):
...
spinelib.errors.InputError: pain_before: must be a whole number from 0 to 10 (got 11)
"""
from __future__ import annotations

import datetime as dt
import functools

from ..catalogue import load_catalogue
from ..errors import InputError, choice, kind, number, yes_no
from ..week import SLOTS

__all__ = ["EARLIEST", "SESSION_FIELDS", "MEASURE_FIELDS", "as_date", "week_start", "session_entry",
           "measure_entry", "NOTE_MAX", "MINUTES_MAX"]

EARLIEST = dt.date(2000, 1, 1)
NOTE_MAX = 500
MINUTES_MAX = 240
SESSION_FIELDS = ("date", "slot", "exercises", "minutes", "pain_before", "pain_after", "flare", "note")
MEASURE_FIELDS = ("week_start", "nrs", "peg_pain", "peg_enjoyment", "peg_activity",
                  "psfs_activity_1", "psfs_1", "psfs_activity_2", "psfs_2", "psfs_activity_3", "psfs_3")


@functools.lru_cache(maxsize=1)
def _exercise_ids() -> frozenset:
    return frozenset(load_catalogue()["id"])


def as_date(value, field: str = "date", *, today=None) -> dt.date:
    """A calendar date from a date, a datetime, a pandas Timestamp or ``YYYY-MM-DD`` text,
    from 2000-01-01 up to ``today`` (never in the future).

    >>> as_date("2026-01-31", today=dt.date(2026, 2, 1))
    datetime.date(2026, 1, 31)
    """
    today = _today(today)
    allowed = f"a date from {EARLIEST} to {today} (today; not in the future), written YYYY-MM-DD"
    if isinstance(value, dt.datetime):
        d = value.date()
    elif isinstance(value, dt.date):
        d = value
    elif hasattr(value, "to_pydatetime"):
        d = value.to_pydatetime().date()
    elif isinstance(value, str):
        try:
            d = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise InputError(field, allowed, value) from None
    else:
        raise InputError(field, allowed, kind(value))
    if not EARLIEST <= d <= today:
        raise InputError(field, allowed, str(d))
    return d


def _today(today) -> dt.date:
    if today is None:
        return dt.date.today()
    if isinstance(today, str):
        return dt.date.fromisoformat(today)
    return today.date() if isinstance(today, dt.datetime) else today


def week_start(d: dt.date) -> dt.date:
    """The Monday of the week of ``d``.

    >>> week_start(dt.date(2026, 11, 29))
    datetime.date(2026, 11, 23)
    """
    return d - dt.timedelta(days=d.weekday())


def _exercises(value) -> str:
    allowed = "exercise ids from the catalogue, separated by ;"
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, str):
        ids = [v.strip() for v in value.replace(",", ";").split(";") if v.strip()]
    elif isinstance(value, (list, tuple)):
        ids = [str(v).strip() for v in value]
    else:
        raise InputError("exercises", allowed, kind(value))
    unknown = [i for i in ids if i not in _exercise_ids()]
    if unknown:
        raise InputError("exercises", allowed, unknown[0])
    return ";".join(ids)


def _pain(value, field):
    return number(value, field, 0, 10, whole=True)


def _flare(value) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    v = yes_no(value)
    if v is None:
        raise InputError("flare", "yes or no", value)
    return v


def _note(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if not isinstance(value, str):
        raise InputError("note", f"text of at most {NOTE_MAX} characters", kind(value))
    text = " ".join(value.split())
    if len(text) > NOTE_MAX:
        raise InputError("note", f"text of at most {NOTE_MAX} characters", f"{len(text)} characters")
    return text


def session_entry(date, slot, exercises, minutes, pain_before, pain_after, flare=False, note="", *,
                  today=None, where: str = "") -> dict:
    """One practice session, checked: a dict with the keys of :data:`SESSION_FIELDS`.

    ``date`` up to today; ``slot`` one of morning, midday, evening; ``exercises`` catalogue ids
    (a list or ``;``-separated text, may be empty); ``minutes`` 1-240; ``pain_before`` and
    ``pain_after`` whole numbers 0-10; ``flare`` yes/no; ``note`` at most 500 characters.
    ``where`` prefixes error messages (e.g. ``log.csv row 4``).
    """
    try:
        return {
            "date": as_date(date, "date", today=today),
            "slot": choice(slot.strip().lower() if isinstance(slot, str) else slot, "slot", SLOTS),
            "exercises": _exercises(exercises),
            "minutes": number(minutes, "minutes", 1, MINUTES_MAX),
            "pain_before": _pain(pain_before, "pain_before"),
            "pain_after": _pain(pain_after, "pain_after"),
            "flare": _flare(flare),
            "note": _note(note),
        }
    except InputError as e:
        if not where:
            raise
        raise InputError(e.field, e.allowed, e.got, where=where) from None


def _optional_score(value, field):
    if value is None or (isinstance(value, float) and value != value) or (isinstance(value, str) and not value.strip()):
        return None
    return number(value, field, 0, 10)


def measure_entry(week_start_date, nrs=None, peg=None, psfs=None, *, today=None, where: str = "", **items) -> dict:
    """A week's outcome measures, checked: a dict with the keys of :data:`MEASURE_FIELDS`.

    ``nrs`` 0-10; ``peg`` three 0-10 answers (pain, enjoyment, activity) or the keys
    ``peg_pain``, ``peg_enjoyment``, ``peg_activity``; ``psfs`` up to three
    ``{activity: score}`` pairs (0-10) or the keys ``psfs_activity_1``, ``psfs_1``, ... At
    least one measure must be given. The date is moved to the Monday of its week.
    """
    try:
        d = week_start(as_date(week_start_date, "week_start", today=today))
        out = {"week_start": d, "nrs": _optional_score(nrs, "nrs")}
        if peg is not None:
            if not isinstance(peg, (list, tuple)) or len(peg) != 3:
                raise InputError("peg", "three answers 0-10 (pain, enjoyment, activity)", peg)
            items.update(peg_pain=peg[0], peg_enjoyment=peg[1], peg_activity=peg[2])
        pegs = [_optional_score(items.get(k), k) for k in ("peg_pain", "peg_enjoyment", "peg_activity")]
        if any(p is not None for p in pegs) and any(p is None for p in pegs):
            raise InputError("peg", "all three PEG answers (pain, enjoyment, activity) or none")
        out.update(peg_pain=pegs[0], peg_enjoyment=pegs[1], peg_activity=pegs[2])
        if psfs is not None:
            if not isinstance(psfs, dict) or len(psfs) > 3:
                raise InputError("psfs", "up to three {activity: score} pairs", kind(psfs))
            for k, (act, score) in enumerate(psfs.items(), start=1):
                items[f"psfs_activity_{k}"], items[f"psfs_{k}"] = act, score
        for k in (1, 2, 3):
            act = items.get(f"psfs_activity_{k}")
            act = "" if act is None or (isinstance(act, float) and act != act) else " ".join(str(act).split())[:80]
            score = _optional_score(items.get(f"psfs_{k}"), f"psfs_{k}")
            if score is not None and not act:
                raise InputError(f"psfs_activity_{k}", "the activity rated by psfs_" + str(k))
            out[f"psfs_activity_{k}"], out[f"psfs_{k}"] = act, score
        if out["nrs"] is None and pegs[0] is None and all(out[f"psfs_{k}"] is None for k in (1, 2, 3)):
            raise InputError("measures", "at least one of nrs, peg, psfs")
        return out
    except InputError as e:
        if not where:
            raise
        raise InputError(e.field, e.allowed, e.got, where=where) from None
