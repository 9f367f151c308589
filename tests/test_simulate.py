"""Tests for the adherence and progression simulator: surface, outputs, scenarios, errors."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spinelib.errors import InputError
from spinelib.params import PARAMS, Params, param_table
from spinelib.scenarios import PLAN_COLUMNS, scenario_plan, scenario_table
from spinelib.simulate import (CHUNK, PERCENTILE_PEOPLE, STATES, ci95, make_draws, plan_arrays, run_model,
                               scenarios, simulate)

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["micro_strength", "max_effort", "calm_first", "strength_only", "transitions_practised",
         "transitions_untrained", "structured_load", "unstructured_spikes", "gentle_daily", "weekend_warrior",
         "supervised", "no_exercise"]


@pytest.fixture(scope="module")
def cohort():
    """Every scenario at N = 2000 over 84 days, seed 0 (the scenario-direction tests share these)."""
    return {name: simulate(name, people=2000, days=84, seed=0).people for name in NAMES}


# ----- surface ----------------------------------------------------------------------------------
def test_scenarios_lists_the_twelve_names():
    """scenarios: the twelve named scenarios, pairs side by side, the control last"""
    assert scenarios() == NAMES
    assert list(scenario_table()["name"]) == NAMES


def test_result_has_daily_people_and_no_trajectories_by_default():
    """simulate: .daily one row per day with mean and 2.5/97.5 columns per state; .people one row per person"""
    r = simulate("gentle_daily", people=300, days=30, seed=1)
    assert len(r.daily) == 30 and list(r.daily["day"]) == list(range(30))
    for s in STATES:
        for suffix in ("mean", "p2.5", "p97.5"):
            assert f"{s}_{suffix}" in r.daily.columns
    assert len(r.people) == 300 and r.people.index.name == "person"
    for col in ("pain_change", "adherence", "flares", "habit", "capacity"):
        assert col in r.people.columns
    assert r.trajectories is None
    assert r.people["adherence"].between(0, 1).all()
    assert r.people["pain_change"].between(-100, 100).all()
    assert (r.daily["pain_p2.5"] <= r.daily["pain_mean"]).all() and (r.daily["pain_mean"] <= r.daily["pain_p97.5"]).all()


def test_full_output_is_tidy():
    """simulate(full=True): one row per person-day with person, day, planned and every state"""
    r = simulate("weekend_warrior", people=20, days=14, seed=2, full=True)
    t = r.trajectories
    assert len(t) == 20 * 14
    assert {"person", "day", "planned", *STATES} <= set(t.columns)
    assert not t.duplicated(["person", "day"]).any()
    # the daily means are the means of the trajectories
    m = t.groupby("day")["pain"].mean().to_numpy()
    np.testing.assert_allclose(m, r.daily["pain_mean"].to_numpy(), rtol=1e-5)


def test_percentiles_are_exact_for_small_cohorts():
    """daily percentiles: equal to numpy's for a cohort no larger than PERCENTILE_PEOPLE"""
    assert PERCENTILE_PEOPLE >= 300
    r = simulate("max_effort", people=300, days=10, seed=3, full=True)
    for s in ("pain", "capacity", "sensitivity", "flare", "session"):
        x = r.trajectories[s].to_numpy().reshape(10, 300)
        np.testing.assert_allclose(np.percentile(x, 2.5, axis=1), r.daily[f"{s}_p2.5"], rtol=1e-6)
        np.testing.assert_allclose(np.percentile(x, 97.5, axis=1), r.daily[f"{s}_p97.5"], rtol=1e-6)


def test_same_seed_same_result_and_other_seed_differs():
    """seed: the same seed gives identical results; another seed gives others"""
    a = simulate("structured_load", people=500, days=40, seed=11)
    b = simulate("structured_load", people=500, days=40, seed=11)
    c = simulate("structured_load", people=500, days=40, seed=12)
    pd.testing.assert_frame_equal(a.people, b.people)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    assert not a.people["pain_change"].equals(c.people["pain_change"])


def _digest(r) -> str:
    return hashlib.sha256(r.people.to_numpy(dtype=float).tobytes() + r.daily.to_numpy(dtype=float).tobytes()).hexdigest()


def test_same_seed_same_result_in_another_process():
    """seed: a fresh Python process with the same seed gives a bit-identical result"""
    code = ("import hashlib; from spinelib.simulate import simulate; "
            "r = simulate('gentle_daily', people=300, days=30, seed=5); "
            "print(hashlib.sha256(r.people.to_numpy(dtype=float).tobytes() "
            "+ r.daily.to_numpy(dtype=float).tobytes()).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == _digest(simulate("gentle_daily", people=300, days=30, seed=5))


def test_chunks_and_threads_do_not_change_the_result():
    """run_model: more than one chunk, one or two threads, streamed or given draws: the same numbers"""
    n, days, p = CHUNK + 37, 6, Params()
    plan = plan_arrays(scenario_plan("gentle_daily", days), days, p)
    d = make_draws(n, days, seed=4)
    one = run_model(plan, d.persons, d.uniforms, p, threads=1)
    two = run_model(plan, d.persons, d.uniforms, p, threads=2)
    for k in one[1]:
        np.testing.assert_array_equal(one[1][k], two[1][k])
    streamed = simulate("gentle_daily", people=n, days=days, seed=4)
    np.testing.assert_allclose(streamed.people["pain_change"], one[1]["pain_change"], rtol=0, atol=0)


def test_a_plan_frame_gives_the_same_as_the_scenario_name():
    """simulate(plan DataFrame): the scenario's own plan gives the scenario's result"""
    a = simulate("transitions_practised", people=200, days=28, seed=6)
    b = simulate(scenario_plan("transitions_practised", 28), people=200, seed=6)
    pd.testing.assert_frame_equal(a.people, b.people)
    assert b.days == 28


class _FakeRoutine:
    """Anything with daily_plan(days) is a routine for the simulator."""

    def daily_plan(self, days):
        return scenario_plan("gentle_daily", days).drop(columns=["supervised"])


def test_a_routine_is_simulated_through_its_daily_plan():
    """simulate(routine): uses routine.daily_plan(days)"""
    a = simulate(_FakeRoutine(), people=200, days=21, seed=7)
    b = simulate("gentle_daily", people=200, days=21, seed=7)
    pd.testing.assert_frame_equal(a.people, b.people)
    assert a.what == "routine"


def test_a_built_routine_runs():
    """simulate(build_routine(...)): a real routine from the builder gives a cohort result"""
    from spinelib.routine import build_routine

    routine = build_routine({"minutes_per_day": 15})
    r = simulate(routine, people=100, days=28, seed=8)
    plan = routine.daily_plan(28)
    assert set(PLAN_COLUMNS) <= set(plan.columns)
    assert r.people["sessions"].max() <= int(plan["planned"].sum())


def test_a_referral_is_never_simulated():
    """simulate: a red-flag referral from build_routine gives a clear error, never a plan"""
    from spinelib.routine import build_routine

    referral = build_routine({"red_flags": {"saddle_numbness": "yes"}})
    with pytest.raises(InputError, match="^what: must be a routine, not a red-flag referral"):
        simulate(referral)


def test_params_table_has_unit_default_range_and_evidence():
    """params: every parameter has a unit, a default inside its range and evidence ids"""
    t = param_table()
    assert len(t) == len(PARAMS) and t["name"].is_unique
    assert (t["unit"].str.len() > 0).all() and (t["evidence"].str.len() > 0).all()
    assert ((t["lo"] <= t["default"].astype(float)) & (t["default"].astype(float) <= t["hi"])).all()
    Params()  # the defaults validate


# ----- the article's claims: direction at N = 2000 over 84 days, non-overlapping 95% intervals ---
PAIRS = [
    ("micro_strength", "max_effort", "flares", "less"),
    ("calm_first", "strength_only", "capacity_gain", "more"),
    ("transitions_practised", "transitions_untrained", "flares", "less"),
    ("structured_load", "unstructured_spikes", "flares", "less"),
    ("gentle_daily", "weekend_warrior", "pain_change", "less"),
    ("gentle_daily", "weekend_warrior", "habit", "more"),
]


@pytest.mark.parametrize("a,b,col,direction", PAIRS, ids=[f"{a}-{col}" for a, _, col, _ in PAIRS])
def test_scenario_direction_with_separate_intervals(cohort, a, b, col, direction):
    """scenarios: each pair shows the claimed direction with non-overlapping 95% intervals"""
    ma, loa, hia = ci95(cohort[a][col])
    mb, lob, hib = ci95(cohort[b][col])
    if direction == "less":
        assert hia < lob, f"{a} {col} {ma:.3f} [{loa:.3f}, {hia:.3f}] vs {b} {mb:.3f} [{lob:.3f}, {hib:.3f}]"
    else:
        assert loa > hib, f"{a} {col} {ma:.3f} [{loa:.3f}, {hia:.3f}] vs {b} {mb:.3f} [{lob:.3f}, {hib:.3f}]"


def test_weak_evidence_gives_small_pain_differences(cohort):
    """honest sizes: micro vs max effort and calm-first vs strength-only differ by < 5/100 in pain (I1-1, I1-2, I2-3)"""
    for a, b in (("micro_strength", "max_effort"), ("calm_first", "strength_only")):
        diff = cohort[a]["pain_change"].mean() - cohort[b]["pain_change"].mean()
        assert abs(diff) < 5, (a, b, diff)


def test_supervised_beats_no_exercise_by_about_15_points(cohort):
    """G1: supervised minus no exercise in pain change is near -15 on 0-100 (CI -18 to -12)"""
    diff = cohort["supervised"]["pain_change"].mean() - cohort["no_exercise"]["pain_change"].mean()
    assert -18 <= diff <= -12
    assert cohort["supervised"]["adherence"].mean() == pytest.approx(0.95, abs=0.01)


def test_natural_course_improves_without_exercise(cohort):
    """G9: with no exercise, mean pain still falls by about half over 12 weeks (no sessions at all)"""
    none = cohort["no_exercise"]
    assert -32 < none["pain_change"].mean() < -18
    assert none["sessions"].sum() == 0 and none["adherence"].isna().all()


def test_switching_a_mechanism_off_removes_its_pair_difference():
    """switches: with use_transitions off the transition pair no longer differs clearly in flares"""
    off = {"use_transitions": False}
    a = simulate("transitions_practised", people=2000, seed=0, params=off).people["flares"]
    b = simulate("transitions_untrained", people=2000, seed=0, params=off).people["flares"]
    (ma, loa, hia), (mb, lob, hib) = ci95(a), ci95(b)
    assert not (hia < lob), (ma, mb)


def test_more_calming_lowers_mean_sensitivity_in_a_cohort():
    """insight 2: more calming minutes a day gives lower mean sensitivity (defaults, common random numbers)"""
    base = scenario_plan("strength_only", 84)
    means = []
    for minutes in (0.0, 5.0, 10.0):
        plan = base.assign(min_down_regulation=minutes, calm_first=minutes > 0)
        means.append(simulate(plan, people=1000, seed=9).daily["sensitivity_mean"].mean())
    assert means[0] > means[1] > means[2]


# ----- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,message", [
    ({"people": -5}, "people: must be a whole number from 1 to 1,000,000 (got -5)"),
    ({"people": 0}, "people: must be a whole number from 1 to 1,000,000 (got 0)"),
    ({"people": 2.5}, "people: must be a whole number from 1 to 1,000,000 (got 2.5)"),
    ({"people": float("nan")}, "people: must be a whole number from 1 to 1,000,000 (got nan)"),
    ({"people": "ten"}, "people: must be a whole number from 1 to 1,000,000 (got 'ten')"),
    ({"days": 0}, "days: must be a whole number from 1 to 3,650 (got 0)"),
    ({"days": float("inf")}, "days: must be a whole number from 1 to 3,650 (got inf)"),
    ({"seed": -1}, "seed: must be a whole number from 0 to 9,223,372,036,854,775,807 (got -1)"),
    ({"full": "yes"}, "full: must be True or False (got 'yes')"),
    ({"params": {"flare_hazard": float("nan")}}, "flare_hazard: must be a number from 0.001 to 0.2 (per day) (got nan)"),
    ({"params": {"adherence0": 2}}, "adherence0: must be a number from 0.05 to 0.95 (probability) (got 2)"),
    ({"params": {"use_acwr": "no"}}, "use_acwr: must be True or False (got 'no')"),
    ({"params": {"no_such": 1}}, "params: must be names from spinelib.params.PARAMS (got 'no_such')"),
    ({"params": [1, 2]}, "params: must be None, a Params or a dict of parameter values (got list)"),
])
def test_bad_input_gives_a_one_line_error_naming_the_field(kwargs, message):
    """errors: one-line InputError naming the field, the allowed range and the value given"""
    with pytest.raises(InputError) as e:
        simulate("gentle_daily", **{"people": 10, "days": 7, **kwargs})
    assert str(e.value) == message
    assert "\n" not in str(e.value)


def test_bad_what_and_plans_give_clear_errors():
    """errors: unknown scenario, wrong type, a plan with a missing column, NaN or negative minutes"""
    with pytest.raises(InputError, match="^scenario: must be one of micro_strength"):
        simulate("yoga")
    with pytest.raises(InputError, match="^what: must be a scenario name, a routine"):
        simulate(42)
    plan = scenario_plan("gentle_daily", 7)
    with pytest.raises(InputError, match=r"^plan: must be a DataFrame with columns .* \(got missing control\)$"):
        simulate(plan.drop(columns=["control"]))
    with pytest.raises(InputError, match=r"^plan.min_transition: must be numbers from 0 to 600 \(got nan\)"):
        simulate(plan.assign(min_transition=np.nan))
    with pytest.raises(InputError, match=r"^plan.min_micro_strength: must be numbers from 0 to 600 \(got -1"):
        simulate(plan.assign(min_micro_strength=-1.0))
    with pytest.raises(InputError, match=r"^plan: must be at least 14 rows"):
        simulate(plan, days=14)
    with pytest.raises(InputError, match=r"^full: must be used with at most 5,000,000 person-days"):
        simulate("gentle_daily", people=100_000, days=84, full=True)


def test_parameter_and_target_evidence_ids_exist():
    """params: every evidence id of a parameter or calibration target is a row of data/evidence.csv"""
    from spinelib.evidence import load_evidence
    from spinelib.simulate import TARGETS

    ids = set(load_evidence()["id"])
    cited = {e for p in PARAMS for e in p.evidence.split(";")} | {e for t in TARGETS for e in t[3].split(";")}
    assert cited - {"assumption"} <= ids, sorted(cited - {"assumption"} - ids)


def test_structured_progression_keeps_the_load_ratio_near_the_sweet_spot():
    """insight 4: structured_load keeps the acute:chronic ratio about 0.8-1.3; the burst goes past 1.5"""
    s = simulate("structured_load", people=2000, seed=0).daily
    u = simulate("unstructured_spikes", people=2000, seed=0).daily
    assert s["acwr_p2.5"].min() >= 0.8 and s["acwr_p97.5"].max() <= 1.4
    assert 0.95 <= s["acwr_mean"].min() and s["acwr_mean"].max() <= 1.3
    assert u["acwr_p97.5"].max() > 1.5


def test_effective_stimulus_is_reported_and_calming_first_raises_it():
    """daily: the effective stimulus is a state; calming first lets more of the same work count"""
    a = simulate("calm_first", people=2000, days=84, seed=0).daily
    b = simulate("strength_only", people=2000, days=84, seed=0).daily
    assert {"stimulus_mean", "stimulus_p2.5", "stimulus_p97.5"} <= set(a.columns)
    assert (a["stimulus_p2.5"] >= 0).all()
    assert a["stimulus_mean"].sum() > b["stimulus_mean"].sum()
    none = simulate("no_exercise", people=200, days=28, seed=0).daily
    assert (none["stimulus_mean"] == 0).all()
