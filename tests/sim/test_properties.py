"""Property tests (hypothesis) for the simulator: bounds, monotone calming, no plan no session, bad input."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinelib.errors import InputError
from spinelib.sim.engine import simulate
from spinelib.sim.params import PARAMS, Params
from spinelib.sim.plan import CATEGORY_COLUMNS
from spinelib.sim.scenarios import scenario_plan, scenarios

from .strategies import valid_params

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])



@FAST
@given(values=valid_params, name=st.sampled_from(scenarios()), seed=st.integers(0, 2**32))
def test_states_stay_in_their_bounds_for_any_valid_parameters(values, name, seed):
    """bounds: sensitivity, habit, skill in [0, 1]; pain in [0, 100]; capacity, fatigue, loads >= 0; flags 0/1"""
    r = simulate(name, people=12, days=45, seed=seed, full=True, params=values)
    t = r.trajectories
    for col in ("sensitivity", "habit", "transition_skill"):
        assert t[col].between(0, 1).all(), col
    assert t["pain"].between(0, 100).all()
    assert (t["capacity"] >= 0).all() and (t["fatigue"] >= 0).all()
    assert (t["acute"] > 0).all() and (t["chronic"] > 0).all() and (t["acwr"] > 0).all()
    assert t["flare"].isin([0, 1]).all() and t["session"].isin([0, 1]).all()
    assert np.isfinite(t[["capacity", "fatigue", "pain", "acwr"]].to_numpy()).all()
    ppl = r.people
    assert ppl["adherence"].dropna().between(0, 1).all()
    assert ppl["pain_change"].between(-100, 100).all()


@FAST
@given(values=valid_params, less=st.floats(0, 20), extra=st.floats(0.5, 20), seed=st.integers(0, 2**32))
def test_more_down_regulation_never_raises_mean_sensitivity(values, less, extra, seed):
    """insight 2: with the same people and draws, more calming minutes never raise mean sensitivity.

    Sessions are supervised, with attendance made independent of pain and flares and no
    drop-out (so the plan does not change who attends), and flares are made independent of
    sensitivity (no sensitivity term in the hazard or the stimulus), so the comparison isolates
    the calming equation; the cohort test in test_scenarios.py covers the full model at the
    defaults.
    """
    values = {**values, "sens_flare_hazard": 0.0, "sens_stimulus": 0.0, "pain_penalty": 0.0, "flare_penalty": 0.0,
              "dropout_hazard": 0.0}
    base = scenario_plan("supervised", 40)
    means = []
    for minutes in (less, less + extra):
        plan = base.assign(min_down_regulation=minutes)
        r = simulate(plan, people=15, seed=seed, params=values)
        means.append(r.daily["sensitivity_mean"].mean())
    assert means[1] <= means[0] + 1e-6


@FAST
@given(values=valid_params, seed=st.integers(0, 2**32), minutes=st.floats(0, 60),
       planned=st.lists(st.booleans(), min_size=20, max_size=20))
def test_no_planned_session_means_no_session_done(values, seed, minutes, planned):
    """adherence: a day that is not planned (or has no minutes) never has a session done"""
    plan = scenario_plan("gentle_daily", 20).assign(planned=planned, supervised=False)
    plan["min_micro_strength"] = minutes
    r = simulate(plan, people=10, seed=seed, params=values, full=True)
    s = r.trajectories.pivot(index="day", columns="person", values="session").to_numpy()
    total = minutes + plan[[c for c in CATEGORY_COLUMNS if c != "min_micro_strength"]].sum(axis=1).to_numpy()
    off = ~(np.array(planned) & (total > 0))
    assert (s[off] == 0).all()
    none = plan.assign(planned=False)
    r0 = simulate(none, people=10, seed=seed, params=values)
    assert r0.people["sessions"].sum() == 0 and r0.people["adherence"].isna().all()
    assert (r0.daily["session_mean"] == 0).all()


bad_counts = st.one_of(
    st.integers(max_value=0), st.integers(min_value=1_000_001),
    st.floats().filter(lambda x: not (math.isfinite(x) and x.is_integer() and 1 <= x <= 1_000_000)),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), None, "10", [10], True]),
)


@settings(max_examples=60, deadline=None)
@given(value=bad_counts)
def test_bad_people_give_a_clear_error(value):
    """errors: negative, zero, too many, fractional, NaN, inf or non-numbers for people name the field"""
    with pytest.raises(InputError) as e:
        simulate("gentle_daily", people=value, days=5)
    assert str(e.value).startswith("people: must be a whole number from 1 to 1,000,000 (got ")


@settings(max_examples=40, deadline=None)
@given(value=st.one_of(st.integers(max_value=0), st.integers(min_value=3651),
                       st.sampled_from([float("nan"), float("inf"), 1.5, "84", [84], False])))
def test_bad_days_give_a_clear_error(value):
    """errors: zero, negative, too long, NaN, inf or wrong types for days name the field"""
    with pytest.raises(InputError) as e:
        simulate("gentle_daily", people=5, days=value)
    assert str(e.value).startswith("days: must be a whole number from 1 to 3,650 (got ")


numeric = [p for p in PARAMS if p.kind == "float"]


@settings(max_examples=60, deadline=None)
@given(spec=st.sampled_from(numeric), data=st.data())
def test_bad_parameter_values_name_the_parameter(spec, data):
    """errors: NaN, inf, out-of-range or wrong-type parameter values name the parameter"""
    value = data.draw(st.one_of(
        st.sampled_from([float("nan"), float("inf"), -float("inf"), "1", None, [1.0]]),
        st.floats(max_value=spec.lo, exclude_max=True, allow_nan=False, allow_infinity=False),
        st.floats(min_value=spec.hi, exclude_min=True, allow_nan=False, allow_infinity=False),
    ))
    with pytest.raises(InputError) as e:
        Params(**{spec.name: value})
    msg = str(e.value)
    assert msg.startswith(f"{spec.name}: must be a number from ") and "\n" not in msg


@settings(max_examples=30, deadline=None)
@given(col=st.sampled_from(list(CATEGORY_COLUMNS) + ["load_level", "control"]),
       value=st.sampled_from([float("nan"), float("inf"), -1.0, 1e6]))
def test_bad_plan_values_name_the_column(col, value):
    """errors: NaN, inf or out-of-range plan values name the plan column"""
    plan = scenario_plan("gentle_daily", 7)
    plan.loc[3, col] = value
    with pytest.raises(InputError) as e:
        simulate(plan, people=5)
    assert str(e.value).startswith(f"plan.{col}: must be numbers from ")
