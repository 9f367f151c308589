"""The vectorized model (spinelib.sim.engine) against the plain-Python reference (spinelib.sim.scalar), same draws."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinelib.sim import engine
from spinelib.sim.engine import make_draws, run_model, simulate
from spinelib.sim.params import MECHANISMS, Params
from spinelib.sim.plan import plan_arrays
from spinelib.sim.results import STATES
from spinelib.sim.scalar import run_reference
from spinelib.sim.scenarios import scenario_plan, scenarios


def _both(name, people, days, params=None, seed=0, dtype=np.float64):
    p = Params.coerce(params)
    plan = plan_arrays(scenario_plan(name, days), days, p)
    d = make_draws(people, days, seed=seed, params=p, dtype=dtype)
    daily, ppl, traj = run_model(plan, d.persons, d.uniforms, p, full=True, dtype=dtype, engine="vector")
    ref_traj, ref_end = run_reference(plan, d.persons, d.uniforms, p)
    return traj, ppl, ref_traj, ref_end


def _assert_match(traj, ppl, ref_traj, ref_end, days, people, atol):
    for k, s in enumerate(STATES):
        got = np.asarray(traj[s], dtype=float).reshape(days, people)
        np.testing.assert_allclose(got, ref_traj[:, k, :], rtol=0, atol=atol, err_msg=s)
    np.testing.assert_array_equal(ppl["sessions"], ref_end["sessions"])
    np.testing.assert_array_equal(ppl["flares"], ref_end["flares"])
    np.testing.assert_allclose(ppl["pain_end"], ref_end["pain_tail"], rtol=0, atol=atol)
    np.testing.assert_allclose(ppl["habit"], ref_end["habit"], rtol=0, atol=atol)
    np.testing.assert_array_equal(ppl["dropout_day"], ref_end["dropout_day"])


@pytest.mark.parametrize("name", scenarios())
def test_vectorized_matches_reference_in_float64(name):
    """reference: with the same float64 draws, every state of every person-day agrees to 1e-9"""
    traj, ppl, ref_traj, ref_end = _both(name, people=40, days=84, seed=1)
    _assert_match(traj, ppl, ref_traj, ref_end, 84, 40, atol=1e-9)


@pytest.mark.parametrize("switch", list(MECHANISMS))
def test_vectorized_matches_reference_with_each_mechanism_off(switch):
    """reference: the two agree with each insight's mechanism switched off"""
    traj, ppl, ref_traj, ref_end = _both("gentle_daily", people=30, days=60, params={switch: False}, seed=2)
    _assert_match(traj, ppl, ref_traj, ref_end, 60, 30, atol=1e-9)


def test_float32_model_matches_reference_closely():
    """reference: the float32 fast path agrees with the float64 reference to about 1e-3 (same events)"""
    traj, ppl, ref_traj, ref_end = _both("structured_load", people=30, days=84, seed=3, dtype=np.float32)
    _assert_match(traj, ppl, ref_traj, ref_end, 84, 30, atol=2e-3)


def test_small_cohorts_use_the_scalar_path_with_the_same_numbers():
    """simulate: for a handful of people the plain-Python loop gives what the vectorized model gives"""
    small = simulate("calm_first", people=3, days=50, seed=4)
    p = Params()
    plan = plan_arrays(scenario_plan("calm_first", 50), 50, p)
    d = make_draws(3, 50, seed=4)
    _, ppl, _ = run_model(plan, d.persons, d.uniforms, p, engine="vector")
    np.testing.assert_allclose(small.people["pain_end"], ppl["pain_end"], rtol=1e-4)
    np.testing.assert_array_equal(small.people["sessions"], ppl["sessions"])


FLOATS = {"flare_hazard": (0.005, 0.1), "adherence0": (0.1, 0.9), "sens_stimulus": (0.0, 0.9),
          "downreg_effect": (0.0, 0.05), "acwr_beta": (0.0, 3.0), "k_capacity": (0.01, 0.3),
          "overload_flare": (0.0, 2.0), "transition_effect": (0.0, 0.6), "habit_decay": (0.0, 0.05),
          # issue 9
          "dropout_hazard": (0.0, 0.05), "dropout_supervised": (0.1, 10.0), "dropout_nonresponse": (0.0, 4.0),
          "supervised_adherence": (0.5, 1.0), "habit_tau": (30.0, 1000.0), "fluct_sd": (0.0, 25.0),
          "fluct_tau": (1.0, 60.0), "confidence_flare": (0.0, 1.0), "confidence_rate": (0.0, 0.3),
          "attention_home": (0.0, 1.0), "dose_saturation": (5.0, 200.0), "overload_stimulus": (0.0, 5.0),
          "overload_sens": (0.0, 0.5), "response_shape": (0.5, 50.0), "flare_end": (0.3, 1.0)}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.fixed_dictionaries({k: st.floats(lo, hi) for k, (lo, hi) in FLOATS.items()}),
       name=st.sampled_from(scenarios()), seed=st.integers(0, 10_000))
def test_vectorized_matches_reference_for_random_parameters(values, name, seed):
    """reference: agreement holds across the parameter ranges, not only at the defaults"""
    traj, ppl, ref_traj, ref_end = _both(name, people=6, days=35, params=values, seed=seed)
    _assert_match(traj, ppl, ref_traj, ref_end, 35, 6, atol=1e-8)


@pytest.mark.parametrize("cells", [1, 500, 10_000])
def test_blocks_of_days_do_not_change_the_result(monkeypatch, cells):
    """run_model: one day per block, a few days per block or all days in one block give the reference's numbers"""
    monkeypatch.setattr(engine, "BLOCK_CELLS", cells)
    traj, ppl, ref_traj, ref_end = _both("weekend_warrior", people=20, days=30, seed=6)
    _assert_match(traj, ppl, ref_traj, ref_end, 30, 20, atol=1e-9)


@pytest.mark.parametrize("name", ["gentle_daily", "supervised", "max_effort"])
def test_vectorized_matches_reference_with_many_drop_outs_and_big_swings(name):
    """reference: drop-out (absorbing), fluctuation and overload agree when they happen often"""
    values = {"dropout_hazard": 0.01, "dropout_supervised": 3.0, "fluct_sd": 20.0, "overload_sens": 0.5,
              "confidence_flare": 0.8, "supervised_adherence": 1.0}
    traj, ppl, ref_traj, ref_end = _both(name, people=40, days=120, params=values, seed=8)
    assert 0 < np.isfinite(ref_end["dropout_day"]).sum() < 40
    _assert_match(traj, ppl, ref_traj, ref_end, 120, 40, atol=1e-9)
