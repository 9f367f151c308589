"""Progression over the weeks and the simulator's day plan of a routine.

:func:`progression_frame` climbs each strengthening exercise up its ladder, one rung at a
time, with easier weeks in between; :func:`daily_plan` turns a routine (and its
progression) into the simulator's input, one row per day, in the one day-plan schema of
:mod:`spinelib.sim.plan`; :func:`planned_load` is the daily training load of a progression,
the series the acute:chronic ratio is computed from. ``Routine.progression()`` and
``Routine.daily_plan()`` call these.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .catalogue import CATEGORIES, catalogue_index
from .errors import InputError, whole_number
from .insights import STRENGTH, is_calm_first
from .sim.plan import CATEGORY_COLUMNS
from .week import SLOTS

__all__ = ["PROGRESSION_COLUMNS", "progression_records", "progression_frame", "daily_plan", "planned_load"]

PROGRESSION_COLUMNS = ["week", "slot", "order", "exercise_id", "name", "category", "load_level", "control_demand",
                       "minutes", "step", "deload"]


def _usable(profile, row) -> bool:
    """The person has the equipment for this catalogue row and tolerates its position."""
    return set(row["equipment"]) <= profile.available_equipment and row["position"] in profile.positions


def progression_records(routine, weeks, step_every=None, deload_every=4) -> list[dict]:
    """The rows of :func:`progression_frame` as a list of dicts (one per week and item)."""
    prof = routine.profile
    weeks = whole_number(weeks, "weeks", 1, 520)
    step_every = whole_number(step_every if step_every is not None else (3 if prof.irritability == "high" else 2),
                              "step_every", 1, 12)
    deload_every = whole_number(deload_every, "deload_every", 0, 12)
    idx = catalogue_index()
    rows_by_id = idx.rows
    slots = routine.slots
    keys = [(s, i) for s in SLOTS for i in range(len(slots.get(s, ())))]
    base = {k: slots[k[0]][k[1]].exercise_id for k in keys}
    climbable = [k for k in keys if slots[k[0]][k[1]].category in STRENGTH]
    climbable.sort(key=lambda k: (0 if slots[k[0]][k[1]].category == "structured_load" else 1, SLOTS.index(k[0]), k[1]))
    # minutes given to each place in the plan: a harder rung gets its own dosage when the day
    # has room for it, otherwise only the time that is free (fewer repetitions, same rung)
    alloc = {k: slots[k[0]][k[1]].minutes for k in keys}
    room = max(float(prof.minutes_per_day), routine.minutes)
    rows, turn, prev_deload = [], 0, False
    for w in range(1, weeks + 1):
        deload = bool(deload_every) and w % deload_every == 0
        if w > 1 and not deload and not prev_deload and (w - 1) % step_every == 0 and climbable:
            for _ in range(len(climbable)):
                k = climbable[turn % len(climbable)]
                turn += 1
                nxt = rows_by_id[base[k]]["progression_id"]
                if not nxt or nxt in base.values() or not _usable(prof, rows_by_id[nxt]):
                    continue
                spare = max(0.0, room - sum(alloc.values()))
                base[k] = nxt
                alloc[k] = min(float(rows_by_id[nxt]["minutes"]), alloc[k] + spare)
                break
        for k in keys:
            ex, minutes = base[k], alloc[k]
            if deload and k in climbable and rows_by_id[ex]["regression_id"] \
                    and _usable(prof, rows_by_id[rows_by_id[ex]["regression_id"]]):
                ex = rows_by_id[ex]["regression_id"]
                minutes = min(minutes, float(rows_by_id[ex]["minutes"]))
            r = rows_by_id[ex]
            rows.append({
                "week": w, "slot": k[0], "order": k[1] + 1, "exercise_id": ex, "name": r["name"],
                "category": r["category"], "load_level": int(r["load_level"]),
                "control_demand": int(r["control_demand"]), "minutes": round(float(minutes), 2),
                "step": idx.step[ex], "deload": deload,
            })
        prev_deload = deload
    return rows


def progression_frame(routine, weeks: int = 8, step_every: int | None = None, deload_every: int = 4) -> pd.DataFrame:
    """A week-by-week progression plan of a routine.

    Every ``step_every`` weeks (default 2; 3 for a highly irritable back) one strength
    exercise, in turn, moves one rung up its ladder; every ``deload_every``-th week is
    an easier week in which each ladder exercise drops one rung, and the week after
    returns to where it was. No exercise ever moves more than one rung in a week, and the
    day never grows past the time budget: a harder rung that takes longer than the one it
    replaces gets only the minutes free that day (fewer repetitions of the harder drill),
    shown in the ``minutes`` column. Rungs that need equipment or a position the person
    does not have are skipped.
    """
    return pd.DataFrame(progression_records(routine, weeks, step_every, deload_every), columns=PROGRESSION_COLUMNS)


def daily_plan(routine, days: int, progression: bool = True) -> pd.DataFrame:
    """The simulator's input for a routine: one row per day (the columns of ``spinelib.sim.plan.PLAN_COLUMNS``).

    Minutes per category follow the week's progression; ``load_level`` and ``control`` are
    the minute-weighted means over the strengthening items; ``calm_first`` says whether
    calming comes before strengthening that day.
    """
    days = whole_number(days, "days", 1, 3650)
    weeks = (days + 6) // 7
    recs = progression_records(routine, weeks if progression else 1)
    by_week: dict = {}
    for r in recs:
        by_week.setdefault(r["week"], []).append(r)
    order = {s: i for i, s in enumerate(SLOTS)}
    week_mins = np.zeros((len(by_week), len(CATEGORIES)))
    week_load, week_ctrl, week_calm = np.zeros(len(by_week)), np.zeros(len(by_week)), np.zeros(len(by_week), bool)
    for w, rs in by_week.items():
        rs = sorted(rs, key=lambda r: (order[r["slot"]], r["order"]))
        for r in rs:
            week_mins[w - 1, CATEGORIES.index(r["category"])] += r["minutes"]
        st = [r for r in rs if r["category"] in STRENGTH]
        tot = sum(r["minutes"] for r in st)
        if tot:
            week_load[w - 1] = sum(r["load_level"] * r["minutes"] for r in st) / tot
            week_ctrl[w - 1] = sum(r["control_demand"] * r["minutes"] for r in st) / tot
        week_calm[w - 1] = is_calm_first([r["category"] for r in rs])
    d = np.arange(days)
    wk = np.minimum(d // 7, len(by_week) - 1)
    planned = np.isin(d % 7, routine.session_days) & (routine.minutes > 0)
    out = pd.DataFrame({"day": d, "planned": planned})
    for c in CATEGORY_COLUMNS:
        out[c] = np.where(planned, week_mins[wk, CATEGORIES.index(c.removeprefix("min_"))], 0.0)
    out["load_level"] = np.where(planned, week_load[wk], 0.0)
    out["control"] = np.where(planned, week_ctrl[wk], 0.0)
    out["calm_first"] = planned & week_calm[wk]
    return out


def planned_load(progression: pd.DataFrame, session_days=(0, 1, 2, 3, 4, 5, 6)) -> pd.DataFrame:
    """Daily training load of a progression plan.

    ``progression`` is a :meth:`Routine.progression` table. The load of a session day is the
    sum over its strengthening items (micro-strength and structured load) of minutes x load
    level, in model units; other days are 0. Columns: ``day, week, load, deload``.

    >>> p = pd.DataFrame({"week": [1, 2], "category": ["structured_load"] * 2, "minutes": [3.0, 3.0],
    ...                   "load_level": [2, 3], "deload": [False, False]})
    >>> planned_load(p, session_days=(0,))["load"].tolist()[:8]
    [6.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0]
    """
    if not isinstance(progression, pd.DataFrame) or not {"week", "category", "minutes", "load_level"} <= set(progression):
        raise InputError("progression", "a table from Routine.progression()")
    st = progression[progression["category"].isin(STRENGTH)]
    weekly = (st["minutes"] * st["load_level"]).groupby(st["week"]).sum()
    deload = progression.groupby("week")["deload"].any() if "deload" in progression else None
    weeks = sorted(progression["week"].unique())
    on = set(int(d) for d in session_days)
    rows = []
    for w in weeks:
        for d in range(7):
            rows.append({"day": (int(w) - 1) * 7 + d, "week": int(w),
                         "load": float(weekly.get(w, 0.0)) if d in on else 0.0,
                         "deload": bool(deload.get(w, False)) if deload is not None else False})
    return pd.DataFrame(rows)
