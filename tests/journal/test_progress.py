"""Progress from a log: adherence, streaks (with 'welcome back'), weekly minutes, honest trends, MIDs."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from spinelib.journal import (adherence, flare_trend, measure_changes, pain_trend, planned_sessions,
                              progress_summary, streaks, weekly_adherence, weekly_minutes)

TODAY = dt.date(2026, 11, 30)  # a Monday
PLAN = {"start": dt.date(2026, 11, 2), "session_days": (0, 2, 4), "slots": ("morning", "evening")}


def log(days, slot="morning", pain=5, minutes=10, flare=False):
    days = list(days)
    return pd.DataFrame({"date": pd.to_datetime(days), "slot": slot, "exercises": "bird_dog", "minutes": float(minutes),
                         "pain_before": pain, "pain_after": pain, "flare": flare, "note": ""})


def test_planned_sessions_follow_the_plan():
    "progress: planned sessions are the plan's weekdays x slots from its start"
    p = planned_sessions(PLAN, PLAN["start"], TODAY)
    assert len(p) == 13 * 2  # 13 Mon/Wed/Fri from 2 Nov to 30 Nov
    assert set(p["date"].dt.weekday) == {0, 2, 4}


def test_adherence_counts_planned_and_extra():
    "progress: adherence counts done planned sessions; sessions on rest days count as extra"
    mons = [PLAN["start"] + dt.timedelta(days=7 * k) for k in range(5)]
    s = pd.concat([log(mons), log([dt.date(2026, 11, 3)])])  # a Tuesday: extra
    a = adherence(s, PLAN, TODAY)
    # 26 planned up to today; today's evening session is not done yet, and the day is not over
    assert a["planned"] == 25 and a["done"] == 5 and a["extra"] == 1
    assert a["share"] == pytest.approx(5 / 25)
    w = weekly_adherence(s, PLAN, TODAY)
    assert w["planned"].tolist() == [6, 6, 6, 6, 1] and w["done"].tolist() == [1, 1, 1, 1, 1]
    assert np.isnan(adherence(s, None, TODAY)["share"])


def test_streak_going_and_rest_days_never_break_it():
    "progress: with a plan, only missed planned days end a run; rest days do not"
    days = [d for d in pd.date_range(PLAN["start"], TODAY) if d.weekday() in (0, 2, 4)]
    r = streaks(log(days), PLAN, TODAY)
    assert r["status"] == "going" and r["current"] == r["longest"] == 13
    assert "in a row" in r["message"]


def test_today_not_done_yet_does_not_break_the_streak():
    "progress: a planned day that is still today does not end the run"
    days = [d for d in pd.date_range(PLAN["start"], TODAY - dt.timedelta(days=1)) if d.weekday() in (0, 2, 4)]
    assert streaks(log(days), PLAN, TODAY)["current"] == 12


def test_welcome_back_after_a_gap():
    "progress: sessions after a long break say 'welcome back', never 'broken streak', and keep the count"
    early = [dt.date(2026, 11, 2), dt.date(2026, 11, 4), dt.date(2026, 11, 6)]
    back = [dt.date(2026, 11, 25), dt.date(2026, 11, 27), dt.date(2026, 11, 30)]
    r = streaks(log(early + back), PLAN, TODAY)
    assert r["status"] == "welcome back" and r["current"] == 3 and r["longest"] == 3
    assert r["gap_days"] == 18
    assert "Welcome back" in r["message"] and "6 session days" in r["message"]
    assert "broken" not in r["message"].lower()


def test_paused_is_an_invitation():
    "progress: a person who stopped is invited back, with no word about breaking anything"
    r = streaks(log([dt.date(2026, 11, 2), dt.date(2026, 11, 4)]), PLAN, TODAY)
    assert r["status"] == "paused" and r["current"] == 0 and r["longest"] == 2
    assert "pick it up again" in r["message"] and "broken" not in r["message"].lower()
    assert streaks(log([]), PLAN, TODAY)["status"] == "start"


def test_streak_without_a_plan_is_consecutive_days():
    "progress: without a plan a run is consecutive calendar days"
    r = streaks(log(pd.date_range("2026-11-20", "2026-11-29")), None, TODAY)
    assert r["current"] == 10 and r["status"] == "going"


def test_weekly_minutes_and_flares():
    "progress: weekly minutes, sessions and flare days"
    s = pd.concat([log([dt.date(2026, 11, 23)], minutes=10, flare=True),
                   log([dt.date(2026, 11, 23)], slot="evening", minutes=5, flare=True),
                   log([dt.date(2026, 11, 30)], minutes=20)])
    w = weekly_minutes(s)
    assert w["minutes"].tolist() == [15.0, 20.0] and w["flare_days"].tolist() == [1, 0]
    f = flare_trend(s, weeks=2)
    assert np.isnan(f["share"].iloc[0]) and f["share"].iloc[1] == pytest.approx(1 / 2)


def test_pain_trend_is_trailing_and_blank_when_thin():
    "progress: the smoothed pain never looks ahead and is blank with fewer than 3 entries in the window"
    days = pd.date_range("2026-11-01", periods=20)
    pain = [5] * 10 + [2] * 10
    t = pain_trend(log(days, pain=pain))
    assert t["smooth"].iloc[:2].isna().all() and t["smooth"].iloc[2] == 5
    assert t["smooth"].iloc[9] == 5  # the drop on day 10 is not seen before it happens
    assert t["smooth"].iloc[19] == 2 and t["lo"].iloc[19] == t["hi"].iloc[19] == 2
    sparse = pain_trend(log([dt.date(2026, 11, 1), dt.date(2026, 11, 20)]))
    assert sparse["smooth"].isna().all()  # one entry per window: no line drawn through it
    mid = t.iloc[12]
    assert mid["lo"] < mid["smooth"] < mid["hi"]  # a mixed window has a visible band


def test_measure_changes_against_the_mid():
    "progress: outcome changes are read against each instrument's minimal important difference"
    m = pd.DataFrame({"week_start": pd.to_datetime(["2026-11-02", "2026-11-30"]), "nrs": [6.0, 4.5],
                      "peg_pain": [6.0, 4.0], "peg_enjoyment": [5.0, 4.0], "peg_activity": [6.0, 4.0],
                      "psfs_1": [3.0, 3.5], "psfs_2": [4.0, 4.5], "psfs_3": [np.nan, np.nan]})
    c = measure_changes(m).set_index("instrument")
    assert c.loc["nrs", "meaning"] == "within the MID"  # -1.5 points and -25%
    assert c.loc["peg", "meaning"] == "improved"  # 5.67 -> 4.0
    assert c.loc["psfs", "meaning"] == "within the MID" and c.loc["psfs", "change"] == pytest.approx(0.5)
    assert c.loc["nrs", "weeks"] == 4
    m.loc[1, "nrs"] = 4.0  # -2 points: the MID
    assert measure_changes(m).set_index("instrument").loc["nrs", "meaning"] == "improved"
    m.loc[1, "psfs_1"], m.loc[1, "psfs_2"] = 1.0, 2.0  # function worse by 2
    assert measure_changes(m).set_index("instrument").loc["psfs", "meaning"] == "worse"
    assert measure_changes(m.iloc[:1])["meaning"].unique().tolist() == ["one measure so far"]


def test_progress_summary_on_an_empty_log():
    "progress: an empty log gives empty tables and a 'start' streak, not an error"
    s = log([])
    r = progress_summary(s, None, None, TODAY)
    assert r["streaks"]["status"] == "start" and r["weekly_minutes"].empty and r["measures"].empty


def test_clinic_summary_matches_the_per_person_functions():
    "progress: the vectorised clinic summary gives each person the same adherence as adherence() does"
    from spinelib.journal import clinic_summary

    a = log([d for d in pd.date_range(PLAN["start"], TODAY) if d.weekday() in (0, 2)], pain=6).assign(person="A")
    b = log(pd.date_range("2026-11-20", TODAY), slot="evening", pain=3, flare=True).assign(person="B")
    plans = {"A": PLAN, "B": {**PLAN, "start": dt.date(2026, 11, 20), "session_days": tuple(range(7)),
                              "slots": ("evening",)}}
    out = clinic_summary(pd.concat([a, b], ignore_index=True), plans, TODAY).set_index("person")
    for p, s in (("A", a), ("B", b)):
        ref = adherence(s, plans[p], TODAY)
        assert (out.loc[p, "planned"], out.loc[p, "done"]) == (ref["planned"], ref["done"])
        assert out.loc[p, "adherence"] == pytest.approx(ref["share"])
    assert out.loc["B", "flare_days"] == 11 and out.loc["A", "pain_change"] == 0
