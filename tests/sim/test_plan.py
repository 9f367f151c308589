"""Tests for the day-plan schema (spinelib.sim.plan): plan_frame, plan_from_week, plan_arrays, day_constants."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spinelib.errors import InputError
from spinelib.sim.engine import simulate
from spinelib.sim.params import Params
from spinelib.sim.plan import (CATEGORY_COLUMNS, PLAN_COLUMNS, REST, check_days, day_constants, plan_arrays,
                               plan_frame, plan_from_week, session)
from spinelib.week import session_days


# ----- plan_frame (was widgets.plan_frame) ----------------------------------------------------------
def test_plan_frame_shape():
    """plan_frame: the Routine.daily_plan columns, sessions on the chosen days only."""
    p = plan_frame(28, down_regulation=5, micro_strength=10, load_level=2, control=4, days_per_week=5)
    assert {"day", "planned", "min_down_regulation", "min_micro_strength", "min_transition", "min_structured_load",
            "min_mobility_reset", "load_level", "control", "calm_first"} <= set(p.columns)
    assert p["planned"].sum() == 20 and p["calm_first"].sum() == 20
    assert (p.loc[~p["planned"], "min_micro_strength"] == 0).all()
    assert plan_frame(7)["planned"].sum() == 0


def test_plan_frame_session_days_follow_the_week():
    """plan_frame: the session days are week.session_days, the same each week; the plan has every plan column"""
    p = plan_frame(21, micro_strength=10, days_per_week=3)
    assert list(p.columns) == list(PLAN_COLUMNS)
    on = sorted(set(int(d) % 7 for d in p.loc[p["planned"], "day"]))
    assert tuple(on) == session_days(3)
    assert p["planned"].sum() == 9


def test_plan_frame_reads_typed_text_and_names_bad_fields():
    """plan_frame: typed text with a decimal comma works; a bad value is an InputError naming its field"""
    p = plan_frame("14", micro_strength="7,5", load_level="2,5", control=4)
    assert len(p) == 14 and p["min_micro_strength"].max() == 7.5 and p["load_level"].max() == 2.5
    with pytest.raises(InputError, match="^micro strength minutes: must be a number from 0 to 120"):
        plan_frame(14, micro_strength=200)
    with pytest.raises(InputError, match="^days: must be a whole number from 1 to 3650"):
        plan_frame(0)
    with pytest.raises(InputError, match="^load level: must be a number from 1 to 5"):
        plan_frame(14, micro_strength=10, load_level=9)
    # without strengthening the load level and control are not asked for, and are 0
    calm = plan_frame(7, down_regulation=10, load_level=9)
    assert (calm["load_level"] == 0).all() and calm["calm_first"].all()
    assert not plan_frame(7, down_regulation=10, micro_strength=5, calm_first=False)["calm_first"].any()


def test_plan_frame_is_simulated_like_the_same_scenario():
    """plan_frame: a plan built by hand runs in the simulator like a scenario with the same sessions"""
    same = plan_from_week(28, {d: session(dr=3, ms=12, load=1.5, control=5, calm_first=True) for d in range(7)})
    built = plan_frame(28, down_regulation=3, micro_strength=12, load_level=1.5, control=5)
    pd.testing.assert_frame_equal(simulate(built, people=50, seed=2).people,
                                  simulate(same.drop(columns="supervised"), people=50, seed=2).people)


# ----- plan_from_week, check_days -----------------------------------------------------------------
def test_plan_from_week_repeats_the_week():
    """plan_from_week: the week's sessions repeat; other days rest; supervised only on session days"""
    p = plan_from_week(15, {0: session(ms=10, load=2, control=4), 3: session(dr=5)}, supervised=True)
    assert list(p.loc[p["planned"], "day"]) == [0, 3, 7, 10, 14]
    assert (p["supervised"] == p["planned"]).all()
    rest = p.loc[~p["planned"]].iloc[0]
    assert all(rest[k] == v for k, v in REST.items())


def test_check_days_names_the_field():
    """check_days: a whole number of days from 1 to 3650, else an InputError naming days"""
    assert check_days(3650) == 3650
    for bad in (0, 3651, 2.5, "7", None):
        with pytest.raises(InputError, match="^days: must be a whole number from 1 to 3,650"):
            check_days(bad)


# ----- what the model reads -------------------------------------------------------------------------
def test_plan_arrays_counts_a_day_only_with_minutes_and_fills_sitting():
    """plan_arrays: a planned day with no minutes is not planned; supervised only when planned; sitting defaults"""
    plan = plan_frame(7, micro_strength=10, load_level=2, control=4)
    plan.loc[2, CATEGORY_COLUMNS] = 0.0
    plan["supervised"] = True
    plan["sitting_hours"] = [8.0, np.nan, 8.0, 8.0, 8.0, 8.0, 8.0]
    a = plan_arrays(plan, None, Params(sitting_hours=5.0))
    assert a["days"] == 7
    assert a["planned"].tolist() == [1, 1, 0, 1, 1, 1, 1]
    assert a["supervised"].tolist() == a["planned"].tolist()
    assert a["sitting_hours"].tolist() == [8.0, 5.0, 8.0, 8.0, 8.0, 8.0, 8.0]
    with pytest.raises(InputError, match=r"^plan.sitting_hours: must be numbers from 0 to 16 \(got 20"):
        plan_arrays(plan.assign(sitting_hours=20.0), None, Params())
    with pytest.raises(InputError, match="^plan.calm_first: must be True or False on every day"):
        plan_arrays(plan.assign(calm_first="maybe"), None, Params())


def test_day_constants_follow_the_plan():
    """day_constants: the dose, length penalty, calming share and training load of each day (docs/model.md)"""
    p = Params()
    plan = plan_arrays(plan_frame(3, down_regulation=5, micro_strength=30, load_level=2, control=5), 3, p)
    c = day_constants(plan, p)
    # issue 9: a saturating dose, 1 at 15 minutes; 30 minutes give (2)(1 + 15/m_s)/(1 + 30/m_s), not 2
    m_s = p.dose_saturation
    assert c["dose"] == pytest.approx([2.0 * (1 + 15 / m_s) / (1 + 30 / m_s)] * 3)
    assert c["over_dose"] == [2.0] * 3
    one = day_constants(plan_arrays(plan_frame(3, micro_strength=15, load_level=2), 3, p), p)
    assert one["dose"] == pytest.approx([1.0] * 3)
    assert c["length"][0] == pytest.approx(p.length_penalty * (35 - 15) / 15)
    assert c["calm"][0] == pytest.approx(5 / p.downreg_minutes)
    assert c["train_load"][0] == pytest.approx(60.0)
    assert c["quality"][0] == 1.0 and c["natural"][0] == 1.0 and c["decline_time"] == [0.0] * 3
