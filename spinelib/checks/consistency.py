"""Self-checks of notebook 05 (insight 5, consistency): the habit curve, a missed day, and
daily versus weekend schedules in the simulation."""
from __future__ import annotations

import math

from ..sim import final_mean
from .core import expect_number, expect_sealed_bool, expect_winner, register

RATE = 0.045  # the rate the question gives


def _days() -> float:
    return math.log(1 / 0.05) / RATE


register("05-habit-days", "05", "Days for habit = 1 - exp(-0.045 x days) to reach 95% of its plateau: "
         "answer = a number",
         hint="95% of the plateau means 5% of the gap is left: set the gap term equal to 0.05 and take logarithms")(
    expect_number(_days, 1.5, lambda v: f"About {v:.0f} days, close to Lally's median of about 66 days.",
                  near=lambda: {math.log(2) / RATE: "is the halfway point; 95% takes more than four times as long.",
                                1 / RATE: "is where habit is at 63% of its plateau, not 95%."}))

register("05-miss", "05", "True or False: in Lally's habit study, missing a single day seriously set back habit "
         "formation.", hint="reread the habit-curve section and row I5-1")(
    expect_sealed_bool("05-miss", "f6e81c220fd4c50f",
                "Missing one opportunity did not materially affect habit formation (I5-1). What builds a "
                "habit is repeating it most days in the same situation, over weeks.",
                wrong="Reread row I5-1 and move the 'skip every' control of the habit widget."))


# the truth is read from the model at check time, so the exercise follows the simulator
_daily_checker = expect_winner(
    ("gentle_daily", "weekend_warrior"), lambda r: final_mean(r, "habit"), best="max",
    synonyms={"daily": "gentle_daily"},
    right=lambda detail: (f"Habit at week 12 in the model: {detail}. In the model habit grows with each practised "
                          "day, not with minutes. That follows Lally's daily-behaviour curve (I5-1); no trial has "
                          "compared the two schedules in back pain."),
    wrong="Look again at the habit panel at the last week and compare the two means.")


register("05-daily", "05", "In the simulation, which scenario ends 12 weeks with the stronger habit: 'gentle_daily' "
         "or 'weekend_warrior'?", hint="read the habit panel at the last week")(_daily_checker)
