"""Self-checks of notebook 05 (insight 5, consistency): the habit curve, a missed day, and
daily versus weekend schedules in the simulation."""
from __future__ import annotations

from .core import expect_bool, expect_choice, expect_number, register

register("05-habit-days", "05", "Days for habit = 1 - exp(-0.045 x days) to reach 95% of its plateau: "
         "answer = a number", hint="solve exp(-0.045 x days) = 0.05, i.e. days = ln(20) / 0.045")(
    expect_number(66.57, 1.5, "ln(20) / 0.045 is about 67 days, Lally's median of about 66 days.",
                  near={15.4: "is the halfway point (ln 2 / 0.045); 95% takes more than four times as long.",
                        22.2: "is 1 / 0.045, where habit is at 63% of its plateau, not 95%."}))

register("05-miss", "05", "True or False: in Lally's habit study, missing a single day seriously set back habit "
         "formation.")(
    expect_bool(False, "Missing one opportunity did not materially affect habit formation (I5-1). What builds a "
                       "habit is repeating it most days in the same situation, over weeks."))

register("05-daily", "05", "In the simulation, which scenario ends 12 weeks with the stronger habit: 'gentle_daily' "
         "or 'weekend_warrior'?")(
    expect_choice("gentle_daily",
                  "In the model habit grows with each practised day, not with minutes, so short daily sessions "
                  "build it faster than rare long ones. That follows Lally's daily-behaviour curve (I5-1); no trial "
                  "has compared the two schedules in back pain.",
                  wrong={"weekend_warrior": "Look again at the habit panel: one or two long sessions a week give "
                                            "the habit few days to grow on."},
                  synonyms=["gentle daily", "daily"]))
