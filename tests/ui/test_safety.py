"""The red-flag screen widget (spinelib.ui.safety), driven in-process."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from spinelib import ui
from spinelib.redflags import RED_FLAG_QUESTIONS


def test_red_flag_screen_incomplete_then_clear():
    """red_flag_screen: starts incomplete; all no gives clear."""
    w = ui.red_flag_screen()
    assert not w.result.complete and not w.result.referral
    w.set(**{q: "no" for q in RED_FLAG_QUESTIONS})
    assert w.result.clear
    assert "No red flags" in w.message


def test_red_flag_screen_yes_shows_only_the_referral():
    """red_flag_screen: one yes shows the referral message (and nothing else is drawn)."""
    w = ui.red_flag_screen()
    w.set(**{q: "no" for q in RED_FLAG_QUESTIONS})
    w.weight_loss.value = "yes"
    assert w.result.referral and not w.result.urgent
    assert w.message == w.result.message and "clinician" in w.message
    assert w.figures == []
    w.saddle_numbness.value = "yes"
    assert w.result.urgent and w.message.startswith("Seek urgent")
    assert w.marker_text(w.values) == "screened: referral yes=2 unanswered=0"
