"""Self-checks of notebook 04 (insight 4, structured load): the acute:chronic ratio at a
steady load and after a spike, a planner setting that stays in the band, and the caveat."""
from __future__ import annotations

from .core import expect_bool, expect_number, register

register("04-steady", "04", "The acute:chronic ratio after eight weeks at the same load every day: answer = a number",
         hint="at a steady load the week's average equals the month's average")(
    expect_number(1.0, 0.02, "At a steady load the 7-day and the 28-day averages are equal, so the ratio is 1: "
                             "no jump, whatever the size of the load.",
                  near={0.0: "would mean no load this week at all; here every day is the same."}))

register("04-spike", "04", "Four weeks at 10 a day, then a week at 30 a day: the acute:chronic ratio at the end of "
         "that week? answer = a number", hint="spinelib.acwr([10.0] * 28 + [30.0] * 7)['acwr'].iloc[-1]")(
    expect_number(1.57, 0.03, "About 1.57: above the 1.5 line. The raw loads differ threefold, but both averages "
                              "smooth the jump, the 28-day one more slowly, so the ratio is about 1.6.",
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
                       f"{first['acwr']:.2f}, outside 0.8-1.3. Step up less often, and let an easier week now and "
                       "then give the month's average time to catch up.")
    return True, (f"From week 5 on every day stays inside 0.8-1.3 while the plan steps up in weeks "
                  f"{', '.join(map(str, res['step_weeks']))}: small, spaced steps are absorbed before the next one.")


register("04-plan", "04", "Planner settings whose ratio stays inside 0.8-1.3 on every day from week 5 on, over at "
         "least 8 weeks with at least one step up: answer = planner.result",
         hint="try stepping up every 3 weeks, with an easier week every 4th")(_plan_checker)

register("04-caveat", "04", "True or False: studies have shown that keeping the acute:chronic ratio inside 0.8-1.3 "
         "prevents back-pain flares.")(
    expect_bool(False, "The 0.8-1.3 band comes from team-sport injury data (I4-8 to I4-11), not from back pain, "
                       "and even there it is contested: a fixed or random 'chronic' load predicted about as well "
                       "(I4-13). It is a rough picture of 'too much, too soon', not a proven rule."))
