"""Tests for the vectorized simulator (spinelib.sim.engine): surface, outputs, seeds, chunks, errors."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spinelib.builder import build_routine
from spinelib.errors import InputError
from spinelib.sim import engine
from spinelib.sim.engine import CHUNK, PERCENTILE_PEOPLE, make_draws, run_model, simulate
from spinelib.sim.params import Params
from spinelib.sim.plan import PLAN_COLUMNS, plan_arrays
from spinelib.sim.results import STATES
from spinelib.sim.scenarios import scenario_plan

ROOT = Path(__file__).resolve().parents[2]


# ----- outputs ----------------------------------------------------------------------------------
def test_result_has_daily_people_and_no_trajectories_by_default():
    """simulate: .daily one row per day with mean and 2.5/97.5 columns per state; .people one row per person"""
    r = simulate("gentle_daily", people=300, days=30, seed=1)
    assert len(r.daily) == 30 and list(r.daily["day"]) == list(range(30))
    for s in STATES:
        for suffix in ("mean", "p2.5", "p97.5"):
            assert f"{s}_{suffix}" in r.daily.columns
    assert len(r.people) == 300 and r.people.index.name == "person"
    for col in ("pain_change", "adherence", "flares", "habit", "capacity", "dropped_out", "dropout_day"):
        assert col in r.people.columns
    assert r.people["dropped_out"].dtype == bool
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


# ----- seeds, chunks, threads -----------------------------------------------------------------------
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
    code = ("import hashlib; from spinelib.sim import simulate; "
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


# ----- what can be simulated ----------------------------------------------------------------------
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
    routine = build_routine({"minutes_per_day": 15})
    r = simulate(routine, people=100, days=28, seed=8)
    plan = routine.daily_plan(28)
    assert set(PLAN_COLUMNS) <= set(plan.columns)
    assert r.people["sessions"].max() <= int(plan["planned"].sum())


def test_a_referral_is_never_simulated():
    """simulate: a red-flag referral from build_routine gives a clear error, never a plan"""
    referral = build_routine({"red_flags": {"saddle_numbness": "yes"}})
    with pytest.raises(InputError, match="^what: must be a routine, not a red-flag referral"):
        simulate(referral)


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
    ({"params": {"no_such": 1}}, "params: must be names from spinelib.sim.PARAMS (got 'no_such')"),
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


def test_run_model_checks_its_draws_and_engine():
    """run_model: uniforms of the wrong shape, the wrong number of generators or an unknown engine name the field"""
    p = Params()
    plan = plan_arrays(scenario_plan("gentle_daily", 7), 7, p)
    d = make_draws(10, 7, seed=0)
    with pytest.raises(InputError, match=r"^uniforms: must be an array of shape \(7, 10\) \(got \(7, 9\)\)"):
        run_model(plan, d.persons, d.uniforms[:, :9], p)
    with pytest.raises(InputError, match="^uniforms: must be 1 generators, one per chunk"):
        run_model(plan, d.persons, [np.random.default_rng(0)] * 2, p)
    with pytest.raises(InputError, match="^engine: must be one of auto, vector, scalar"):
        run_model(plan, d.persons, d.uniforms, p, engine="gpu")


def test_the_states_are_addressed_by_name():
    """engine: its named row indices are the positions of the states in STATES (no bare numbers)"""
    for name in STATES:
        const = {"transition_skill": "SKILL"}.get(name, name.upper())
        assert getattr(engine, const) == STATES.index(name), name
    assert [STATES[k] for k in engine.BINARY] == ["flare", "session", "dropped"]


def test_threads_change_nothing_but_the_threads():
    "simulate: one thread or two give identical results; a bad thread count is a one-line error naming it"
    a = simulate("gentle_daily", people=600, days=70, seed=4)
    b = simulate("gentle_daily", people=600, days=70, seed=4, threads=1)
    assert a.daily.equals(b.daily) and a.people.equals(b.people)
    with pytest.raises(InputError, match="^threads: must be a whole number from 1 to 64"):
        simulate("gentle_daily", people=10, days=7, threads=0)


@pytest.mark.parametrize("people,days,full", [(300, 40, False), (120, 30, True), (3, 20, True)])
def test_without_bands_everything_else_is_identical(people, days, full):
    """simulate(bands=False): no daily 2.5/97.5 columns, and every other number of the result is the same to the bit
    (people, the daily means, the trajectories), on the vector and the one-by-one (scalar) engine"""
    a = simulate("gentle_daily", people=people, days=days, seed=4, full=full)
    b = simulate("gentle_daily", people=people, days=days, seed=4, full=full, bands=False)
    assert not [c for c in b.daily.columns if c.endswith(("_p2.5", "_p97.5"))]
    kept = [c for c in a.daily.columns if not c.endswith(("_p2.5", "_p97.5"))]
    assert list(b.daily.columns) == kept and len(kept) == 2 + len(STATES)
    pd.testing.assert_frame_equal(a.daily[kept], b.daily, check_exact=True)
    pd.testing.assert_frame_equal(a.people, b.people, check_exact=True)
    if full:
        pd.testing.assert_frame_equal(a.trajectories, b.trajectories, check_exact=True)
    with pytest.raises(InputError, match="^bands"):
        simulate("gentle_daily", people=10, days=5, bands="no")
