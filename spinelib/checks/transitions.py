"""Self-checks of notebook 03 (insight 3, transitions): count a day's transitions and
sitting breaks, and weigh the lifting-technique evidence."""
from __future__ import annotations

from .core import expect_bool, expect_number, register

register("03-count", "03", "A day with 2 bed exits, 10 stand-ups from a chair, 2 car entries and 6 bends to pick "
         "something up: how many transitions is that? answer = a number")(
    expect_number(20, 0, "2 + 10 + 2 + 6 = 20 transitions a day, 140 a week: far more rehearsals than any session.",
                  near={140: "is the weekly total; the question asks for one day."}))

register("03-sitting", "03", "You sit 8 hours and stand up every 60 minutes. How many breaks is that? "
         "answer = a number", hint="transition_day(sitting_hours=8, break_every_min=60)['sitting_breaks']")(
    expect_number(7, 0, "8 hours in 60-minute blocks is 8 blocks with 7 breaks between them.",
                  near={8: "is the number of sitting blocks; the breaks sit between them."}))

register("03-caveat", "03", "True or False: a Cochrane review found that training workers in lifting technique "
         "prevents back pain.")(
    expect_bool(False, "Lifting-technique training did not lower back pain (OR 1.17, 95% CI 0.68 to 2.02; "
                       "I3-2), a rounded back while lifting is not a proven risk (I3-1), and no trial has tested "
                       "transition practice on its own (I3-5). Practise transitions for confidence and ease, not "
                       "because trials proved they prevent pain."))
