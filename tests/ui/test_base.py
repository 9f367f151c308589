"""The base every widget shares (spinelib.ui.base): the update cycle, one-line errors, the text
marker, and the one way a figure is drawn (a single PNG; cohort bands redrawn in place).

Widgets are driven in-process, without a browser or a kernel.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import ipywidgets
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from IPython.display import Image

from spinelib import ui
from spinelib.errors import InputError, number
from spinelib.ui import base

from spinelib.redflags import RED_FLAG_QUESTIONS

ALL_NO = {q: "no" for q in RED_FLAG_QUESTIONS}  # the screen answered, so the builder shows a plan


class _Minutes(ui.SpineWidget):
    def __init__(self):
        super().__init__()
        self.minutes = ipywidgets.IntText(value=10)
        self.word = ipywidgets.Text(value="a")
        self.setup(["minutes", "word"])

    def compute(self, minutes, word):
        if word == "boom":
            raise RuntimeError("deep failure\nwith a second line")
        return number(minutes, "minutes", 1, 30) * 2


def test_base_updates_on_change_and_records_result():
    """SpineWidget: a control change recomputes .result and counts the update."""
    w = _Minutes()
    assert w.result == 20 and w.updates == 1 and w.error is None
    w.minutes.value = 12
    assert w.result == 24 and w.updates == 2
    assert w.marker_text(w.values) == "rendered: minutes=12 word=a"


def test_base_bad_value_is_a_one_line_message():
    """SpineWidget: an out-of-range value gives .error (one line), .result None, no exception."""
    w = _Minutes()
    w.minutes.value = 0
    assert w.result is None
    assert w.error == "minutes: must be a number from 1 to 30 (got 0)"
    w.minutes.value = 5
    assert w.result == 10 and w.error is None


def test_base_unexpected_error_is_still_one_line():
    """SpineWidget: even an unexpected exception becomes one line naming its type."""
    w = _Minutes()
    w.word.value = "boom"
    assert w.error == "RuntimeError: deep failure"


def test_base_set_updates_once():
    """SpineWidget.set: several controls, one update; unknown control names are refused."""
    w = _Minutes()
    n = w.updates
    assert w.set(minutes=3, word="b") == 6
    assert w.updates == n + 1
    with pytest.raises(InputError):
        w.set(nonsense=1)


def test_base_hold_defers_the_update():
    """SpineWidget.hold: control changes inside it do not update; the hold ends even after an exception."""
    w = _Minutes()
    n = w.updates
    with pytest.raises(RuntimeError), w.hold():
        w.minutes.value = 4
        raise RuntimeError("stop")
    assert w.updates == n
    w.minutes.value = 6
    assert w.updates == n + 1 and w.result == 12


def test_base_displays_as_its_ui():
    """SpineWidget: displaying the object displays its ipywidgets container."""
    w = _Minutes()
    assert isinstance(w.ui, ipywidgets.VBox)
    assert "application/vnd.jupyter.widget-view+json" in w._repr_mimebundle_()


# ----------------------------------------------------------------------- one way to draw a figure
def test_show_figure_sends_one_png_and_closes_the_figure(shown):
    """show_figure: the figure goes out as one PNG image (not a live figure) and is closed."""
    w = _Minutes()
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([0, 1], [0, 1])
    shown.clear()
    w.show_figure(fig)
    assert len(shown) == 1 and isinstance(shown[0], Image) and shown[0].data[:8] == b"\x89PNG\r\n\x1a\n"
    assert w.figures == [fig] and not plt.fignum_exists(fig.number)


def test_every_widget_draws_png_images_only(shown, tmp_path):
    """each widget with a plot: in a kernel it sends PNG images and never a matplotlib figure (one draw path)."""
    from matplotlib.figure import Figure

    builder = ui.routine_builder(folder=tmp_path, red_flags=ALL_NO)
    ws = [ui.breathing_pacer(), ui.micro_strength_sim(), ui.progression_planner(), ui.load_comparison(),
          ui.adherence_simulator(), ui.habit_curve_widget(), ui.cohort_projection(builder)]
    for w in ws:
        assert w.figures, type(w).__name__
    assert not any(isinstance(o, Figure) for o in shown)
    assert sum(isinstance(o, Image) for o in shown) == len(ws)


def test_bands_are_redrawn_in_place(shown):
    """SimulationWidget.show_bands: the same figure is redrawn while states and scenarios stay the same."""
    w = ui.adherence_simulator(people=50)
    fig = w.figures[0]
    w.minutes.value = 30
    assert w.figures == [fig]
    assert not plt.fignum_exists(fig.number)


def test_available_states_and_summary_table():
    """available_states keeps the states a result holds, in order; summary_table puts the outcome in a column."""
    w = ui.calm_first_sim(people=50)
    res = w.result["results"]
    assert base.available_states(res, ("nonsense", "capacity", "pain")) == ("capacity", "pain")
    t = base.summary_table(w.result["summary"])
    assert t.columns[0] == "outcome (mean, 95% interval)" and isinstance(t, pd.DataFrame)


# ----------------------------------------------------------------------- every widget
def _sliders(w):
    return [c for c in w.controls.values() if isinstance(c, (ipywidgets.IntSlider, ipywidgets.FloatSlider,
                                                             ipywidgets.IntRangeSlider))]


@pytest.fixture()
def builder(tmp_path):
    return ui.routine_builder(folder=tmp_path, red_flags=ALL_NO)


def test_every_widget_renders_at_its_defaults(builder):
    """each widget: a result, no error, and a 'rendered: ...' text marker at its defaults; sliders
    update only on release (continuous_update=False)."""
    ws = [ui.progression_planner(), ui.load_comparison(), ui.adherence_simulator(), ui.habit_curve_widget(),
          builder, ui.cohort_projection(builder)]
    for w in ws:
        assert w.error is None and w.result is not None, (type(w).__name__, w.error)
        assert w.marker_text(w.values).startswith("rendered: ")
        assert isinstance(w.ui, ipywidgets.VBox)
        for s in _sliders(w):
            assert s.continuous_update is False, (type(w).__name__, s.description)


# ----------------------------------------------------------------------- how an update reaches the Output
def _never(*args, **kwargs):
    raise AssertionError("a widget update displayed or cleared through IPython (a 'with out:' capture)")


def test_update_sets_the_output_in_one_step(shown, monkeypatch):
    """SpineWidget.update: in a kernel, the render (text, PNG, table, marker) is set on the Output as nbformat
    outputs in one assignment, replacing the last render; nothing goes through display() or clear_output()
    (a capture makes headless runners write to the shell channel mid-cell: jupyter/nbclient#312)."""
    for name in ("display", "clear_output"):
        monkeypatch.setattr(base, name, _never, raising=False)
        monkeypatch.setattr(f"IPython.display.{name}", _never)
    w = ui.breathing_pacer()
    sets = []
    w.out.observe(lambda change: sets.append(change["new"]), names="outputs")
    w.minutes.value = 12
    assert len(sets) == 1
    outs = w.out.outputs
    assert [o["output_type"] for o in outs] == ["display_data"] * 4
    assert outs[-1]["data"]["text/plain"] == "paced: breaths_per_min=6 ratio=1:2 minutes=12"
    assert "hidden" in outs[-1]["data"]["text/html"]  # a marker for tests, invisible to the learner
    assert outs[1]["data"]["image/png"].startswith("iVBORw0KGgo")  # base64 of a PNG, as display() sends it
    assert "text/html" in outs[0]["data"] and "text/html" in outs[2]["data"]
    w.minutes.value = 0  # an error replaces the render: the message and the marker, no old plot
    assert len(sets) == 2
    assert [o["output_type"] for o in w.out.outputs] == ["display_data", "display_data"]
    assert w.out.outputs[-1]["data"]["text/plain"] == "error: minutes: must be a number from 1 to 30 (got 0)"


def test_show_failing_midway_still_publishes_and_marks(shown):
    """SpineWidget.update: when show() fails after drawing part of the render, what was drawn stays, the
    one-line error and the error marker follow, in the same single assignment."""

    class Half(_Minutes):
        def show(self, result):
            self.show_text("first part")
            raise KeyError("missing column")

    w = Half()
    kinds = [o["output_type"] for o in w.out.outputs]
    assert kinds == ["display_data", "display_data", "display_data"]
    assert w.error == "missing column" and w.out.outputs[-1]["data"]["text/plain"] == "error: missing column"


def test_outside_a_kernel_the_marker_is_printed(capsys):
    """SpineWidget: outside a kernel nothing is set on the Output and the marker is printed."""
    w = _Minutes()
    w.minutes.value = 7
    assert w.out.outputs == ()
    assert capsys.readouterr().out.splitlines()[-1] == "rendered: minutes=7 word=a"


def test_display_output_and_stream_output():
    """display_output: the mime bundle display() would send; stream_output: one line of stdout."""
    from IPython.display import HTML

    out = base.display_output(HTML("<b>x</b>"))
    assert out == {"output_type": "display_data", "data": {"text/plain": "<IPython.core.display.HTML object>",
                                                            "text/html": "<b>x</b>"}, "metadata": {}}
    assert base.stream_output("done") == {"output_type": "stream", "name": "stdout", "text": "done\n"}
    assert base.stream_output("done\n")["text"] == "done\n"


def test_kept_figure_png_is_the_full_draw(shown):
    """KeptFigure.png: restoring the kept bitmap and drawing what changes on top gives the very picture a full
    draw of the figure gives, after changes of data, of the x range and of the state shown."""
    import io

    import numpy as np
    from PIL import Image as PILImage

    from spinelib import plots

    def pixels(png):
        return np.asarray(PILImage.open(io.BytesIO(png)).convert("RGBA"))

    for w, changes in ((ui.micro_strength_sim(people=50), [{"minutes": 30}, {"load_level": 4.0}]),
                       (ui.load_comparison(people=50), [{"weeks": 20}, {"state": "flare"}, {"state": "pain"}]),
                       (ui.habit_curve_widget(), [{"days_to_plateau": 30}, {"days": 90}]),
                       (ui.progression_planner(), [{"step_every": 1}, {"weeks": 20, "deload_every": 0}])):
        for change in changes:
            w.set(**change)
            fig = w.kept.fig
            np.testing.assert_array_equal(pixels(w.kept.png()), pixels(plots.figure_png(fig)), err_msg=str(change))
