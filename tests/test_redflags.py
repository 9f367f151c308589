"""Red-flag screen: any yes means see a clinician, never a routine."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from spinelib import RED_FLAG_QUESTIONS, InputError, build_routine, screen_red_flags
from spinelib.redflags import URGENT

ALL_NO = {q: "no" for q in RED_FLAG_QUESTIONS}


def test_questions_cover_guideline_items():
    "red flags: the nine guideline questions are all there"
    assert set(RED_FLAG_QUESTIONS) == {
        "bladder_bowel", "saddle_numbness", "progressive_weakness", "fever_unwell", "weight_loss",
        "cancer_history", "significant_trauma", "night_pain", "age_new_pain"}


def test_all_no_is_clear():
    "red flags: every answer no is clear"
    r = screen_red_flags(ALL_NO)
    assert r.clear and not r.referral and r.complete


def test_unanswered_is_not_clear_but_not_referral():
    "red flags: missing answers mean not answered yet"
    r = screen_red_flags({"fever_unwell": "no"})
    assert not r.clear and not r.referral and len(r.unanswered) == len(RED_FLAG_QUESTIONS) - 1
    assert "not answered" in r.message


@pytest.mark.parametrize("q", list(RED_FLAG_QUESTIONS))
def test_any_yes_refers_and_builder_returns_no_plan(q):
    "red flags: any single yes refers to a clinician and the builder returns no plan"
    answers = {**ALL_NO, q: "yes"}
    r = screen_red_flags(answers)
    assert r.referral and not r.clear
    assert "clinician" in r.message or "medical care" in r.message
    out = build_routine({"red_flags": answers})
    assert out.is_referral and not hasattr(out, "slots")
    if q in URGENT:
        assert r.urgent and r.message.startswith("Seek urgent medical care")
    else:
        assert not r.urgent and "promptly" in r.message


@given(st.dictionaries(st.sampled_from(list(RED_FLAG_QUESTIONS)), st.booleans()))
def test_referral_iff_any_yes(answers):
    "red flags: referral exactly when some answer is yes"
    assert screen_red_flags(answers).referral == any(answers.values())


@pytest.mark.parametrize("bad", [{"unknown_q": True}, {"night_pain": "perhaps"}, ["night_pain"], {"night_pain": 3}])
def test_bad_answers(bad):
    "red flags: bad answers give a one-line error naming the field"
    with pytest.raises(InputError) as ei:
        screen_red_flags(bad)
    assert "red_flags" in str(ei.value) and "\n" not in str(ei.value)
