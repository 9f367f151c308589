"""Every axis fits its data: the plot functions, and each widget's figure after a redraw in place (an axis
whose limits were set once stops autoscaling, which clipped the flare panels of 01 and 03)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

from spinelib import plots, ui
from spinelib.sim import simulate


def _assert_fits(fig, what):
    for ax in fig.axes:
        lo, hi = ax.get_ylim()
        lo, hi = min(lo, hi), max(lo, hi)
        for line in ax.lines:
            y = np.asarray(line.get_ydata(), float)
            x = np.asarray(line.get_xdata(), float)
            if y.size < 3 or np.allclose(x, x[0]):  # markers and vertical ticks
                continue
            y = y[np.isfinite(y)]
            assert y.size == 0 or (y.min() >= lo - 1e-9 and y.max() <= hi + 1e-9), \
                f"{what}: panel {ax.get_title()!r} clips a line ({y.min():.3g}-{y.max():.3g} outside {lo:.3g}-{hi:.3g})"
        for band in ax.collections:  # the 95% bands (moved in place on a redraw) fit too
            if not band.get_visible():
                continue
            y = np.concatenate([p.vertices[:, 1] for p in band.get_paths()]) if band.get_paths() else np.array([])
            y = y[np.isfinite(y)]
            assert y.size == 0 or (y.min() >= lo - 1e-9 and y.max() <= hi + 1e-9), \
                f"{what}: panel {ax.get_title()!r} clips a band ({y.min():.3g}-{y.max():.3g} outside {lo:.3g}-{hi:.3g})"


def test_cohort_bands_fit_after_a_redraw_with_more_flares():
    """update_cohort_bands: a redraw with far more flares rescales the flare panel (it was fixed at the first
    draw's range)."""
    calm = {"micro_strength": simulate("micro_strength", people=100, days=84, seed=1)}
    heavy = {"micro_strength": simulate("max_effort", people=100, days=84, seed=1)}
    fig = plots.cohort_bands(calm, states=("capacity", "pain", "flare"), weeks=True)
    fig.draw_without_rendering()
    plots.update_cohort_bands(fig, heavy, ("capacity", "pain", "flare"))
    _assert_fits(fig, "cohort_bands redrawn")


@pytest.mark.parametrize("make, change", [
    (lambda: ui.micro_strength_sim(people=60), {"load_level": 5.0, "minutes": 40}),
    (lambda: ui.micro_strength_sim(people=60), {"load_level": 1.0, "minutes": 5}),
    (lambda: ui.calm_first_sim(people=60), {"strength_minutes": 30, "load_level": 5}),
    (lambda: ui.adherence_simulator(people=60), {"minutes": 60}),
    (lambda: ui.load_comparison(people=60), {}),
    (lambda: ui.load_comparison(people=60), {"state": "pain"}),
    (lambda: ui.load_comparison(people=60), {"state": "flare", "weeks": 20}),
    (lambda: ui.load_comparison(people=60), {"state": "capacity", "weeks": 6}),
    (lambda: ui.adherence_simulator(people=60), {"minutes": 5, "days_per_week": 1}),
    (lambda: ui.progression_planner(), {"step_every": 1, "deload_every": 0}),
    (lambda: ui.habit_curve_widget(), {"days_to_plateau": 18}),
])
def test_every_widget_figure_fits_its_data_after_a_change(make, change):
    """widgets: after a change is redrawn in place, every line lies inside its axis."""
    w = make()
    valid = {k: v for k, v in change.items() if k in w.controls}
    if valid:
        w.set(**valid)
    assert w.error is None, w.error
    for fig in w.figures:
        _assert_fits(fig, type(w).__name__)


def test_capacity_axis_is_not_labelled_1_to_5():
    """labels: capacity can pass the top rung, so its axis label does not say 1-5."""
    assert "1-5" not in plots.STATE_LABELS["capacity"] and "1-5" not in plots.STATE_UNITS["capacity"]


def test_load_comparison_one_figure_for_every_state():
    """load_comparison: a new state moves the same lines, relabels the axis, and fits it; the days follow weeks."""
    w = ui.load_comparison(people=60)
    fig = w.figures[0]
    for state, weeks in (("pain", 12), ("flare", 20), ("capacity", 6), ("acwr", 12)):
        w.set(state=state, weeks=weeks)
        assert w.error is None and w.figures == [fig]
        ax = fig.axes[0]
        assert ax.get_ylabel() == plots.state_label(state) and ax.get_title().startswith(state)
        assert ax.get_xlim()[1] >= weeks * 7 / 7 - 1 and ax.get_xlim()[1] <= weeks + 1  # the x axis follows weeks
        _assert_fits(fig, f"load_comparison {state}")
