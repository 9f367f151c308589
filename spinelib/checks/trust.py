"""Self-checks of notebook 07 (can we trust the model?): calibration is not validation, reading a
verdict, and what a wrong verdict means. Answers are kept as salted digests (:func:`.core.digest`);
the verdict exercise's answer is what :func:`spinelib.sim.validation.verdict` gives for the numbers
in its question (tests/checks/test_trust.py holds the two together)."""
from __future__ import annotations

from .core import expect_sealed_bool, expect_sealed_choice, register

register("07-fitted", "07", "True or False: the model reproduces the 12-week difference between supervised exercise "
         "and no exercise (G1, -15 points), so that figure shows the model is right.",
         hint="was that figure used to set the model's parameters?")(
    expect_sealed_bool("07-fitted", "378476206b12ca42",
                       "G1 is a calibration target: a parameter was tuned until the model gave -15. Matching it "
                       "shows that the tuning worked, not that the model is right. Only figures the model never "
                       "saw (the validation table) can test it.",
                       wrong="Reread 'Two different questions': what is done with a calibration target, and what "
                             "can a figure the model was made to match tell you?"))

register("07-verdict", "07", "A review found -7.8 points (interval -10.95 to -4.65); the model gives -2.0. "
         "Which verdict: 'within', 'direction right' or 'wrong'?",
         hint="is -2.0 inside the interval? if not, is it on the same side of 0 as -7.8?")(
    expect_sealed_choice("07-verdict", ["86d34e70c49e312b", "f38dd8bcd74dd7c1"],
                         "-2.0 lies outside -10.95 to -4.65, but on the same side of 0 (no effect) as -7.8: the "
                         "model gets the direction and misses the size.",
                         wrong={"a0d64e2ed9f51fc4": "The interval runs from -10.95 to -4.65; -2.0 is outside it.",
                                "f81115bb17b76533": "'Wrong' is for the other side of no effect (above 0 here); "
                                                    "-2.0 still favours the same treatment as -7.8."},
                         choices=["within", "direction right", "wrong"]))

register("07-meaning", "07", "One validation figure gets the verdict 'wrong'. What should you distrust first: "
         "'study' (the published figure), 'model' (the model's answer to that kind of question) or 'nothing'?")(
    expect_sealed_choice("07-meaning", ["b14582be018c15c8"],
                         "The published figure comes from trials; the model is a set of assumptions. A wrong verdict "
                         "says the model's mechanism for that question does not match what trials see, so "
                         "conclusions that lean on that mechanism deserve the least trust. (The study could be weak "
                         "too: its certainty label says how sure we are of it.)",
                         wrong={"717b0f8b99c0f4aa": "Possible, but the figure came from trials and its certainty "
                                                    "label says how sure we are of it; the model's answer is the "
                                                    "part built from assumptions.",
                                "61541cb664afbd5b": "A wrong verdict is exactly the warning validation is for; it "
                                                    "should change how much you lean on that part of the model."},
                         choices=["study", "model", "nothing"]))
