"""Report building blocks without a kernel: comparisons, labels, and the plan's HTML fragments."""
from __future__ import annotations

import numpy as np
import pandas as pd

import spinelib
from spinelib.reports import blocks as rf


def test_compare_outcomes_and_summary():
    "comparison: a shift beyond chance is real, a tie is not; lower pain/flares wins; all-NaN outcomes are left out"
    rng = np.random.default_rng(0)
    n = 2000
    a = pd.DataFrame({"pain_change": rng.normal(-20, 10, n), "flares": rng.poisson(2, n).astype(float),
                      "adherence": np.full(n, np.nan), "habit": rng.uniform(0, 1, n)})
    b = a.copy()
    b["pain_change"] = a["pain_change"] - 5  # B better on pain
    b["flares"] = a["flares"] + rng.normal(0, 0.01, n)  # no real difference
    cmp = rf.compare_outcomes(a, b).set_index("outcome")
    assert "adherence" not in cmp.index
    assert cmp.loc["pain_change", "real"] and abs(cmp.loc["pain_change", "diff"] + 5) < 1e-9
    assert cmp.loc["pain_change", "diff_lo"] < -5 < cmp.loc["pain_change", "diff_hi"]
    assert not cmp.loc["flares", "real"] and not cmp.loc["habit", "real"]
    text = rf.plain_summary(cmp.reset_index(), "A", "B", n).data
    assert "in favour of **B**" in text and "cannot be told apart" in text


def test_outcome_table_uses_the_simulator_labels_and_escapes():
    "comparison: outcome labels and units from sim.results.OUTCOMES; scenario labels escaped"
    rng = np.random.default_rng(1)
    a = pd.DataFrame({"pain_change": rng.normal(-20, 10, 500), "adherence": rng.uniform(0.4, 0.9, 500)})
    b = a.assign(pain_change=a["pain_change"] - 6)
    cmp = rf.compare_outcomes(a, b)
    assert list(cmp["outcome"]) == ["pain_change", "adherence"]
    page = rf.outcome_table(cmp, "<A>", "B & co").data
    assert "Pain change (0-100, negative is better)" in page and "Sessions done (share of planned)" in page
    assert "&lt;A&gt;" in page and "B &amp; co" in page and "<A>" not in page
    fig = rf.outcome_figure(cmp, "A", "B")
    assert [ax.get_ylabel() for ax in fig.axes] == ["points on 0-100 (lower is better)", "share of planned sessions"]
    assert [ax.get_title() for ax in fig.axes] == ["Pain change", "Sessions done"]


def test_scenario_labels_and_descriptions():
    "comparison: labels and descriptions for names and settings"
    assert rf.scenario_label("gentle_daily", "A") == "gentle_daily"
    assert rf.scenario_label({"base": "supervised"}, "A") == "supervised (custom)"
    assert rf.scenario_label({"base": "supervised", "label": "Clinic"}, "A") == "Clinic"
    assert rf.describe_scenario("weekend_warrior").startswith("weekend_warrior: one 90-minute")


def test_plan_blocks_share_the_widget_rendering_and_escape():
    "personal plan: day plan, week and audit are spinelib.render's; the report's classes stay; names are escaped"
    routine = spinelib.build_routine({"minutes_per_day": 15})
    day = rf.day_plan(routine).data
    assert day.startswith('<section id="day-plan"><h2>Your day plan</h2>') and '<table class="plan">' in day
    week = rf.week_schedule(routine).data
    assert 'class="dataframe week"' in week and "Transition drill" in week
    audit = spinelib.audit(routine)
    table = rf.audit_table(audit).data
    assert '<section id="audit"><h2>Five-insight audit</h2>' in table and 'table class="audit' in table
    assert any(f'class="status-{s}"' in table for s in ("pass", "warn", "fail"))
    hostile = audit.assign(title="<b>bold</b>", reason="a & b", evidence=[["<x>"]] * len(audit))
    table = rf.audit_table(hostile).data
    assert "<b>bold</b>" not in table and "&lt;b&gt;bold&lt;/b&gt;" in table and "a &amp; b" in table
    assert "&lt;x&gt;" in table
    header = rf.header("Personal plan", "<Ana>", "2026-01-01", {"goals": ["<g>"], "red_flags": {"night_pain": False}}).data
    assert "&lt;Ana&gt;" in header and "&lt;g&gt;" in header and "<Ana>" not in header
    assert "1 answered no" in header
