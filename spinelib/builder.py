"""The routine builder: a profile in, a day plan in three slots out (or a referral).

``build_routine(profile)`` turns a :class:`~spinelib.profile.Profile` into a
:class:`~spinelib.routine.Routine`, or into a :class:`~spinelib.redflags.RedFlagResult`
when the red-flag screen has a yes answer (never a plan then).

How the plan is made (same input, same plan):

1. Keep only exercises whose position the person tolerates and whose equipment they have.
2. Work out the load ceiling: the current load stage, one lower for a highly irritable back.
3. Put the essentials in first, shortest first, while they fit the time budget: a calming
   (down-regulation) drill to open the morning, a transition drill, a micro-strength drill,
   an evening calming drill and a mid-day mobility reset.
4. Fill each slot up to its share of the budget (more evening calming when irritability
   is high), never going over the daily total.
5. Order each slot so that calming comes before transitions, mobility and strengthening.
"""
from __future__ import annotations

import json

from .catalogue import catalogue_index
from .profile import Profile, as_profile
from .redflags import screen_red_flags
from .routine import CATEGORY_ORDER, Routine, RoutineItem
from .week import SLOTS

__all__ = ["build_routine", "cached_routine", "forget_routines", "SHARES", "FILL", "CAPS", "GOAL_WORDS", "LONG_SESSION_CAP"]

# share of the daily budget per slot, by irritability
SHARES = {
    "low": {"morning": 0.50, "midday": 0.25, "evening": 0.25},
    "moderate": {"morning": 0.45, "midday": 0.25, "evening": 0.30},
    "high": {"morning": 0.35, "midday": 0.20, "evening": 0.45},
}
# categories each slot is filled with, in turn
FILL = {
    "morning": ("micro_strength", "structured_load", "micro_strength", "down_regulation"),
    "midday": ("mobility_reset", "transition", "mobility_reset"),
    "evening": ("down_regulation",),
}
# words in an exercise's name or targets that serve each goal
GOAL_WORDS = {
    "general": (),
    "lifting": ("hinge", "lift", "deadlift", "carry", "squat"),
    "sitting": ("sit", "seated", "chair", "hip flexor"),
    "mornings": ("log roll", "bed", "roll"),
    "sleep": ("breath", "rock", "supported"),
    "walking": ("step", "march", "walk", "weight shift"),
    "sport": ("rotation", "chop", "turn", "lunge"),
    "caregiving": ("carry", "lift", "reach", "hinge"),
}
LONG_SESSION_CAP = 30  # minutes per session when there are only one or two session days a week
# most items of one category per slot, so a bigger budget brings fuller drills, not clutter
CAPS = {
    "morning": {"down_regulation": 1, "transition": 1, "micro_strength": 3, "structured_load": 1},
    "midday": {"transition": 2, "mobility_reset": 3},
    "evening": {"down_regulation": 4},
}
# what is left of the budget after each slot's share goes here, in this order
LEFTOVER = (("evening", "down_regulation"), ("morning", "structured_load"), ("morning", "micro_strength"),
            ("midday", "mobility_reset"), ("midday", "transition"))


def _goal_score(row, goals) -> int:
    text = (row["name"] + " " + " ".join(row["targets"]) + " " + row["id"].replace("_", " ")).lower()
    return sum(1 for g in goals for w in GOAL_WORDS.get(g, ()) if w in text)


def _ranked(rows: list, category: str, prof: Profile, max_load: int, shortest: bool) -> list:
    """Candidates of a category, best first. Essentials prefer the shortest drill."""
    top = min(max_load, 3) if category == "micro_strength" else max_load
    c = [r for r in rows if r["category"] == category and r["load_level"] <= top]
    goal = {r["id"]: _goal_score(r, prof.goals) for r in c}
    if category == "structured_load":
        key = lambda r: (abs(top - r["load_level"]), -goal[r["id"]], -r["control_demand"],
                         r["minutes"] if shortest else -r["minutes"], r["id"])
    elif category == "micro_strength":
        key = lambda r: (r["minutes"] if shortest else 0, -goal[r["id"]], -r["control_demand"], r["load_level"],
                         r["minutes"], r["id"])
    else:
        key = lambda r: (r["minutes"] if shortest else 0, -goal[r["id"]], -r["minutes"] if not shortest else 0, r["id"])
    return sorted(c, key=key)


def _first_tag(category: str, targets) -> str:
    """A drill's variety tag: its category and first target."""
    return category + ":" + (list(targets)[:1] or [""])[0]


class _Plan:
    """The plan being built: chosen items per slot, ladders used, minutes so far."""

    def __init__(self, prof: Profile, usable: list, root: dict, max_load: int, budget: float):
        self.prof, self.usable, self.root = prof, usable, root
        self.max_load, self.budget = max_load, budget
        self.chosen: dict[str, list] = {s: [] for s in SLOTS}
        self.used_ladders: set = set()
        self.total = 0.0
        self.targets = {r["id"]: r["targets"] for r in usable}

    def items(self) -> list:
        return [it for s in SLOTS for it in self.chosen[s]]

    def full(self, slot: str, category: str) -> bool:
        """The slot holds as many drills of the category as it may."""
        extra = 1 if self.prof.irritability == "high" and category == "down_regulation" else 0
        return sum(1 for it in self.chosen[slot] if it.category == category) >= CAPS[slot].get(category, 0) + extra

    def take(self, category: str, slot: str, limit: float, *, shortest: bool = False) -> bool:
        """Add the best drill of a category that fits; a drill for a new target first. True if one was added."""
        ranked = _ranked(self.usable, category, self.prof, self.max_load, shortest)
        seen = {_first_tag(it.category, self.targets[it.exercise_id]) for it in self.items()}
        for fresh in (True, False):
            for row in ranked:
                where = slot
                if category == "transition" and row["position"] in ("lying", "side-lying"):
                    where = "morning"  # bed transitions belong to the start of the day
                if self.full(where, category) or self.root[row["id"]] in self.used_ladders \
                        or self.total + row["minutes"] > min(limit, self.budget) + 1e-9:
                    continue
                if fresh and _first_tag(category, row["targets"]) in seen:
                    continue
                self.chosen[where].append(RoutineItem.from_row(row, where))
                self.used_ladders.add(self.root[row["id"]])
                self.total += float(row["minutes"])
                return True
        return False

    def fill(self, pairs, limit: float, heavy_ok: bool) -> None:
        """Take drills of each (slot, category) in turn until none fits any more."""
        progress = True
        while progress:
            progress = False
            for slot, category in pairs:
                if category == "structured_load" and not heavy_ok:
                    continue
                progress |= self.take(category, slot, limit)

    def slots(self) -> dict:
        return {s: tuple(sorted(self.chosen[s], key=lambda it: CATEGORY_ORDER[it.category])) for s in SLOTS}


def build_routine(profile=None):
    """Build a day plan in three slots and a week schedule for a profile.

    Returns a :class:`~spinelib.routine.Routine`, or the :class:`~spinelib.redflags.RedFlagResult`
    when any red-flag answer is yes. Accepts a :class:`Profile` or a plain dict of its fields.

    >>> r = build_routine({"minutes_per_day": 15})
    >>> r.minutes <= 15 and [it.category for it in r.slots["morning"]][0] == "down_regulation"
    True
    >>> build_routine({"red_flags": {"saddle_numbness": "yes"}}).is_referral
    True
    """
    prof = as_profile(profile)
    screen = screen_red_flags(prof.red_flags)
    if screen.referral:
        return screen
    idx = catalogue_index()
    usable = [r for r in idx.rows.values()
              if r["position"] in prof.positions and set(r["equipment"]) <= prof.available_equipment]
    max_load = max(1, prof.load_stage - (1 if prof.irritability == "high" else 0))
    budget = float(prof.minutes_per_day)
    notes = []
    if prof.days_per_week <= 2 and budget > LONG_SESSION_CAP:
        # one or two long sessions a week is the pattern insight 5 warns against
        budget = float(LONG_SESSION_CAP)
        notes.append(f"With {prof.days_per_week} session day(s) a week, sessions are kept to {LONG_SESSION_CAP} min; "
                     "more days with short sessions work better than a few long ones.")
    plan = _Plan(prof, usable, idx.root, max_load, budget)

    # 1. essentials, in priority order, shortest first so that even 5 minutes holds them
    plan.take("down_regulation", "morning", budget, shortest=True)
    first_transition = _ranked(usable, "transition", prof, max_load, budget < 10)
    bed = first_transition and first_transition[0]["position"] in ("lying", "side-lying")
    plan.take("transition", "morning" if bed else "midday", budget, shortest=budget < 10)
    plan.take("micro_strength", "morning", budget, shortest=budget < 10)
    plan.take("down_regulation", "evening", budget, shortest=True)
    plan.take("mobility_reset", "midday", budget, shortest=True)

    # 2. fill each slot up to its share of the budget, never over the day's total
    shares = SHARES[prof.irritability]
    heavy_ok = not (prof.irritability == "high" and prof.load_stage == 1)
    for slot in ("morning", "evening", "midday"):
        limit = plan.total + max(0.0, shares[slot] * budget - sum(it.minutes for it in plan.chosen[slot]))
        plan.fill([(slot, category) for category in FILL[slot]], limit, heavy_ok)
    # 3. whatever time is left goes where it fits
    plan.fill(LEFTOVER, budget, heavy_ok)

    if not screen.complete:
        notes.append(screen.message)
    if plan.total < budget - 2:
        notes.append(f"The plan uses {plan.total:g} of your {budget:g} minutes; gentle and short beats long.")
    return Routine(profile=prof, slots=plan.slots(), days_per_week=prof.days_per_week, screen=screen,
                   notes=tuple(notes))


_ROUTINES: dict = {}


def cached_routine(profile):
    """``build_routine(profile)``, remembered: the same profile always gives the same (immutable) plan,
    so a widget that comes back to earlier settings answers at once."""
    prof = profile if isinstance(profile, Profile) else Profile(**profile)
    key = json.dumps(prof.to_dict(), sort_keys=True)
    if key not in _ROUTINES:
        if len(_ROUTINES) > 256:
            _ROUTINES.clear()
        _ROUTINES[key] = build_routine(prof)
    return _ROUTINES[key]


def forget_routines() -> None:
    """Empty the memory of :func:`cached_routine` (benchmarks use this to time cold updates)."""
    _ROUTINES.clear()
