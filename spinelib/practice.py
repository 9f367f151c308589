"""Practice models: the breathing pacer, an evening calming routine, the catalogue filter and a day of transitions.

Plain functions that return plain data (dicts and DataFrames), used by the widgets of
notebooks 01-03 and callable on their own::

    >>> breath_timing(6, "1:2")["exhale_s"]
    6.67
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .catalogue import load_catalogue
from .errors import InputError, number

__all__ = ["parse_ratio", "breath_timing", "breathing_pattern", "evening_routine", "filter_catalogue",
           "TRANSITIONS", "transition_day", "session_steps", "REST_SECONDS"]


def parse_ratio(text) -> tuple[float, float]:
    """Parse an inhale:exhale ratio such as ``"1:2"`` into ``(inhale, exhale)`` parts.

    >>> parse_ratio("1:2")
    (1.0, 2.0)
    >>> parse_ratio(" 2 : 3 ")
    (2.0, 3.0)
    >>> try:
    ...     parse_ratio("")
    ... except InputError as e:
    ...     print(e)
    inhale:exhale ratio: must be two positive numbers such as 1:2 (the box is empty)
    """
    allowed = "two positive numbers such as 1:2"
    if text is None or str(text).strip() == "":
        raise InputError("inhale:exhale ratio", allowed + " (the box is empty)")
    parts = str(text).replace("/", ":").split(":")
    if len(parts) != 2:
        raise InputError("inhale:exhale ratio", allowed, text)
    try:
        a, b = (float(p.strip().replace(",", ".")) for p in parts)
    except ValueError:
        raise InputError("inhale:exhale ratio", allowed, text) from None
    if not (math.isfinite(a) and math.isfinite(b)) or a <= 0 or b <= 0:
        raise InputError("inhale:exhale ratio", allowed, text)
    if not 0.2 <= b / a <= 5:
        raise InputError("inhale:exhale ratio", "between 5:1 and 1:5", text)
    return a, b


def breath_timing(breaths_per_min, ratio="1:2") -> dict:
    """Seconds per breath, per inhale and per exhale for a breathing rate and ratio.

    >>> breath_timing(6, "1:2")
    {'breaths_per_min': 6.0, 'cycle_s': 10.0, 'inhale_s': 3.33, 'exhale_s': 6.67}
    """
    bpm = number(breaths_per_min, "breaths per minute", 3, 20)
    a, b = parse_ratio(ratio) if isinstance(ratio, str) else tuple(map(float, ratio))
    cycle = 60.0 / bpm
    return {"breaths_per_min": bpm, "cycle_s": round(cycle, 2),
            "inhale_s": round(cycle * a / (a + b), 2), "exhale_s": round(cycle * b / (a + b), 2)}


def breathing_pattern(breaths_per_min, ratio="1:2", seconds: float = 60, step: float = 0.1) -> pd.DataFrame:
    """The breathing pattern as a time series: ``seconds``, ``volume`` (0-1), ``phase``.

    The breath fills along a half cosine during the inhale and empties during the exhale.

    >>> p = breathing_pattern(6, "1:2", seconds=10)
    >>> round(float(p["volume"].max()), 2), p.loc[p["seconds"] < 3.3, "phase"].unique().tolist()
    (1.0, ['inhale'])
    """
    bpm = breath_timing(breaths_per_min, ratio)["breaths_per_min"]
    a, b = parse_ratio(ratio) if isinstance(ratio, str) else tuple(map(float, ratio))
    secs = np.round(np.arange(0, float(seconds) + step / 2, step), 6)
    cycle = 60.0 / bpm
    ins = cycle * a / (a + b)
    pos = np.mod(secs, cycle)
    inhale = pos < ins
    vol = np.where(inhale, 0.5 - 0.5 * np.cos(np.pi * pos / ins),
                   0.5 + 0.5 * np.cos(np.pi * (pos - ins) / (cycle - ins)))
    return pd.DataFrame({"seconds": secs, "volume": vol, "phase": np.where(inhale, "inhale", "exhale")})


def _mmss(minutes: float) -> str:
    s = int(round(minutes * 60))
    return f"{s // 60:02d}:{s % 60:02d}"


def evening_routine(minutes, breaths_per_min=6, ratio="1:2", catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """A timed evening calming routine that fills ``minutes`` (1-30).

    It opens with paced breathing lying on the back with the knees supported (about a third of
    the time), then adds down-regulation drills from the catalogue (supported positions first,
    lowest load first) while they fit, and closes with a minute of paced breathing.
    Columns: ``step, start, end, minutes, exercise_id, name, position, how``.
    """
    total = number(minutes, "minutes", 1, 30)
    t = breath_timing(breaths_per_min, ratio)
    pace = f"{t['breaths_per_min']:g} breaths/min: in {t['inhale_s']:g} s, out {t['exhale_s']:g} s"
    if catalogue is None:
        catalogue = load_catalogue()
    calm = catalogue[catalogue["category"] == "down_regulation"].copy()
    order = {"lying": 0, "side-lying": 1, "quadruped": 2, "seated": 3, "standing": 4}
    calm["_rank"] = calm["position"].map(order).fillna(5)
    calm = calm.sort_values(["_rank", "load_level", "minutes", "id"])
    rows = []
    open_min = max(1.0, round(total / 3 * 2) / 2)  # about a third, in half minutes
    close_min = 1.0 if total - open_min >= 2 else 0.0
    rows.append(("paced_breathing", "Paced breathing, knees supported", "lying", open_min, pace))
    left = total - open_min - close_min
    for r in calm.itertuples():
        m = float(r.minutes)
        if m <= left + 1e-9:
            cues = r.cues if isinstance(r.cues, list) else [str(r.cues)]
            rows.append((r.id, r.name, r.position, m, "; ".join(cues)))
            left -= m
    if close_min:
        rows.append(("paced_breathing", "Paced breathing to finish", "lying", close_min + left, pace))
        left = 0.0
    else:
        first = rows[0]
        rows[0] = (*first[:3], first[3] + left, first[4])
    frame = pd.DataFrame(rows, columns=["exercise_id", "name", "position", "minutes", "how"])
    end = frame["minutes"].cumsum()
    frame.insert(0, "step", range(1, len(frame) + 1))
    frame.insert(1, "start", [_mmss(x) for x in end - frame["minutes"]])
    frame.insert(2, "end", [_mmss(x) for x in end])
    return frame


_ANY = ""


def filter_catalogue(catalogue: pd.DataFrame | None = None, *, category=_ANY, target=_ANY, position=_ANY,
                     equipment=_ANY, load=(1, 5), search="") -> pd.DataFrame:
    """Exercises matching every filter (an empty string means any).

    ``target`` matches a word in the targets, ``equipment`` keeps exercises that use that
    item, ``load`` is an inclusive (low, high) range of load levels, ``search`` looks in
    the name and cues.
    """
    if catalogue is None:
        catalogue = load_catalogue()
    lo, hi = (int(load[0]), int(load[1])) if isinstance(load, (tuple, list)) else (1, int(load))
    if lo > hi:
        raise InputError("load level", "a range whose low end is not above its high end", f"{lo}-{hi}")
    df = catalogue
    keep = df["load_level"].between(lo, hi)
    if category:
        keep &= df["category"] == category
    if position:
        keep &= df["position"] == position
    if target:
        t = str(target).strip().lower()
        keep &= df["targets"].map(lambda xs: any(t in str(x).lower() for x in xs))
    if equipment:
        keep &= df["equipment"].map(lambda xs: equipment in xs)
    if search and str(search).strip():
        s = str(search).strip().lower()
        keep &= (df["name"].str.lower().str.contains(s, regex=False)
                 | df["cues"].map(lambda xs: any(s in str(c).lower() for c in xs)))
    return df[keep].sort_values(["category", "load_level", "name"]).reset_index(drop=True)


# Typical counts for the transitions calculator (a person can change every one).
TRANSITIONS = {
    "bed": "getting in or out of bed",
    "sit_to_stand": "standing up from a chair or sofa",
    "car": "getting into or out of a car",
    "floor": "getting down to the floor and up again",
    "lift": "bending to pick something up",
}


def transition_day(bed=2, sit_to_stand=12, car=2, floor=1, lift=8, sitting_hours=7.0, break_every_min=45,
                   practice_minutes=5, days_per_week=7) -> dict:
    """Count a day's transitions and sitting blocks, and what a practice dose adds up to.

    Returns ``per_day`` (total transitions), ``per_week``, ``longest_sitting_h`` (the longest
    unbroken sit when you stand up every ``break_every_min`` minutes), ``sitting_breaks``,
    ``long_sitting`` (more than 6 hours sat, the OR 4.4 row I3-3), ``practice_reps_week``
    (rehearsals at about 6 per minute of practice) and ``practice_share`` (rehearsals a week
    per everyday transition a week).

    >>> d = transition_day(bed=2, sit_to_stand=10, car=2, floor=0, lift=6, sitting_hours=8, break_every_min=60)
    >>> d["per_day"], d["sitting_breaks"], d["long_sitting"]
    (20, 7, True)
    """
    counts = {k: number(v, k.replace("_", " "), 0, 200, whole=True)
              for k, v in dict(bed=bed, sit_to_stand=sit_to_stand, car=car, floor=floor, lift=lift).items()}
    sit = number(sitting_hours, "sitting hours", 0, 18)
    every = number(break_every_min, "break every (minutes)", 10, 600)
    practice = number(practice_minutes, "practice minutes", 0, 30)
    days = number(days_per_week, "days per week", 0, 7, whole=True)
    per_day = int(sum(counts.values()))
    breaks = max(0, math.ceil(sit * 60 / every) - 1) if sit > 0 else 0
    reps_week = int(round(practice * 6 * days))
    return {
        "counts": counts,
        "per_day": per_day,
        "per_week": per_day * 7,
        "sitting_hours": sit,
        "sitting_breaks": breaks,
        "longest_sitting_h": round(min(sit, every / 60), 2),
        "long_sitting": sit > 6,
        "practice_minutes": practice,
        "practice_reps_week": reps_week,
        "practice_share": round(reps_week / (per_day * 7), 2) if per_day else float("nan"),
    }


REST_SECONDS = 30


def session_steps(items, rest_s: float = REST_SECONDS) -> pd.DataFrame:
    """A guided session, step by step, from the items of one slot (``Routine.slots[slot]``).

    One ``exercise`` step per item (its minutes as the countdown) and a ``rest`` step between
    two items. Columns: ``step`` (1-based), ``kind``, ``exercise_id``, ``name``, ``dosage``,
    ``cues`` (a list), ``seconds``, ``breathing`` (a down-regulation drill: the breathing pacer
    is shown), ``cautions``.

    >>> from types import SimpleNamespace as I
    >>> a = I(exercise_id="bird_dog", name="Bird dog", dosage="2 x 6", cues=("slow",), minutes=3,
    ...       category="micro_strength", cautions="")
    >>> session_steps([a, a])["kind"].tolist()
    ['exercise', 'rest', 'exercise']
    """
    rest_s = number(rest_s, "rest_s", 0, 300)
    rows = []
    for k, it in enumerate(items):
        if k and rest_s:
            rows.append(("rest", "", "Rest", f"{rest_s:g} s", ["Breathe easily", "Get ready for the next one"],
                         float(rest_s), False, ""))
        rows.append(("exercise", it.exercise_id, it.name, it.dosage, list(it.cues), float(it.minutes) * 60,
                     it.category == "down_regulation", it.cautions or ""))
    frame = pd.DataFrame(rows, columns=["kind", "exercise_id", "name", "dosage", "cues", "seconds", "breathing",
                                        "cautions"])
    frame.insert(0, "step", range(1, len(frame) + 1))
    return frame
