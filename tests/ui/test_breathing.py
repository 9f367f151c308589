"""The breathing pacer widget (spinelib.ui.breathing), driven in-process. The models it calls
(breath_timing, breathing_pattern, evening_routine) are tested in tests/test_practice.py."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import pytest

from spinelib import ui


def test_breathing_pacer_changes_and_routine_fills_minutes():
    """breathing_pacer: minutes change the routine's length; rate changes the timing; plot drawn."""
    w = ui.breathing_pacer()
    assert w.result["routine"]["end"].iloc[-1] == "10:00"
    assert len(w.figures) == 1 and w.figures[0].axes[0].get_xlabel() == "time (seconds)"
    w.minutes.value = 20
    r = w.result["routine"]
    assert r["end"].iloc[-1] == "20:00" and r["minutes"].sum() == pytest.approx(20)
    assert r["start"].iloc[0] == "00:00"
    w.breaths_per_min.value = 5
    assert w.result["timing"]["cycle_s"] == 12.0
    w.ratio.value = "1:1"
    assert w.result["timing"]["inhale_s"] == w.result["timing"]["exhale_s"] == 6.0


@pytest.mark.parametrize("control,value,field", [("minutes", 0, "minutes"), ("minutes", -4, "minutes"),
                                                  ("minutes", 99, "minutes"), ("ratio", "", "ratio"),
                                                  ("ratio", "two to one", "ratio")])
def test_breathing_pacer_bad_values_give_a_message(control, value, field):
    """breathing_pacer: minutes of 0, an empty ratio and the like give a message, and the widget recovers."""
    w = ui.breathing_pacer()
    getattr(w, control).value = value
    assert w.result is None and field in w.error and "\n" not in w.error
    getattr(w, control).value = 10 if control == "minutes" else "1:2"
    assert w.error is None and w.result["routine"]["end"].iloc[-1] == "10:00"
