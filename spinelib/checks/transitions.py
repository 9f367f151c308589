"""Self-checks of notebook 03 (insight 3, transitions): count a day's transitions and
sitting breaks, and weigh the lifting-technique evidence."""
from __future__ import annotations

from ..practice import transition_day
from .core import expect_exact, expect_number, expect_sealed_bool, register

register("03-count", "03", "A day with 2 bed exits, 10 stand-ups from a chair, 2 car entries and 6 bends to pick "
         "something up: how many transitions is that? answer = a number",
         hint="add up the four kinds of transition")(
    expect_exact("03-count", "9e993ac27dcffb62",
                 "That many a day is seven times as many a week: far more rehearsals than any session.",
                 near={"bdd4538a9c3dda0c": "is the weekly total; the question asks for one day."}))


def _breaks() -> float:
    return float(transition_day(sitting_hours=8, break_every_min=60)["sitting_breaks"])


register("03-sitting", "03", "You sit 8 hours and stand up every 60 minutes. How many breaks is that? "
         "answer = a number", hint="count the sitting blocks first; where do the breaks fall?")(
    expect_number(_breaks, 0, lambda v: f"{v:g} breaks: the breaks sit between the sitting blocks.",
                  near=lambda: {_breaks() + 1: "is the number of sitting blocks; the breaks sit between them."}))

register("03-caveat", "03", "True or False: a Cochrane review found that training workers in lifting technique "
         "prevents back pain.", hint="reread row I3-2: what happened to back pain in the trained groups?")(
    expect_sealed_bool("03-caveat", "f4c5fd33f390ff84",
                "Lifting-technique training did not lower back pain (OR 1.17, 95% CI 0.68 to 2.02; "
                "I3-2), a rounded back while lifting is not a proven risk (I3-1), and no trial has tested "
                "transition practice on its own (I3-5). Practise transitions for confidence and ease, not "
                "because trials proved they prevent pain.",
                wrong="Reread row I3-2 and its confidence interval: does it exclude 'no effect'?"))
