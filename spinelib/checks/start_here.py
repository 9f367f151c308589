"""Self-checks of notebook 00 (start here): the red-flag screen and the notebook map."""
from __future__ import annotations

from ..redflags import RED_FLAG_QUESTIONS, RedFlagResult, screen_red_flags
from .core import expect_exact, register


def _screen_checker(answer):
    result = answer if isinstance(answer, RedFlagResult) else screen_red_flags(answer)
    if result.referral:
        return False, ("Your answers include a yes (" + "; ".join(result.reasons) + "). In real life that means: see a "
                       "clinician before starting. For this exercise, answer every question 'no'.")
    if result.unanswered:
        return False, (f"{len(result.unanswered)} of {len(RED_FLAG_QUESTIONS)} questions are still unanswered. "
                       "A screen with gaps is not clear yet.")
    return True, (f"All {len(RED_FLAG_QUESTIONS)} answered no, so the screen is clear. Unanswered questions would "
                  "have kept it incomplete.")


register("00-screen", "00", "Screen a dict that answers every red-flag question 'no': "
         "answer = screen_red_flags({...})",
         hint="the dict needs one entry for each key of RED_FLAG_QUESTIONS; a dict comprehension writes it in one line")(
    _screen_checker)

register("00-next", "00", "Which notebook builds your own routine? answer = its number, e.g. 3",
         hint="read the table of notebooks: which one has 'your plan' in its idea?")(
    expect_exact("00-next", "560cd755327a3db7",
                 "That is the one that puts the five ideas together into your own plan."))
