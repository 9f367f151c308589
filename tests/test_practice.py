"""The practice models (spinelib.practice): breathing timing and pattern, the evening routine,
and a day's transitions. Pure functions returning plain data (the widgets that show them are
tested in tests/ui)."""
from __future__ import annotations

import pytest

from spinelib import load_catalogue
from spinelib.errors import InputError
from spinelib.practice import breath_timing, breathing_pattern, evening_routine, parse_ratio, transition_day


def test_breath_timing_and_pattern():
    """breath_timing / breathing_pattern: 6/min at 1:2 is 10 s per breath, 3.33 in, 6.67 out."""
    t = breath_timing(6, "1:2")
    assert (t["cycle_s"], t["inhale_s"], t["exhale_s"]) == (10.0, 3.33, 6.67)
    p = breathing_pattern(6, "1:2", seconds=60)
    assert p["volume"].between(0, 1).all()
    assert (p["phase"] == "inhale").mean() == pytest.approx(1 / 3, abs=0.01)


@pytest.mark.parametrize("bad", ["", "abc", "1:0", "0:1", "1:2:3", "1:9", "-1:2"])
def test_parse_ratio_rejects_bad_text(bad):
    """parse_ratio: typed nonsense is an InputError naming the ratio."""
    with pytest.raises(InputError, match="inhale:exhale ratio"):
        parse_ratio(bad)


def test_evening_routine_starts_calm_and_uses_down_regulation():
    """evening_routine: opens and closes with paced breathing; the middle is down-regulation drills."""
    cat = load_catalogue().set_index("id")
    r = evening_routine(12)
    assert r["exercise_id"].iloc[0] == "paced_breathing" and r["exercise_id"].iloc[-1] == "paced_breathing"
    middle = r["exercise_id"].iloc[1:-1]
    assert len(middle) and (cat.loc[middle, "category"] == "down_regulation").all()


def test_transition_day_counts():
    """transition_day: totals, breaks and the long-sitting flag."""
    d = transition_day(bed=2, sit_to_stand=10, car=2, floor=0, lift=6, sitting_hours=8, break_every_min=60,
                       practice_minutes=5, days_per_week=7)
    assert (d["per_day"], d["per_week"], d["sitting_breaks"], d["long_sitting"]) == (20, 140, 7, True)
    assert d["practice_reps_week"] == 210
    assert transition_day(sitting_hours=0)["sitting_breaks"] == 0


@pytest.mark.parametrize("kw", [{"bed": -1}, {"lift": ""}, {"sitting_hours": 30}, {"practice_minutes": -2},
                                {"car": 2.5}])
def test_transition_day_bad_values(kw):
    """transition_day: negative, empty, fractional counts and impossible hours are InputErrors."""
    with pytest.raises(InputError):
        transition_day(**kw)
