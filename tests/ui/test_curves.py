"""The curve widgets (spinelib.ui.curves): the progression planner and the habit curve, driven
in-process. The curves themselves (acwr, habit_curve) are tested with the simulator (tests/sim)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from spinelib import ui


# ----------------------------------------------------------------------- progression planner
def test_planner_step_interval_changes_the_plan_and_the_ratio():
    """ProgressionPlanner: stepping up every week with no easier weeks, instead of every 3 weeks with one, moves more
    rungs and pushes the ratio out of 0.8-1.3."""
    w = ui.progression_planner(start_stage=2, weeks=12, step_every=3, deload_every=4)
    slow = w.result
    assert slow["in_band"] == 1.0 and slow["max_acwr"] <= 1.3 and slow["step_weeks"] == [7, 10]
    w.set(step_every=1, deload_every=0)
    fast = w.result
    assert len(fast["step_weeks"]) > len(slow["step_weeks"])
    assert fast["max_acwr"] > 1.3 and fast["in_band"] < 1.0
    assert slow["max_flare_multiplier"] == 1.0 and fast["max_flare_multiplier"] > 1.0
    assert not fast["progression"].equals(slow["progression"])


def test_planner_weeks_and_easier_weeks():
    """ProgressionPlanner: weeks sets the plan's length; deload weeks appear every n-th week and lower the load."""
    w = ui.progression_planner(weeks=12, deload_every=4)
    d = w.result["daily"]
    assert d["day"].max() == 12 * 7 - 1
    assert sorted(d.loc[d["deload"], "week"].unique()) == [4, 8, 12]
    table = w.week_table()
    assert table.loc[table["week"] == 4, "load per session"].item() < table.loc[table["week"] == 3, "load per session"].item()
    w.weeks.value = 20
    assert w.result["daily"]["week"].max() == 20


def test_planner_easier_every_week_is_a_message():
    """ProgressionPlanner: 'easier week every 1' is refused with a one-line message, then recovers."""
    w = ui.progression_planner()
    w.deload_every.value = 1
    assert w.result is None and w.error.startswith("easier week every: must be 0 (none) or 2 or more")
    w.deload_every.value = 0
    assert w.error is None and w.result is not None


def test_planner_draws_the_ratio_with_its_band():
    """ProgressionPlanner: one figure, the load on top and the acute:chronic ratio below; a change redraws
    the same figure in place with the new data."""
    w = ui.progression_planner(weeks=12)
    fig = w.figures[0]
    assert len(w.figures) == 1
    assert fig.axes[1].get_ylabel() == "acute:chronic ratio"
    w.weeks.value = 20
    assert w.figures == [fig] and fig.axes[1].get_ylabel() == "acute:chronic ratio"
    assert max(fig.axes[1].lines[0].get_xdata()) > 19


# ----------------------------------------------------------------------- habit curve
def test_habit_widget_moves_the_plateau_day():
    """HabitCurve: a slower habit reaches 95% later; missing days lowers habit on day 66."""
    w = ui.habit_curve_widget()
    assert w.result["day_95"] == 66
    w.days_to_plateau.value = 120
    assert w.result["day_95"] == 120
    before = w.result["habit_at_66"]
    w.miss_every.value = 3
    assert w.result["habit_at_66"] < before


def test_habit_sentence_reads_and_names_the_day_it_reads():
    """HabitCurve: a plateau beyond the days drawn reads as a sentence; with 30 days drawn the value is named
    as day 30, never as day 66."""
    w = ui.habit_curve_widget(days_to_plateau=254, days=30)
    assert "reached on not" not in w.message and "not reached within the 30 days drawn" in w.message
    assert "on day 30" in w.message and "on day 66 habit" not in w.message
    w.days.value = 180
    assert "on day 66 habit" in w.message


def test_planner_text_fits_a_short_plan():
    """ProgressionPlanner: a 4-week plan never says 'from week 5'."""
    w = ui.progression_planner(weeks=4)
    assert "week 5" not in w.message and "of the plan" in w.message
