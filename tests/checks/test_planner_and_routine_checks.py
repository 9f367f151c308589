"""Self-checks of notebooks 04-06 (structured load, consistency, build your routine): the right
answer passes, a tempting wrong one fails with an explanation, and the checks that read a
widget's result or a routine say what is off.

Moved here from tests/test_planner_widgets.py.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import pytest

from spinelib.builder import build_routine
from spinelib.checks import check
from spinelib.ui import progression_planner


# ----------------------------------------------------------------------- self-checks of notebooks 04-06
@pytest.mark.parametrize("ex_id, right, wrong, says", [
    ("04-steady", 1.0, 0.0, "no load this week"),
    ("04-spike", 1.57, 3, "ratio of the raw daily loads"),
    ("04-caveat", False, True, "Reread rows I4-8"),
    ("04-predict", "above", "below", "computed ratio"),
    ("05-habit-days", 66.6, 15.4, "halfway point"),
    ("05-miss", "no", "yes", "Reread row I5-1"),
    ("05-daily", "gentle_daily", "weekend_warrior", "habit panel"),
    ("06-irritable", "evening", "morning", "Not the morning slot"),
    ("06-referral", False, True, "look at what it shows"),
])
def test_selfchecks_explain_right_and_wrong(ex_id, right, wrong, says):
    """checks 04-06: the right answer passes, a tempting wrong one fails with a pointer (not the answer)."""
    assert check(ex_id, right).correct, str(check(ex_id, right))
    bad = check(ex_id, wrong)
    assert not bad.correct and says in bad.message


def test_selfcheck_plan_and_ten_minutes_read_widget_results():
    """checks 04-plan and 06-ten: they judge a planner result and a routine, and say what is off."""
    w = progression_planner(step_every=3, deload_every=4)
    assert check("04-plan", w.result).correct and check("04-plan", w).correct
    w.set(step_every=1, deload_every=0)
    msg = check("04-plan", w.result).message
    assert "outside 0.8-1.3" in msg and "Hint:" in msg
    assert "give planner.result" in check("04-plan", 42).message
    assert check("06-ten", build_routine({"minutes_per_day": 10})).correct
    assert "set it to 10" in check("06-ten", build_routine({"minutes_per_day": 15})).message
    assert "red-flag referral" in check("06-ten", build_routine({"red_flags": {"night_pain": "yes"}})).message
