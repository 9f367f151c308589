"""Issue 11: the widgets show plain names, never internal ids.

Every widget of spinelib.ui's comparison, curve, breathing and catalogue modules (and the cohort projection,
which draws through the same shared path) is built at its defaults, as in a kernel; every legend text of its
figures and every table header and row label it shows must be free of snake_case identifiers such as
``no_exercise``, ``max_effort`` or ``calm_first``.
"""
from __future__ import annotations

import html
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
from IPython.display import HTML

from spinelib import plots, ui
from spinelib.redflags import RED_FLAG_QUESTIONS

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")  # no_exercise, max_effort, pain_change, ...
ALL_NO = {q: "no" for q in RED_FLAG_QUESTIONS}


def _projection(tmp_path):
    return ui.cohort_projection(ui.routine_builder(folder=tmp_path, red_flags=ALL_NO), people=60)


WIDGETS = {
    "micro_strength_sim": lambda tmp: ui.micro_strength_sim(people=60),
    "calm_first_sim": lambda tmp: ui.calm_first_sim(people=60),
    "transitions_calculator": lambda tmp: ui.transitions_calculator(people=60),
    "load_comparison": lambda tmp: ui.load_comparison(people=60),
    "adherence_simulator": lambda tmp: ui.adherence_simulator(people=60),
    "progression_planner": lambda tmp: ui.progression_planner(),
    "habit_curve_widget": lambda tmp: ui.habit_curve_widget(),
    "breathing_pacer": lambda tmp: ui.breathing_pacer(),
    "catalogue_explorer": lambda tmp: ui.catalogue_explorer(),
    "cohort_projection": _projection,
}


def _legend_texts(fig) -> list[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return [t.get_text() for leg in legends for t in leg.get_texts()]


def _table_labels(objs) -> list[str]:
    """Header cells (columns, and the index when shown) and row labels (``<th>`` in a body row) of every HTML
    table shown, plus the first cell of each body row of a table whose first header names its rows."""
    out = []
    for obj in objs:
        if not isinstance(obj, HTML) or "<table" not in (obj.data or ""):
            continue
        for table in re.findall(r"<table.*?</table>", obj.data, flags=re.S):
            out += [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<th[^>]*>(.*?)</th>",
                                                                                            table, flags=re.S)]
            heads = re.findall(r"<th[^>]*>(.*?)</th>", table, flags=re.S)
            if heads and re.search(r"scenario|outcome|pattern", heads[0]):
                for row in re.findall(r"<tr>\s*<td[^>]*>(.*?)</td>", table, flags=re.S):
                    out.append(html.unescape(re.sub(r"<[^>]+>", "", row)).strip())
    return out


@pytest.mark.parametrize("name", list(WIDGETS))
def test_widget_legends_and_tables_show_no_internal_ids(name, shown, tmp_path):
    """every widget at its defaults: legends and table labels in plain words (issue 11)."""
    w = WIDGETS[name](tmp_path)
    assert w.error is None, w.error
    legends = [t for fig in w.figures for t in _legend_texts(fig)]
    tables = _table_labels(shown)
    bad = [t for t in legends + tables if SNAKE.search(t)]
    assert not bad, f"{name} shows internal ids: {bad}"


def test_the_check_sees_tables_and_legends(shown):
    """the test itself: the comparison widgets do show a legend and a table with a row label column."""
    w = ui.micro_strength_sim(people=60)
    assert _legend_texts(w.figures[0]) == ["your plan", "max effort", "no exercise"]
    labels = _table_labels(shown)
    assert "max effort" in labels and "no exercise" in labels and "outcome (mean, 95% interval)" in labels
    assert SNAKE.search("no_exercise") and not SNAKE.search("no exercise")


def test_scenario_labels_keep_their_colours():
    """plain names in the text, colours still keyed by the scenario id; a person's own label is left alone."""
    assert plots.scenario_label("calm_first") == "calm first" and plots.color_for("calm_first") == plots.COLORS[2]
    fig = plots.cohort_band_plot({"max_effort": _daily(), "no_exercise": _daily()}, "pain")
    ax = fig.axes[0]
    assert [matplotlib.colors.to_hex(line.get_color()) for line in ax.lines] == [plots.PALETTE["max_effort"],
                                                                              plots.PALETTE["no_exercise"]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["max effort", "no exercise"]
    assert plots.scenario_label("my_own label") == "my_own label"
    plt.close(fig)


def _daily():
    import numpy as np
    import pandas as pd

    d = np.arange(14)
    return pd.DataFrame({"day": d, "pain_mean": 50 - d * 0.5, "pain_p2.5": 30 - d * 0.5, "pain_p97.5": 70 - d * 0.5})
