"""The routine builder: a profile in, a day plan in three slots out (or a referral).

``build_routine(profile)`` turns a :class:`~spinelib.profile.Profile` into a
:class:`~spinelib.routine.Routine`, or into a :class:`~spinelib.redflags.RedFlagResult`
when the red-flag screen has a yes answer (never a plan then).

How the plan is made (same input, same plan):

1. Keep only exercises whose position the person tolerates and whose equipment they have.
2. Work out the load ceiling: the current load stage, one lower for a highly irritable back,
   and the time budget: the minutes asked for, kept within the gentle 10-20 minute range of
   insight 5 (:data:`~spinelib.audit.GENTLE_MINUTES`) when more is asked (a note says so).
3. Put the essentials in first, shortest first, while they fit the time budget: a calming
   (down-regulation) drill to open the morning, a transition drill, a micro-strength drill,
   an evening calming drill (a gentle mobility drill when no calming drill is left for the
   evening) and a mid-day mobility reset. From load stage 2 on, a structured-load drill at the
   rung nearest the load ceiling that fits is an essential too; a heavy rung (level 4-5) comes
   with at least as many micro-strength minutes, or a lower rung is taken.
4. Fill each slot up to its share of the budget (more evening calming when irritability
   is high), never going over the daily total.
5. A highly irritable back gets at least a quarter of the time calming
   (:data:`~spinelib.audit.CALM_SHARE`): longer or more calming drills, room made for them by
   dropping or shortening others, but never below 10 minutes when 10 or more are asked for.
6. Use the minutes still free: swap drills for longer ones of the same kind (the same rung for
   structured load), add drills, and if minutes are still free choose the drills that are not
   essentials again (a knapsack over half minutes, keeping as many as possible), with up to two
   essentials exchanged for others of their kind. So the plan takes the minutes asked for
   whenever the catalogue's drills add up to them. When a highly irritable back still lacks
   its calming share, the plan is made again with a lower structured-load rung, if that helps.
7. Order each slot by position, so the person changes position as few times as possible:
   floor up (lying, side-lying, quadruped, seated, standing) in the morning and at mid-day,
   and from standing down to lying in the evening, towards bed. Within a position calming
   comes before transitions, mobility and strengthening. When the day has had no calming
   drill yet, the position of the slot's first calming drill opens the slot, so calming
   still comes before any strengthening (insight 2).

The plans of this builder raise no audit warning it could avoid: the audit warns only about
what the person chose (fewer than 5 session days, fewer than 10 minutes) or what the
catalogue lacks for their positions and equipment.
"""
from __future__ import annotations

import json

from .audit import CALM_SHARE, GENTLE_MINUTES, HEAVY_LEVEL
from .catalogue import POSITIONS, catalogue_index
from .insights import CALMING, STRENGTH, is_calm_first
from .profile import Profile, as_profile
from .redflags import screen_red_flags
from .routine import CATEGORY_ORDER, HOME_SLOT, Routine, RoutineItem
from .week import SLOTS

__all__ = ["build_routine", "cached_routine", "forget_routines", "SHARES", "FILL", "CAPS", "GOAL_WORDS",
           "POSITION_ORDER"]

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
# the order of positions inside a slot: floor up (the evening runs it backwards, towards bed)
POSITION_ORDER = {"morning": POSITIONS, "midday": POSITIONS, "evening": tuple(reversed(POSITIONS))}
BED = ("lying", "side-lying")  # transitions that start here belong to the start of the day
# most items of one category per slot, so a bigger budget brings fuller drills, not clutter
CAPS = {
    "morning": {"down_regulation": 1, "transition": 1, "micro_strength": 3, "structured_load": 1},
    "midday": {"transition": 2, "mobility_reset": 3},
    "evening": {"down_regulation": 4, "mobility_reset": 1},
}
# what is left of the budget after each slot's share goes here, in this order
LEFTOVER = (("evening", "down_regulation"), ("morning", "structured_load"), ("morning", "micro_strength"),
            ("midday", "mobility_reset"), ("midday", "transition"))


def _goal_score(row, goals) -> int:
    text = (row["name"] + " " + " ".join(row["targets"]) + " " + row["id"].replace("_", " ")).lower()
    return sum(1 for g in goals for w in GOAL_WORDS.get(g, ()) if w in text)


def _top(category: str, max_load: int) -> int:
    """The highest load level the builder gives a category (micro-strength stays at level 3 or below)."""
    return min(max_load, 3) if category == "micro_strength" else max_load


def _ranked(rows: list, category: str, prof: Profile, max_load: int, shortest: bool, floor_first: bool = False) -> list:
    """Candidates of a category, best first. Essentials prefer the shortest drill; ``floor_first``
    then prefers the lowest position (the morning opens where the night ended)."""
    top = _top(category, max_load)
    c = [r for r in rows if r["category"] == category and r["load_level"] <= top]
    goal = {r["id"]: _goal_score(r, prof.goals) for r in c}
    floor = {p: i for i, p in enumerate(POSITIONS)} if floor_first else dict.fromkeys(POSITIONS, 0)
    if category == "structured_load":
        key = lambda r: (abs(top - r["load_level"]), -goal[r["id"]], -r["control_demand"],
                         r["minutes"] if shortest else -r["minutes"], r["id"])
    elif category == "micro_strength":
        key = lambda r: (r["minutes"] if shortest else 0, -goal[r["id"]], -r["control_demand"], r["load_level"],
                         r["minutes"], r["id"])
    else:
        key = lambda r: (r["minutes"] if shortest else 0, floor[r["position"]], -goal[r["id"]],
                         -r["minutes"] if not shortest else 0, r["id"])
    return sorted(c, key=key)


def _first_tag(category: str, targets) -> str:
    """A drill's variety tag: its category and first target."""
    return category + ":" + (list(targets)[:1] or [""])[0]


def _in_order(items, positions, calm_before: bool) -> tuple:
    """A slot's drills grouped by position in the order ``positions`` (each position once, so the
    fewest changes of position), calming first within a position. When the day has had no calming
    drill yet (``calm_before`` false) and a strengthening drill would come first, the position of
    the slot's first calming drill opens the slot instead (insight 2)."""
    rank = {p: i for i, p in enumerate(positions)}
    key = lambda it: (rank[it.position], CATEGORY_ORDER[it.category])
    ordered = sorted(items, key=key)
    if not calm_before and not is_calm_first([it.category for it in ordered]):
        calm = [it for it in ordered if it.category == CALMING]
        if calm:
            opener = calm[0].position
            ordered = sorted(ordered, key=lambda it: (it.position != opener,) + key(it))
    return tuple(ordered)


class _Plan:
    """The plan being built: chosen items per slot, ladders used, minutes so far."""

    def __init__(self, prof: Profile, usable: list, root: dict, max_load: int, budget: float, heavy_ok: bool):
        self.prof, self.usable, self.root = prof, usable, root
        self.max_load, self.budget, self.heavy_ok = max_load, budget, heavy_ok
        self.chosen: dict[str, list] = {s: [] for s in SLOTS}
        self.used_ladders: set = set()
        self.order: list = []  # exercise ids in the order they were taken
        self.essentials: set = set()  # exercise ids the plan keeps whatever else changes
        self.total = 0.0
        self.rows = {r["id"]: r for r in usable}
        self.targets = {r["id"]: r["targets"] for r in usable}
        self._by_category: dict = {}

    def _ranked(self, category: str) -> list:
        """Candidates of a category, shortest first (remembered)."""
        if category not in self._by_category:
            self._by_category[category] = _ranked(self.usable, category, self.prof, self.max_load, True)
        return self._by_category[category]

    def _snapshot(self):
        return ({s: list(v) for s, v in self.chosen.items()}, set(self.used_ladders), list(self.order), self.total,
                set(self.essentials))

    def _restore(self, saved) -> None:
        """Go back to a :meth:`_snapshot` (which stays as it is, to be gone back to again)."""
        chosen, ladders, order, self.total, essentials = saved
        self.chosen = {s: list(v) for s, v in chosen.items()}
        self.used_ladders, self.order, self.essentials = set(ladders), list(order), set(essentials)

    def items(self) -> list:
        return [it for s in SLOTS for it in self.chosen[s]]

    def minutes(self, *categories) -> float:
        return sum(it.minutes for it in self.items() if it.category in categories)

    def balanced(self) -> bool:
        """Heavy work takes no more minutes than micro-strength work (insight 1)."""
        heavy = sum(it.minutes for it in self.items() if it.category in STRENGTH and it.load_level >= HEAVY_LEVEL)
        return heavy <= self.minutes("micro_strength") + 1e-9

    def calm_share(self) -> float:
        return self.minutes(CALMING) / self.total if self.total else 1.0

    def full(self, slot: str, category: str) -> bool:
        """The slot holds as many drills of the category as it may."""
        extra = 1 if self.prof.irritability == "high" and category == "down_regulation" else 0
        return sum(1 for it in self.chosen[slot] if it.category == category) >= CAPS[slot].get(category, 0) + extra

    def _where(self, row, slot: str) -> str:
        if row["category"] == "transition" and row["position"] in BED:
            return "morning"  # bed transitions belong to the start of the day
        return slot

    def _fits(self, row, where: str, limit: float) -> bool:
        return not (self.full(where, row["category"]) or self.root[row["id"]] in self.used_ladders
                    or self.total + row["minutes"] > min(limit, self.budget) + 1e-9)

    def _add(self, row, where: str) -> None:
        self.chosen[where].append(RoutineItem.from_row(row, where))
        self.used_ladders.add(self.root[row["id"]])
        self.order.append(row["id"])
        self.total += float(row["minutes"])

    def take(self, category: str, slot: str, limit: float, *, shortest: bool = False,
             floor_first: bool = False) -> bool:
        """Add the best drill of a category that fits; a drill for a new target first. True if one was added."""
        ranked = _ranked(self.usable, category, self.prof, self.max_load, shortest, floor_first)
        seen = {_first_tag(it.category, self.targets[it.exercise_id]) for it in self.items()}
        for fresh in (True, False):
            for row in ranked:
                where = self._where(row, slot)
                if not self._fits(row, where, limit):
                    continue
                if fresh and _first_tag(category, row["targets"]) in seen:
                    continue
                self._add(row, where)
                return True
        return False

    def take_load(self, limit: float, make_room: bool = False) -> bool:
        """Add a structured-load drill to the morning at the rung nearest the load ceiling that fits; a heavy
        rung only with at least as many micro-strength minutes (added here if need be), else a lower rung.
        With ``make_room``, drills already taken may become shorter ones of their kind to make it fit."""
        for row in _ranked(self.usable, "structured_load", self.prof, self.max_load, False):
            if self.full("morning", "structured_load") or self.root[row["id"]] in self.used_ladders:
                continue
            saved = self._snapshot()
            if make_room:
                self._make_room(row["minutes"], limit)
            if not self._fits(row, "morning", limit):
                self._restore(saved)
                continue
            self._add(row, "morning")
            while not self.balanced():
                if self._take_micro(limit):
                    continue
                shortest = [r for r in self._ranked("micro_strength") if self.root[r["id"]] not in self.used_ladders]
                if not (make_room and shortest and self._make_room(shortest[0]["minutes"], limit)
                        and self._take_micro(limit)):
                    break
            if self.balanced():
                return True
            self._restore(saved)
        return False

    def _take_micro(self, limit: float) -> bool:
        """Add the micro-strength drill that best makes up for heavy work: the shortest that outweighs it, else
        the longest that fits (beyond the slot's cap if need be: the balance matters more). True if one was added."""
        heavy = sum(it.minutes for it in self.items() if it.category in STRENGTH and it.load_level >= HEAVY_LEVEL)
        need = heavy - self.minutes("micro_strength")
        rows = [r for r in self._ranked("micro_strength") if self.root[r["id"]] not in self.used_ladders
                and self.total + r["minutes"] <= min(limit, self.budget) + 1e-9]
        enough = [r for r in rows if r["minutes"] >= need - 1e-9]
        pick = enough[:1] or sorted(rows, key=lambda r: -r["minutes"])[:1]
        for row in pick:
            self._add(row, "morning")
        return bool(pick)

    def _shrink_one(self) -> bool:
        """Swap one drill for a shorter one of its kind in the same place, the one that frees the most minutes
        (never a calming or structured-load drill, and never unbalancing heavy work). True if one was swapped."""
        chosen = {it.exercise_id for it in self.items()}
        best, was_balanced, micro = None, self.balanced(), self.minutes("micro_strength")
        for slot in SLOTS:
            for i, it in enumerate(self.chosen[slot]):
                if it.category in (CALMING, "structured_load"):
                    continue
                for row in self._ranked(it.category):
                    saving = it.minutes - row["minutes"]
                    root = self.root[row["id"]]
                    if saving <= 1e-9 or row["id"] in chosen or self._where(row, slot) != slot \
                            or (root in self.used_ladders and root != self.root[it.exercise_id]) \
                            or (best is not None and saving <= best[0]):
                        continue
                    saved = self._snapshot()
                    self._apply(slot, i, row)
                    ok = self.balanced() if was_balanced else self.minutes("micro_strength") >= micro - 1e-9
                    self._restore(saved)
                    if ok:
                        best = (saving, slot, i, row)
        if best is None:
            return False
        self._apply(*best[1:])
        return True

    def _make_room(self, minutes: float, limit: float) -> bool:
        """Shorten drills already taken (see :meth:`_shrink_one`) until ``minutes`` more fit. True if they do."""
        while self.total + minutes > min(limit, self.budget) + 1e-9:
            if not self._shrink_one():
                return False
        return True

    def fill(self, pairs, limit: float) -> None:
        """Take drills of each (slot, category) in turn until none fits any more."""
        progress = True
        while progress:
            progress = False
            for slot, category in pairs:
                if category == "structured_load":
                    progress |= self.heavy_ok and self.take_load(limit)
                else:
                    progress |= self.take(category, slot, limit)

    def _moves(self, calming_only: bool):
        """Ways to use free minutes, each within the budget: (rank, extra minutes, slot, index or None, row).
        Rank 0: a longer drill of the same kind in the same place (the same rung for structured load), or one
        more drill where the slot's caps allow; rank 1: one more drill beyond the caps, in its home slot
        (never a second structured-load drill)."""
        gap = self.budget - self.total
        chosen = {it.exercise_id for it in self.items()}
        for slot in SLOTS:
            for i, it in enumerate(self.chosen[slot]):
                if calming_only and it.category != CALMING:
                    continue
                for row in self._ranked(it.category):
                    extra = row["minutes"] - it.minutes
                    root = self.root[row["id"]]
                    if extra <= 1e-9 or extra > gap + 1e-9 or row["id"] in chosen \
                            or (root in self.used_ladders and root != self.root[it.exercise_id]) \
                            or self._where(row, slot) != slot \
                            or (it.category == "structured_load" and row["load_level"] != it.load_level):
                        continue
                    yield 0, extra, slot, i, row
        pairs = [(s, c) for s in SLOTS for c in FILL[s]] + list(LEFTOVER) + [("evening", "mobility_reset")]
        for rank in (0, 1):
            for slot, category in dict.fromkeys(pairs):
                if (calming_only and category != CALMING) or (category == "structured_load" and not self.heavy_ok):
                    continue
                if rank == 1 and (category == "structured_load" or HOME_SLOT[category] != slot):
                    continue
                for row in self._ranked(category):
                    where = self._where(row, slot)
                    if row["id"] in chosen or self.root[row["id"]] in self.used_ladders or row["minutes"] > gap + 1e-9 \
                            or (rank == 0 and self.full(where, category)):
                        continue
                    yield rank, row["minutes"], where, None, row

    def _apply(self, slot: str, i, row) -> None:
        if i is None:
            self._add(row, slot)
            return
        old = self.chosen[slot][i]
        self.used_ladders.discard(self.root[old.exercise_id])
        self.used_ladders.add(self.root[row["id"]])
        self.chosen[slot][i] = RoutineItem.from_row(row, slot)
        self.order[self.order.index(old.exercise_id)] = row["id"]
        if old.exercise_id in self.essentials:  # what stands in for an essential is one
            self.essentials = self.essentials - {old.exercise_id} | {row["id"]}
        self.total += float(row["minutes"]) - old.minutes

    def _drop(self, exercise_id: str) -> None:
        for slot in SLOTS:
            for i, it in enumerate(self.chosen[slot]):
                if it.exercise_id == exercise_id:
                    del self.chosen[slot][i]
                    self.used_ladders.discard(self.root[exercise_id])
                    self.order.remove(exercise_id)
                    self.total -= it.minutes
                    return

    def _keeps(self, share: float) -> bool:
        """The plan keeps heavy work balanced and, for a highly irritable back whose calming work had its share
        (``share`` before the change), keeps that share."""
        return self.balanced() and (self.prof.irritability != "high" or share < CALM_SHARE - 1e-9
                                    or self.calm_share() >= CALM_SHARE - 1e-9)

    def _best_move(self, calming_only: bool):
        """The move that uses the most free minutes (moves of rank 0 before any of rank 1) and keeps the plan's
        balance (see :meth:`_keeps`)."""
        share, best = self.calm_share(), None
        for move in self._moves(calming_only):
            if best is not None and (move[0], -move[1]) >= (best[0], -best[1]):
                continue
            saved = self._snapshot()
            self._apply(*move[2:])
            ok = self._keeps(share)
            self._restore(saved)
            if ok:
                best = move
        return best

    def calm_down(self) -> None:
        """For a highly irritable back, bring calming work up to :data:`~spinelib.audit.CALM_SHARE` of the time:
        longer or more calming drills, making room when no calming drill fits the minutes left by dropping
        drills that are not essentials (the latest first), then by shortening essentials; when no calming
        drill fits however much room is made, by dropping drills that are not essentials alone, as long as
        the day keeps the gentle minimum (insight 5 comes first when both cannot be met)."""
        if self.prof.irritability != "high":
            return
        while self.calm_share() < CALM_SHARE - 1e-9:
            move = self._best_move(calming_only=True)
            if move is None:
                saved = self._snapshot()
                extras = [ex for ex in reversed(self.order) if ex not in self.essentials
                          and self.rows[ex]["category"] != CALMING]
                for ex in extras:
                    self._drop(ex)
                    move = self._best_move(calming_only=True)
                    if move is not None:
                        break
                while move is None and self._shrink_one():
                    move = self._best_move(calming_only=True)
                if move is None:
                    self._restore(saved)
                    floor = GENTLE_MINUTES[0] if self.budget >= GENTLE_MINUTES[0] else 0.0
                    for ex in extras:
                        if self.total - self.rows[ex]["minutes"] < floor - 1e-9:
                            break
                        self._drop(ex)
                        if self.calm_share() >= CALM_SHARE - 1e-9:
                            return
                    self._restore(saved)
                    return
            self._apply(*move[2:])

    def stretch(self) -> None:
        """Use the minutes still free, the biggest step that fits first (see :meth:`_moves`); calming moves
        first while a highly irritable back's calming work is below its share."""
        while self.total < self.budget - 1e-9:
            low_calm = self.prof.irritability == "high" and self.calm_share() < CALM_SHARE - 1e-9
            move = (self._best_move(calming_only=True) if low_calm else None) or self._best_move(calming_only=False)
            if move is None:
                return
            self._apply(*move[2:])

    def _repack(self) -> None:
        """Choose again the drills that are not essentials so the day takes as many of the minutes asked for as
        the catalogue allows: one rung per ladder and one structured-load drill at most, keeping as many of the
        drills already chosen as possible (a knapsack over half minutes). Drills added go to their home slot."""
        essential = [it for it in self.items() if it.exercise_id in self.essentials]
        room = round((self.budget - sum(it.minutes for it in essential)) * 2)  # catalogue minutes: half minutes
        taken = {self.root[it.exercise_id] for it in essential}
        has_load = any(it.category == "structured_load" for it in essential)
        current = {it.exercise_id for it in self.items()} - self.essentials
        ladders: dict = {}
        for c in CATEGORY_ORDER:
            if c == "structured_load" and not self.heavy_ok:
                continue
            for r in self._ranked(c):
                if self.root[r["id"]] not in taken:
                    ladders.setdefault(self.root[r["id"]], []).append(r)
        # best[(half minutes, structured-load drills)] = (drills kept, ids chosen)
        best = {(0, int(has_load)): (0, ())}
        for rows in ladders.values():
            nxt = dict(best)
            for (units, loads), (kept, ids) in best.items():
                for r in rows:
                    u, l = units + round(r["minutes"] * 2), loads + (r["category"] == "structured_load")
                    if u > room or l > 1:
                        continue
                    cand = (kept + (r["id"] in current), ids + (r["id"],))
                    if (u, l) not in nxt or cand[0] > nxt[(u, l)][0]:
                        nxt[(u, l)] = cand
            best = nxt
        if room < 0:
            return
        ids = best[max(best, key=lambda k: (k[0], best[k][0]))][1]
        for ex in [ex for ex in self.order if ex in current and ex not in ids]:
            self._drop(ex)
        for ex in ids:
            if ex not in current:
                row = self.rows[ex]
                self._add(row, self._where(row, HOME_SLOT[row["category"]]))

    def _essential_swaps(self) -> list:
        """Longer or shorter drills of the same kind that could stand in for a calming, transition or mobility essential
        (same place, a ladder of their own): (slot, index, row)."""
        chosen = {it.exercise_id for it in self.items()}
        out = []
        for slot in SLOTS:
            for i, it in enumerate(self.chosen[slot]):
                if it.exercise_id not in self.essentials or it.category in STRENGTH:
                    continue
                lengths = {it.minutes}  # the first drill of each length is enough: only the minutes matter here
                for row in self._ranked(it.category):
                    root = self.root[row["id"]]
                    if row["minutes"] not in lengths and row["id"] not in chosen and self._where(row, slot) == slot \
                            and (root not in self.used_ladders or root == self.root[it.exercise_id]):
                        lengths.add(row["minutes"])
                        out.append((slot, i, row))
        return out

    def top_up(self, depth: int = 2) -> None:
        """When minutes are still free, choose the drills that are not essentials again (see :meth:`_repack`),
        and if that is not enough, also put other drills of the same kind in place of up to ``depth``
        calming, transition or mobility essentials; the fullest day wins (the first found among equals). A
        new choice is taken only when it keeps the plan's balance (see :meth:`_keeps`)."""
        if self.total >= self.budget - 1e-9:
            return
        share = self.calm_share()
        best = [self._snapshot()]

        def search(level: int) -> None:
            saved = self._snapshot()
            self._repack()
            if self.total <= self.budget + 1e-9 and self._keeps(share) and self.total > best[0][3] + 1e-9:
                best[0] = self._snapshot()
            self._restore(saved)
            if level == 0 or best[0][3] >= self.budget - 1e-9:
                return
            for slot, i, row in self._essential_swaps():
                self._apply(slot, i, row)
                if sum(it.minutes for it in self.items() if it.exercise_id in self.essentials) <= self.budget + 1e-9:
                    search(level - 1)
                self._restore(saved)
                if best[0][3] >= self.budget - 1e-9:
                    return

        search(depth)
        self._restore(best[0])

    def slots(self) -> dict:
        out, calm_before = {}, False
        for s in SLOTS:
            out[s] = _in_order(self.chosen[s], POSITION_ORDER[s], calm_before)
            calm_before = calm_before or any(it.category == CALMING for it in out[s])
        return out


def build_routine(profile=None):
    """Build a day plan in three slots and a week schedule for a profile.

    Returns a :class:`~spinelib.routine.Routine`, or the :class:`~spinelib.redflags.RedFlagResult`
    when any red-flag answer is yes. Accepts a :class:`Profile` or a plain dict of its fields.

    >>> r = build_routine({"minutes_per_day": 15})
    >>> r.minutes == 15 and [it.category for it in r.slots["morning"]][0] == "down_regulation"
    True
    >>> build_routine({"minutes_per_day": 45}).minutes
    20.0
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
    low, high = GENTLE_MINUTES
    budget = float(min(prof.minutes_per_day, high))
    notes = []
    if prof.minutes_per_day > high:
        # longer sessions are what insight 5 warns against (the audit's gentle range)
        notes.append(f"Sessions are kept to {high} min a day, the top of the gentle {low}-{high} minute range; "
                     + ("more days with short sessions work better than a few long ones."
                        if prof.days_per_week <= 2 else "short daily sessions work better than long ones."))
    plan = _make_plan(prof, usable, idx.root, max_load, budget)
    loads = [it.load_level for it in plan.items() if it.category == "structured_load"]
    if prof.irritability == "high" and plan.calm_share() < CALM_SHARE and loads:
        # a highly irritable back keeps its share of calming before a higher rung: try the rungs below
        for cap in range(max(loads) - 1, 0, -1):
            lower = [r for r in usable if r["category"] != "structured_load" or r["load_level"] <= cap]
            other = _make_plan(prof, lower, idx.root, max_load, budget)
            if other.calm_share() >= CALM_SHARE and other.total >= min(plan.total, low):
                plan = other
                break

    if not screen.complete:
        notes.append(screen.message)
    if plan.total < budget - 2:
        notes.append(f"The plan uses {plan.total:g} of your {budget:g} minutes; gentle and short beats long.")
    return Routine(profile=prof, slots=plan.slots(), days_per_week=prof.days_per_week, screen=screen,
                   notes=tuple(notes))


def _make_plan(prof: Profile, usable: list, root: dict, max_load: int, budget: float) -> _Plan:
    """The plan of the steps in the module's docstring, from the drills ``usable`` by this person."""
    heavy_ok = not (prof.irritability == "high" and prof.load_stage == 1)
    plan = _Plan(prof, usable, root, max_load, budget, heavy_ok)

    # 1. essentials, in priority order, shortest first so that even 5 minutes holds them
    plan.take("down_regulation", "morning", budget, shortest=True, floor_first=True)
    first_transition = _ranked(usable, "transition", prof, max_load, budget < 10)
    bed = first_transition and first_transition[0]["position"] in BED
    plan.take("transition", "morning" if bed else "midday", budget, shortest=budget < 10)
    plan.take("micro_strength", "morning", budget, shortest=budget < 10)
    plan.take("down_regulation", "evening", budget, shortest=True)
    if not plan.chosen["evening"]:  # no calming drill left for the evening: a gentle mobility drill
        plan.take("mobility_reset", "evening", budget, shortest=True)
    plan.take("mobility_reset", "midday", budget, shortest=True)
    if prof.load_stage >= 2:  # past the bottom rung, structured load is part of the plan (insight 4)
        plan.take_load(budget, make_room=True)
    plan.essentials = set(plan.order)

    # 2. fill each slot up to its share of the budget, never over the day's total
    shares = SHARES[prof.irritability]
    for slot in ("morning", "evening", "midday"):
        limit = plan.total + max(0.0, shares[slot] * budget - sum(it.minutes for it in plan.chosen[slot]))
        plan.fill([(slot, category) for category in FILL[slot]], limit)
    # 3. whatever time is left goes where it fits, then into longer drills of the same kind
    plan.fill(LEFTOVER, budget)
    plan.calm_down()
    plan.stretch()
    plan.top_up()
    return plan


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
