"""Tests for reading results (spinelib.sim.results): the outcome table, compare_people, final_mean, band_frame, ci95."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from spinelib.sim.engine import simulate
from spinelib.sim.results import (OUTCOME_LABELS, OUTCOMES, STATE_INDEX, STATES, band_frame, ci95, compare_people,
                                  final_mean)


@pytest.fixture(scope="module")
def pair():
    return {"gentle_daily": simulate("gentle_daily", people=300, days=28, seed=1),
            "no_exercise": simulate("no_exercise", people=300, days=28, seed=1)}


# ----- band_frame (was plots.band_frame) -------------------------------------------------------------
def test_band_frame_reads_long_and_multiindex_shapes(make_daily):
    """band_frame: long (day, state, mean, p2.5, p97.5) and MultiIndex summaries give the same band."""
    wide = make_daily(5)
    long = pd.DataFrame({"day": wide["day"], "state": "pain", "mean": wide["pain_mean"],
                         "p2.5": wide["pain_p2.5"], "p97.5": wide["pain_p97.5"]})
    multi = wide.set_index("day")[["pain_mean", "pain_p2.5", "pain_p97.5"]]
    multi.columns = pd.MultiIndex.from_tuples([("pain", "mean"), ("pain", "p2.5"), ("pain", "p97.5")])
    a = band_frame(wide, "pain")
    pd.testing.assert_frame_equal(a, band_frame(long, "pain"), check_dtype=False)
    pd.testing.assert_frame_equal(a, band_frame(multi, "pain"), check_dtype=False)


def test_band_frame_unknown_state_names_the_states(make_daily):
    """band_frame: an unknown state raises a KeyError listing the states there are."""
    with pytest.raises(KeyError, match="capacity"):
        band_frame(make_daily(), "nonsense")


def test_band_frame_reads_a_simulation_result(pair):
    """band_frame: a result's .daily, one row per day; a continuous state's mean lies between its percentiles"""
    r = pair["gentle_daily"]
    for state in STATES:
        bf = band_frame(r, state)
        assert list(bf.columns) == ["day", "mean", "lo", "hi"] and len(bf) == 28
        np.testing.assert_array_equal(bf["mean"], r.daily[f"{state}_mean"].to_numpy(float))
        np.testing.assert_array_equal(bf["hi"], r.daily[f"{state}_p97.5"].to_numpy(float))
        if state not in ("flare", "session", "dropped"):  # a 0/1 state's mean can lie outside its percentiles
            assert (bf["lo"] <= bf["mean"] + 1e-6).all() and (bf["mean"] <= bf["hi"] + 1e-6).all()
    with pytest.raises(TypeError, match="expected a simulation result"):
        band_frame([1, 2, 3], "pain")


# ----- final_mean (was planner_widgets.final_mean) -------------------------------------------------
def test_final_mean_is_the_last_days_cohort_mean(pair, make_daily):
    """final_mean: the cohort mean of a state on the last day, from a result or its .daily"""
    r = pair["gentle_daily"]
    assert final_mean(r, "habit") == float(r.daily["habit_mean"].iloc[-1])
    assert final_mean(r.daily, "pain") == float(r.daily["pain_mean"].iloc[-1])
    assert final_mean(make_daily(10), "pain") == pytest.approx(50.0 - 0.9)
    assert final_mean(pair["no_exercise"], "habit") == 0.0


# ----- the outcome table and compare_people (were widgets.OUTCOME_LABELS / compare_people) -------
def test_outcome_table_is_one_table_of_people_columns(pair):
    """OUTCOMES: each a column of .people, with a label naming its unit, a unit and a short unit"""
    people = pair["gentle_daily"].people
    for name, o in OUTCOMES.items():
        assert o.name == name and name in people.columns
        assert o.label and o.unit and o.short_unit
    assert OUTCOME_LABELS == {name: o.label for name, o in OUTCOMES.items()}
    assert {n for n, o in OUTCOMES.items() if o.lower_is_better} == {"pain_change", "flares", "sensitivity"}
    assert OUTCOME_LABELS["pain_change"] == "pain change (0-100, negative is better)"
    assert OUTCOME_LABELS["flares"] == "flares per person"


def test_compare_people_one_row_per_outcome_one_column_per_scenario(pair):
    """compare_people: labelled rows in the order asked, scenario columns, each mean with its 95% interval"""
    t = compare_people(pair, ("flares", "pain_change", "habit"))
    assert list(t.columns) == ["gentle_daily", "no_exercise"]
    assert list(t.index) == [OUTCOME_LABELS[o] for o in ("flares", "pain_change", "habit")]
    assert t.index.name == "outcome (mean, 95% interval)"
    m, lo, hi = ci95(pair["gentle_daily"].people["flares"])
    assert t.loc["flares per person", "gentle_daily"] == f"{round(m, 3):.2f} ({round(lo, 3):.2f} to {round(hi, 3):.2f})"
    assert t.loc["habit strength at the end (0-1)", "no_exercise"] == "0.00 (0.00 to 0.00)"


def test_compare_people_skips_missing_outcomes_and_takes_people_tables(pair):
    """compare_people: outcomes a table lacks are left out; plain .people tables work; nothing found is empty"""
    tables = {k: r.people for k, r in pair.items()}
    t = compare_people(tables, ("pain_change", "not_an_outcome"))
    assert list(t.index) == [OUTCOME_LABELS["pain_change"]]
    assert compare_people(tables, ("not_an_outcome",)).empty
    # adherence is NaN with no planned session: its interval is NaN, not an error
    t = compare_people(pair, ("adherence",))
    assert t.loc[OUTCOME_LABELS["adherence"], "no_exercise"] == "nan (nan to nan)"


def test_ci95_mean_and_interval():
    """ci95: mean and mean +/- 1.96 standard errors, NaNs ignored; one value has no spread; none is NaN"""
    m, lo, hi = ci95([1.0, 2.0, 3.0, np.nan])
    assert m == 2.0 and hi - m == pytest.approx(1.96 / math.sqrt(3)) and m - lo == pytest.approx(hi - m)
    assert ci95([4.0]) == (4.0, 4.0, 4.0)
    assert all(math.isnan(x) for x in ci95([]))


def test_state_index_names_every_state():
    """STATE_INDEX: the position of each state in STATES (the engine's named rows)"""
    assert [STATES[k] for k in STATE_INDEX.values()] == list(STATE_INDEX)
    assert len(STATES) == 15 and STATE_INDEX["pain"] == 4 and STATES[-3:] == ("dropped", "confidence", "attention")
