"""Self-checks of notebook 00 (start here): the red-flag screen and the notebook map."""
from __future__ import annotations

from ..redflags import RED_FLAG_QUESTIONS, RedFlagResult, screen_red_flags
from .core import register


def _screen_checker(answer):
    result = answer if isinstance(answer, RedFlagResult) else screen_red_flags(answer)
    if result.referral:
        return False, ("Your answers include a yes (" + "; ".join(result.reasons) + "). In real life that means: see a "
                       "clinician before starting. For this exercise, answer every question 'no'.")
    if result.unanswered:
        return False, (f"{len(result.unanswered)} of {len(RED_FLAG_QUESTIONS)} questions are still unanswered: "
                       + ", ".join(result.unanswered) + ". A screen with gaps is not clear yet.")
    return True, "All nine answered no, so the screen is clear. Unanswered questions would have kept it incomplete."


register("00-screen", "00", "Screen a dict that answers every red-flag question 'no': "
         "answer = screen_red_flags({...})", hint="use {q: 'no' for q in RED_FLAG_QUESTIONS}")(_screen_checker)


def _next_checker(answer):
    text = str(answer).strip()
    digits = "".join(ch for ch in text.split("_")[0] if ch.isdigit())
    if not digits:
        raise ValueError("give the notebook's number, e.g. 3")
    if int(digits) == 6:
        return True, "Notebook 06 (06_build_your_routine) puts the five ideas together into your own plan."
    return False, f"Notebook {int(digits):02d} teaches one idea or gets you started; the map names the one that builds a plan."


register("00-next", "00", "Which notebook builds your own routine? answer = its number, e.g. 3")(_next_checker)
