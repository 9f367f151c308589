"""Notebook 07's self-checks (spinelib.checks.trust): right and wrong answers explain themselves, and the
verdict exercise agrees with the verdict rule of the validation table."""
from __future__ import annotations

import pytest

from spinelib import check
from spinelib.checks import EXERCISES, exercises
from spinelib.sim import verdict

CASES = {
    "07-fitted": (False, True),
    "07-verdict": ("direction right", "within"),
    "07-meaning": ("model", "study"),
}


def test_notebook_07_exercises_are_registered():
    """checks: notebook 07 registers exactly its three exercises"""
    assert {e.id for e in exercises("07")} == set(CASES)


@pytest.mark.parametrize("ex_id", sorted(CASES))
def test_right_and_wrong_answers_explain(ex_id):
    """check: the right answer is truthy with a reason; a wrong one is falsy and says why"""
    right, wrong = CASES[ex_id]
    ok, bad = check(ex_id, right), check(ex_id, wrong)
    assert ok and str(ok).startswith("Right.") and len(ok.message) > 40
    assert not bad and str(bad).startswith("Not yet.") and len(bad.message) > 30
    assert ok.message[:40] not in bad.message  # a wrong answer gets a pointer, never the explanation


def test_answers_are_sealed():
    """checks.trust: the answers are salted digests, never plain text in the module (the classroom rule of 00-06)"""
    import inspect
    import re

    from spinelib.checks import trust

    src = inspect.getsource(trust)
    assert not re.search(r"expect_choice\(|expect_bool\(", src)
    assert "verdict(" not in src.split('"""', 2)[2]  # the rule is held to the answer here, in the test above


def test_verdict_exercise_follows_the_rule():
    """07-verdict: the expected answer is what sim.verdict gives for the numbers in the question"""
    assert check("07-verdict", verdict(-2.0, -7.8, -10.95, -4.65, 0.0))
    assert "direction right" in EXERCISES["07-verdict"].question


def test_blank_answer_gives_the_hint():
    """check: '...' is not an answer; the hint is shown"""
    r = check("07-fitted", ...)
    assert not r and "Hint:" in r.message
