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


def test_screen_groups_questions_by_what_a_yes_points_to():
    """RedFlagScreen: three groups; the age question is not among the signs of pressure on the nerves, and a
    referral message names age apart from the nerve signs."""
    from spinelib.redflags import GROUPS, URGENT, screen_red_flags

    nerves = next(ids for heading, ids in GROUPS.items() if "nerves" in heading)
    assert set(nerves) == set(URGENT) and "age_new_pain" not in nerves
    assert sorted(q for ids in GROUPS.values() for q in ids) == sorted(ui.red_flag_screen().questions)
    msg = screen_red_flags({"bladder_bowel": "yes", "age_new_pain": "yes"}).message
    nerve_sentence = msg.split("These can be signs of pressure")[0]
    assert "over 50" not in nerve_sentence and "Also tell them about: new back pain under 20 or over 50" in msg
    html = str(ui.red_flag_screen().ui.children[2].children[0].children[0].value)
    assert "nerves" in html


def test_screen_without_remember_never_touches_the_session_file(tmp_path, monkeypatch):
    """RedFlagScreen: without remember, answering writes no session file; with it, the file holds the answers."""
    from spinelib.ui import safety

    monkeypatch.setenv("SPINELIB_DATA_DIR", str(tmp_path))
    w = ui.red_flag_screen()
    w.night_pain.value = "no"
    assert not safety.session_file().exists()
    w2 = ui.red_flag_screen(remember=True)
    w2.night_pain.value = "yes"
    assert safety.remembered_answers() == {"night_pain": "yes"}
    safety.forget_answers()
    assert safety.remembered_answers() == {}
