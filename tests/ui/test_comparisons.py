"""The "your plan vs a scenario" simulation widgets (spinelib.ui.comparisons), driven in-process
and, for the adherence simulator, in a real kernel."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import pytest

from spinelib import ui
from spinelib.sim.results import final_mean
from spinelib.ui.base import available_states


# ----------------------------------------------------------------------- micro-strength, calm first
def test_micro_strength_sim_responds_to_sliders():
    """micro_strength_sim: raising the load level changes your plan's result; max_effort is reused from cache."""
    w = ui.micro_strength_sim()
    assert w.error is None, w.error
    res = w.result["results"]
    assert set(res) == {"your plan", "max_effort", "no_exercise"}  # with the natural-course baseline
    other = res["max_effort"]
    flares_low = res["your plan"].people["flares"].mean()
    w.load_level.value = 5
    assert w.error is None
    assert w.result["results"]["max_effort"] is other  # cached, not re-simulated
    assert w.result["results"]["your plan"].people["flares"].mean() != flares_low
    assert "flares per person" in w.result["summary"].index
    assert list(w.result["summary"].columns) == ["your plan", "max_effort", "no_exercise"]


def test_micro_strength_sim_zero_minutes_is_a_message():
    """micro_strength_sim: the slider cannot reach 0 (its minimum is the allowed minimum, 1); 0 from code is a
    one-line message, then the widget recovers."""
    w = ui.micro_strength_sim()
    assert w.minutes.min == 1
    w.compute  # the check itself still guards code that bypasses the slider
    with pytest.raises(Exception, match="minutes per day"):
        w.compute(load_level=1.5, control=5, minutes=0)
    w.minutes.value = 10
    assert w.error is None and w.result is not None


def test_calm_first_sim_more_calm_lowers_sensitivity():
    """calm_first_sim: more calming minutes give lower end sensitivity in your plan."""
    w = ui.calm_first_sim()
    assert w.error is None, w.error
    w.calm_minutes.value = 0
    s0 = final_mean(w.result["results"]["your plan"], "sensitivity")
    w.calm_minutes.value = 15
    s15 = final_mean(w.result["results"]["your plan"], "sensitivity")
    assert s15 < s0
    assert w.strength_minutes.min == 1  # the slider never offers a value the widget rejects


def test_calm_first_widget_plots_effective_stimulus():
    """calm_first_sim: sensitivity, effective stimulus and capacity are all drawn"""
    w = ui.calm_first_sim()
    assert available_states(w.result["results"], w.states) == ("sensitivity", "stimulus", "capacity")


# ----------------------------------------------------------------------- transitions
def test_transitions_calculator_counts_and_simulates():
    """transitions_calculator: typed counts update the day; practice lowers flares vs none; bad counts message."""
    w = ui.transitions_calculator(practice_minutes=10)
    assert w.error is None, w.error
    assert w.result["day"]["per_day"] == 2 + 12 + 2 + 1 + 8
    w.bed.value = 4
    assert w.result["day"]["per_day"] == 27
    res = w.result["results"]
    assert res["with practice"].people["flares"].mean() < res["without practice"].people["flares"].mean()
    w.bed.value = -3
    assert w.result is None and "bed" in w.error
    w.bed.value = 2
    w.practice_minutes.value = 0
    assert w.result["results"]["with practice"] is w.result["results"]["without practice"]


@pytest.mark.parametrize("builder", [ui.micro_strength_sim, ui.calm_first_sim, ui.transitions_calculator])
def test_simulation_widgets_record_their_simulation_time(builder):
    """simulation widgets: every update records the time it spent simulating (``sim_seconds``, part of the
    update's ``seconds``). No bound is asserted here (tests do not depend on the machine's speed):
    benchmarks/widgets.py measures the 250 ms update and 50 ms simulation targets."""
    w = builder()
    first = w.controls[w._names[-1]]
    for v in (first.min if hasattr(first, "min") and first.min > 0 else 1, 3, 5):
        first.value = v
        assert w.error is None, w.error
        assert 0 < w.sim_seconds <= w.seconds


# ----------------------------------------------------------------------- structured load vs spikes
def test_load_comparison_same_volume_two_cohorts():
    """LoadComparison: both scenarios simulated with the same planned volume; the state and weeks controls change the result."""
    w = ui.load_comparison()
    r = w.result
    assert set(r["results"]) == {"structured_load", "unstructured_spikes", "no_exercise"}
    vol = r["volume"].set_index("scenario").iloc[:, 0]
    assert vol["structured steps"] == pytest.approx(vol["unstructured spikes"], rel=0.01)  # plain names
    assert any("flares" in str(i) for i in r["summary"].index)
    w.state.value = "pain"
    assert w.result["state"] == "pain"
    w.weeks.value = 8
    assert len(w.result["results"]["structured_load"].daily) == 56


# ----------------------------------------------------------------------- adherence
def test_adherence_minutes_change_the_simulation():
    """AdherenceSimulator: more minutes per day means more planned minutes and a different cohort result."""
    w = ui.adherence_simulator(minutes=10)
    before = w.result
    w.minutes.value = 30
    after = w.result
    assert after["weekly_minutes"] == pytest.approx(3 * before["weekly_minutes"])
    assert not after["results"]["your pattern"].daily.equals(before["results"]["your pattern"].daily)


def test_adherence_patterns_arrange_the_sessions():
    """AdherenceSimulator: 'bunched' puts the sessions on consecutive days, 'weekly' in one session of the week's minutes."""
    w = ui.adherence_simulator(minutes=20, days_per_week=3, pattern="spread")
    spread = w.result["plan"]["planned"].tolist()[:7]
    w.pattern.value = "bunched"
    assert w.result["plan"]["planned"].tolist()[:7] == [True, True, True, False, False, False, False]
    assert spread != w.result["plan"]["planned"].tolist()[:7] and sum(spread) == 3
    w.pattern.value = "weekly"
    plan = w.result["plan"]
    assert plan["planned"].tolist()[:7] == [True] + [False] * 6
    assert w.result["weekly_minutes"] == pytest.approx(60)


def test_adherence_bad_cohort_size_is_a_message():
    """AdherenceSimulator: a typed cohort size of 0 gives a one-line message; a good value recovers."""
    w = ui.adherence_simulator()
    w.cohort.value = 0
    assert w.result is None and w.error == "cohort size: must be a whole number from 20 to 2000 (got 0)"
    w.cohort.value = 100
    assert w.error is None and w.result["people"] == 100
    assert len(w.result["results"]["your pattern"].people) == 100


def test_adherence_simulator_in_a_kernel(kernel_run):
    """05 in a kernel: moving the minutes slider re-simulates and replaces the plot; cohort size 0 is a message."""
    steps = [
        "sim.minutes.value = 20\nprint('WEEKLY', sim.result['weekly_minutes'])",
        "sim.cohort.value = 0\nprint('ERR', sim.error)",
        "sim.cohort.value = 150\nprint('OK', sim.error, len(sim.result['results']['your pattern'].people))",
    ]
    printed, outputs = kernel_run("05_consistency.ipynb", steps)
    assert printed[0].strip() == "WEEKLY 140.0"
    assert printed[1].strip() == "ERR cohort size: must be a whole number from 20 to 2000 (got 0)"
    assert printed[2].strip() == "OK None 150"
    sim_out = next(o for o in outputs if "pattern=spread cohort=150" in o)
    assert sim_out.count("<png>") == 1 and "Traceback" not in sim_out


def test_pair_comparisons_say_when_the_minutes_differ():
    """calm-first comparison: your plan (8 + 10 minutes) and strength only differ in minutes a day, and the
    widget says so in plain names; sliders never offer a value the widget rejects."""
    w = ui.calm_first_sim(people=40)
    m = w.result["minutes"]
    assert m["your plan"] == 18 and m["your plan"] != m["strength_only"]
    assert "differ by" in w.message and "strength only" in w.message and "strength_only" not in w.message
    for sim in (w, ui.micro_strength_sim(people=40)):
        for name, c in sim.controls.items():
            c.value = c.min
            assert sim.error is None, f"{type(sim).__name__}.{name} at its minimum {c.min}: {sim.error}"


def test_transitions_calculator_has_no_control_that_changes_nothing():
    """transitions: every control changes the model's result or the counts shown (no 'get up every' slider)."""
    w = ui.transitions_calculator(people=40)
    assert "break_every_min" not in w.controls
