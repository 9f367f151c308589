"""Drive the notebook 04-06 widgets in-process, without a browser or a kernel.

Each test sets control values as a person would and asserts what changed in ``.result``
(the plan table, the audit, the simulation); bad values a person could enter give a one-line
message in the widget, never an exception.
"""
from __future__ import annotations

import json
import math

import matplotlib

matplotlib.use("Agg")
import ipywidgets
import numpy as np
import pandas as pd
import pytest

from spinelib import planner_widgets as pw
from spinelib.errors import InputError
from spinelib.routine import Routine


# ----------------------------------------------------------------------- pure helpers
def test_acwr_is_one_at_a_steady_load_and_rises_after_a_spike():
    """acwr: 1 at any steady load; a week at 3x the usual load takes it above 1.5."""
    assert pw.acwr([7.0] * 70)["acwr"].between(0.999, 1.001).all()
    spike = pw.acwr([10.0] * 28 + [30.0] * 7)["acwr"]
    assert spike.iloc[27] == pytest.approx(1.0) and 1.5 < spike.iloc[-1] < 1.65


def test_acwr_bad_load_is_an_input_error():
    """acwr: negative, empty or non-finite loads raise a one-line InputError."""
    for bad in ([], [1.0, -1.0], [1.0, float("nan")]):
        with pytest.raises(InputError, match="^load: must be"):
            pw.acwr(bad)


def test_planned_load_counts_strength_minutes_times_level_on_session_days():
    """planned_load: minutes x load level of the strengthening items, only on session days."""
    prog = pd.DataFrame({"week": [1, 1, 2, 2], "category": ["micro_strength", "transition"] * 2,
                         "minutes": [2.0, 5.0, 2.0, 5.0], "load_level": [2, 1, 3, 1], "deload": [False] * 4})
    load = pw.planned_load(prog, session_days=(0, 2))
    assert len(load) == 14
    assert load["load"].tolist()[:7] == [4.0, 0.0, 4.0, 0.0, 0.0, 0.0, 0.0]
    assert load.loc[7, "load"] == 6.0


def test_habit_curve_follows_lally_and_misses_cost_little():
    """habit_curve: 95% of the plateau on the chosen day; skipping every 7th day costs a little, not a lot."""
    h = pw.habit_curve(120, 66)
    assert h.loc[66, "habit"] == pytest.approx(0.95, abs=0.005)
    assert pw.days_to_95(math.log(20) / 66) == pytest.approx(66)
    missed = pw.habit_curve(120, 66, miss_every=7)
    assert 0.85 < missed.loc[120, "habit"] < h.loc[120, "habit"]


def test_ladder_frame_climbs_one_level_at_a_time():
    """ladder_frame: every structured-load ladder starts at its easiest rung and its load never drops."""
    lf = pw.ladder_frame("structured_load")
    assert len(lf) and set(lf["id"]) <= set(pw.ladder_frame("structured_load")["id"])
    for _, g in lf.groupby("ladder"):
        assert g["rung"].tolist() == list(range(1, len(g) + 1))
        assert g["load_level"].is_monotonic_increasing
    with pytest.raises(InputError, match="^category"):
        pw.ladder_frame("yoga")


def test_plots_have_labelled_axes():
    """ladder_plot, acwr_plot, habit_curve_plot: figures with unit-bearing axis labels."""
    fig = pw.ladder_plot(pw.ladder_frame("structured_load"))
    assert "load level" in fig.axes[0].get_ylabel()
    daily = pd.DataFrame({"day": range(28), "week": [d // 7 + 1 for d in range(28)], "load": [5.0] * 28,
                          "deload": [False] * 28}).join(pw.acwr([5.0] * 28))
    fig = pw.acwr_plot(daily)
    assert fig.axes[1].get_ylabel() == "acute:chronic ratio" and "week" in fig.axes[1].get_xlabel()
    fig = pw.habit_curve_plot(pw.habit_curve(90, 66))
    assert fig.axes[0].get_ylabel() == "habit strength (0-1)"


# ----------------------------------------------------------------------- every widget
def _sliders(w):
    return [c for c in w.controls.values() if isinstance(c, (ipywidgets.IntSlider, ipywidgets.FloatSlider,
                                                             ipywidgets.IntRangeSlider))]


@pytest.fixture()
def builder(tmp_path):
    return pw.routine_builder(folder=tmp_path)


def test_every_widget_renders_at_its_defaults(builder):
    """each widget: a result, no error, and a 'rendered: ...' text marker at its defaults; sliders
    update only on release (continuous_update=False)."""
    ws = [pw.progression_planner(), pw.load_comparison(), pw.adherence_simulator(), pw.habit_curve_widget(),
          builder, pw.cohort_projection(builder)]
    for w in ws:
        assert w.error is None and w.result is not None, (type(w).__name__, w.error)
        assert w.marker_text(w.values).startswith("rendered: ")
        assert isinstance(w.ui, ipywidgets.VBox)
        for s in _sliders(w):
            assert s.continuous_update is False, (type(w).__name__, s.description)


# ----------------------------------------------------------------------- notebook 04
def test_planner_step_interval_changes_the_plan_and_the_ratio():
    """ProgressionPlanner: stepping up every week with no easier weeks, instead of every 3 weeks with one, moves more
    rungs and pushes the ratio out of 0.8-1.3."""
    w = pw.progression_planner(start_stage=2, weeks=12, step_every=3, deload_every=4)
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
    w = pw.progression_planner(weeks=12, deload_every=4)
    d = w.result["daily"]
    assert d["day"].max() == 12 * 7 - 1
    assert sorted(d.loc[d["deload"], "week"].unique()) == [4, 8, 12]
    table = w.week_table()
    assert table.loc[table["week"] == 4, "load per session"].item() < table.loc[table["week"] == 3, "load per session"].item()
    w.weeks.value = 20
    assert w.result["daily"]["week"].max() == 20


def test_planner_easier_every_week_is_a_message():
    """ProgressionPlanner: 'easier week every 1' is refused with a one-line message, then recovers."""
    w = pw.progression_planner()
    w.deload_every.value = 1
    assert w.result is None and w.error.startswith("easier week every: must be 0 (none) or 2 or more")
    w.deload_every.value = 0
    assert w.error is None and w.result is not None


def test_load_comparison_same_volume_two_cohorts():
    """LoadComparison: both scenarios simulated with the same planned volume; the state and weeks controls change the result."""
    w = pw.load_comparison()
    r = w.result
    assert set(r["results"]) == {"structured_load", "unstructured_spikes"}
    vol = r["volume"].set_index("scenario").iloc[:, 0]
    assert vol["structured_load"] == pytest.approx(vol["unstructured_spikes"], rel=0.01)
    assert any("flares" in str(i) for i in r["summary"].index)
    w.state.value = "pain"
    assert w.result["state"] == "pain"
    w.weeks.value = 8
    assert len(w.result["results"]["structured_load"].daily) == 56


# ----------------------------------------------------------------------- notebook 05
def test_adherence_minutes_change_the_simulation():
    """AdherenceSimulator: more minutes per day means more planned minutes and a different cohort result."""
    w = pw.adherence_simulator(minutes=10)
    before = w.result
    w.minutes.value = 30
    after = w.result
    assert after["weekly_minutes"] == pytest.approx(3 * before["weekly_minutes"])
    assert not after["results"]["your pattern"].daily.equals(before["results"]["your pattern"].daily)


def test_adherence_patterns_arrange_the_sessions():
    """AdherenceSimulator: 'bunched' puts the sessions on consecutive days, 'weekly' in one session of the week's minutes."""
    w = pw.adherence_simulator(minutes=20, days_per_week=3, pattern="spread")
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
    w = pw.adherence_simulator()
    w.cohort.value = 0
    assert w.result is None and w.error == "cohort size: must be a whole number from 20 to 2000 (got 0)"
    w.cohort.value = 100
    assert w.error is None and w.result["people"] == 100
    assert len(w.result["results"]["your pattern"].people) == 100


def test_habit_widget_moves_the_plateau_day():
    """HabitCurve: a slower habit reaches 95% later; missing days lowers habit on day 66."""
    w = pw.habit_curve_widget()
    assert w.result["day_95"] == 66
    w.days_to_plateau.value = 120
    assert w.result["day_95"] == 120
    before = w.result["habit_at_66"]
    w.miss_every.value = 3
    assert w.result["habit_at_66"] < before


# ----------------------------------------------------------------------- notebook 06
def test_builder_minutes_change_the_plan_and_the_audit(builder):
    """RoutineBuilder: 15 -> 30 minutes a day gives a longer plan and the audit notices (outside 10-20 minutes)."""
    r15 = builder.result
    assert r15["passes"] and r15["routine"].minutes <= 15
    builder.minutes.value = 30
    r30 = builder.result
    assert 15 < r30["routine"].minutes <= 30 and len(r30["plan"]) > len(r15["plan"])
    a15 = r15["audit"].set_index("insight")
    a30 = r30["audit"].set_index("insight")
    assert a30.loc[5, "status"] == "warn" and a30.loc[5, "reason"] != a15.loc[5, "reason"]
    assert r30["week"]["total"].max() == pytest.approx(r30["routine"].minutes)


def test_builder_other_inputs_change_the_plan(builder):
    """RoutineBuilder: days per week, irritability and positions each change the plan."""
    base = builder.result["routine"]
    builder.days_per_week.value = 3
    assert builder.result["routine"].days_per_week == 3 and builder.result["week"]["session"].sum() == 3
    builder.days_per_week.value = 7
    builder.irritability.value = "high"
    high = builder.result["routine"]
    assert high.slot_minutes()["evening"] > base.slot_minutes()["evening"]
    builder.positions.value = ("seated", "standing")
    assert {it.position for it in builder.result["routine"].items} <= {"seated", "standing"}


@pytest.mark.parametrize("value, field", [(0, "minutes_per_day"), (90, "minutes_per_day")])
def test_builder_bad_minutes_is_a_message(builder, value, field):
    """RoutineBuilder: minutes typed as 0 or 90 give a one-line message naming the field, then recover."""
    builder.minutes.value = value
    assert builder.result is None
    assert builder.error.startswith(f"{field}: must be a whole number of minutes from 5 to 60 (got {value})")
    assert "\n" not in builder.error
    builder.minutes.value = 15
    assert builder.error is None and builder.result["routine"] is not None


def test_builder_no_positions_is_a_message(builder):
    """RoutineBuilder: deselecting every position gives a message, not a traceback."""
    builder.positions.value = ()
    assert builder.result is None and builder.error.startswith("positions: must be at least one position")


def test_builder_red_flag_shows_the_referral_and_no_plan(builder):
    """RoutineBuilder: one yes on the safety questions -> referral message, no plan; the projection says why."""
    proj = pw.cohort_projection(builder)
    builder.rf_fever_unwell.value = "yes"
    r = builder.result
    assert r["routine"] is None and r["referral"].referral
    assert builder.message.startswith("Please see a clinician")
    assert builder.marker_text(builder.values) == "rendered: referral"
    assert proj.result is None and proj.error.startswith("plan: must be a plan from the builder")
    builder.rf_fever_unwell.value = "no"
    assert builder.result["routine"] is not None and proj.error is None


def test_builder_all_no_answers_clear_the_screen(builder):
    """RoutineBuilder: answering every safety question no removes the 'not answered' note from the plan."""
    assert any("not answered" in n for n in builder.result["routine"].notes)
    with builder.hold():
        for q in builder.questions:
            getattr(builder, f"rf_{q}").value = "no"
    builder.update()
    assert builder.result["routine"].screen.clear
    assert not any("not answered" in n for n in builder.result["routine"].notes)


def test_builder_progress_and_regress_buttons(builder):
    """RoutineBuilder: the progress button moves the chosen exercise one rung up its ladder, regress back down."""
    from spinelib.catalogue import load_catalogue

    cat = load_catalogue().set_index("id")
    start = builder.result["routine"]
    climbable = [it.exercise_id for it in start.items if isinstance(cat.at[it.exercise_id, "progression_id"], str)
                 and cat.at[it.exercise_id, "progression_id"]]
    assert climbable, "the default plan has something to progress"
    ex = climbable[0]
    nxt = cat.at[ex, "progression_id"]
    builder.exercise.value = ex
    builder.progress_button.click()
    ids = builder.result["routine"].ids
    assert nxt in ids and ex not in ids
    assert builder.exercise.value == nxt
    assert "progressed" in builder.edit_status.value
    builder.regress_button.click()
    assert ex in builder.result["routine"].ids
    # a change of profile starts again from a freshly built plan
    builder.progress_button.click()
    builder.days_per_week.value = 6
    assert ex in builder.result["routine"].ids


def test_builder_top_of_ladder_is_a_message(builder):
    """RoutineBuilder: progressing an exercise with no rung above leaves the plan and says why in one line."""
    from spinelib.catalogue import load_catalogue

    cat = load_catalogue().set_index("id")
    routine = builder.result["routine"]
    top = next(it.exercise_id for it in routine.items if not (isinstance(cat.at[it.exercise_id, "progression_id"], str)
                                                               and cat.at[it.exercise_id, "progression_id"]))
    builder.exercise.value = top
    builder.progress_button.click()
    assert builder.result["routine"].ids == routine.ids
    assert "top of its ladder" in builder.edit_status.value


def test_builder_export_csv_and_json(builder, tmp_path):
    """RoutineBuilder: the save buttons write CSV and JSON atomically to the typed name and show the full path."""
    builder.filename.value = "ana plan"
    builder.save_csv.click()
    csv = tmp_path / "ana plan.csv"
    assert csv.is_file() and str(csv.resolve()) in builder.saved.value
    table = pd.read_csv(csv)
    assert table["exercise_id"].tolist() == builder.result["routine"].ids
    builder.save_json.click()
    js = tmp_path / "ana plan.json"
    assert js.is_file() and json.loads(js.read_text())["format"] == "spinelib.routine/1"
    assert Routine.from_json(js) == builder.result["routine"]
    assert not list(tmp_path.glob(".*.tmp")), "no temporary files left behind"
    # an explicit name with its own folder and extension
    p = builder.export("json", str(tmp_path / "sub" / "x.json"))
    assert p == (tmp_path / "sub" / "x.json").resolve() and p.is_file()


def test_builder_export_empty_name_is_a_message(builder, tmp_path):
    """RoutineBuilder: an empty file name (or a referral) gives a 'Not saved' message and writes nothing."""
    builder.filename.value = "   "
    builder.save_csv.click()
    assert builder.saved.value.startswith("<span") and "Not saved: file name: must be a file name" in builder.saved.value
    assert not list(tmp_path.iterdir())
    builder.filename.value = "x"
    builder.rf_weight_loss.value = "yes"
    builder.save_json.click()
    assert "Not saved: export: must be a plan to export" in builder.saved.value
    with pytest.raises(InputError):
        builder.export("pdf")


def test_builder_report_command_follows_the_profile(builder):
    """RoutineBuilder: the report command carries the current profile and writes under reports/out/."""
    builder.minutes.value = 20
    builder.equipment.value = ("mat", "band")
    builder.rf_night_pain.value = "no"
    cmd = builder.report_command()
    assert cmd.startswith("spinelib report personal-plan -p minutes_per_day 20 -p days_per_week 7")
    assert "-r equipment mat,band" in cmd and "-p red_flags.night_pain no" in cmd
    assert cmd.endswith("-o reports/out/me.html")


def test_report_command_parameters_are_valid_for_the_template(builder):
    """RoutineBuilder: the parameters in the report command pass the report runner's own validation."""
    from spinelib.cli import _collect
    from spinelib.reports import validate_parameters

    builder.minutes.value = 25
    builder.goals.value = ("walking",)
    builder.rf_fever_unwell.value = "no"
    words = builder.report_command().split()
    params, raw = [], []
    i = 0
    while i < len(words):
        if words[i] in ("-p", "-r"):
            (params if words[i] == "-p" else raw).append((words[i + 1], words[i + 2]))
            i += 3
        else:
            i += 1
    clean = validate_parameters("personal-plan", _collect(None, None, params, raw))
    assert clean["minutes_per_day"] == 25 and clean["goals"] == ["walking"]
    assert clean["red_flags"] == {"fever_unwell": False}


def test_projection_follows_the_builder(builder):
    """CohortProjection: a change in the builder re-runs the projection on the new plan."""
    proj = pw.cohort_projection(builder, weeks=8, people=100)
    first = proj.result
    assert set(first["results"]) == {"your plan", "no_exercise"}
    assert len(first["results"]["your plan"].daily) == 56
    n = proj.updates
    builder.minutes.value = 25
    assert proj.updates == n + 1
    assert not proj.result["results"]["your plan"].daily.equals(first["results"]["your plan"].daily)
    assert proj.marker_text(proj.values) == "rendered: projection weeks=8 minutes=25"
    proj.weeks.value = 4
    assert len(proj.result["results"]["your plan"].daily) == 28


# ----------------------------------------------------------------------- in a kernel (no browser)
def _polling_client():
    """The one NotebookClient that polls for cell replies (jupyter/nbclient#312), from spinelib.nbrun."""
    from spinelib.nbrun import PollingClient

    return PollingClient


def _kernel_run(notebook: str, steps: list[str], tmp_path):
    """Run a notebook (without its solution cells) plus ``steps`` in a fresh kernel; return the printed
    text of each step and the outputs held by every Output widget in the saved widget state."""
    from pathlib import Path

    import nbformat

    root = Path(__file__).resolve().parent.parent
    path = root / "notebooks" / notebook
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if "solution" not in c.metadata.get("tags", [])]
    first = len(nb.cells)
    nb.cells += [nbformat.v4.new_code_cell(s) for s in steps]
    _polling_client()(nb, kernel_name="python3", timeout=180, resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = ["".join(o.get("text", "") for o in c.outputs if o.get("output_type") == "stream") for c in nb.cells[first:]]
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    outputs = []
    for model in state.values():
        if model.get("model_name") == "OutputModel":
            text = []
            for o in model["state"].get("outputs", []):
                d = o.get("data", {})
                text.append(o.get("text", "") + d.get("text/html", "") + d.get("text/plain", ""))
                if "image/png" in d:
                    text.append("<png>")
            outputs.append("\n".join(text))
    return printed, outputs


def test_builder_and_projection_in_a_kernel(tmp_path):
    """06 in a kernel: typing minutes redraws the builder's plan and audit and the projection follows;
    minutes 0 shows a one-line message in the widget; the export button writes the file."""
    steps = [
        "builder.minutes.value = 25\nprint('PLAN', builder.result['routine'].minutes, builder.result['audit'].loc[4, 'status'])",
        "print('PROJ', projection.values, projection.error, len(projection.result['results']['your plan'].daily))",
        "builder.minutes.value = 0\nprint('ERR', builder.error, builder.result)",
        "builder.minutes.value = 20\nbuilder.folder = __import__('pathlib').Path('.')\nbuilder.filename.value = 'me'\n"
        "builder.save_json.click()\nprint('SAVED', builder.saved.value)",
    ]
    printed, outputs = _kernel_run("06_build_your_routine.ipynb", steps, tmp_path)
    minutes, status = printed[0].split()[1:3]
    assert 15 < float(minutes) <= 25 and status == "warn"
    assert printed[1].startswith("PROJ {'weeks': 12} None 84")
    assert "ERR minutes_per_day: must be a whole number of minutes from 5 to 60 (got 0) None" in printed[2]
    assert "Saved JSON to" in printed[3] and (tmp_path / "me.json").is_file()
    builder_out = next(o for o in outputs if "rendered: minutes=20 items=" in o)
    assert "Five-insight audit" in builder_out and "Morning stabilizers" in builder_out
    assert "Traceback" not in builder_out
    projection_out = next(o for o in outputs if "rendered: projection weeks=12 minutes=20" in o)
    assert projection_out.count("<png>") == 1
    assert not any("Traceback" in o for o in outputs)


def test_adherence_simulator_in_a_kernel(tmp_path):
    """05 in a kernel: moving the minutes slider re-simulates and replaces the plot; cohort size 0 is a message."""
    steps = [
        "sim.minutes.value = 20\nprint('WEEKLY', sim.result['weekly_minutes'])",
        "sim.cohort.value = 0\nprint('ERR', sim.error)",
        "sim.cohort.value = 150\nprint('OK', sim.error, len(sim.result['results']['your pattern'].people))",
    ]
    printed, outputs = _kernel_run("05_consistency.ipynb", steps, tmp_path)
    assert printed[0].strip() == "WEEKLY 140.0"
    assert printed[1].strip() == "ERR cohort size: must be a whole number from 20 to 2000 (got 0)"
    assert printed[2].strip() == "OK None 150"
    sim_out = next(o for o in outputs if "pattern=spread cohort=150" in o)
    assert sim_out.count("<png>") == 1 and "Traceback" not in sim_out


# ----------------------------------------------------------------------- self-checks of notebooks 04-06
@pytest.mark.parametrize("ex_id, right, wrong, says", [
    ("04-steady", 1.0, 0.0, "no load this week"),
    ("04-spike", 1.57, 3, "ratio of the raw daily loads"),
    ("04-caveat", False, True, "contested"),
    ("05-habit-days", 66.6, 15.4, "halfway point"),
    ("05-miss", "no", "yes", "did not materially affect"),
    ("05-daily", "gentle_daily", "weekend_warrior", "habit panel"),
    ("06-irritable", "evening", "morning", "Not the morning slot"),
    ("06-referral", False, True, "see a clinician first"),
])
def test_selfchecks_explain_right_and_wrong(ex_id, right, wrong, says):
    """selfcheck 04-06: the right answer passes, a tempting wrong one fails with an explanation."""
    from spinelib.selfcheck import check

    assert check(ex_id, right).correct, str(check(ex_id, right))
    bad = check(ex_id, wrong)
    assert not bad.correct and says in bad.message


def test_selfcheck_plan_and_ten_minutes_read_widget_results():
    """selfcheck 04-plan and 06-ten: they judge a planner result and a routine, and say what is off."""
    from spinelib import build_routine
    from spinelib.selfcheck import check

    w = pw.progression_planner(step_every=3, deload_every=4)
    assert check("04-plan", w.result).correct and check("04-plan", w).correct
    w.set(step_every=1, deload_every=0)
    msg = check("04-plan", w.result).message
    assert "outside 0.8-1.3" in msg and "Hint:" in msg
    assert "give planner.result" in check("04-plan", 42).message
    assert check("06-ten", build_routine({"minutes_per_day": 10})).correct
    assert "set it to 10" in check("06-ten", build_routine({"minutes_per_day": 15})).message
    assert "red-flag referral" in check("06-ten", build_routine({"red_flags": {"night_pain": "yes"}})).message
