"""The five-insight audit: scores any routine, built or hand-made, against the five ideas.

Each insight gets ``pass``, ``warn`` or ``fail``, one plain sentence saying why, and the
evidence ids behind the rule. A routine passes the audit when no insight fails; a warning
is advice worth reading, not a verdict. Every sentence is true of the routine it judges (it
never claims a drill, a rung or a stage the routine or profile does not have) and names drills
and categories in plain words, never by their ids.
"""
from __future__ import annotations

import pandas as pd

from .errors import InputError
from .insights import CALMING, INSIGHT_EVIDENCE, INSIGHT_TITLES, INSIGHTS, STRENGTH, first_strength, is_calm_first
from .profile import Profile, as_profile

__all__ = ["audit", "passes", "RULES", "micro_strength_rule", "calm_first_rule", "transitions_rule",
           "structured_load_rule", "consistency_rule", "GENTLE_MINUTES", "CALM_SHARE", "HEAVY_LEVEL"]

GENTLE_MINUTES = (10, 20)  # insight 5: the gentle daily range, in minutes
CALM_SHARE = 0.25  # insight 2: the least share of the time a highly irritable back should spend calming
HEAVY_LEVEL = 4  # insight 1: strengthening from this load level on is heavy work


def _row(n, status, reason):
    return {"insight": n, "title": INSIGHT_TITLES[n], "status": status, "reason": reason,
            "evidence": list(INSIGHT_EVIDENCE[n])}


def micro_strength_rule(routine, prof: Profile, progression=None):
    """Insight 1: low-load, high-control drills at or below the person's load stage."""
    items = routine.items
    micro = [it for it in items if it.category == "micro_strength"]
    strength = [it for it in items if it.category in STRENGTH]
    over = [it for it in strength if it.load_level > prof.load_stage]
    heavy = sum(it.minutes for it in strength if it.load_level >= HEAVY_LEVEL)
    light = sum(it.minutes for it in micro)
    if over:
        top = max(over, key=lambda it: it.load_level)
        return _row(1, "warn", f"{top.name} is load level {top.load_level}, above your current stage "
                               f"{prof.load_stage}; build control at your stage first.")
    if not micro:
        return _row(1, "warn", "There is no low-load, high-control stabilizer drill; add one such as a pelvic tilt "
                               "or an abdominal brace.")
    if heavy > light:
        return _row(1, "warn", "More minutes go to heavy work than to low-load control work; shift the balance "
                               "toward micro-strength.")
    return _row(1, "pass", f"{len(micro)} low-load, high-control drill(s) at or below your load stage "
                           f"{prof.load_stage}.")


def calm_first_rule(routine, prof: Profile, progression=None):
    """Insight 2: calming comes before any strengthening (a fail for a highly irritable back)."""
    items = routine.items
    categories = [it.category for it in items]
    calm = [it for it in items if it.category == CALMING]
    high = prof.irritability == "high"
    if not is_calm_first(categories):
        status = "fail" if high else "warn"
        return _row(2, status, f"{items[first_strength(categories)].name} comes before any calming drill"
                               + (" and your back is highly irritable" if high else "")
                               + "; start with slow breathing or a supported position.")
    if not calm:
        return _row(2, "fail" if high else "warn",
                    "There is no calming (down-regulation) drill; add slow breathing or gentle rocking.")
    total = sum(it.minutes for it in items) or 1.0
    share = sum(it.minutes for it in calm) / total
    if high and share < CALM_SHARE:
        return _row(2, "warn", f"Only {share:.0%} of the time is calming work; an irritable back does better with "
                               f"at least {CALM_SHARE:.0%}.")
    if first_strength(categories) is None:
        return _row(2, "pass", f"Calming work takes {share:.0%} of the time; the routine has no strengthening.")
    return _row(2, "pass", f"Calming work ({share:.0%} of the time) comes before any strengthening.")


def transitions_rule(routine, prof: Profile, progression=None):
    """Insight 3: a transition drill is practised on the session days."""
    items, days_per_week = routine.items, routine.days_per_week
    trans = [it for it in items if it.category == "transition"]
    if not trans or days_per_week < 1:
        return _row(3, "fail", "No transition drill all week; practise a log roll, sit-to-stand or hip hinge.")
    days = "the one session day" if days_per_week == 1 else f"each of the {days_per_week} session days"
    return _row(3, "pass", f"{trans[0].name} is practised on {days}.")


def structured_load_rule(routine, prof: Profile, progression=None):
    """Insight 4: some load, on the ladder, never more than one rung a week."""
    items = routine.items
    strength = [it for it in items if it.category in STRENGTH]
    if progression is not None:
        if not isinstance(progression, pd.DataFrame) or not {"week", "slot", "order", "step"} <= set(progression.columns):
            raise InputError("progression", "a DataFrame from Routine.progression() (week, slot, order, step)")
        p = progression.sort_values(["slot", "order", "week"])
        jump = p.groupby(["slot", "order"])["step"].diff().abs()
        if (jump > 1).any():
            r = p.loc[jump[jump > 1].index[0]]
            return _row(4, "fail", f"{r['name']} jumps {int(jump.max())} ladder steps in week {int(r['week'])}; "
                                   "move at most one step a week.")
    if not strength:
        return _row(4, "warn", "There is no strengthening at all; the back needs some load, added step by step.")
    sl = [it for it in strength if it.category == "structured_load"]
    stage = prof.load_stage
    if sl:
        top = max(sl, key=lambda it: it.load_level)  # the first of the highest rung
        level = top.load_level
        where = ("your current stage" if level == stage else
                 f"below your stage {stage}" if level < stage else f"above your stage {stage}")
        return _row(4, "pass", f"Load is structured: {top.name} is at level {level} of the load ladder, {where}"
                               + ("; progressed at most one step a week." if progression is not None else "."))
    if stage > 1:
        return _row(4, "warn", f"There is only micro-strength work, though your load stage is {stage}; add a "
                               f"structured load drill at level {stage} or below.")
    return _row(4, "pass", "Load starts at the bottom of the ladder (stage 1) with micro-strength work; add a "
                           "structured load drill when it feels easy.")


def consistency_rule(routine, prof: Profile, progression=None):
    """Insight 5: short sessions on most days, spread over the three slots."""
    minutes, days_per_week = routine.minutes, routine.days_per_week
    slots_used = sum(1 for s in routine.slots.values() if s)
    if days_per_week <= 2 and minutes >= 45:
        return _row(5, "fail", f"One long session ({minutes:g} min) {days_per_week} day(s) a week instead of short "
                               "daily ones; spread it out.")
    if minutes > prof.minutes_per_day + 1e-9:
        return _row(5, "warn", f"{minutes:g} min a day is more than your budget of {prof.minutes_per_day} min.")
    low, high = GENTLE_MINUTES
    if minutes < low or minutes > high:
        return _row(5, "warn", f"{minutes:g} min a day is {'below' if minutes < low else 'above'} the gentle "
                               f"{low}-{high} minute range.")
    if days_per_week < 5:
        return _row(5, "warn", f"{days_per_week} session days a week; most days works better than a few.")
    if slots_used < 3:
        return _row(5, "warn", f"Only {slots_used} of the 3 daily slots are used.")
    return _row(5, "pass", f"{minutes:g} min a day on {days_per_week} days, spread over the three slots.")


def audit(routine, profile=None, progression=None) -> pd.DataFrame:
    """Score a routine against the five insights.

    ``profile`` defaults to the routine's own; ``progression`` is an optional
    :meth:`Routine.progression` table (or a hand-made one) to check for ladder jumps.

    >>> from spinelib.builder import build_routine
    >>> a = audit(build_routine({"minutes_per_day": 15}))
    >>> list(a.columns), "fail" in set(a["status"])
    (['insight', 'title', 'status', 'reason', 'evidence'], False)
    """
    if getattr(routine, "is_referral", False):
        raise InputError("routine", "a Routine (this is a red-flag referral: see a clinician, no routine to audit)")
    if not hasattr(routine, "items") or not hasattr(routine, "days_per_week"):
        raise InputError("routine", "a Routine from build_routine() or Routine.from_ids()", type(routine).__name__)
    prof = as_profile(profile if profile is not None else routine.profile)
    rows = [RULES[i.audit_rule](routine, prof, progression) for i in INSIGHTS]
    return pd.DataFrame(rows, columns=["insight", "title", "status", "reason", "evidence"])


# the rule for each insight, by the name spinelib.insights gives it
RULES = {
    "micro_strength_rule": micro_strength_rule,
    "calm_first_rule": calm_first_rule,
    "transitions_rule": transitions_rule,
    "structured_load_rule": structured_load_rule,
    "consistency_rule": consistency_rule,
}


def passes(table: pd.DataFrame) -> bool:
    """True when no insight fails."""
    return not (table["status"] == "fail").any()
