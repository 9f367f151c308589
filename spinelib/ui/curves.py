"""Widgets that draw one of the model's curves without simulating a cohort:

- :class:`ProgressionPlanner`: a routine climbing the load ladder, its planned load and the
  acute:chronic load ratio with the 0.8-1.3 band (notebook 04);
- :class:`HabitCurve`: the Lally habit curve and the days to 95% of its plateau (notebook 05).
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from ..builder import cached_routine
from ..catalogue import EQUIPMENT
from ..errors import InputError, number
from ..insights import STRENGTH
from ..plots import acwr_plot, habit_curve_plot
from ..progression import planned_load
from ..sim.curves import ACWR_BAND, acwr, acwr_multiplier, habit_curve
from .base import SpineWidget

__all__ = ["ProgressionPlanner", "HabitCurve", "progression_planner", "habit_curve_widget"]


def step_weeks(progression: pd.DataFrame) -> list[int]:
    """The weeks in which the strengthening exercises step up a rung (not an easier week, nor the week after one)."""
    st = progression[progression["category"].isin(STRENGTH)]
    weeks, at = np.unique(st["week"].to_numpy(), return_inverse=True)  # per week, in order (plain arrays: fast)
    step = np.bincount(at, weights=st["step"].to_numpy(float), minlength=len(weeks))
    deload = np.bincount(at, weights=st["deload"].to_numpy(bool), minlength=len(weeks)) > 0
    rise = np.diff(step, prepend=step[:1]) > 0
    after_deload = np.concatenate([[False], deload])[:len(deload)]
    return [int(w) for w in weeks[rise & ~deload & ~after_deload]]


class ProgressionPlanner(SpineWidget):
    """Progression planner: a routine at a start stage climbs the load ladder week by week.

    Controls: ``start_stage`` (1-5), ``weeks`` (4-26), ``step_every`` (weeks between steps up),
    ``deload_every`` (every n-th week is easier; 0 = never). ``.result`` is a dict with
    ``routine``, ``progression`` (the week-by-week table), ``daily`` (day, week, load,
    acute, chronic, acwr, deload), ``in_band`` (share of days from week 5 on with the ratio in
    0.8-1.3) and ``max_acwr``.
    """

    title = "Progression planner"
    help = ("Choose where you start on the ladder and how often you step up; the lower panel shows the "
            "acute:chronic load ratio with the 0.8-1.3 band shaded.")

    def __init__(self, start_stage: int = 2, weeks: int = 12, step_every: int = 2, deload_every: int = 4,
                 minutes_per_day: int = 30):
        super().__init__()
        kw = dict(continuous_update=False, style={"description_width": "190px"},
                  layout=widgets.Layout(width="460px"))
        self.minutes_per_day = minutes_per_day
        self._progressions: dict = {}
        self.start_stage = widgets.IntSlider(value=start_stage, min=1, max=5, description="start stage", **kw)
        self.weeks = widgets.IntSlider(value=weeks, min=4, max=26, description="weeks", **kw)
        self.step_every = widgets.IntSlider(value=step_every, min=1, max=6, description="step up every (weeks)", **kw)
        self.deload_every = widgets.IntSlider(value=deload_every, min=0, max=8,
                                              description="easier week every (0 = none)", **kw)
        self.setup(["start_stage", "weeks", "step_every", "deload_every"])

    def forget(self, *, runs: bool = True) -> None:
        self._progressions.clear()

    def progression(self, routine, stage: int, weeks: int, step: int, deload: int) -> pd.DataFrame:
        """``routine.progression(...)`` of the routine at ``stage``, remembered per setting (a slider moved
        back answers at once)."""
        key = (stage, weeks, step, deload)
        if key not in self._progressions:
            self._progressions[key] = routine.progression(weeks=weeks, step_every=step, deload_every=deload)
        return self._progressions[key]

    def compute(self, start_stage, weeks, step_every, deload_every):
        stage = number(start_stage, "start stage", 1, 5, whole=True)
        weeks = number(weeks, "weeks", 1, 104, whole=True)
        step = number(step_every, "step up every", 1, 12, whole=True)
        deload = number(deload_every, "easier week every", 0, 12, whole=True)
        if deload == 1:
            raise InputError("easier week every", "0 (none) or 2 or more weeks (1 would make every week easy)", 1)
        # every piece of equipment, so the whole ladder can be climbed
        routine = cached_routine({"minutes_per_day": self.minutes_per_day, "load_stage": stage,
                                  "irritability": "low", "equipment": list(EQUIPMENT)})
        prog = self.progression(routine, stage, weeks, step, deload)
        daily = planned_load(prog, routine.session_days)
        daily = pd.concat([daily, acwr(daily["load"])], axis=1)
        settled = daily[daily["week"] >= 5] if weeks >= 5 else daily
        max_acwr = float(daily["acwr"].max())
        return {"routine": routine, "progression": prog, "daily": daily,
                "in_band": float(settled["acwr"].between(*ACWR_BAND).mean()),
                "max_acwr": max_acwr, "step_weeks": step_weeks(prog),
                "max_flare_multiplier": float(acwr_multiplier(max_acwr)),
                "settings": {"start_stage": stage, "weeks": weeks, "step_every": step, "deload_every": deload}}

    def week_table(self, result=None) -> pd.DataFrame:
        """One row per week: the strengthening exercises (rung names), the load, easier or not."""
        r = self.result if result is None else result
        prog = r["progression"]
        st = prog[prog["category"].isin(STRENGTH)]
        # plain arrays and one pass per week (a pandas group-by per week was a third of the update)
        weeks = st["week"].to_numpy()
        names, levels = st["name"].tolist(), st["load_level"].tolist()
        deload = st["deload"].to_numpy(bool)
        load = st["minutes"].to_numpy(float) * st["load_level"].to_numpy(float)
        day_week, ratio = r["daily"]["week"].to_numpy(), r["daily"]["acwr"].to_numpy(float)
        rows = []
        for w in sorted(set(weeks.tolist())):
            at = np.flatnonzero(weeks == w)
            in_week = ratio[day_week == w]
            rows.append({"week": int(w), "easier week": "yes" if deload[at].any() else "",
                         "strength exercises (load level)": "; ".join(f"{names[i]} ({levels[i]})" for i in at),
                         "load per session": float(load[at].sum()),
                         "max ratio": round(float(np.nanmax(in_week)), 2) if len(in_week) else float("nan")})
        return pd.DataFrame(rows)

    def show(self, r):
        span = "from week 5 on" if r["settings"]["weeks"] >= 5 else "of the plan"
        self.show_text(f"{r['in_band']:.0%} of days {span} have a ratio inside 0.8-1.3; the highest ratio is "
                       f"{r['max_acwr']:.2f}, where the simulator multiplies the flare risk by "
                       f"{r['max_flare_multiplier']:.2f}. Steps up in weeks: "
                       f"{', '.join(map(str, r['step_weeks'])) or 'none'}.")
        self.show_kept("acwr", lambda: acwr_plot(r["daily"]), lambda fig: acwr_plot(r["daily"], fig=fig))
        self.show_frame(self.week_table(r))


class HabitCurve(SpineWidget):
    """The Lally habit curve: how long until practice feels automatic.

    Controls: ``days_to_plateau`` (18-254, Lally's range), ``miss_every`` (skip every n-th day,
    0 = never) and ``days`` (how far to draw). ``.result`` is the curve table plus
    ``habit_at_66`` and ``day_95``.
    """

    title = "The habit curve"
    help = "Habit strength grows quickly at first and then levels off (Lally 2010: 18-254 days, median 66)."

    def __init__(self, days_to_plateau: int = 66, miss_every: int = 0, days: int = 180):
        super().__init__()
        kw = dict(continuous_update=False, style={"description_width": "150px"}, layout=widgets.Layout(width="420px"))
        self.days_to_plateau = widgets.IntSlider(value=days_to_plateau, min=18, max=254,
                                                 description="days to 95% plateau", **kw)
        self.miss_every = widgets.IntSlider(value=miss_every, min=0, max=7, description="miss every n-th day", **kw)
        self.days = widgets.IntSlider(value=days, min=30, max=365, step=10, description="days drawn", **kw)
        self.setup(["days_to_plateau", "miss_every", "days"])

    def compute(self, days_to_plateau, miss_every, days):
        curve = habit_curve(days, days_to_plateau, miss_every)
        above = curve[curve["habit"] >= 0.95]
        day = min(66, int(curve["day"].max()))  # Lally's median, or the last day drawn when fewer are drawn
        return {"curve": curve, "habit_at_66": float(curve.loc[curve["day"] == day, "habit"].iloc[0]),
                "read_day": day, "day_95": int(above["day"].iloc[0]) if len(above) else None}

    def show(self, r):
        if r["day_95"] is not None:
            first = f"95% of the plateau is reached on day {r['day_95']}"
        else:
            first = f"95% of the plateau is not reached within the {int(r['curve']['day'].max())} days drawn"
        day = r["read_day"]
        where = f"on day {day}" if day == 66 else f"on day {day}, the last day drawn (before Lally's median of 66),"
        self.show_text(f"{first}; {where} habit strength is {r['habit_at_66']:.2f}.")
        self.show_kept("habit", lambda: habit_curve_plot(r["curve"]), lambda fig: habit_curve_plot(r["curve"], fig=fig))


def progression_planner(**kw) -> ProgressionPlanner:
    """The progression planner widget (notebook 04)."""
    return ProgressionPlanner(**kw)


def habit_curve_widget(**kw) -> HabitCurve:
    """The habit-curve widget (notebook 05)."""
    return HabitCurve(**kw)
