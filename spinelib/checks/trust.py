"""Self-checks of notebook 07 (can we trust the model?): calibration is not validation, reading a
verdict, and what a wrong verdict means."""
from __future__ import annotations

from ..sim.validation import verdict
from .core import expect_bool, expect_choice, register

register("07-fitted", "07", "True or False: the model reproduces the 12-week difference between supervised exercise "
         "and no exercise (G1, -15 points), so that figure shows the model is right.",
         hint="was that figure used to set the model's parameters?")(
    expect_bool(False, "G1 is a calibration target: a parameter was tuned until the model gave -15. Matching it shows "
                       "that the tuning worked, not that the model is right. Only figures the model never saw "
                       "(the validation table) can test it."))

# the truth comes from the same rule the validation table uses
_EXAMPLE = (-2.0, -7.8, -10.95, -4.65, 0.0)
register("07-verdict", "07", "A review found -7.8 points (interval -10.95 to -4.65); the model gives -2.0. "
         "Which verdict: 'within', 'direction right' or 'wrong'?",
         hint="is -2.0 inside the interval? if not, is it on the same side of 0 as -7.8?")(
    expect_choice(verdict(*_EXAMPLE),
                  "-2.0 lies outside -10.95 to -4.65, but on the same side of 0 (no effect) as -7.8: the model gets "
                  "the direction and misses the size.",
                  wrong={"within": "The interval runs from -10.95 to -4.65; -2.0 is outside it.",
                         "wrong": "'Wrong' is for the other side of no effect (above 0 here); -2.0 still favours "
                                  "the same treatment as -7.8."},
                  synonyms=["direction", "direction_right"]))

register("07-meaning", "07", "One validation figure gets the verdict 'wrong'. What should you distrust first: "
         "'study' (the published figure), 'model' (the model's answer to that kind of question) or 'nothing'?")(
    expect_choice("model",
                  "The published figure comes from trials; the model is a set of assumptions. A wrong verdict says "
                  "the model's mechanism for that question does not match what trials see, so conclusions that lean "
                  "on that mechanism deserve the least trust. (The study could be weak too: its certainty label says "
                  "how sure we are of it.)",
                  wrong={"study": "Possible, but the figure came from trials and its certainty label says how sure "
                                  "we are of it; the model's answer is the part built from assumptions.",
                         "nothing": "A wrong verdict is exactly the warning validation is for; it should change how "
                                    "much you lean on that part of the model."}))
