"""Ensembles: between-people and model-uncertainty intervals, reported apart."""
from __future__ import annotations

import numpy as np
import pytest

from spinelib.errors import InputError
from spinelib.research import ensemble
from spinelib.sim import simulate


@pytest.fixture(scope="module")
def ens():
    return ensemble(["micro_strength", "max_effort"], uncertainty=6, people=60, days=21, seed=2,
                    outcomes=("flares", "pain_change"), states=("pain", "flare"))


def test_draw_zero_is_the_plain_simulation(ens):
    "ensemble: draw 0 is simulate() at the defaults with the same seed (common random numbers)"
    r = simulate("micro_strength", people=60, days=21, seed=2)
    row = ens.draws.query("draw == 0 and scenario == 'micro_strength' and outcome == 'flares'").iloc[0]
    assert row["mean"] == pytest.approx(r.people["flares"].mean())
    assert row["people_lo"] == pytest.approx(np.percentile(r.people["flares"], 2.5))


def test_two_intervals_reported_separately(ens):
    "ensemble: summary has the people interval (at the defaults) and the model interval (over draws)"
    s = ens.summary()
    assert len(s) == 4 and (s["people_lo"] <= s["default"]).all() and (s["default"] <= s["people_hi"]).all()
    assert (s["model_lo"] <= s["model_hi"]).all() and (s["model_sd"] > 0).all()
    assert set(ens.parameters.columns) > {"draw"} and len(ens.parameters) == 7


def test_paired_contrast_and_win_share(ens):
    "ensemble: the same draws for both scenarios; the win share is a share of the drawn sets"
    c = ens.contrast("micro_strength", "max_effort", "flares")
    assert len(c) == 7
    share = ens.win_share("micro_strength", "max_effort", "flares")
    assert 0.0 <= share <= 1.0 and share == pytest.approx(c["a_better"].iloc[1:].mean())


def test_plot_shows_both_bands(ens):
    "ensemble: the plot has a people band and a model band per scenario, and the defaults' mean line"
    fig = ens.plot("pain")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert sum("people" in t for t in labels) == 2 and sum("parameter draws" in t for t in labels) == 2


def test_bad_arguments():
    "ensemble: a bad uncertainty or outcome is a one-line InputError"
    with pytest.raises(InputError, match="^uncertainty: must be a whole number"):
        ensemble("gentle_daily", uncertainty=0, people=5, days=3)
    with pytest.raises(InputError, match="^outcomes:"):
        ensemble("gentle_daily", uncertainty=1, people=5, days=3, outcomes=("nope",))
