"""The simulator's named scenarios: one pair per insight, plus supervision and a control.

Each scenario is a day plan (the same columns as ``Routine.daily_plan``, see
docs/architecture.md) and, where a pair needs it, parameter changes. The two sides of a
pair differ in as little as possible, so that the difference between them is the insight.

>>> scenarios()[:2]
['micro_strength', 'max_effort']
>>> plan = scenario_plan("gentle_daily", 14)
>>> int(plan["planned"].sum()), float(plan.loc[0, ["min_down_regulation", "min_micro_strength",
...     "min_transition", "min_structured_load", "min_mobility_reset"]].sum())
(14, 15.0)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from ..errors import InputError, fmt_allowed
from .plan import REST, check_days, plan_from_week, session

__all__ = ["Scenario", "SCENARIOS", "scenarios", "get_scenario", "scenario_plan", "scenario_table", "scenario_title",
           "GENTLE", "STRUCTURED_CAP"]


def _every_day(day: dict) -> dict:
    return {i: day for i in range(7)}


# --- the plans -----------------------------------------------------------------------------
STRUCTURED_CAP = 45.0  # longest structured-load session, minutes (the +10% a week stops here)
GENTLE = session(dr=4, ms=6, tr=2, mob=3, load=1.5, control=4, calm_first=True)


def _gentle_daily(days):
    return plan_from_week(days, _every_day(GENTLE))


def _supervised(days):
    return plan_from_week(days, _every_day(GENTLE), supervised=True)


def _weekend_warrior(days):
    # one 90-minute session on Saturday, at a higher load, no calming first
    return plan_from_week(days, {5: session(ms=30, sl=45, mob=15, load=3.0, control=3)})


def _no_exercise(days):
    return plan_from_week(days, {})


def _micro_strength(days):
    return plan_from_week(days, _every_day(session(dr=3, ms=12, load=1.5, control=5, calm_first=True)))


def _max_effort(days):
    # same days and minutes as micro_strength, at the top of the load scale with little control
    return plan_from_week(days, _every_day(session(dr=3, ms=12, load=4.5, control=2, calm_first=True)))


def _calm_first(days):
    return plan_from_week(days, _every_day(session(dr=8, ms=10, load=2.0, control=4, calm_first=True)))


def _strength_only(days):
    # the same strengthening, without the calming minutes before it
    return plan_from_week(days, _every_day(session(ms=10, load=2.0, control=4, calm_first=False)))


def _transitions_practised(days):
    return plan_from_week(days, _every_day(session(dr=3, ms=7, tr=5, load=1.5, control=4, calm_first=True)))


def _transitions_untrained(days):
    # the same minutes, the transition minutes spent on more strengthening instead
    return plan_from_week(days, _every_day(session(dr=3, ms=12, load=1.5, control=4, calm_first=True)))


def _structured_minutes(days):
    """Minutes of structured loading per day: 3 days a week, +10% a week, every 4th week a deload."""
    out = np.zeros(days)
    for d in range(days):
        w = d // 7
        if d % 7 in (0, 2, 4):
            # no growth in deload weeks; capped at STRUCTURED_CAP minutes so long runs stay realistic
            base = min(STRUCTURED_CAP, 15.0 * 1.1 ** (w - w // 4))
            out[d] = round(base * (0.6 if w % 4 == 3 else 1.0), 2)
    return out


def _structured_load(days):
    mins = _structured_minutes(days)
    rows = [{"day": d, "planned": bool(m > 0), **(session(sl=m, load=2.0, control=4) if m > 0 else REST),
             "supervised": False} for d, m in enumerate(mins)]
    return pd.DataFrame(rows)


def _unstructured_spikes(days):
    """The same total minutes per 4-week block as structured_load, crammed into its last week (a burst)."""
    mins = _structured_minutes(days)
    spiked = np.zeros(days)
    for start in range(0, days, 28):
        stop = min(start + 28, days)
        total = mins[start:stop].sum()
        cram = [d for d in range(start + 21, start + 28) if d < stop] or list(range(start, stop))[-7:]
        for d in cram:
            spiked[d] = round(total / len(cram), 2)
    rows = [{"day": d, "planned": bool(m > 0), **(session(sl=m, load=2.0, control=4) if m > 0 else REST),
             "supervised": False} for d, m in enumerate(spiked)]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Scenario:
    """A named plan plus parameter changes, with the insight it illustrates.

    ``name`` is the id code uses (``"max_effort"``); ``title`` is what a person reads in a legend,
    a table or a sentence (``"max effort"``).
    """

    name: str
    title: str
    insight: int
    side: str
    description: str
    plan: Callable[[int], pd.DataFrame]
    params: dict = field(default_factory=dict)


SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("micro_strength", "micro-strength", 1, "recommended",
             "15 min a day: light load (1.5/5), high control (5/5)", _micro_strength),
    Scenario("max_effort", "max effort", 1, "comparison",
             "15 min a day: heavy load (4.5/5), low control (2/5)", _max_effort),
    Scenario("calm_first", "calm first", 2, "recommended",
             "8 min calming, then 10 min strengthening, daily", _calm_first),
    Scenario("strength_only", "strength only", 2, "comparison",
             "the same 10 min strengthening daily, no calming", _strength_only),
    Scenario("transitions_practised", "transitions practised", 3, "recommended",
             "15 min a day including 5 min of transition practice", _transitions_practised),
    Scenario("transitions_untrained", "transitions not practised", 3, "comparison",
             "15 min a day, the transition minutes spent strengthening", _transitions_untrained),
    Scenario("structured_load", "structured steps", 4, "recommended",
             "3 days a week, +10% a week up to 45 min, every 4th week lighter", _structured_load),
    Scenario("unstructured_spikes", "unstructured spikes", 4, "comparison",
             "the same minutes per 4 weeks, crammed into one burst week", _unstructured_spikes),
    Scenario("gentle_daily", "gentle daily", 5, "recommended", "15 min a day, home programme", _gentle_daily),
    Scenario("weekend_warrior", "weekend warrior", 5, "comparison", "one 90-minute session a week", _weekend_warrior),
    Scenario("supervised", "supervised", 5, "reference",
             "the gentle daily programme, supervised (adherence near 95%)", _supervised),
    Scenario("no_exercise", "no exercise", 0, "control", "no programme: the natural course only", _no_exercise),
)}


def scenarios() -> list[str]:
    """The names of the simulator's scenarios, pairs side by side, the control last."""
    return list(SCENARIOS)


def get_scenario(name) -> Scenario:
    """The :class:`Scenario` called ``name``, else an InputError listing the names."""
    if not isinstance(name, str) or name not in SCENARIOS:
        raise InputError("scenario", fmt_allowed(SCENARIOS), name)
    return SCENARIOS[name]


def scenario_plan(name: str, days: int = 84) -> pd.DataFrame:
    """The day plan of a named scenario (columns as ``Routine.daily_plan`` plus ``supervised``)."""
    return get_scenario(name).plan(check_days(days))


def scenario_title(name) -> str:
    """What a person reads for a scenario: its title (``"max effort"``); any other label (``"your plan"``) as given.

    >>> scenario_title("transitions_untrained"), scenario_title("your plan")
    ('transitions not practised', 'your plan')
    """
    s = SCENARIOS.get(name) if isinstance(name, str) else None
    return s.title if s is not None else str(name)


def scenario_table() -> pd.DataFrame:
    """One row per scenario: name, title, insight, side of its pair, description, parameter changes."""
    return pd.DataFrame([{"name": s.name, "title": s.title, "insight": s.insight, "side": s.side,
                          "description": s.description, "params": dict(s.params)} for s in SCENARIOS.values()])
