"""The compiled kernel (spinelib.sim.fast) against the plain-Python reference and simulate, same draws.

Tolerances: on float64 draws the kernel and :func:`run_reference` compute the same float64
equations (a few divisions by a constant become multiplications by its inverse, or the other
way round), so every end value agrees to 1e-9 and the counts (sessions, flares) exactly. Against
:func:`simulate`, which computes in float32, a uniform within float32 rounding of a probability
can take the other branch for one person, so cohort means agree to 1e-3 (relative, or absolute
for a mean near 0) and at least 97% of people have the same flare count and adherence. Measured
(4 scenarios x 5 parameter sets x 500 people x 84 days): the kernel equals run_reference exactly
on float64 draws (0 difference, 12 scenarios x 6 parameter sets); against simulate, at most
2.3e-3 relative on one cohort mean, 3 people in 10,000 with another flare count.
"""
from __future__ import annotations

import numpy as np
import pytest

from spinelib.research.priors import draw_params, priors, uncertain_names, valid_params
from spinelib.sim import Params, make_draws, plan_arrays, run_reference, scenario_plan, scenarios, simulate
from spinelib.sim.engine import PERSON_FIELDS, draw_people, generators
from spinelib.sim.fast import (DAY_PARAMS, DRAW_PARAMS, END_FIELDS, FAST_OUTCOMES, coefficients, day_matrix,
                               run_rows, simulate_many)
from spinelib.sim.params import MECHANISMS
from spinelib.sim.plan import day_constants


def _reference_and_fast(name, people, days, params_list, seed=0):
    """End values of run_reference (one parameter set at a time) and of run_rows (all in one call)."""
    refs, plans = [], []
    for p in params_list:
        plan = plan_arrays(scenario_plan(name, days), days, p)
        d = make_draws(people, days, seed=seed, params=p, dtype="float64")
        refs.append(run_reference(plan, d.persons, d.uniforms, p)[1])
        plans.append((plan, d))
    # the kernel: one row per parameter set, each with its own people (their laws depend on the parameters)
    persons = np.stack([np.array([d.persons[k] for k in PERSON_FIELDS]) for _, d in plans])
    day_c = np.concatenate([day_matrix(plan, np.zeros(days, bool), [p]) for (plan, _), p in zip(plans, params_list)])
    out = run_rows(coefficients(params_list), day_c, persons, np.arange(len(params_list)), plans[0][1].uniforms)
    return refs, out


def _assert_end_match(ref, got, atol=1e-9):
    for k, f in enumerate(END_FIELDS):
        if f in ("sessions", "early", "late", "flares", "flare_days", "dropout_day"):
            np.testing.assert_array_equal(got[k], ref[f], err_msg=f)
        else:
            np.testing.assert_allclose(got[k], ref[f], rtol=0, atol=atol, err_msg=f)


@pytest.mark.parametrize("name", scenarios())
def test_kernel_matches_reference_at_the_defaults(name):
    "fast: every scenario, default parameters, float64 draws: end values to 1e-9, counts exactly"
    refs, out = _reference_and_fast(name, 40, 84, [Params()], seed=1)
    _assert_end_match(refs[0], out[0])


@pytest.mark.parametrize("name", ["micro_strength", "max_effort", "supervised", "weekend_warrior"])
def test_kernel_matches_reference_for_parameter_sets_from_the_priors(name):
    "fast: 6 random parameter sets from the priors, each row its own set, in one call: each as run alone"
    sets = draw_params(6, seed=7)
    refs, out = _reference_and_fast(name, 25, 70, sets, seed=2)
    for r in range(len(sets)):
        _assert_end_match(refs[r], out[r])


@pytest.mark.parametrize("switch", list(MECHANISMS))
def test_kernel_matches_reference_with_each_mechanism_off(switch):
    "fast: the same with each insight's mechanism switched off (the switches are columns of coef too)"
    refs, out = _reference_and_fast("gentle_daily", 20, 60, [Params(**{switch: False}), Params()], seed=3)
    _assert_end_match(refs[0], out[0])
    _assert_end_match(refs[1], out[1])


def test_rows_are_independent_of_their_neighbours():
    "fast: a row gives the same whether it runs alone or among rows with other parameters, in any order"
    sets = draw_params(5, seed=11)
    _, together = _reference_and_fast("calm_first", 15, 42, sets, seed=4)
    _, alone = _reference_and_fast("calm_first", 15, 42, [sets[3]], seed=4)
    np.testing.assert_array_equal(together[3], alone[0])
    _, reverse = _reference_and_fast("calm_first", 15, 42, sets[::-1], seed=4)
    np.testing.assert_array_equal(reverse[::-1], together)


@pytest.mark.parametrize("name", ["micro_strength", "max_effort", "no_exercise", "transitions_untrained"])
def test_simulate_many_matches_simulate(name):
    "simulate_many: the cohort means of simulate (float32) for several parameter sets, to 1e-3 relative"
    sets = [Params()] + draw_params(3, seed=5)
    many, each = simulate_many(name, sets, people=120, days=84, seed=9, per_person=True)
    for r, p in enumerate(sets):
        ppl = simulate(name, people=120, days=84, seed=9, params=p).people
        for o in FAST_OUTCOMES:
            want = float(np.nanmean(ppl[o])) if ppl[o].notna().any() else np.nan
            assert many[o].iloc[r] == pytest.approx(want, rel=1e-3, abs=1e-3, nan_ok=True), (r, o)
        # person by person: the same sessions and flares for (nearly) everybody
        assert (each["flares"][r] == ppl["flares"].to_numpy()).mean() >= 0.97
        same = np.isclose(each["adherence"][r], ppl["adherence"].to_numpy(), rtol=0, atol=1e-6, equal_nan=True)
        assert same.mean() >= 0.97


def test_simulate_many_on_a_list_shares_people_and_matches_single_runs():
    "simulate_many: a list of scenarios gives, per scenario, what that scenario gives alone"
    sets = draw_params(4, seed=6)
    both = simulate_many(["micro_strength", "max_effort"], sets, people=60, days=56, seed=3, batch=3)
    for name in ("micro_strength", "max_effort"):
        alone = simulate_many(name, sets, people=60, days=56, seed=3)
        np.testing.assert_array_equal(both.loc[name].to_numpy(), alone.to_numpy())


def test_only_the_listed_parameters_change_the_people_or_the_day_constants():
    "fast: DRAW_PARAMS and DAY_PARAMS list every parameter that changes draw_people or day_constants"
    base = Params()
    plan = plan_arrays(scenario_plan("calm_first", 28), 28, base)
    d0 = draw_people(generators(0, 30)[0], 30, base)
    c0 = day_constants(plan, base)
    prior = priors()
    for name in uncertain_names():
        other = valid_params({name: float(prior[name].ppf(0.9))}, base, prior)
        assert other.__dict__[name] != base.__dict__[name], name
        if name not in DRAW_PARAMS:
            d1 = draw_people(generators(0, 30)[0], 30, other)
            assert all(np.array_equal(d0[k], d1[k]) for k in d0), name
        if name not in DAY_PARAMS:
            assert day_constants(plan, other) == c0, name


def test_rows_with_the_same_inputs_run_once(monkeypatch):
    "simulate_many: a parameter the plan never reads (session length for 15-minute sessions, supervised "
    "adherence without supervised days) gives a twin row, run once, with simulate's numbers"
    from spinelib.sim import fast

    ran = []
    real = fast.run_rows
    monkeypatch.setattr(fast, "run_rows", lambda coef, *a, **k: ran.append(len(coef)) or real(coef, *a, **k))
    sets = [Params(), Params(length_penalty=1.5), Params(supervised_adherence=0.5, dropout_supervised=0.5),
            Params(flare_hazard=0.03)]
    m = simulate_many("micro_strength", sets, people=80, days=42, seed=4)
    assert ran == [2]
    assert m.iloc[0].equals(m.iloc[1]) and m.iloc[0].equals(m.iloc[2]) and not m.iloc[0].equals(m.iloc[3])
    for r, p in enumerate(sets):
        want = simulate("micro_strength", people=80, days=42, seed=4, params=p).people["flares"].mean()
        assert m["flares"].iloc[r] == pytest.approx(want, abs=1e-3)
