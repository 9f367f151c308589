"""The personal forecast: does the Bayesian update recover known parameters from synthetic logs,
and do its intervals widen honestly with little data and with the horizon?"""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from spinelib.journal import (adherence_posterior, pain_ahead, pain_posterior, personal_forecast,
                              planned_sessions, session_response, sessions_ahead)
from spinelib.journal.forecast import FEW_DAYS

TODAY = pd.Timestamp("2026-11-30")


def synthetic_log(days=120, p=0.7, level=6.0, slope=-0.2, noise=1.0, relief=-1.0, seed=0):
    """A log with known parameters: each planned session done with probability p; pain before =
    level + slope x weeks + noise (rounded, 0-10); pain after = before + relief + noise."""
    rng = np.random.default_rng(seed)
    start = (TODAY - pd.Timedelta(days=days - 1)).date()
    plan = {"start": start, "session_days": tuple(range(7)), "slots": ("morning",)}
    planned = planned_sessions(plan, start, TODAY.date())
    done = planned[rng.random(len(planned)) < p].reset_index(drop=True)
    weeks = (done["date"] - pd.Timestamp(start)).dt.days / 7
    before = np.clip(np.round(level + slope * weeks + rng.normal(0, noise, len(done))), 0, 10).astype(int)
    after = np.clip(np.round(before + relief + rng.normal(0, 0.5, len(done))), 0, 10).astype(int)
    s = pd.DataFrame({"date": done["date"], "slot": done["slot"], "exercises": "bird_dog", "minutes": 10.0,
                      "pain_before": before, "pain_after": after, "flare": False, "note": ""})
    return s, plan, len(planned)


def test_adherence_is_recovered():
    "forecast: the adherence posterior recovers the true share (0.7): unbiased over 60 people, its 95% interval covers it"
    means, hits = [], 0
    for seed in range(60):
        s, plan, n = synthetic_log(days=300, p=0.7, seed=seed)
        a = personal_forecast(s, plan, TODAY).adherence
        assert a["planned"] in (n - 1, n) and n == 300  # today counts once done
        means.append(a["mean"])
        hits += a["lo"] < 0.7 < a["hi"]
    assert abs(np.mean(means) - 0.7) < 0.01 and hits >= 52


def test_pain_slope_is_recovered():
    "forecast: the pain posterior recovers level 6 and slope -0.2 points a week from 120 days"
    s, plan, _ = synthetic_log(days=120, p=0.9)
    post = pain_posterior(s)
    sl = post.slope()
    assert sl["lo"] < -0.2 < sl["hi"] and abs(sl["mean"] + 0.2) < 0.08
    assert abs(post.mean[0] - 6.0) < 0.6 and 0.7 < post.noise_sd() < 1.4


def test_intervals_cover_the_truth_most_of_the_time():
    "forecast: over 40 synthetic people the 95% slope interval covers the true slope at least 85% of the time"
    hits = 0
    for seed in range(40):
        s, _, _ = synthetic_log(days=60, p=0.8, slope=-0.3, seed=seed)
        sl = pain_posterior(s).slope()
        hits += sl["lo"] < -0.3 < sl["hi"]
    assert hits >= 34


def test_session_response_is_recovered():
    "forecast: the pain change over a session (true -1) is recovered with its interval"
    s, _, _ = synthetic_log(days=120, relief=-1.0)
    r = session_response(s)
    assert r["lo"] < -1.0 < r["hi"] and r["n"] == len(s)
    assert np.isnan(session_response(s.iloc[:1])["lo"])


def test_little_data_means_wide_intervals_and_says_so():
    "forecast: with a week of entries the ranges are wider than with four months, and the note says why"
    few, plan, _ = synthetic_log(days=7, p=1.0, seed=1)
    many, plan2, _ = synthetic_log(days=120, p=1.0, seed=1)
    f_few, f_many = personal_forecast(few, plan, TODAY), personal_forecast(many, plan2, TODAY)
    width = lambda f: (f.frame["hi"] - f.frame["lo"]).iloc[4]  # noqa: E731
    assert width(f_few) > 2 * width(f_many)
    assert f_few.few_data and not f_many.few_data and f_few.days_logged < FEW_DAYS
    assert "leans on its starting assumptions" in f_few.notes[0]
    assert (f_few.adherence["hi"] - f_few.adherence["lo"]) > (f_many.adherence["hi"] - f_many.adherence["lo"])


def test_intervals_widen_with_the_horizon():
    "forecast: the pain trend's range and the sessions range grow with every week ahead"
    s, plan, _ = synthetic_log(days=60)
    f = personal_forecast(s, plan, TODAY, weeks=8)
    w = (f.frame["hi"] - f.frame["lo"]).to_numpy()
    assert np.all(np.diff(w) > 0)
    sw = (f.frame["sessions_hi"] - f.frame["sessions_lo"]).to_numpy()
    assert sw[0] == 0 and sw[-1] > sw[1]
    assert (f.frame["day_hi"] - f.frame["day_lo"] >= f.frame["hi"] - f.frame["lo"] - 1e-9).all()
    assert f.frame["lo"].min() >= 0 and f.frame["hi"].max() <= 10


def test_no_data_is_the_prior():
    "forecast: an empty log gives the prior (pain about 5, adherence 50%) with wide ranges, no error"
    empty = pd.DataFrame(columns=["date", "slot", "exercises", "minutes", "pain_before", "pain_after", "flare", "note"])
    empty["date"] = pd.to_datetime(empty["date"])
    plan = {"start": TODAY.date(), "session_days": (0, 2, 4), "slots": ("morning",)}
    f = personal_forecast(empty, plan, TODAY)
    assert f.frame["mean"].iloc[0] == pytest.approx(5.0) and f.adherence["mean"] == pytest.approx(0.5)
    assert f.frame["hi"].iloc[0] - f.frame["lo"].iloc[0] > 4
    assert "Only 0 days logged" in f.notes[0]


def test_beta_binomial_sessions_ahead():
    "forecast: sessions ahead follow the Beta-Binomial predictive (mean n x posterior mean)"
    post = adherence_posterior(70, 100)
    r = sessions_ahead(post, 20)
    assert r["mean"] == pytest.approx(20 * post["mean"]) and r["lo"] < r["mean"] < r["hi"] <= 20
    assert sessions_ahead(post, 0) == {"mean": 0.0, "lo": 0.0, "hi": 0.0}


def test_pain_ahead_dates():
    "forecast: pain_ahead returns one row per date asked"
    s, _, _ = synthetic_log(days=30)
    out = pain_ahead(pain_posterior(s), [TODAY, TODAY + pd.Timedelta(days=7)])
    assert len(out) == 2 and list(out.columns) == ["date", "mean", "lo", "hi", "day_lo", "day_hi"]
