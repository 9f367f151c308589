"""Tests for spinelib.checks: every exercise explains right and wrong answers (notebooks 00-03,
and the machinery: blank, unreadable and unknown answers, the registry)."""
from __future__ import annotations

import pytest

from spinelib import check
from spinelib.checks import EXERCISES, CheckResult, exercises, register

# a right and a wrong answer for every exercise of notebooks 00-03
CASES = {
    "00-screen": ({q: "no" for q in __import__("spinelib").RED_FLAG_QUESTIONS}, {"fever_unwell": "no"}),
    "00-next": (6, 3),
    "01-flares": ("micro_strength", "max_effort"),
    "01-caveat": (False, True),
    "02-exhale": (60 / 6 * 2 / 3, 10),
    "02-order": (["down_regulation", "micro_strength"], ["micro_strength", "down_regulation"]),
    "02-sure": ("weak", "strong"),
    "03-count": (20, 140),
    "03-sitting": (7, 8),
    "03-caveat": ("no", "yes"),
    "02-why": ("b", "c"),
}


@pytest.mark.parametrize("ex_id", sorted(CASES))
def test_right_and_wrong_answers_explain(ex_id):
    """check: a right answer is truthy with an explanation; a wrong one is falsy and says more than 'wrong'."""
    right, wrong = CASES[ex_id]
    ok = check(ex_id, right)
    bad = check(ex_id, wrong)
    assert isinstance(ok, CheckResult) and ok.correct and bool(ok)
    assert not bad.correct and not bool(bad)
    assert len(ok.message) > 20 and len(bad.message) > 20
    assert ok.message != bad.message
    assert str(ok).startswith("Right.") and str(bad).startswith("Not yet.")
    assert ok.message[:40] not in bad.message  # a wrong answer gets a pointer, never the explanation


def test_every_notebook_00_03_exercise_has_a_case():
    """registry: the cases above cover every 00-03 exercise except the catalogue one (tested apart)."""
    mine = {e.id for e in exercises() if e.notebook in ("00", "01", "02", "03")}
    assert mine - set(CASES) == {"01-filter"}


def test_filter_exercise_names_missing_and_extra():
    """01-filter: names the missing ids and says why an extra one does not belong."""
    from spinelib import load_catalogue

    cat = load_catalogue()
    want = cat[(cat.category == "micro_strength") & (cat.position == "lying") & (cat.load_level <= 2)]
    assert check("01-filter", want).correct
    assert check("01-filter", list(want["id"])).correct
    other = cat[cat.category != "micro_strength"]["id"].iloc[0]
    res = check("01-filter", list(want["id"])[1:] + [other])
    assert not res.correct
    assert want["id"].iloc[0] in res.message and other in res.message and "should not be there" in res.message


@pytest.mark.parametrize("blank", [..., None, "", "   "])
def test_blank_answer_says_what_to_do(blank):
    """check: the starter '...' gets a nudge, not a wrong-answer message."""
    res = check("02-exhale", blank)
    assert not res.correct and "No answer yet" in res.message


def test_unreadable_answer_is_a_message_not_an_exception():
    """check: an answer of the wrong type gives a message (no exception)."""
    res = check("02-exhale", "six and a bit")
    assert not res.correct and "could not read" in res.message


def test_unknown_id_lists_known_ids():
    """check: an unknown exercise id says which ids exist."""
    res = check("99-nothing", 1)
    assert not res.correct and "02-exhale" in res.message


def test_register_refuses_duplicate_ids():
    """register: the same id twice is an error (two notebooks must not share an id)."""
    with pytest.raises(ValueError, match="twice"):
        register("02-exhale", "02", "again")(lambda a: True)


def test_markdown_repr():
    """CheckResult: shows as bold Right./Not yet. in a notebook."""
    assert check("03-count", 20)._repr_markdown_().startswith("**Right.**")


def test_ids_name_their_notebook():
    """registry: ids start with their notebook number."""
    for e in EXERCISES.values():
        assert e.id.startswith(e.notebook[:2] + "-")


def test_digests_hide_the_answer_and_ignore_form():
    """digest: salted by the exercise id, the same for equal answers in another form, different across ids."""
    from spinelib.checks.core import digest

    assert digest("00-next", 6) == digest("00-next", " 6 ") == digest("00-next", 6.0)
    assert digest("01-caveat", False) != digest("03-caveat", False)
    assert len(digest("02-sure", "Weak")) == 16 and "weak" not in digest("02-sure", "Weak")


def test_simulated_winner_exercises_share_one_helper():
    """expect_winner: the "which scenario comes out ahead in the simulation" exercises (01-flares, 05-daily) are
    made by the one helper in checks.core; a synonym is accepted and an unknown answer names the choices in words."""
    for ex_id in ("01-flares", "05-daily"):
        assert EXERCISES[ex_id].checker.__qualname__.startswith("expect_winner."), ex_id
    assert check("05-daily", "Daily").correct
    msg = check("01-flares", "heavy").message
    assert "'micro-strength' or 'max effort'" in msg and "max_effort" not in msg
    with pytest.raises(ValueError, match="min' or 'max"):
        from spinelib.checks.core import expect_winner

        expect_winner(("a", "b"), float, best="most", right=str, wrong="")
