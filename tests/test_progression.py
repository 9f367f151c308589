"""Progression over the weeks and the simulator's day plan of a routine."""
from __future__ import annotations

import pytest

import pandas as pd

from spinelib import EQUIPMENT, InputError, build_routine, planned_load
from spinelib.progression import daily_plan, progression_frame
from spinelib.sim.plan import PLAN_COLUMNS


def test_progression_plan_one_step_and_easier_weeks():
    "progression: at most one ladder step per week per exercise, with easier weeks"
    r = build_routine({"minutes_per_day": 20, "equipment": list(EQUIPMENT), "load_stage": 1, "irritability": "low"})
    p = r.progression(weeks=12, step_every=1, deload_every=4)
    steps = p.sort_values(["slot", "order", "week"]).groupby(["slot", "order"])["step"].diff().abs()
    assert steps.max() <= 1
    assert p.loc[p["week"].isin([4, 8, 12]), "deload"].all()
    first, last = p[p["week"] == 1], p[p["week"] == 11]
    assert last["load_level"].sum() > first["load_level"].sum()
    with pytest.raises(InputError, match="weeks"):
        r.progression(weeks=0)


def test_daily_plan_for_the_simulator():
    "daily plan: one row per day, minutes per category, planned on session days only"
    r = build_routine({"days_per_week": 5, "minutes_per_day": 15})
    plan = r.daily_plan(28)
    assert len(plan) == 28 and plan["planned"].sum() == 20
    mins = plan.filter(like="min_").sum(axis=1)
    assert (mins[plan["planned"]].round(6) <= 15).all() and (mins[~plan["planned"]] == 0).all()
    assert plan.loc[plan["planned"], "calm_first"].all()
    with pytest.raises(InputError, match="days"):
        r.daily_plan(0)
    climbing = build_routine({"minutes_per_day": 20, "equipment": ["band", "dumbbell", "kettlebell", "step", "mat"],
                              "irritability": "low"}).daily_plan(84)
    flat = build_routine({"minutes_per_day": 20, "equipment": ["band", "dumbbell", "kettlebell", "step", "mat"],
                          "irritability": "low"}).daily_plan(84, progression=False)
    week = lambda plan, w: plan["load_level"].iloc[7 * (w - 1):7 * w].max()
    assert week(climbing, 11) > week(climbing, 1) and week(climbing, 12) < week(climbing, 11)  # 12 is easier
    assert week(flat, 11) == week(flat, 1)


def test_routine_methods_are_the_progression_functions():
    "progression: Routine.progression/daily_plan give exactly what the module's functions give"
    r = build_routine({"minutes_per_day": 20, "equipment": list(EQUIPMENT), "irritability": "low"})
    assert r.progression(weeks=6).equals(progression_frame(r, weeks=6))
    assert r.daily_plan(42).equals(daily_plan(r, 42))
    assert list(r.daily_plan(7).columns) == list(PLAN_COLUMNS)


def test_planned_load_follows_the_progression():
    "progression: planned load is minutes x load level of strengthening items on session days, 0 on rest days"
    r = build_routine({"minutes_per_day": 20, "days_per_week": 3, "equipment": list(EQUIPMENT)})
    prog = r.progression(weeks=4)
    load = planned_load(prog, r.session_days)
    assert len(load) == 28 and set(load["week"]) == {1, 2, 3, 4}
    st = prog[(prog["week"] == 1) & prog["category"].isin(["micro_strength", "structured_load"])]
    first = load[load["week"] == 1]
    on = first["day"] % 7 < 7
    assert first.loc[first["day"].isin(r.session_days), "load"].tolist() == [
        pytest.approx(float((st["minutes"] * st["load_level"]).sum()))] * 3
    assert (first.loc[~first["day"].isin(r.session_days) & on, "load"] == 0).all()
    with pytest.raises(InputError, match="progression"):
        planned_load("not a table")


def test_planned_load_counts_strength_minutes_times_level_on_session_days():
    """planned_load: minutes x load level of the strengthening items, only on session days."""
    prog = pd.DataFrame({"week": [1, 1, 2, 2], "category": ["micro_strength", "transition"] * 2,
                         "minutes": [2.0, 5.0, 2.0, 5.0], "load_level": [2, 1, 3, 1], "deload": [False] * 4})
    load = planned_load(prog, session_days=(0, 2))
    assert len(load) == 14
    assert load["load"].tolist()[:7] == [4.0, 0.0, 4.0, 0.0, 0.0, 0.0, 0.0]
    assert load.loc[7, "load"] == 6.0
