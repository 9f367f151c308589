"""Routine builder: budget, equipment, positions, order, determinism."""
from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from spinelib import (EQUIPMENT, GOALS, POSITIONS, InputError, Profile, Routine, audit, build_routine,
                      load_catalogue)
from spinelib.audit import passes
from spinelib.week import SLOTS

profiles = st.builds(
    dict,
    minutes_per_day=st.integers(5, 60),
    days_per_week=st.integers(1, 7),
    equipment=st.lists(st.sampled_from(EQUIPMENT), unique=True),
    positions=st.lists(st.sampled_from(POSITIONS), min_size=1, unique=True),
    irritability=st.sampled_from(["low", "moderate", "high"]),
    load_stage=st.integers(1, 5),
    goals=st.lists(st.sampled_from(GOALS), unique=True, max_size=3),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_any_valid_profile_gets_a_safe_plan_that_passes_its_audit(kw):
    "builder: for any valid profile the plan fits budget, equipment and positions, and passes the audit"
    r = build_routine(kw)
    p = Profile(**kw)
    assert r.minutes <= p.minutes_per_day + 1e-9
    for it in r.items:
        assert set(it.equipment) <= p.available_equipment
        assert it.position in p.positions
    cats = [it.category for it in r.items]
    assert "transition" in cats and "down_regulation" in cats
    first_strength = next((i for i, c in enumerate(cats) if c in ("micro_strength", "structured_load")), None)
    if first_strength is not None:
        assert "down_regulation" in cats[:first_strength]
    a = audit(r, p)
    assert passes(a), a.to_string()
    assert passes(audit(r, p, r.progression(weeks=12)))
    assert Routine.from_json(r.to_json()) == r
    for ex in r.progression(weeks=12)["exercise_id"]:  # the ladder never asks for missing equipment
        row = load_catalogue().set_index("id").loc[ex]
        assert set(row["equipment"]) <= p.available_equipment and row["position"] in p.positions
    plan = r.daily_plan(84)
    assert plan.filter(like="min_").sum(axis=1).max() <= p.minutes_per_day + 1e-9


@pytest.mark.parametrize("days", [1, 2, 7])
def test_long_requests_keep_sessions_gentle(days):
    "builder: more than 20 minutes asked for gives the gentle top of 20, with a note, so insight 5 never warns on it"
    r = build_routine({"days_per_week": days, "minutes_per_day": 60, "equipment": list(EQUIPMENT),
                       "load_stage": 4, "irritability": "low"})
    assert r.minutes == 20 and any("kept to 20 min" in n for n in r.notes)
    assert passes(audit(r))
    assert (days < 5) == (audit(r).set_index("insight").at[5, "status"] == "warn")  # only the days are left


def test_same_input_same_plan():
    "builder: deterministic"
    kw = {"minutes_per_day": 20, "equipment": ["band", "dumbbell"], "load_stage": 3}
    assert build_routine(kw).to_json() == build_routine(Profile(**kw)).to_json()


def test_three_slots_and_calm_first():
    "builder: morning stabilizers open with a calming drill, lying when the person can lie; evening is calming work"
    r = build_routine({"minutes_per_day": 15})
    assert all(r.slots[s] for s in SLOTS)
    assert r.slots["morning"][0].category == "down_regulation" and r.slots["morning"][0].position == "lying"
    assert all(it.category == "down_regulation" for it in r.slots["evening"])
    assert any(it.category == "mobility_reset" for it in r.slots["midday"])


def test_high_irritability_more_calming_lower_load():
    "builder: a highly irritable back gets more calming time and a lower load"
    base = {"minutes_per_day": 20, "load_stage": 3, "equipment": ["band", "dumbbell", "kettlebell", "step"]}
    low = build_routine({**base, "irritability": "low"})
    high = build_routine({**base, "irritability": "high"})
    calm = lambda r: sum(it.minutes for it in r.items if it.category == "down_regulation")
    top = lambda r: max(it.load_level for it in r.items if it.category in ("micro_strength", "structured_load"))
    assert calm(high) > calm(low)
    assert top(high) < top(low) <= 3


def test_load_follows_stage():
    "builder: each load stage brings its own structured-load rung, and the audit names it"
    eq = ["band", "dumbbell", "kettlebell", "step", "mat"]
    # 10 minutes cannot hold a level-5 drill (3.5 min or more) with as many micro-strength minutes beside it
    short = build_routine({"minutes_per_day": 10, "load_stage": 5, "equipment": eq, "irritability": "low"})
    assert [it.load_level for it in short.items if it.category == "structured_load"] == [4]
    for minutes in (12, 15, 20):
        for stage in (1, 2, 3, 4, 5):
            r = build_routine({"minutes_per_day": minutes, "load_stage": stage, "equipment": eq, "irritability": "low"})
            sl = [it for it in r.items if it.category == "structured_load"]
            reason = audit(r).set_index("insight").at[4, "reason"]
            if stage > 1 or sl:
                assert sl and max(it.load_level for it in sl) == stage, (minutes, stage, r.ids)
                assert f"level {stage} of the load ladder, your current stage" in reason
            else:
                assert "bottom of the ladder (stage 1)" in reason


def test_slots_change_position_once_per_position():
    "builder: a slot visits each position once (floor up; evening down towards bed), calming still first"
    r = build_routine({"minutes_per_day": 20, "load_stage": 3, "equipment": ["band", "dumbbell", "cushion"]})
    order = {"morning": POSITIONS, "midday": POSITIONS, "evening": tuple(reversed(POSITIONS))}
    for s in SLOTS:
        seen = [it.position for it in r.slots[s]]
        groups = [p for i, p in enumerate(seen) if i == 0 or seen[i - 1] != p]
        assert len(groups) == len(set(groups)), (s, seen)
        assert groups == sorted(groups, key=order[s].index) or r.slots[s][0].category == "down_regulation"
    assert r.slots["morning"][0].category == "down_regulation"


def test_bad_profile_types():
    "builder: a wrong type of profile is a clear error"
    with pytest.raises(InputError, match="profile"):
        build_routine(42)
