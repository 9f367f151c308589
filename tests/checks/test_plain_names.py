"""Feedback speaks in plain words: no check message (right or wrong answer, every registered exercise)
shows an internal snake_case id from the simulator's scenario table or the catalogue's category table
(``max_effort``, ``micro_strength``); they read as "max effort", "micro-strength"."""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import pytest

from spinelib import RED_FLAG_QUESTIONS, load_catalogue
from spinelib.builder import build_routine
from spinelib.catalogue import CATEGORIES
from spinelib.checks import EXERCISES, check
from spinelib.checks.core import plain
from spinelib.sim import SCENARIOS


def _filter_answers():
    cat = load_catalogue()
    want = cat[(cat.category == "micro_strength") & (cat.position == "lying") & (cat.load_level <= 2)]
    other = cat[cat.category != "micro_strength"]["id"].iloc[0]
    return list(want["id"]), [list(want["id"])[1:] + [other], [other]]


def _plan_answers():
    from spinelib.ui import progression_planner

    good = progression_planner(step_every=3, deload_every=4).result
    bad = progression_planner(step_every=1, deload_every=0).result
    return good, [bad]


# exercise id -> (a right answer, a list of wrong answers); a callable gives them when the test runs
ANSWERS = {
    "00-screen": ({q: "no" for q in RED_FLAG_QUESTIONS}, [{"fever_unwell": "no"}, {"fever_unwell": "yes"}]),
    "00-next": (6, [3]),
    "01-filter": _filter_answers,
    "01-flares": ("micro_strength", ["max_effort", "heavy"]),
    "01-caveat": (False, [True]),
    "02-exhale": (60 / 6 * 2 / 3, [10, 3.33]),
    "02-order": (["down_regulation", "micro_strength"],
                 [["micro_strength", "down_regulation"], ["micro_strength", "transition"], ["structured_load"]]),
    "02-why": ("b", ["a", "c", "d"]),
    "02-sure": ("weak", ["strong", "moderate"]),
    "03-count": (20, [140, 3]),
    "03-sitting": (7, [8]),
    "03-caveat": (False, [True]),
    "04-steady": (1.0, [0.0]),
    "04-predict": ("above", ["below"]),
    "04-spike": (1.57, [3]),
    "04-plan": _plan_answers,
    "04-caveat": (False, [True]),
    "05-habit-days": (66.6, [15.4]),
    "05-miss": (False, [True]),
    "05-daily": ("gentle_daily", ["weekend_warrior", "weekly"]),
    "06-ten": (build_routine({"minutes_per_day": 10}),
               [build_routine({"minutes_per_day": 15}), build_routine({"red_flags": {"night_pain": "yes"}})]),
    "06-irritable": ("evening", ["morning"]),
    "06-referral": (False, [True]),
    "07-fitted": (False, [True]),
    "07-verdict": ("direction right", ["within", "wrong"]),
    "07-meaning": ("model", ["study", "nothing"]),
}

# the snake_case ids of the scenario and category tables (single words such as "supervised" read as words)
IDS = sorted({n for n in (*SCENARIOS, *CATEGORIES) if "_" in n})
ID_PATTERN = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, IDS)) + r")(?![A-Za-z0-9_])")


def test_every_registered_exercise_has_answers_here():
    """the table above covers every registered exercise, so a new one cannot slip past the scan."""
    assert set(ANSWERS) == set(EXERCISES)


def test_the_scan_finds_an_id():
    """the pattern finds an id on its own and in quotes, not inside a longer exercise id, and not its plain form."""
    assert ID_PATTERN.search("compare 'max_effort' with") and ID_PATTERN.search("micro_strength, lying")
    assert not ID_PATTERN.search("ms_micro_strength_bridge") and not ID_PATTERN.search(plain("max_effort"))


@pytest.mark.parametrize("ex_id", sorted(ANSWERS))
def test_feedback_names_no_internal_id(ex_id):
    """check: neither the right answer's nor any wrong answer's feedback shows a snake_case scenario or category
    id; the right answer is right and the wrong ones are not (so both kinds of message are scanned)."""
    answers = ANSWERS[ex_id]
    right, wrong = answers() if callable(answers) else answers
    ok = check(ex_id, right)
    assert ok.correct, str(ok)
    results = [ok] + [check(ex_id, w) for w in wrong]
    assert not any(r.correct for r in results[1:]), [str(r) for r in results[1:]]
    for r in results:
        found = ID_PATTERN.findall(r.message)
        assert not found, f"{ex_id}: the feedback shows the internal id(s) {found}: {r.message}"
