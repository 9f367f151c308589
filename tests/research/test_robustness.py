"""Robustness of the five insights: paired ensemble of the ten pair scenarios, win shares, Morris drivers."""
from __future__ import annotations

import pytest

from spinelib.errors import InputError
from spinelib.insights import INSIGHTS
from spinelib.research import (HEADLINE, drivers_plot, headline_contrast, insight_drivers, pair_scenarios,
                               robustness_ensemble, robustness_plot, robustness_table, screen_names, top_drivers)
from spinelib.research.priors import uncertain_names
from spinelib.sim import OUTCOMES


@pytest.fixture(scope="module")
def ens():
    return robustness_ensemble(3, people=30, days=21, seed=2)


def test_headline_contrast_names_each_pair():
    "headline_contrast: the insight's headline outcome, recommended minus comparison; bad numbers refused"
    for i in INSIGHTS:
        assert headline_contrast(i.number) == f"{HEADLINE[i.number]}: {i.scenarios[0]} minus {i.scenarios[1]}"
        assert HEADLINE[i.number] in OUTCOMES
    with pytest.raises(InputError, match="^insight: must be a whole number from 1 to 5"):
        headline_contrast(6)
    assert pair_scenarios() == [s for i in INSIGHTS for s in i.scenarios]


def test_table_counts_wins_over_the_drawn_sets(ens):
    "robustness_table: one row per insight; wins counted over the draws (not the defaults), the same as Ensemble"
    t = robustness_table(ens)
    assert list(t["insight"]) == [1, 2, 3, 4, 5]
    assert (t["draws"] == 3).all() and t["wins"].between(0, 3).all()
    for r in t.itertuples():
        assert r.win_share == pytest.approx(ens.win_share(r.recommended, r.comparison, r.outcome))
        assert r.model_lo <= r.model_hi
        assert r.better == ("lower" if OUTCOMES[r.outcome].lower_is_better else "higher")


def test_screen_names_are_the_mechanism_parameters():
    "screen_names: uncertain parameters only, and each insight's own parameters (e.g. calm_first_effect for 2)"
    ok = set(uncertain_names())
    for i in INSIGHTS:
        names = screen_names(i.number)
        assert names and set(names) <= ok
    assert "calm_first_effect" in screen_names(2) and "acwr_threshold" in screen_names(4)
    assert "transition_effect" in screen_names(3) and "habit_gain" in screen_names(5)


def test_drivers_ranked_and_in_the_table(ens):
    "insight_drivers: Morris over the names given; top_drivers by mu_star; the table lists them"
    d = insight_drivers(1, 2, names=["control_weight", "flare_hazard"], people=20, days=14)
    assert set(d["parameter"]) == {"control_weight", "flare_hazard"} and d.attrs["runs"] == 2 * 3
    top = top_drivers(d, 1)
    mu = d[d["index"] == "mu_star"].set_index("parameter")["value"]
    assert top == [mu.idxmax()]
    t = robustness_table(ens, {1: d}, top=2)
    assert t.loc[0, "top_drivers"] == ", ".join(top_drivers(d, 2)) and t.loc[1, "top_drivers"] == ""
    fig = drivers_plot({1: d})
    assert len(fig.axes) == 1


def test_plots_one_panel_per_insight(ens):
    "robustness_plot: five panels, each title giving the wins; drivers_plot refuses an empty mapping"
    fig = robustness_plot(ens)
    assert len(fig.axes) == 5 and "of 3 parameter draws" in fig.axes[0].get_title(loc="left")
    with pytest.raises(InputError, match="^drivers:"):
        drivers_plot({})
