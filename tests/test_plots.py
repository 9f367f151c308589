"""Tests for spinelib.plots: the theme and figures with labelled axes."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from spinelib import plots
from spinelib.catalogue import ladder_frame
from spinelib.sim.curves import acwr, habit_curve


class _Result:
    def __init__(self, daily):
        self.daily = daily


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_set_theme_uses_colorblind_palette():
    """set_theme: the colour cycle becomes seaborn's colorblind palette."""
    import seaborn as sns

    plots.set_theme()
    cycle = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
    assert [matplotlib.colors.to_hex(c) for c in cycle[:3]] == [matplotlib.colors.to_hex(c) for c in sns.color_palette("colorblind")[:3]]
    assert [matplotlib.colors.to_hex(c) for c in sns.color_palette("colorblind")] == list(plots.COLORS)


def test_import_has_no_side_effects():
    """plots: importing the module does not change rcParams (the theme is an explicit call)."""
    import importlib

    matplotlib.rcdefaults()
    before = dict(matplotlib.rcParams)
    importlib.reload(plots)
    assert dict(matplotlib.rcParams) == before


def test_palette_covers_every_scenario_pair_with_distinct_colours():
    """PALETTE: each pair of scenarios gets two different colours."""
    pairs = [("micro_strength", "max_effort"), ("calm_first", "strength_only"),
             ("transitions_practised", "transitions_untrained"), ("structured_load", "unstructured_spikes"),
             ("gentle_daily", "weekend_warrior")]
    for a, b in pairs:
        assert plots.PALETTE[a] != plots.PALETTE[b]


def test_cohort_band_plot_one_result(make_daily):
    """cohort_band_plot: a line for the mean, a band, labelled axes with units."""
    fig = plots.cohort_band_plot(_Result(make_daily()), "pain")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "day"
    assert "0-100" in ax.get_ylabel()
    assert len(plots.cohort_band_plot(_Result(make_daily()), "flare").axes[0].collections) == 0
    assert len(ax.lines) == 1 and len(ax.collections) == 1
    np.testing.assert_allclose(ax.lines[0].get_ydata(), make_daily()["pain_mean"])


def test_cohort_band_plot_compares_scenarios_with_fixed_colours(make_daily):
    """cohort_band_plot: a dict of results draws one coloured line per scenario (colour keyed by the id) and a
    legend in plain names (issue 11: never an internal id such as micro_strength)."""
    fig = plots.cohort_band_plot({"micro_strength": make_daily(), "max_effort": make_daily(shift=3)}, "capacity", weeks=True)
    ax = fig.axes[0]
    assert [matplotlib.colors.to_hex(l.get_color()) for l in ax.lines] == [plots.PALETTE["micro_strength"], plots.PALETTE["max_effort"]]
    assert ax.get_xlabel() == "week"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["micro-strength", "max effort"]
    assert ax.lines[0].get_xdata()[7] == pytest.approx(1.0)


def test_cohort_bands_panels(make_daily):
    """cohort_bands: one panel per state, each y axis labelled with its unit."""
    fig = plots.cohort_bands({"a": make_daily(), "b": make_daily(shift=1)}, states=("capacity", "pain", "flare"))
    assert len(fig.axes) == 3
    assert [ax.get_ylabel() for ax in fig.axes] == [plots.STATE_UNITS[s] for s in ("capacity", "pain", "flare")]
    assert [ax.get_title() for ax in fig.axes] == ["capacity", "pain", "flare (7-day average)"]


def test_update_cohort_bands_redraws_in_place(make_daily):
    """update_cohort_bands: same figure and axes, new data; figure_png gives PNG bytes."""
    fig = plots.cohort_bands({"a": make_daily(), "b": make_daily(shift=1)}, states=("capacity", "pain"))
    axes = list(fig.axes)
    plots.update_cohort_bands(fig, {"a": make_daily(shift=10), "b": make_daily(shift=1)})
    assert list(fig.axes) == axes and len(axes[0].lines) == 2
    assert axes[0].lines[0].get_ydata()[0] == pytest.approx(11.0)
    assert plots.figure_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="panels"):
        plots.update_cohort_bands(fig, {"a": make_daily()}, states=("pain",))


def test_compare_bars_with_interval():
    """compare_bars: one bar per scenario, whiskers when lo/hi are given."""
    t = pd.DataFrame({"scenario": ["calm_first", "strength_only"], "capacity": [2.0, 1.5],
                      "lo": [1.8, 1.3], "hi": [2.2, 1.7]})
    fig = plots.compare_bars(t, "capacity", lo="lo", hi="hi")
    ax = fig.axes[0]
    assert len(ax.patches) == 2
    assert matplotlib.colors.to_hex(ax.patches[0].get_facecolor()) == plots.PALETTE["calm_first"]
    assert "load level" in ax.get_ylabel()


def test_breathing_plot_axes():
    """breathing_plot: time in seconds on x, share of a breath on y."""
    t = np.linspace(0, 20, 201)
    pat = pd.DataFrame({"seconds": t, "volume": 0.5 - 0.5 * np.cos(t), "phase": np.where(np.sin(t) > 0, "inhale", "exhale")})
    ax = plots.breathing_plot(pat).axes[0]
    assert ax.get_xlabel() == "time (seconds)"
    assert "breath" in ax.get_ylabel()


def test_hazard_plot_lines():
    """hazard_plot: one line per column with the scenario colours."""
    t = pd.DataFrame({"day": range(10), "with practice": np.full(10, 0.02), "without practice": np.full(10, 0.03)})
    ax = plots.hazard_plot(t).axes[0]
    assert len(ax.lines) == 2
    assert "per day" in ax.get_ylabel()


def test_load_and_habit_plots_have_labelled_axes():
    """ladder_plot, acwr_plot, habit_curve_plot: figures with unit-bearing axis labels."""
    fig = plots.ladder_plot(ladder_frame("structured_load"))
    assert "load level" in fig.axes[0].get_ylabel()
    daily = pd.DataFrame({"day": range(28), "week": [d // 7 + 1 for d in range(28)], "load": [5.0] * 28,
                          "deload": [False] * 28}).join(acwr([5.0] * 28))
    fig = plots.acwr_plot(daily)
    assert fig.axes[1].get_ylabel() == "acute:chronic ratio" and "week" in fig.axes[1].get_xlabel()
    fig = plots.habit_curve_plot(habit_curve(90, 66))
    assert fig.axes[0].get_ylabel() == "habit strength (0-1)"


def test_figure_png_draws_once():
    """figure_png: PNG bytes at the figure's own size (no 'tight' crop); a figure whose layout is settled
    (as the widgets' cohort bands) is drawn exactly once."""
    fig = plt.figure(figsize=(2, 1), dpi=50, layout="constrained")
    png = plots.figure_png(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (100, 50)
    fig.set_layout_engine(None)
    draws = []
    fig.canvas.mpl_connect("draw_event", draws.append)
    plots.figure_png(fig)
    assert len(draws) == 1
