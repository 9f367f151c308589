"""Self-checks of notebook 04 (insight 4, structured load): the acute:chronic ratio at a
steady load and after a spike (predicted, then computed), a planner setting that stays in the
band, and the caveat. Every number is computed with :func:`spinelib.sim.acwr` at check time."""
from __future__ import annotations

from ..sim import acwr
from .core import expect_number, expect_sealed_bool, register


def _ratio(loads) -> float:
    return float(acwr(loads)["acwr"].iloc[-1])


def _steady() -> float:
    return _ratio([12.0] * 56)


def _spike() -> float:
    return _ratio([10.0] * 28 + [30.0] * 7)


register("04-steady", "04", "The acute:chronic ratio after eight weeks at the same load every day: answer = a number",
         hint="at a steady load, how do the week's average and the month's average compare?")(
    expect_number(_steady, 0.02, "At a steady load the 7-day and the 28-day averages are equal: no jump, whatever "
                                 "the size of the load.",
                  near={0.0: "would mean no load this week at all; here every day is the same."}))


def _predict_checker(answer):
    a = str(answer).strip().lower()
    if a not in ("above", "between", "below"):
        raise ValueError("answer 'above', 'between' or 'below'")
    r = _spike()
    truth = "above" if r > 1.5 else ("between" if r >= 1.3 else "below")
    if a == truth:
        return True, (f"Your prediction matches: the ratio ends at {r:.2f}. Now compute it yourself in the next "
                      "exercise.")
    return False, (f"The computed ratio is {r:.2f}, so the answer is not {a!r}. Predictions are for learning: note "
                   "what surprised you. Both averages smooth the jump; the 28-day one more slowly.")


register("04-predict", "04", "Predict, then run: four weeks at 10 a day, then a week at 30 a day. Will the ratio at "
         "the end be 'above' 1.5, 'between' 1.3 and 1.5, or 'below' 1.3? answer = one word")(_predict_checker)

register("04-spike", "04", "Four weeks at 10 a day, then a week at 30 a day: the acute:chronic ratio at the end of "
         "that week? answer = a number",
         hint="spinelib.acwr takes a list of daily loads: build four weeks of one load, then a week of the other")(
    expect_number(_spike, 0.03, lambda v: f"About {v:.2f}. The raw loads differ threefold, but both averages smooth "
                                          "the jump, the 28-day one more slowly.",
                  near={3.0: "is the ratio of the raw daily loads (30 / 10); the ratio compares two smoothed "
                             "averages, and the 28-day one has already started to rise."}))


def _plan_checker(answer):
    res = getattr(answer, "result", answer)
    if not isinstance(res, dict) or "daily" not in res:
        raise ValueError("give planner.result (the planner's last result)")
    daily = res["daily"]
    weeks = int(daily["week"].max())
    if weeks < 8:
        return False, f"The plan covers {weeks} weeks; make it at least 8 so there is time to step up."
    if not res.get("step_weeks"):
        return False, "Nothing steps up in this plan; a plan that never progresses is not structured load."
    late = daily[daily["week"] >= 5]
    out = late[~late["acwr"].between(0.8, 1.3)]
    if len(out):
        first = out.iloc[0]
        return False, (f"On day {int(first['day'])} (week {int(first['week'])}) the ratio is "
                       f"{first['acwr']:.2f}, outside 0.8-1.3. What happens to the ratio just after a step, and "
                       "what would give the month's average time to catch up?")
    return True, (f"From week 5 on every day stays inside 0.8-1.3 while the plan steps up in weeks "
                  f"{', '.join(map(str, res['step_weeks']))}: small, spaced steps are absorbed before the next one.")


register("04-plan", "04", "Planner settings whose ratio stays inside 0.8-1.3 on every day from week 5 on, over at "
         "least 8 weeks with at least one step up: answer = planner.result",
         hint="find the first day the ratio leaves the band, and look at what happened in the week before it")(
    _plan_checker)

register("04-caveat", "04", "True or False: studies have shown that keeping the acute:chronic ratio inside 0.8-1.3 "
         "prevents back-pain flares.", hint="where do the data behind the 0.8-1.3 band come from?")(
    expect_sealed_bool("04-caveat", "385829fca23a4dfa",
                "The 0.8-1.3 band comes from team-sport injury data (I4-8 to I4-11), not from back pain, "
                "and even there it is contested: a fixed or random 'chronic' load predicted about as well "
                "(I4-13). It is a rough picture of 'too much, too soon', not a proven rule.",
                wrong="Reread rows I4-8 to I4-13: who was studied, and what did the later analysis find?"))
