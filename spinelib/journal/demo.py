"""A made-up log with known parameters, for demonstrations, report examples, tests and benchmarks.

>>> import datetime as dt
>>> rows = demo_sessions(28, today=dt.date(2026, 11, 30), seed=1)
>>> len(rows) > 10, sorted(rows[0])[:3]
(True, ['date', 'exercises', 'flare'])
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from .entries import SESSION_FIELDS

__all__ = ["DEMO_EXERCISES", "demo_sessions", "demo_measures", "fill_demo"]

DEMO_EXERCISES = {"morning": "pelvic_tilt;bird_dog;sit_to_stand", "midday": "seated_reach_and_turn",
                  "evening": "crook_lying_slow_breathing;lying_knee_rocks"}


def demo_sessions(days: int, *, today=None, session_days=(0, 1, 2, 3, 4, 5, 6), slots=("morning", "evening"),
                  adherence: float = 0.75, level: float = 6.0, slope: float = -0.2, noise: float = 1.0,
                  flare_rate: float = 0.03, seed: int = 0) -> list[dict]:
    """Session dicts over the last ``days`` days: each planned (day, slot) done with probability
    ``adherence``; pain before = ``level`` + ``slope`` x weeks + noise, rounded to 0-10; a flare
    adds 2 points that day."""
    rng = np.random.default_rng(seed)
    today = today or dt.date.today()
    rows = []
    for k in range(days):
        d = today - dt.timedelta(days=days - 1 - k)
        if d.weekday() not in session_days:
            continue
        flare = bool(rng.random() < flare_rate)
        for slot in slots:
            if rng.random() >= adherence:
                continue
            before = int(np.clip(round(level + slope * k / 7 + rng.normal(0, noise) + 2 * flare), 0, 10))
            after = int(np.clip(before - rng.integers(0, 3), 0, 10))
            rows.append(dict(zip(SESSION_FIELDS, (d, slot, DEMO_EXERCISES[slot], 10.0 if slot == "morning" else 8.0,
                                                  before, after, flare, ""))))
    return rows


def demo_measures(days: int, *, today=None, level: float = 6.0, slope: float = -0.2, seed: int = 0) -> list[dict]:
    """One week of NRS, PEG-3 and PSFS answers every 7 days over the last ``days`` days."""
    rng = np.random.default_rng(seed + 1)
    today = today or dt.date.today()
    out = []
    for k in range(0, days, 7):
        d = today - dt.timedelta(days=days - 1 - k)
        p = float(np.clip(round(level + slope * k / 7 + rng.normal(0, 0.5)), 0, 10))
        out.append({"week": d, "nrs": p, "peg": (p, max(p - 1, 0), p),
                    "psfs": {"lifting a shopping bag": float(np.clip(10 - p - 1, 0, 10))}})
    return out


def fill_demo(journal, days: int = 84, *, seed: int = 0, **kw) -> int:
    """Fill ``journal`` with a demo plan, sessions and weekly measures; return the sessions written."""
    today = journal.today
    journal.set_plan(session_days=kw.get("session_days", tuple(range(7))), slots=kw.get("slots", ("morning", "evening")),
                     minutes=18, start=today - dt.timedelta(days=days - 1))
    n = journal.log_many(demo_sessions(days, today=today, seed=seed, **kw), replace=True)
    for m in demo_measures(days, today=today, seed=seed):
        journal.log_measures(m.pop("week"), replace=True, **m)
    return n
