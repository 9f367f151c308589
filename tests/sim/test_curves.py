"""Tests for the model's sub-equations (spinelib.sim.curves): load averages, the ratio's hazard, the habit curve.

The engine and the scalar reference take their coefficients from these functions; the
tests here also check that the curves run alone agree with the full model.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from spinelib.errors import InputError
from spinelib.sim.curves import (ACWR_BAND, acwr, acwr_multiplier, daily_decay, days_to_95, ewma_rate, habit_curve,
                                 habit_rate, habit_step)
from spinelib.sim.engine import draw_people, generators, simulate
from spinelib.sim.params import Params
from spinelib.sim.plan import plan_frame


# ----- acwr (was planner_widgets.acwr) ------------------------------------------------------------
def test_acwr_is_one_at_a_steady_load_and_rises_after_a_spike():
    """acwr: 1 at any steady load; a week at 3x the usual load takes it above 1.5."""
    assert acwr([7.0] * 70)["acwr"].between(0.999, 1.001).all()
    spike = acwr([10.0] * 28 + [30.0] * 7)["acwr"]
    assert spike.iloc[27] == pytest.approx(1.0) and 1.5 < spike.iloc[-1] < 1.65


def test_acwr_bad_load_is_an_input_error():
    """acwr: negative, empty or non-finite loads raise a one-line InputError."""
    for bad in ([], [1.0, -1.0], [1.0, float("nan")]):
        with pytest.raises(InputError, match="^load: must be"):
            acwr(bad)


def test_acwr_spans_default_to_the_simulator_and_can_be_changed():
    """acwr: the default spans are Params().acute_days and chronic_days; other spans give other averages"""
    p = Params()
    load = [5.0] * 14 + [20.0] * 10
    pd_default = acwr(load)
    same = acwr(load, acute=p.acute_days, chronic=p.chronic_days)
    assert pd_default.equals(same)
    assert not acwr(load, acute=3, chronic=p.chronic_days)["acute"].equals(pd_default["acute"])
    assert list(pd_default.columns) == ["acute", "chronic", "acwr"]
    assert acwr([0.0] * 5)["acwr"].isna().all()  # no load at all: no ratio
    assert ACWR_BAND == (0.8, 1.3)


def test_acwr_is_the_models_load_average_equation():
    """acwr: with every session done, the model's acute and chronic loads are acwr() of its daily load"""
    p = Params(supervised_adherence=1.0)
    plan = plan_frame(42, micro_strength=12, transition=3, load_level=2, control=4, days_per_week=3)
    plan["supervised"] = plan["planned"]
    r = simulate(plan, people=1, seed=0, full=True, params=p)  # one person: the scalar reference
    done = r.trajectories["session"].to_numpy()
    assert done.sum() == plan["planned"].sum()
    load = p.life_load + done * ((12 * 2.0) + p.light_intensity * 3)
    curve = acwr(load, start=p.life_load)
    np.testing.assert_array_equal(r.trajectories["acute"].to_numpy(), curve["acute"].to_numpy())
    np.testing.assert_array_equal(r.trajectories["chronic"].to_numpy(), curve["chronic"].to_numpy())


def test_ewma_rate_and_daily_decay():
    """ewma_rate: a_n = 1 - exp(-1/n); daily_decay: exp(-1/n); they add up to 1"""
    for n in (3.0, 7.0, 28.0, 42.0):
        assert ewma_rate(n) == pytest.approx(1 - math.exp(-1 / n), rel=1e-15)
        assert daily_decay(n) + ewma_rate(n) == pytest.approx(1.0, rel=1e-15)
    # after n days at a new load, an average of span n has moved 1 - 1/e of the way
    assert 1 - (1 - ewma_rate(7.0)) ** 7 == pytest.approx(1 - math.exp(-1))


# ----- the load ratio's flare hazard ----------------------------------------------------------------
def test_acwr_multiplier_is_one_up_to_the_threshold_and_follows_the_parameters():
    """acwr_multiplier: 1 up to acwr_threshold, then exp(acwr_beta * excess); takes a Params or a dict"""
    p = Params()
    assert acwr_multiplier(p.acwr_threshold).item() == 1.0
    assert acwr_multiplier(p.acwr_threshold + 0.5).item() == pytest.approx(math.exp(0.5 * p.acwr_beta))
    assert acwr_multiplier([2.0], {"acwr_beta": 0.0})[0] == 1.0
    assert acwr_multiplier(2.0, {"acwr_threshold": 1.0, "acwr_beta": 1.0}).item() == pytest.approx(math.e)


# ----- habit (was planner_widgets.habit_curve / days_to_95) ----------------------------------------
def test_habit_curve_follows_lally_and_misses_cost_little():
    """habit_curve: 95% of the plateau on the chosen day; skipping every 7th day costs a little, not a lot."""
    h = habit_curve(120, 66)
    assert h.loc[66, "habit"] == pytest.approx(0.95, abs=0.005)
    assert days_to_95(math.log(20) / 66) == pytest.approx(66)
    missed = habit_curve(120, 66, miss_every=7)
    assert 0.85 < missed.loc[120, "habit"] < h.loc[120, "habit"]


def test_habit_curve_columns_misses_and_bad_input():
    """habit_curve: day 0 is 0, missed days are marked and dip by habit_decay; bad values name the field"""
    h = habit_curve(10, 30, miss_every=3)
    assert list(h.columns) == ["day", "practised", "habit"] and len(h) == 11
    assert h.loc[0, "habit"] == 0.0 and not h.loc[0, "practised"]
    assert list(h.loc[~h["practised"], "day"]) == [0, 3, 6, 9]
    assert h.loc[3, "habit"] == pytest.approx(h.loc[2, "habit"] * (1 - Params().habit_decay))
    for kw, field in (({"days": 0}, "days"), ({"days_to_plateau": 2}, "days to plateau"),
                      ({"miss_every": 40}, "miss every")):
        with pytest.raises(InputError, match=f"^{field}: must be"):
            habit_curve(**kw)


def test_habit_rate_and_days_to_95_are_inverses():
    """habit_rate: ln(20)/T95, so days_to_95(habit_rate(T)) == T, and the curve is at 95% after T days"""
    for t95 in (18.0, 66.0, 254.0):
        c = habit_rate(t95)
        assert days_to_95(c) == pytest.approx(t95, rel=1e-15)
        assert 1 - math.exp(-c * t95) == pytest.approx(0.95)
    np.testing.assert_allclose(habit_rate(np.array([18.0, 66.0])), [math.log(20) / 18, math.log(20) / 66])


def test_habit_step_gives_the_curve_one_session_at_a_time():
    """habit_step: n sessions in a row of H += s (1 - H) give the Lally curve 1 - exp(-c n)"""
    c = habit_rate(66.0)
    s = float(habit_step(c))
    h = 0.0
    curve = habit_curve(100, 66)["habit"].to_numpy()
    for n in range(1, 101):
        h += s * (1 - h)
        assert h == pytest.approx(curve[n], rel=1e-12)


def test_the_simulators_habit_draw_is_the_habit_step_of_its_t95():
    """draw_people: each person's habit_rate is habit_step(habit_rate(T95)) of a log-normal T95"""
    p = Params(habit_t95_sd=0.0)
    root, _ = generators(0, 5)
    per = draw_people(root, 5, p, dtype=np.float64)
    np.testing.assert_array_equal(per["habit_rate"], habit_step(habit_rate(np.full(5, p.habit_t95_median))))
    assert days_to_95(-np.log1p(-per["habit_rate"][0])) == pytest.approx(p.habit_t95_median)
