"""You against the model: the log overlaid on the simulated cohort for the same routine."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spinelib as sl
from spinelib.companion import cohort_band, log_days, where_in_cohort, you_vs_model, you_vs_model_plot
from spinelib.errors import InputError
from spinelib.journal import personal_forecast

TODAY = pd.Timestamp("2026-11-30")


@pytest.fixture(scope="module")
def routine():
    return sl.build_routine({"minutes_per_day": 20, "days_per_week": 3})


def _log(days=42, level=6.0, slope=-0.25, seed=0):
    rng = np.random.default_rng(seed)
    dates = pd.date_range(end=TODAY, periods=days)
    pain = np.clip(np.round(level + slope * np.arange(days) / 7 + rng.normal(0, 0.8, days)), 0, 10).astype(int)
    return pd.DataFrame({"date": dates, "slot": "morning", "exercises": "bird_dog", "minutes": 15.0,
                         "pain_before": pain, "pain_after": pain, "flare": False, "note": ""})


def test_cohort_band_is_on_the_log_scale_and_starts_at_your_pain(routine):
    "companion: the cohort band is pain on 0-10 and starts near the person's own first-week pain"
    band, res = cohort_band(routine, 56, baseline_pain=7.0, people=200)
    assert list(band.columns) == ["day", "mean", "lo", "hi"] and len(band) == 56
    assert band["hi"].max() <= 10 and band["lo"].min() >= 0
    assert band["mean"].iloc[0] == pytest.approx(7.0, abs=0.6)
    low, _ = cohort_band(routine, 56, baseline_pain=3.5, people=200)
    assert low["mean"].iloc[0] < band["mean"].iloc[0] - 2  # baseline clipped to the model's 30-80 range


def test_you_vs_model_view_and_plot(routine):
    "companion: the view places the log on model days, reports where you sit, and draws band, dots and forecast"
    s = _log()
    plan = {"start": s["date"].min().date(), "session_days": tuple(range(7)), "slots": ("morning",)}
    v = you_vs_model(s, routine, plan, TODAY, people=200)
    assert v["log"]["day"].tolist() == list(range(42))
    assert 0 <= v["inside"] <= 1 and 0 <= v["adherence_percentile"] <= 1 and v["adherence"] == pytest.approx(1.0)
    fig = you_vs_model_plot(v, personal_forecast(s, plan, TODAY))
    ax = fig.axes[0]
    assert ax.get_ylim() == (0, 10) and len(ax.collections) >= 3  # band, dots, forecast range
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("simulated people" in t for t in labels) and any("trend ahead" in t for t in labels)


def test_without_a_routine_says_so():
    "companion: no routine gives a one-line error asking to build one"
    with pytest.raises(InputError, match="^routine: must be a routine"):
        you_vs_model(_log(), None, None, TODAY)


def test_helpers():
    "companion: model days count from the start; the percentile is the share of the cohort below you"
    d = log_days(_log(3), TODAY - pd.Timedelta(days=2))
    assert d["day"].tolist() == [0, 1, 2]
    assert where_in_cohort(0.5, [0.1, 0.4, 0.6, np.nan]) == pytest.approx(2 / 3)
    assert np.isnan(where_in_cohort(float("nan"), [0.1]))
