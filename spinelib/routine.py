"""The routine builder: a day plan in three slots, a week schedule, editing, progression, export.

``build_routine(profile)`` turns a :class:`~spinelib.profile.Profile` into a
:class:`Routine`, or into a :class:`~spinelib.redflags.RedFlagResult` when the red-flag
screen has a yes answer (never a plan then).

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

import html
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import atomic_write
from .catalogue import CATEGORIES, catalogue_index
from .errors import InputError, fmt_allowed, whole_number
from .profile import Profile, as_profile
from .redflags import RedFlagResult, screen_red_flags

__all__ = [
    "SLOTS",
    "SLOT_TITLES",
    "WEEKDAYS",
    "RoutineItem",
    "Routine",
    "build_routine",
    "session_days",
    "atomic_write_text",
]

SLOTS = ("morning", "midday", "evening")
SLOT_TITLES = {
    "morning": "Morning stabilizers",
    "midday": "Mid-day mobility reset",
    "evening": "Evening calming routine",
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
STRENGTH = ("micro_strength", "structured_load")
# order of categories inside a slot: calming first, strengthening last
_RANK = {"down_regulation": 0, "transition": 1, "mobility_reset": 2, "micro_strength": 3, "structured_load": 4}
# the natural slot of each category when an exercise is added by hand
HOME_SLOT = {
    "down_regulation": "evening",
    "micro_strength": "morning",
    "structured_load": "morning",
    "transition": "midday",
    "mobility_reset": "midday",
}
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


def atomic_write_text(path, text: str) -> Path:
    """Write text to ``path`` atomically (see :mod:`spinelib.atomic`)."""
    return atomic_write(path, text)


def session_days(days_per_week: int) -> tuple[int, ...]:
    """Weekday indexes (0 = Monday) of the session days, spread over the week.

    >>> session_days(3)
    (0, 2, 5)
    >>> session_days(7)
    (0, 1, 2, 3, 4, 5, 6)
    """
    d = int(days_per_week)
    return tuple(sorted({int(np.floor(i * 7 / d + 0.5)) % 7 for i in range(d)}))


@dataclass(frozen=True)
class RoutineItem:
    """One exercise placed in a slot of the day plan."""

    exercise_id: str
    slot: str
    name: str
    category: str
    insight: int
    position: str
    equipment: tuple
    load_level: int
    control_demand: int
    dosage: str
    minutes: float
    cues: tuple
    cautions: str
    evidence: tuple

    @classmethod
    def from_row(cls, row, slot: str) -> "RoutineItem":
        return cls(
            exercise_id=str(row["id"]), slot=slot, name=str(row["name"]), category=str(row["category"]),
            insight=int(row["insight"]), position=str(row["position"]), equipment=tuple(row["equipment"]),
            load_level=int(row["load_level"]), control_demand=int(row["control_demand"]),
            dosage=str(row["dosage"]), minutes=float(row["minutes"]), cues=tuple(row["cues"]),
            cautions=str(row["cautions"] or ""), evidence=tuple(row["evidence"]),
        )

    def to_dict(self) -> dict:
        d = self.__dict__.copy()
        for k in ("equipment", "cues", "evidence"):
            d[k] = list(d[k])
        return d


def _check_slot(slot):
    if slot not in SLOTS:
        raise InputError("slot", fmt_allowed(SLOTS), slot)
    return slot


@dataclass(frozen=True)
class Routine:
    """A day plan in three slots plus a week schedule. Immutable: edits return a new Routine."""

    profile: Profile
    slots: dict
    days_per_week: int
    screen: RedFlagResult = field(default_factory=RedFlagResult, compare=False)
    notes: tuple = ()

    is_referral = False

    # ----- views -------------------------------------------------------------------------
    @property
    def items(self) -> list[RoutineItem]:
        """All items in day order (morning, mid-day, evening)."""
        return [it for s in SLOTS for it in self.slots.get(s, ())]

    @property
    def ids(self) -> list[str]:
        return [it.exercise_id for it in self.items]

    @property
    def minutes(self) -> float:
        """Minutes per session day."""
        return float(round(sum(it.minutes for it in self.items), 2))

    def slot_minutes(self) -> dict:
        return {s: float(round(sum(it.minutes for it in self.slots.get(s, ())), 2)) for s in SLOTS}

    @property
    def session_days(self) -> tuple[int, ...]:
        return session_days(self.days_per_week)

    @property
    def weekly_minutes(self) -> float:
        return round(self.minutes * self.days_per_week, 2)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table, one row per item, in day order."""
        rows = []
        for s in SLOTS:
            for order, it in enumerate(self.slots.get(s, ()), start=1):
                rows.append({
                    "slot": s, "slot_title": SLOT_TITLES[s], "order": order,
                    "exercise_id": it.exercise_id, "name": it.name, "category": it.category,
                    "insight": it.insight, "position": it.position,
                    "equipment": ";".join(it.equipment), "load_level": it.load_level,
                    "control_demand": it.control_demand, "dosage": it.dosage, "minutes": it.minutes,
                    "cues": " | ".join(it.cues), "cautions": it.cautions,
                    "evidence": ";".join(it.evidence),
                })
        cols = ["slot", "slot_title", "order", "exercise_id", "name", "category", "insight", "position",
                "equipment", "load_level", "control_demand", "dosage", "minutes", "cues", "cautions", "evidence"]
        return pd.DataFrame(rows, columns=cols)

    def week_frame(self) -> pd.DataFrame:
        """One row per weekday: whether it is a session day and the minutes in each slot."""
        sm = self.slot_minutes()
        has_transition = any(it.category == "transition" for it in self.items)
        days = set(self.session_days)
        rows = []
        for d, name in enumerate(WEEKDAYS):
            on = d in days
            rows.append({
                "day": name, "session": on,
                **{s: (sm[s] if on else 0.0) for s in SLOTS},
                "total": self.minutes if on else 0.0,
                "transition": bool(on and has_transition),
            })
        return pd.DataFrame(rows)

    # ----- export ------------------------------------------------------------------------
    def to_csv(self, path=None) -> str:
        """The tidy table as CSV text; written atomically when a path is given."""
        text = self.to_frame().to_csv(index=False)
        if path is not None:
            atomic_write_text(path, text)
        return text

    def to_dict(self) -> dict:
        return {
            "format": "spinelib.routine/1",
            "profile": self.profile.to_dict(),
            "days_per_week": self.days_per_week,
            "notes": list(self.notes),
            "slots": {s: [it.to_dict() for it in self.slots.get(s, ())] for s in SLOTS},
        }

    def to_json(self, path=None, indent: int = 2) -> str:
        """JSON text that :meth:`from_json` turns back into an equal Routine."""
        text = json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)
        if path is not None:
            atomic_write_text(path, text)
        return text

    @classmethod
    def from_json(cls, text) -> "Routine":
        """Rebuild a routine from :meth:`to_json` output (a string or a path)."""
        if isinstance(text, Path) or (isinstance(text, str) and not text.lstrip().startswith("{")):
            p = Path(text)
            if not p.is_file():
                raise InputError("json", "routine JSON text or the path of a JSON file", str(text))
            text = p.read_text(encoding="utf-8")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError("json", "valid JSON", f"line {exc.lineno}: {exc.msg}") from None
        if not isinstance(data, dict) or data.get("format") != "spinelib.routine/1":
            raise InputError("json.format", "'spinelib.routine/1'", data.get("format") if isinstance(data, dict) else data)
        profile = Profile(**data["profile"])
        slots = {}
        for s in SLOTS:
            items = []
            for d in data["slots"].get(s, []):
                d = dict(d)
                for k in ("equipment", "cues", "evidence"):
                    d[k] = tuple(d[k])
                items.append(RoutineItem(**d))
            slots[s] = tuple(items)
        return cls(profile=profile, slots=slots, days_per_week=int(data["days_per_week"]),
                   screen=screen_red_flags(profile.red_flags), notes=tuple(data.get("notes", ())))

    def to_markdown(self) -> str:
        """The day plan as Markdown, one table per slot, then the week."""
        out = []
        for s in SLOTS:
            items = self.slots.get(s, ())
            out.append(f"### {SLOT_TITLES[s]} ({self.slot_minutes()[s]:g} min)\n")
            if not items:
                out.append("_Nothing planned in this slot._\n")
                continue
            df = pd.DataFrame([{"Exercise": it.name, "Dosage": it.dosage, "Minutes": it.minutes,
                                "Cues": "; ".join(it.cues)} for it in items])
            out.append(df.to_markdown(index=False) + "\n")
        wk = self.week_frame()
        out.append("### Week\n")
        out.append(wk.to_markdown(index=False) + "\n")
        return "\n".join(out)

    def to_html(self) -> str:
        """The day plan as HTML tables (escaped), one per slot, with cues and dosage."""
        parts = ['<div class="spinelib-routine">']
        for s in SLOTS:
            items = self.slots.get(s, ())
            parts.append(f'<h3>{html.escape(SLOT_TITLES[s])} ({self.slot_minutes()[s]:g} min)</h3>')
            if not items:
                parts.append("<p><em>Nothing planned in this slot.</em></p>")
                continue
            parts.append('<table class="plan"><thead><tr><th>Exercise</th><th>Dosage</th><th>Minutes</th>'
                         '<th>Cues</th></tr></thead><tbody>')
            for it in items:
                cues = "".join(f"<li>{html.escape(c)}</li>" for c in it.cues)
                parts.append(f"<tr><td>{html.escape(it.name)}</td><td>{html.escape(it.dosage)}</td>"
                             f"<td>{it.minutes:g}</td><td><ul>{cues}</ul></td></tr>")
            parts.append("</tbody></table>")
        parts.append("</div>")
        return "\n".join(parts)

    def __str__(self) -> str:
        lines = [f"Routine: {self.minutes:g} min a day, {self.days_per_week} days a week"]
        for s in SLOTS:
            lines.append(f"  {SLOT_TITLES[s]}: " + ", ".join(it.name for it in self.slots.get(s, ())) )
        return "\n".join(lines)

    # ----- editing (each returns a new Routine) ------------------------------------------
    def _with_slots(self, slots, note=None) -> "Routine":
        slots = {s: tuple(slots.get(s, ())) for s in SLOTS}
        notes = self.notes + ((note,) if note else ())
        return replace(self, slots=slots, notes=notes)

    def _find(self, exercise_id):
        for s in SLOTS:
            for i, it in enumerate(self.slots.get(s, ())):
                if it.exercise_id == exercise_id:
                    return s, i
        raise InputError("exercise_id", "an exercise in this routine: " + ", ".join(self.ids), exercise_id)

    def _row(self, exercise_id):
        rows = catalogue_index().rows
        if not isinstance(exercise_id, str) or exercise_id not in rows:
            raise InputError("exercise_id", "an id from the exercise catalogue", exercise_id)
        row = rows[exercise_id]
        missing = set(row["equipment"]) - self.profile.available_equipment
        if missing:
            raise InputError("exercise_id", f"an exercise that uses only your equipment ({exercise_id} needs "
                             + ", ".join(sorted(missing)) + ")", exercise_id)
        if row["position"] not in self.profile.positions:
            raise InputError("exercise_id", f"an exercise in a position you tolerate ({exercise_id} is "
                             f"{row['position']})", exercise_id)
        return row

    def add(self, exercise_id: str, slot: str | None = None) -> "Routine":
        """A new routine with the exercise added (to its natural slot unless one is given)."""
        row = self._row(exercise_id)
        if exercise_id in self.ids:
            raise InputError("exercise_id", "an exercise not already in the routine", exercise_id)
        slot = _check_slot(slot or HOME_SLOT[row["category"]])
        slots = {s: list(self.slots.get(s, ())) for s in SLOTS}
        new = RoutineItem.from_row(row, slot)
        pos = len(slots[slot])
        for i, it in enumerate(slots[slot]):
            if _RANK[it.category] > _RANK[new.category]:
                pos = i
                break
        slots[slot].insert(pos, new)
        return self._with_slots(slots, f"added {exercise_id}")

    def remove(self, exercise_id: str) -> "Routine":
        """A new routine without the exercise."""
        s, i = self._find(exercise_id)
        slots = {k: list(self.slots.get(k, ())) for k in SLOTS}
        del slots[s][i]
        return self._with_slots(slots, f"removed {exercise_id}")

    def swap(self, old_id: str, new_id: str) -> "Routine":
        """A new routine with ``old_id`` replaced by ``new_id`` in the same place."""
        s, i = self._find(old_id)
        row = self._row(new_id)
        if new_id in self.ids and new_id != old_id:
            raise InputError("new_id", "an exercise not already in the routine", new_id)
        slots = {k: list(self.slots.get(k, ())) for k in SLOTS}
        slots[s][i] = RoutineItem.from_row(row, s)
        return self._with_slots(slots, f"swapped {old_id} for {new_id}")

    def progress(self, exercise_id: str) -> "Routine":
        """Move one rung up the exercise's ladder."""
        return self._step(exercise_id, "progression_id", "progressed")

    def regress(self, exercise_id: str) -> "Routine":
        """Move one rung down the exercise's ladder."""
        return self._step(exercise_id, "regression_id", "regressed")

    def _step(self, exercise_id, col, verb):
        self._find(exercise_id)
        nxt = catalogue_index().rows[exercise_id][col]
        if not nxt:
            end = "top" if col == "progression_id" else "bottom"
            raise InputError("exercise_id", f"an exercise with a rung {'above' if end == 'top' else 'below'} it "
                             f"({exercise_id} is at the {end} of its ladder)", exercise_id)
        r = self.swap(exercise_id, nxt)
        return replace(r, notes=self.notes + (f"{verb} {exercise_id} to {nxt}",))

    # ----- progression and the simulator's plan ------------------------------------------
    def progression(self, weeks: int = 8, step_every: int | None = None, deload_every: int = 4) -> pd.DataFrame:
        """A week-by-week progression plan.

        Every ``step_every`` weeks (default 2; 3 for a highly irritable back) one strength
        exercise, in turn, moves one rung up its ladder; every ``deload_every``-th week is
        an easier week in which each ladder exercise drops one rung, and the week after
        returns to where it was. No exercise ever moves more than one rung in a week, and the
        day never grows past the time budget: a harder rung that takes longer than the one it
        replaces gets only the minutes free that day (fewer repetitions of the harder drill),
        shown in the ``minutes`` column. Rungs that need equipment or a position the person
        does not have are skipped.
        """
        return pd.DataFrame(self._progression_records(weeks, step_every, deload_every),
                            columns=["week", "slot", "order", "exercise_id", "name", "category", "load_level",
                                     "control_demand", "minutes", "step", "deload"])

    def _usable(self, row) -> bool:
        """The person has the equipment for this catalogue row and tolerates its position."""
        return set(row["equipment"]) <= self.profile.available_equipment and row["position"] in self.profile.positions

    def _progression_records(self, weeks, step_every=None, deload_every=4) -> list[dict]:
        weeks = whole_number(weeks, "weeks", 1, 520)
        step_every = whole_number(step_every if step_every is not None else (3 if self.profile.irritability == "high" else 2),
                            "step_every", 1, 12)
        deload_every = whole_number(deload_every, "deload_every", 0, 12)
        idx = catalogue_index()
        rows_by_id = idx.rows
        keys = [(s, i) for s in SLOTS for i in range(len(self.slots.get(s, ())))]
        base = {k: self.slots[k[0]][k[1]].exercise_id for k in keys}
        climbable = [k for k in keys if self.slots[k[0]][k[1]].category in STRENGTH]
        climbable.sort(key=lambda k: (0 if self.slots[k[0]][k[1]].category == "structured_load" else 1, SLOTS.index(k[0]), k[1]))
        # minutes given to each place in the plan: a harder rung gets its own dosage when the day
        # has room for it, otherwise only the time that is free (fewer repetitions, same rung)
        alloc = {k: self.slots[k[0]][k[1]].minutes for k in keys}
        room = max(float(self.profile.minutes_per_day), self.minutes)
        rows, turn, prev_deload = [], 0, False
        for w in range(1, weeks + 1):
            deload = bool(deload_every) and w % deload_every == 0
            if w > 1 and not deload and not prev_deload and (w - 1) % step_every == 0 and climbable:
                for _ in range(len(climbable)):
                    k = climbable[turn % len(climbable)]
                    turn += 1
                    nxt = rows_by_id[base[k]]["progression_id"]
                    if not nxt or nxt in base.values() or not self._usable(rows_by_id[nxt]):
                        continue
                    spare = max(0.0, room - sum(alloc.values()))
                    base[k] = nxt
                    alloc[k] = min(float(rows_by_id[nxt]["minutes"]), alloc[k] + spare)
                    break
            for k in keys:
                ex, minutes = base[k], alloc[k]
                if deload and k in climbable and rows_by_id[ex]["regression_id"] \
                        and self._usable(rows_by_id[rows_by_id[ex]["regression_id"]]):
                    ex = rows_by_id[ex]["regression_id"]
                    minutes = min(minutes, float(rows_by_id[ex]["minutes"]))
                r = rows_by_id[ex]
                rows.append({
                    "week": w, "slot": k[0], "order": k[1] + 1, "exercise_id": ex, "name": r["name"],
                    "category": r["category"], "load_level": int(r["load_level"]),
                    "control_demand": int(r["control_demand"]), "minutes": round(float(minutes), 2),
                    "step": idx.step[ex], "deload": deload,
                })
            prev_deload = deload
        return rows

    def daily_plan(self, days: int, progression: bool = True) -> pd.DataFrame:
        """The simulator's input: one row per day (see docs/architecture.md)."""
        days = whole_number(days, "days", 1, 3650)
        weeks = (days + 6) // 7
        recs = self._progression_records(weeks if progression else 1)
        by_week: dict = {}
        for r in recs:
            by_week.setdefault(r["week"], []).append(r)
        order = {s: i for i, s in enumerate(SLOTS)}
        cols = [f"min_{c}" for c in CATEGORIES]
        week_mins = np.zeros((len(by_week), len(CATEGORIES)))
        week_load, week_ctrl, week_calm = np.zeros(len(by_week)), np.zeros(len(by_week)), np.zeros(len(by_week), bool)
        for w, rs in by_week.items():
            rs = sorted(rs, key=lambda r: (order[r["slot"]], r["order"]))
            for r in rs:
                week_mins[w - 1, CATEGORIES.index(r["category"])] += r["minutes"]
            st = [r for r in rs if r["category"] in STRENGTH]
            tot = sum(r["minutes"] for r in st)
            if tot:
                week_load[w - 1] = sum(r["load_level"] * r["minutes"] for r in st) / tot
                week_ctrl[w - 1] = sum(r["control_demand"] * r["minutes"] for r in st) / tot
            week_calm[w - 1] = _calm_first([r["category"] for r in rs])
        d = np.arange(days)
        wk = np.minimum(d // 7, len(by_week) - 1)
        planned = np.isin(d % 7, self.session_days) & (self.minutes > 0)
        out = pd.DataFrame({"day": d, "planned": planned})
        for j, c in enumerate(cols):
            out[c] = np.where(planned, week_mins[wk, j], 0.0)
        out["load_level"] = np.where(planned, week_load[wk], 0.0)
        out["control"] = np.where(planned, week_ctrl[wk], 0.0)
        out["calm_first"] = planned & week_calm[wk]
        return out

    # ----- construction of hand-made routines ----------------------------------------------
    @classmethod
    def from_ids(cls, slots: dict, profile=None, days_per_week: int | None = None) -> "Routine":
        """A hand-made routine from exercise ids per slot, e.g. ``{"morning": ["bird_dog"]}``.

        Items are kept in the order given (so the audit can judge the order).
        """
        prof = as_profile(profile)
        if not isinstance(slots, dict):
            raise InputError("slots", "a mapping of slot to a list of exercise ids", type(slots).__name__)
        rows = catalogue_index().rows
        out = {}
        for s, ids in slots.items():
            _check_slot(s)
            items = []
            for ex in ids:
                if not isinstance(ex, str) or ex not in rows:
                    raise InputError(f"slots.{s}", "exercise ids from the catalogue", ex)
                items.append(RoutineItem.from_row(rows[ex], s))
            out[s] = tuple(items)
        dpw = prof.days_per_week if days_per_week is None else whole_number(days_per_week, "days_per_week", 1, 7)
        return cls(profile=prof, slots={s: out.get(s, ()) for s in SLOTS}, days_per_week=dpw,
                   screen=screen_red_flags(prof.red_flags))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, profile=None, days_per_week: int | None = None) -> "Routine":
        """A routine from a table with ``slot`` and ``exercise_id`` columns (e.g. an edited CSV)."""
        if not isinstance(frame, pd.DataFrame) or not {"slot", "exercise_id"} <= set(frame.columns):
            raise InputError("frame", "a DataFrame with slot and exercise_id columns")
        slots: dict = {}
        for s, ex in zip(frame["slot"], frame["exercise_id"]):
            slots.setdefault(s, []).append(ex)
        return cls.from_ids(slots, profile=profile, days_per_week=days_per_week)


def _calm_first(categories) -> bool:
    """True when a calming drill comes before the first strengthening drill of the day."""
    for c in categories:
        if c == "down_regulation":
            return True
        if c in STRENGTH:
            return False
    return True


# ----- the builder --------------------------------------------------------------------------
LONG_SESSION_CAP = 30  # minutes per session when there are only one or two session days a week
# most items of one category per slot, so a bigger budget brings fuller drills, not clutter
CAPS = {
    "morning": {"down_regulation": 1, "transition": 1, "micro_strength": 3, "structured_load": 1},
    "midday": {"transition": 2, "mobility_reset": 3},
    "evening": {"down_regulation": 4},
}


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


def build_routine(profile=None):
    """Build a day plan in three slots and a week schedule for a profile.

    Returns a :class:`Routine`, or the :class:`RedFlagResult` when any red-flag answer is
    yes. Accepts a :class:`Profile` or a plain dict of its fields.

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
    chosen: dict[str, list] = {s: [] for s in SLOTS}
    used_ladders: set = set()
    total = 0.0

    def full(slot, category):
        extra = 1 if prof.irritability == "high" and category == "down_regulation" else 0
        return sum(1 for it in chosen[slot] if it.category == category) >= CAPS[slot].get(category, 0) + extra

    def take(category, slot, limit, *, shortest=False):
        nonlocal total
        ranked = _ranked(usable, category, prof, max_load, shortest)
        seen_targets = {it.category + ":" + (it_targets[it.exercise_id][:1] or [""])[0] for it in chosen_items()}
        # variety first: a drill for a muscle not yet trained in this category, then any
        for fresh in (True, False):
            for row in ranked:
                where = slot
                if category == "transition" and row["position"] in ("lying", "side-lying"):
                    where = "morning"  # bed transitions belong to the start of the day
                if full(where, category) or idx.root[row["id"]] in used_ladders \
                        or total + row["minutes"] > min(limit, budget) + 1e-9:
                    continue
                if fresh and category + ":" + (row["targets"][:1] or [""])[0] in seen_targets:
                    continue
                chosen[where].append(RoutineItem.from_row(row, where))
                used_ladders.add(idx.root[row["id"]])
                total += float(row["minutes"])
                return True
        return False

    it_targets = {r["id"]: r["targets"] for r in usable}

    def chosen_items():
        return [it for s in SLOTS for it in chosen[s]]

    # 1. essentials, in priority order, shortest first so that even 5 minutes holds them
    take("down_regulation", "morning", budget, shortest=True)
    first_transition = _ranked(usable, "transition", prof, max_load, budget < 10)
    bed = first_transition and first_transition[0]["position"] in ("lying", "side-lying")
    take("transition", "morning" if bed else "midday", budget, shortest=budget < 10)
    take("micro_strength", "morning", budget, shortest=budget < 10)
    take("down_regulation", "evening", budget, shortest=True)
    take("mobility_reset", "midday", budget, shortest=True)

    # 2. fill each slot up to its share of the budget, never over the day's total
    shares = SHARES[prof.irritability]
    heavy_ok = not (prof.irritability == "high" and prof.load_stage == 1)
    for slot in ("morning", "evening", "midday"):
        limit = total + max(0.0, shares[slot] * budget - sum(it.minutes for it in chosen[slot]))
        progress = True
        while progress:
            progress = False
            for category in FILL[slot]:
                if category == "structured_load" and not heavy_ok:
                    continue
                progress |= take(category, slot, limit)
    # 3. whatever time is left goes where it fits
    progress = True
    while progress:
        progress = False
        for slot, category in (("evening", "down_regulation"), ("morning", "structured_load"),
                               ("morning", "micro_strength"), ("midday", "mobility_reset"),
                               ("midday", "transition")):
            if category == "structured_load" and not heavy_ok:
                continue
            progress |= take(category, slot, budget)

    slots = {s: tuple(sorted(chosen[s], key=lambda it: _RANK[it.category])) for s in SLOTS}
    if not screen.complete:
        notes.append(screen.message)
    if total < budget - 2:
        notes.append(f"The plan uses {total:g} of your {budget:g} minutes; gentle and short beats long.")
    return Routine(profile=prof, slots=slots, days_per_week=prof.days_per_week, screen=screen, notes=tuple(notes))
