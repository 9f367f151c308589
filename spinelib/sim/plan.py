"""The day plan the simulator reads: its columns, its checks, and the per-day numbers derived from it.

A plan is a DataFrame with one row per day and the columns of ``Routine.daily_plan``
(:data:`PLAN_COLUMNS`; optional ``supervised`` and ``sitting_hours``). :func:`plan_arrays`
checks it and turns it into float arrays; :func:`day_constants` derives the per-day
quantities the model's equations use (docs/model.md). This module imports nothing else of
the simulator: scenarios, the vectorized engine and the scalar reference all build on it.

>>> p = plan_from_week(14, {0: session(ms=10, load=2, control=4)})
>>> int(p["planned"].sum()), float(p["min_micro_strength"].max())
(2, 10.0)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError, Shown, kind, number, whole_number
from ..week import session_days
from .params import Params

__all__ = ["CATEGORY_COLUMNS", "PLAN_COLUMNS", "OPTIONAL_COLUMNS", "MAX_DAYS", "REST", "check_days", "session",
           "plan_from_week", "plan_frame", "plan_arrays", "day_constants"]

MAX_DAYS = 3650
CATEGORY_COLUMNS = ("min_down_regulation", "min_micro_strength", "min_transition", "min_structured_load",
                    "min_mobility_reset")
PLAN_COLUMNS = ("day", "planned", *CATEGORY_COLUMNS, "load_level", "control", "calm_first")
# optional plan columns the simulator also reads (a routine's plan does not have them)
OPTIONAL_COLUMNS = {"supervised": False, "sitting_hours": np.nan}


def check_days(days) -> int:
    """``days`` as an int from 1 to :data:`MAX_DAYS`, else an InputError naming ``days``.

    >>> check_days(84.0)
    84
    """
    return whole_number(days, "days", 1, MAX_DAYS)


# --- plans repeating one week ------------------------------------------------------------------
def session(dr=0.0, ms=0.0, tr=0.0, sl=0.0, mob=0.0, load=0.0, control=0.0, calm_first=False) -> dict:
    """One day's session as plan columns: minutes of calming (``dr``), micro-strength (``ms``),
    transitions (``tr``), structured load (``sl``) and mobility resets (``mob``), plus the load
    level, the control demand and whether calming comes first."""
    return {"min_down_regulation": float(dr), "min_micro_strength": float(ms), "min_transition": float(tr),
            "min_structured_load": float(sl), "min_mobility_reset": float(mob), "load_level": float(load),
            "control": float(control), "calm_first": bool(calm_first)}


REST = session()  # a day with no session


def plan_from_week(days: int, week: dict, supervised: bool = False) -> pd.DataFrame:
    """A plan repeating one week: ``week`` maps weekday index (0-6) to a :func:`session` dict."""
    rows = []
    for d in range(days):
        s = week.get(d % 7)
        rows.append({"day": d, "planned": s is not None, **(s or REST), "supervised": bool(supervised and s)})
    return pd.DataFrame(rows)


def plan_frame(days: int = 84, *, down_regulation=0.0, micro_strength=0.0, transition=0.0, structured_load=0.0,
               mobility_reset=0.0, load_level=1, control=3, calm_first=None, days_per_week: int = 7) -> pd.DataFrame:
    """A simple constant daily plan for the simulator (the ``Routine.daily_plan`` columns).

    Minutes per category per session day, the same every week; ``calm_first`` defaults to
    "there is down-regulation and it comes first". Values may be typed text ("2,5").

    >>> p = plan_frame(14, micro_strength=10, load_level=2, control=4, days_per_week=5)
    >>> int(p["planned"].sum()), float(p["min_micro_strength"].max())
    (10, 10.0)
    """
    days = number(days, "days", 1, MAX_DAYS, whole=True)
    mins = {"min_down_regulation": down_regulation, "min_micro_strength": micro_strength,
            "min_transition": transition, "min_structured_load": structured_load,
            "min_mobility_reset": mobility_reset}
    mins = {k: number(v, k[4:].replace("_", " ") + " minutes", 0, 120) for k, v in mins.items()}
    strength = mins["min_micro_strength"] + mins["min_structured_load"]
    lvl = number(load_level, "load level", 1, 5) if strength else 0.0
    ctl = number(control, "control", 1, 5) if strength else 0.0
    on = np.isin(np.arange(days) % 7, session_days(int(days_per_week)))
    planned = on & (sum(mins.values()) > 0)
    frame = pd.DataFrame({"day": np.arange(days), "planned": planned})
    for k, v in mins.items():
        frame[k] = np.where(planned, float(v), 0.0)
    frame["load_level"] = np.where(planned, float(lvl), 0.0)
    frame["control"] = np.where(planned, float(ctl), 0.0)
    calm = (mins["min_down_regulation"] > 0) if calm_first is None else bool(calm_first)
    frame["calm_first"] = planned & calm
    return frame


# --- what the model reads from a plan ----------------------------------------------------------
def plan_arrays(plan: pd.DataFrame, days: int | None, params: Params) -> dict:
    """Validated per-day arrays (float64) from a plan DataFrame; ``days`` rows are used.

    Only ``params.sitting_hours`` is read (the sitting of a day the plan does not give).
    """
    if not isinstance(plan, pd.DataFrame):
        raise InputError("plan", "a DataFrame with the columns of Routine.daily_plan", kind(plan))
    missing = [c for c in PLAN_COLUMNS if c not in plan.columns]
    if missing:
        raise InputError("plan", "a DataFrame with columns " + ", ".join(PLAN_COLUMNS), Shown("missing " + missing[0]))
    if days is None:
        days = check_days(len(plan))
    if len(plan) < days:
        raise InputError("plan", f"at least {days} rows, one per day", len(plan))
    plan = plan.iloc[:days]
    out = {}
    for col, lo, hi in ([(c, 0.0, 600.0) for c in CATEGORY_COLUMNS] + [("load_level", 0.0, 5.0), ("control", 0.0, 5.0)]):
        try:
            v = pd.to_numeric(plan[col], errors="raise").to_numpy(dtype=float)
        except (ValueError, TypeError):
            raise InputError(f"plan.{col}", f"numbers from {lo:g} to {hi:g}", Shown("a non-number")) from None
        bad = ~np.isfinite(v) | (v < lo) | (v > hi)
        if bad.any():
            raise InputError(f"plan.{col}", f"numbers from {lo:g} to {hi:g}", v[bad][0])
        out[col] = v
    for col in ("planned", "calm_first") + (("supervised",) if "supervised" in plan.columns else ()):
        v = plan[col].to_numpy()
        if v.dtype != bool and not np.isin(v, (0, 1, True, False)).all():
            raise InputError(f"plan.{col}", "True or False on every day", v[~np.isin(v, (0, 1, True, False))][0])
        out[col] = v.astype(bool).astype(float)
    if "supervised" not in out:
        out["supervised"] = np.zeros(days)
    sit = np.full(days, params.sitting_hours)
    if "sitting_hours" in plan.columns:
        s = pd.to_numeric(plan["sitting_hours"], errors="coerce").to_numpy(dtype=float)
        s = np.where(np.isnan(s), params.sitting_hours, s)
        if (~np.isfinite(s) | (s < 0) | (s > 16)).any():
            raise InputError("plan.sitting_hours", "numbers from 0 to 16", s[~np.isfinite(s) | (s < 0) | (s > 16)][0])
        sit = s
    out["sitting_hours"] = sit
    minutes = sum(out[c] for c in CATEGORY_COLUMNS)
    # a day counts as planned only when it is marked planned and has some minutes
    out["planned"] = out["planned"] * (minutes > 0)
    out["supervised"] = out["supervised"] * out["planned"]
    out["days"] = days
    return out


def day_constants(plan: dict, p: Params) -> dict:
    """Per-day scalars derived from :func:`plan_arrays` (plain Python lists, cheap to index in a loop).

    ``length``: adherence logit lost to a long session; ``dose``: the saturating dose of the
    strengthening minutes (1 at 15 minutes); ``over_dose``: strengthening minutes / 15 (for overload);
    ``attention``: the attention rate of a session done (supervised or home); ``nonresp_time``:
    weight of early non-response in the drop-out hazard (0 before day 14, 1 from day 42);
    ``quality``: stimulus kept at the plan's control demand; ``level``: load level of the
    strengthening; ``calm`` and ``practice``: share of a full calming and transition dose;
    ``breaks``: share of sitting broken up; ``train_load``: load units of the session;
    ``natural``: the natural-course decay ``exp(-t / tau_N)``; ``decline_time``: progress of
    a decliner's decline over weeks 5-8.
    """
    days = plan["days"]
    ms, sl, dr, tr, mob = (plan[c] for c in ("min_micro_strength", "min_structured_load", "min_down_regulation",
                                              "min_transition", "min_mobility_reset"))
    minutes = ms + sl + dr + tr + mob
    t = np.arange(days, dtype=float)
    c = {
        "planned": plan["planned"] > 0,
        "supervised": plan["supervised"] > 0,
        "length": p.length_penalty * np.maximum(0.0, minutes - 15.0) / 15.0,
        # saturating dose: 15 minutes count 1, the curve bends at dose_saturation minutes (a plateau)
        "dose": (ms + sl) / 15.0 * (1.0 + 15.0 / p.dose_saturation) / (1.0 + (ms + sl) / p.dose_saturation),
        # overload grows with every minute of excess load (no plateau)
        "over_dose": (ms + sl) / 15.0,
        # attention gained by a session done: a supervised one counts fully, a home one a share
        "attention": p.attention_rate * np.where(plan["supervised"] > 0, 1.0, p.attention_home),
        # early non-response is judged from week 3 and fully from week 7 (elapsed time)
        "nonresp_time": np.clip((t - 14.0) / 28.0, 0.0, 1.0),
        "quality": 1.0 - p.control_weight * (1.0 - plan["control"] / 5.0),
        "level": np.where(ms + sl > 0, np.maximum(plan["load_level"], 1.0), plan["load_level"]),
        "calm": np.minimum(1.0, dr / p.downreg_minutes),
        "calm_first": plan["calm_first"] > 0,
        "practice": np.minimum(1.0, tr / p.transition_minutes),
        "breaks": p.break_effect * np.minimum(1.0, (tr + mob) / 10.0),
        "train_load": (ms + sl) * plan["load_level"] + p.light_intensity * (tr + mob),
        "sitting": plan["sitting_hours"],
        "natural": np.exp(-t / p.natural_tau),
        "decline_time": np.clip((t - 28.0) / 28.0, 0.0, 1.0),
    }
    return {k: v.tolist() for k, v in c.items()}
