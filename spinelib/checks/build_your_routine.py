"""Self-checks of notebook 06 (build your routine): a ten-minute plan that passes the audit,
where an irritable back's minutes go, and what a red flag does to the plan."""
from __future__ import annotations

from ..audit import audit, passes
from ..builder import build_routine
from ..week import SLOTS
from .core import expect_sealed_bool, normalise, register


def _ten_checker(answer):
    routine = answer.get("routine") if isinstance(answer, dict) else answer
    if getattr(routine, "is_referral", False):
        return False, "That is a red-flag referral, not a plan: answer the safety questions 'no' for this exercise."
    if not hasattr(routine, "items") or not hasattr(routine, "profile"):
        raise ValueError("give the routine, e.g. spinelib.build_routine({...}) or builder.result")
    if routine.profile.minutes_per_day != 10:
        return False, f"The profile asks for {routine.profile.minutes_per_day} minutes a day; set it to 10."
    if routine.minutes > 10 + 1e-9:
        return False, f"The plan takes {routine.minutes:g} minutes, more than the 10 available."
    if routine.days_per_week != 7:
        return False, f"The plan has {routine.days_per_week} session days a week; make it every day."
    table = audit(routine)
    if not passes(table):
        bad = table[table["status"] == "fail"].iloc[0]
        return False, f"Insight {bad['insight']} fails: {bad['reason']}"
    warns = int((table["status"] == "warn").sum())
    return True, (f"{routine.minutes:g} minutes a day in {len(routine.items)} drills and no insight fails"
                  + (f" ({warns} warning(s) worth reading)." if warns else ".")
                  + " Ten minutes is enough for a calming drill, a transition and a stabilizer.")


register("06-ten", "06", "A plan with 10 minutes a day, every day, that passes the audit: answer = the routine",
         hint="set the minutes per day and the days per week, then read the audit table: no row may say fail")(_ten_checker)


def _irritable_checker(answer):
    high = build_routine({"minutes_per_day": 15, "irritability": "high"})
    minutes = high.slot_minutes()
    best = max(minutes, key=minutes.get)
    a = normalise(answer).replace("mid_day", "midday")
    if a not in SLOTS:
        raise ValueError("answer 'morning', 'midday' or 'evening'")
    detail = ", ".join(f"{s} {m:g} min" for s, m in minutes.items())
    if a == best:
        return True, (f"With a highly irritable back the {best} slot gets the most time ({detail}): more calming, "
                      "and the strengthening share shrinks.")
    return False, f"Not the {a} slot. Build the plan and add up each slot's minutes."


register("06-irritable", "06", "With irritability 'high' (other settings default), which slot gets the most minutes: "
         "'morning', 'midday' or 'evening'?", hint="build the plan with irritability 'high' and use slot_minutes()")(_irritable_checker)

register("06-referral", "06", "True or False: with a yes to one safety question, the builder still gives a gentler "
         "plan.")(
    expect_sealed_bool("06-referral", "07b4e8bcf577ccf5",
                "Any yes on the red-flag screen means: see a clinician first. The builder then shows the "
                "referral message and no plan at all, however gentle (rows Z1-Z3).",
                wrong="Answer one safety question 'yes' in the builder and look at what it shows."))
