"""The "your plan vs a scenario" simulations: a small cohort re-simulated on every change and
drawn as cohort bands beside a comparison scenario, with a table of end-of-run outcomes.

- :class:`MicroStrengthSim`: your micro-strength plan vs ``max_effort`` (notebook 01);
- :class:`CalmFirstSim`: calming minutes first vs ``strength_only`` (notebook 02);
- :class:`TransitionsCalculator`: a day's transitions, with and without practice (notebook 03);
- :class:`LoadComparison`: structured steps vs spikes at the same volume (notebook 04);
- :class:`AdherenceSimulator`: how sessions are spread over the week vs no exercise (notebook 05).
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from ..errors import InputError, number
from ..plots import BINARY_STATES, cohort_band_plot, scenario_label, state_label, update_cohort_band_plot
from ..practice import transition_day
from ..sim import scenario_plan
from ..sim.curves import ACWR_BAND
from ..sim.params import Params
from ..sim.plan import plan_frame
from ..sim.results import compare_people
from .base import WIDE, SimulationWidget, available_states

__all__ = [
    "MicroStrengthSim",
    "CalmFirstSim",
    "TransitionsCalculator",
    "LoadComparison",
    "AdherenceSimulator",
    "SESSION_MIX",
    "PATTERNS",
    "micro_strength_sim",
    "calm_first_sim",
    "transitions_calculator",
    "load_comparison",
    "adherence_simulator",
]


class _PairSimulation(SimulationWidget):
    """Your plan (from the controls) beside one named scenario (simulated once, then cached)."""

    compare_to = ""
    states: tuple = ("capacity", "pain", "flare")
    outcomes = ("flares", "pain_change", "capacity")

    def run_pair(self, plan, **kwargs) -> dict:
        """Your plan, the comparison scenario and the no-exercise baseline (how much is natural course)."""
        key = tuple(sorted(kwargs.items()))
        mine = self.simulate(plan, **kwargs)
        other = self.simulate(self.compare_to, cache_key=("scenario", self.compare_to, key), **kwargs)
        none = self.simulate("no_exercise", cache_key=("scenario", "no_exercise", key), **kwargs)
        results = {"your plan": mine, self.compare_to: other, "no_exercise": none}
        key = ("minutes", self.compare_to, self.days)  # the scenario's plan does not depend on the controls
        if key not in self._cache:
            self._cache[key] = minutes_per_day(scenario_plan(self.compare_to, self.days))
        minutes = {"your plan": minutes_per_day(plan), self.compare_to: self._cache[key]}
        return {"results": results, "summary": compare_people(results, self.outcomes), "minutes": minutes}

    def show(self, r):
        m = r["minutes"]
        mine, other = m["your plan"], m[self.compare_to]
        same = abs(mine - other) < 0.05
        self.show_text(f"Your plan: {mine:g} minutes a day; {scenario_label(self.compare_to)}: {other:g} minutes a day"
                       + (" (the same time)." if same else
                          f". The plans differ by {abs(mine - other):g} minutes a day, so part of any difference "
                          "comes from the time, not only from how it is spent.")
                       + " Grey: the same people not exercising, the natural course.")
        self.show_bands(r["results"], available_states(r["results"], self.states))
        self.show_summary(r["summary"])


def minutes_per_day(plan: pd.DataFrame) -> float:
    """Planned minutes on a session day of a day plan (the mean over its planned days).

    >>> minutes_per_day(plan_frame(14, down_regulation=3, micro_strength=12))
    15.0
    """
    cols = [c for c in plan.columns if c.startswith("min_")]
    per_day = plan[cols].to_numpy(float).sum(axis=1)
    if "planned" in plan:
        per_day = per_day[plan["planned"].to_numpy(bool)]
    return round(float(per_day.mean()), 1) if len(per_day) else 0.0


class MicroStrengthSim(_PairSimulation):
    """Your micro-strength plan (load level, control, minutes a day) vs the ``max_effort`` scenario.

    ``.result``: ``results`` (the two simulation results) and ``summary`` (end-of-run means
    with 95% intervals).
    """

    title = "Micro-strength vs max effort (simulated cohort)"
    help = ("Your plan: 3 minutes of calming, then the minutes of micro-strength you choose, every day. Move a slider "
            "and let go: it is re-simulated for 300 people over 12 weeks. Max effort: 3 + 12 minutes at load 4.5, "
            "control 2.")
    compare_to = "max_effort"
    states = ("capacity", "pain", "flare")

    calm_opener = 3.0  # minutes of calming before the strengthening, as in both named scenarios

    def __init__(self, load_level: float = 1.5, control: int = 5, minutes: int = 12, **cohort):
        super().__init__(**cohort)
        self.load_level = widgets.FloatSlider(style=WIDE, value=load_level, min=1, max=5, step=0.5,
                                              description="load level", continuous_update=False)
        self.control = widgets.IntSlider(style=WIDE, value=control, min=1, max=5, description="control",
                                         continuous_update=False)
        self.minutes = widgets.IntSlider(style=WIDE, value=minutes, min=1, max=40, description="minutes/day",
                                         continuous_update=False)
        self.setup(["load_level", "control", "minutes"],
                   layout=widgets.HBox([self.load_level, self.control, self.minutes]))

    def compute(self, load_level, control, minutes):
        minutes = number(minutes, "minutes per day", 1, 40)
        plan = plan_frame(self.days, down_regulation=self.calm_opener, micro_strength=minutes, load_level=load_level,
                          control=control, calm_first=True)
        return self.run_pair(plan)


class CalmFirstSim(_PairSimulation):
    """Calming minutes before strengthening vs the ``strength_only`` scenario."""

    title = "Calm first vs strength only (simulated cohort)"
    help = ("Your plan: the calming minutes first, then the strengthening minutes (control 4/5), every day. "
            "Strength only: the same 10 minutes at load 2 with no calming.")
    compare_to = "strength_only"
    states = ("sensitivity", "stimulus", "capacity")
    outcomes = ("sensitivity", "capacity", "pain_change", "flares")

    def __init__(self, calm_minutes: int = 8, strength_minutes: int = 10, load_level: int = 2, **cohort):
        super().__init__(**cohort)
        self.calm_minutes = widgets.IntSlider(style=WIDE, value=calm_minutes, min=0, max=20, description="calming min",
                                              continuous_update=False)
        self.strength_minutes = widgets.IntSlider(style=WIDE, value=strength_minutes, min=1, max=30,
                                                  description="strength min", continuous_update=False)
        self.load_level = widgets.IntSlider(style=WIDE, value=load_level, min=1, max=5, description="load level",
                                            continuous_update=False)
        self.setup(["calm_minutes", "strength_minutes", "load_level"],
                   layout=widgets.HBox([self.calm_minutes, self.strength_minutes, self.load_level]))

    def compute(self, calm_minutes, strength_minutes, load_level):
        strength = number(strength_minutes, "strength minutes", 1, 30)
        calm = number(calm_minutes, "calming minutes", 0, 20)
        plan = plan_frame(self.days, down_regulation=calm, micro_strength=strength, load_level=load_level,
                          control=4, calm_first=calm > 0)
        return self.run_pair(plan)


class TransitionsCalculator(SimulationWidget):
    """Count a day's transitions and sitting, then simulate the daily flare hazard of a cohort
    with and without transition practice.

    Controls: ``bed``, ``sit_to_stand``, ``car``, ``floor``, ``lift`` (times a day, typed),
    ``sitting_hours`` and ``practice_minutes`` (sliders). There is no "get up every" control: the model has
    no state for how sitting is broken up (only the hours sat), so such a control would change nothing
    (``spinelib.transition_day`` still counts breaks for a given interval).
    ``.result``: ``day`` (the counts, see :func:`spinelib.practice.transition_day`), ``results``
    (two simulation results: with and without practice) and ``summary``.
    """

    title = "Your day in transitions"
    help = ("Type how often you do each move in a day; set your sitting and your practice. The model takes the "
            "hours you sit and the practice minutes.")
    states = ("transition_skill", "flare")

    def __init__(self, bed=2, sit_to_stand=12, car=2, floor=1, lift=8, sitting_hours=7.0, practice_minutes=5,
                 **cohort):
        super().__init__(**cohort)
        # FloatText, not IntText: the browser's IntText drops a typed point ("2.5" became 25); the counts are
        # then checked as whole numbers and a fraction gets a one-line message
        box = dict(layout=widgets.Layout(width="220px"), style={"description_width": "110px"})
        self.bed = widgets.FloatText(value=bed, description="out of bed", **box)
        self.sit_to_stand = widgets.FloatText(value=sit_to_stand, description="up from a chair", **box)
        self.car = widgets.FloatText(value=car, description="in/out of car", **box)
        self.floor = widgets.FloatText(value=floor, description="floor and up", **box)
        self.lift = widgets.FloatText(value=lift, description="bend to pick up", **box)
        self.sitting_hours = widgets.FloatSlider(style=WIDE, value=sitting_hours, min=0, max=16, step=0.5,
                                                 description="sitting h/day", continuous_update=False)
        self.practice_minutes = widgets.IntSlider(style=WIDE, value=practice_minutes, min=0, max=15,
                                                  description="practice min", continuous_update=False)
        names = ["bed", "sit_to_stand", "car", "floor", "lift", "sitting_hours", "practice_minutes"]
        layout = widgets.HBox([widgets.VBox([self.bed, self.sit_to_stand, self.car, self.floor, self.lift]),
                               widgets.VBox([self.sitting_hours, self.practice_minutes])])
        self.setup(names, layout=layout)

    def compute(self, **v):
        day = transition_day(**v)
        params = Params(sitting_hours=float(min(day["sitting_hours"], 16.0)))
        practice = day["practice_minutes"]
        key = ("without", params.sitting_hours)
        without = self.simulate(plan_frame(self.days), params=params, cache_key=key)
        with_ = (self.simulate(plan_frame(self.days, transition=practice), params=params) if practice > 0 else without)
        results = {"with practice": with_, "without practice": without}
        return {"day": day, "results": results, "summary": compare_people(results, ("flares", "pain_change"))}

    def show(self, r):
        d = r["day"]
        long = (" That is more than 6 hours, the level linked with flares in one study (I3-3)."
                if d["long_sitting"] else "")
        practice = (f" {d['practice_minutes']:g} minutes of practice a day is about {d['practice_reps_week']} "
                    "rehearsals a week." if d["practice_minutes"]
                    else " No practice time set: both lines below are the same.")
        self.show_text(f"{d['per_day']} transitions a day, {d['per_week']} a week. You sit {d['sitting_hours']:g} h a "
                       "day."
                       + long + practice)
        states = available_states(r["results"], self.states)
        self.show_bands(r["results"], states, figsize=(3.6 * len(states), 2.9))
        self.show_summary(r["summary"])

    def marker_text(self, values):
        d = self.result["day"]
        return (f"{self.marker}: per_day={d['per_day']} sitting_hours={d['sitting_hours']:g} "
                f"practice_minutes={d['practice_minutes']:g}")


class LoadComparison(SimulationWidget):
    """Structured progression vs the same volume in unstructured spikes, simulated in a cohort.

    Controls: ``state`` (which state to plot) and ``weeks``. ``.result`` is a dict with
    ``results`` (the two simulation results, by scenario name), ``volume`` (the planned minutes
    of structured load of each scenario: the same) and ``summary`` (end-of-run means and 95%
    intervals per person: flares, pain change, capacity).
    """

    title = "Structured steps vs spikes at the same volume"
    help = "Both cohorts are given the same total load; one adds it step by step, the other in bursts."
    SCENARIOS = ("structured_load", "unstructured_spikes")

    def __init__(self, people: int = 200, weeks: int = 12, seed: int = 1, state: str = "acwr"):
        super().__init__(people=people, days=weeks * 7, seed=seed)
        self.state = widgets.Dropdown(options=[("acute:chronic ratio", "acwr"), ("pain", "pain"),
                                               ("people in a flare", "flare"), ("capacity", "capacity")],
                                      value=state, description="show")
        self.weeks = widgets.IntSlider(value=weeks, min=4, max=26, description="weeks", continuous_update=False)
        self.setup(["state", "weeks"])

    def compute(self, state, weeks):
        days = number(weeks, "weeks", 1, 104, whole=True) * 7
        runs = {s: self.simulate(s, days=days, cache_key=(s, days)) for s in (*self.SCENARIOS, "no_exercise")}
        volume = pd.DataFrame([{"scenario": s, "planned minutes of structured load":
                                float(scenario_plan(s, days)["min_structured_load"].sum())} for s in self.SCENARIOS])
        volume["scenario"] = volume["scenario"].map(scenario_label)
        return {"results": runs, "state": state, "volume": volume, "weeks": days // 7,
                "summary": compare_people(runs, ("flares", "pain_change", "capacity"))}

    def show(self, r):
        st = r["state"]
        what = "share of people, 7-day average" if st in BINARY_STATES else "cohort mean and 95% band"
        title = f"{st.replace('_', ' ')}: {what}, {r['weeks']} weeks"

        def make():
            fig = cohort_band_plot(r["results"], st, weeks=True, title=title, figsize=(6.4, 3.8))
            ax = fig.axes[0]
            # the 0.8-1.3 band of the ratio, shown for the ratio only (a hidden artist does not widen the axis)
            fig._spinelib_acwr_band = ax.axhspan(*ACWR_BAND, color="#029e73", alpha=0.12, lw=0, visible=st == "acwr")
            # the legend below the panel (it never covers a line, and it is drawn once, not on every change)
            handles, labels = ax.get_legend_handles_labels()
            ax.get_legend().remove()
            fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False,
                       fontsize="small")
            ax.yaxis.set_major_locator(MaxNLocator(nbins=5))  # fewer tick labels: as clear, faster to draw
            return fig

        def redraw(fig):
            fig._spinelib_acwr_band.set_visible(st == "acwr")
            update_cohort_band_plot(fig.axes[0], r["results"], st, weeks=True, title=title, ylabel=state_label(st))

        # one figure for every state: a new state moves the lines and relabels the axis (the layout is settled
        # again only if the new labels do not fit)
        self.show_kept("bands", make, redraw, layout_key=st)
        self.show_frame(r["volume"])
        self.show_summary(r["summary"])


# share of a session's minutes per category: the gentle mix of the workbook's daily routine
SESSION_MIX = {"down_regulation": 0.25, "micro_strength": 0.40, "transition": 0.15, "mobility_reset": 0.20}
PATTERNS = {
    "spread": "spread over the week",
    "bunched": "back to back, then days off",
    "weekly": "all the week's minutes in one session",
}


def bunch_sessions(plan: pd.DataFrame, days_per_week: int) -> pd.DataFrame:
    """The same sessions as ``plan`` moved onto consecutive days from Monday (``days_per_week`` of them)."""
    first = plan[plan["planned"]].iloc[0]
    on = (plan["day"] % 7) < days_per_week
    for c in plan.columns:
        if c == "day":
            continue
        if c == "planned":
            plan[c] = on
        elif plan[c].dtype == bool:
            plan[c] = on & bool(first[c])
        else:
            plan[c] = np.where(on, float(first[c]), 0.0)
    return plan


class AdherenceSimulator(SimulationWidget):
    """Adherence simulator: habit strength, sessions done and pain over weeks, as cohort bands.

    Controls: ``minutes`` (per session day, 5-60), ``days_per_week`` (1-7), ``pattern``
    (``spread``, ``bunched`` or ``weekly``) and ``cohort`` (cohort size, typed, 20-2000).
    ``.result`` is a dict with ``results`` (your pattern and the no-exercise control),
    ``plan`` (the daily plan simulated) and ``summary`` (end-of-run means per person).
    """

    title = "Adherence simulator"
    help = ("Minutes per session day, how many days a week and how they are arranged; each band is the "
            "middle 95% of the simulated people, the line their mean.")
    STATES = ("habit", "session", "pain")

    def __init__(self, minutes: int = 15, days_per_week: int = 7, pattern: str = "spread", people: int = 200,
                 weeks: int = 12, seed: int = 1):
        super().__init__(people=people, days=weeks * 7, seed=seed)
        kw = dict(continuous_update=False, style={"description_width": "130px"}, layout=widgets.Layout(width="400px"))
        self.minutes = widgets.IntSlider(value=minutes, min=5, max=60, step=5, description="minutes per day", **kw)
        self.days_per_week = widgets.IntSlider(value=days_per_week, min=1, max=7, description="days per week", **kw)
        self.pattern = widgets.Dropdown(options=[(v, k) for k, v in PATTERNS.items()], value=pattern,
                                        description="session pattern", style={"description_width": "130px"},
                                        layout=widgets.Layout(width="400px"))
        # typed, so a person can enter 0: the widget then says what it needs
        self.cohort = widgets.FloatText(value=people, description="cohort size", style={"description_width": "130px"},
                                      layout=widgets.Layout(width="260px"))
        self.setup(["minutes", "days_per_week", "pattern", "cohort"],
                   layout=widgets.HBox([widgets.VBox([self.minutes, self.days_per_week]),
                                        widgets.VBox([self.pattern, self.cohort])]))

    def plan(self, minutes, days_per_week, pattern) -> pd.DataFrame:
        """The daily plan simulated: a gentle session mix (:data:`SESSION_MIX`) of ``minutes`` on
        ``days_per_week`` days, arranged by ``pattern`` (``spread``: spread over the week; ``bunched``:
        on consecutive days from Monday; ``weekly``: the whole week's minutes in one Monday session)."""
        m = number(minutes, "minutes per day", 5, 60, whole=True)
        d = number(days_per_week, "days per week", 1, 7, whole=True)
        if pattern not in PATTERNS:
            raise InputError("session pattern", "one of " + ", ".join(PATTERNS), pattern)
        session = m * d if pattern == "weekly" else m
        plan = plan_frame(self.days, **{k: session * share for k, share in SESSION_MIX.items()},
                          load_level=1.5, control=4, days_per_week=1 if pattern == "weekly" else d)
        return bunch_sessions(plan, d) if pattern == "bunched" and d < 7 else plan

    def compute(self, minutes, days_per_week, pattern, cohort):
        people = number(cohort, "cohort size", 20, 2000, whole=True)
        plan = self.plan(minutes, days_per_week, pattern)
        mine = self.simulate(plan, people=people)
        control = self.simulate("no_exercise", people=people, cache_key=("no_exercise", people, self.days))
        results = {"your pattern": mine, "no_exercise": control}
        summary = compare_people(results, ("adherence", "habit", "pain_change", "flares"))
        weekly = float(plan[[c for c in plan.columns if c.startswith("min_")]].to_numpy().sum()) / (self.days / 7)
        return {"results": results, "plan": plan, "summary": summary, "people": people,
                "weekly_minutes": round(weekly, 1), "pattern": pattern}

    def show(self, r):
        states = available_states(r["results"], self.STATES)
        self.show_text(f"{r['weekly_minutes']:g} planned minutes a week, {PATTERNS[r['pattern']]}; "
                       f"{r['people']} simulated people.")
        self.show_bands(r["results"], states, figsize=(3.4 * len(states), 3.0))  # redrawn in place
        self.show_summary(r["summary"])


def micro_strength_sim(**kwargs) -> MicroStrengthSim:
    """The micro-strength vs max-effort simulation widget (notebook 01)."""
    return MicroStrengthSim(**kwargs)


def calm_first_sim(**kwargs) -> CalmFirstSim:
    """The calm-first vs strength-only simulation widget (notebook 02)."""
    return CalmFirstSim(**kwargs)


def transitions_calculator(**kwargs) -> TransitionsCalculator:
    """The daily-transitions calculator and flare-hazard simulation (notebook 03)."""
    return TransitionsCalculator(**kwargs)


def load_comparison(**kw) -> LoadComparison:
    """The structured-vs-spikes simulation widget (notebook 04)."""
    return LoadComparison(**kw)


def adherence_simulator(**kw) -> AdherenceSimulator:
    """The adherence simulator widget (notebook 05)."""
    return AdherenceSimulator(**kw)
