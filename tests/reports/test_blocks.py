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
    assert rf.scenario_label("gentle_daily", "A") == "Gentle daily"
    assert rf.scenario_label({"base": "supervised"}, "A") == "Supervised (custom)"
    assert rf.scenario_label({"base": "supervised", "label": "Clinic"}, "A") == "Clinic"
    assert rf.describe_scenario("weekend_warrior").startswith("Weekend warrior: one 90-minute")


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


def test_day_plan_shows_a_drawing_per_exercise_and_stays_self_contained():
    "personal plan: each exercise row has its drawing with alt text; the page still passes the offline check"
    from spinelib.drawing import alt_text
    from spinelib.render import esc
    from spinelib.reports.pages import check_self_contained

    routine = spinelib.build_routine({"minutes_per_day": 30, "equipment": ["mat", "band", "dumbbell"]})
    day = rf.day_plan(routine).data
    assert day.count("<svg") == len(routine.items)
    for it in routine.items:
        assert f'aria-label="{esc(alt_text(it.exercise_id))}"' in day
    check_self_contained(f"<html><body>{day}</body></html>")


def test_header_names_continuation_pages_safely_and_referrals_hide_the_plan():
    "personal plan: the printed footer's name is a CSS-escaped string; a referral header lists no plan weeks or minutes"
    header = rf.header("Personal plan", 'Ana "</style><script>', "2026-01-01", {}).data
    assert "@bottom-left" in header and "</style><script>" not in header.split("</style>", 1)[0] + "</style>"
    assert header.count("</style>") == 1
    prof = spinelib.Profile(minutes_per_day=20).to_dict()
    shown = rf.header_parameters(prof, 8, plan=False)
    assert not {"minutes_per_day", "days_per_week", "weeks", "equipment"} & set(shown) and "red_flags" in shown
    assert rf.header_parameters(prof, 8)["weeks"] == 8


def test_ladder_is_short_and_consistent_with_its_sentence():
    "personal plan: unchanged weeks collapse into ranges, easier weeks say what they do, the sentence matches the rows"
    routine = spinelib.build_routine({"minutes_per_day": 60, "equipment": ["mat", "band", "dumbbell", "kettlebell"]})
    prog = routine.progression(weeks=52)
    page = rf.ladder(prog).data
    assert "Same as last week" not in page and page.count("<tr>") < 52
    assert "Easier week:" in page and "at most one exercise moves one rung" in page
    one_step = [line for line in page.split("<tr>") if "One step up:" in line]
    assert all(line.count("-&gt;") == 2 for line in one_step)  # one exercise, one rung: "a -> b (load x -> y)"
    short = rf.ladder(spinelib.build_routine({"minutes_per_day": 5}).progression(weeks=1)).data
    assert "Start with the day plan above" in short


def test_interval_touching_zero_is_not_called_real():
    "comparison: a difference whose printed interval reaches 0.00 is not called a real difference"
    row = pd.DataFrame([{"outcome": "flares", "mean_a": 1.0, "lo_a": .9, "hi_a": 1.1, "mean_b": .98, "lo_b": .9,
                         "hi_b": 1.05, "diff": -0.02, "diff_lo": -0.04, "diff_hi": -0.001, "real": True}])
    page = rf.outcome_table(row, "A", "B").data
    assert "real difference" not in page and "-0.00" not in page and "0.00" in page
    assert "cannot be told apart" in rf.plain_summary(row, "A", "B", 100).data


def test_week_ticks_are_readable_from_one_to_104_weeks():
    "comparison and projection: at most about 8 week ticks for 104 weeks, and day ticks for a 1-week run"
    import matplotlib.pyplot as plt

    for weeks, most, least in ((104, 10, 3), (52, 10, 3), (1, 8, 3)):
        fig, ax = plt.subplots()
        ax.plot([0, weeks], [0, 1])
        ax.set_xlabel("week")
        rf.week_ticks(fig, weeks)
        ticks = [t for t in ax.get_xticks() if 0 <= t <= weeks]
        assert least <= len(ticks) <= most, (weeks, ticks)
        if weeks == 1:
            assert ax.get_xlabel() == "day"
        plt.close(fig)


def test_why_this_plan_is_plain():
    "personal plan: 'why this plan' is a short list in plain words, with no citation ids"
    routine = spinelib.build_routine({"minutes_per_day": 15})
    why = rf.why_this_plan(routine).data
    assert why.startswith('<section id="why"><h2>Why this plan</h2>') and why.count("<li>") >= 2
    assert "I1-" not in why and "et al" not in why


def test_why_this_plan_says_when_the_minutes_were_kept_to_the_gentle_range():
    "blocks: a plan built for more than 20 minutes a day says, in the report, that it was kept to 20 and why"
    long = rf.why_this_plan(spinelib.build_routine(spinelib.Profile(minutes_per_day=45))).data
    assert "kept to 20 min a day" in long
    short = rf.why_this_plan(spinelib.build_routine(spinelib.Profile(minutes_per_day=15))).data
    assert "kept to" not in short and "answer them before you start" not in short
