"""The immutable routine: a day plan in three slots and a week schedule.

A :class:`Routine` holds :class:`RoutineItem` objects per slot. It has views (tables, the
week, Markdown/HTML via :mod:`spinelib.render`), edits that return a new routine (add,
remove, swap, progress, regress), exact JSON round trips, and the week-by-week progression
and the simulator's day plan (computed in :mod:`spinelib.progression`). Routines are made by
:func:`spinelib.builder.build_routine` or by hand with :meth:`Routine.from_ids`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .atomic import atomic_write
from .catalogue import catalogue_index
from .errors import InputError, fmt_allowed, whole_number
from .profile import Profile, as_profile
from .progression import daily_plan, progression_frame
from .redflags import RedFlagResult, screen_red_flags
from .render import routine_html, routine_markdown
from .week import SLOT_TITLES, SLOTS, WEEKDAYS, session_days

__all__ = ["RoutineItem", "Routine", "CATEGORY_ORDER", "HOME_SLOT", "check_slot"]

# order of categories inside a slot: calming first, strengthening last
CATEGORY_ORDER = {"down_regulation": 0, "transition": 1, "mobility_reset": 2, "micro_strength": 3, "structured_load": 4}
# the natural slot of each category when an exercise is added by hand
HOME_SLOT = {
    "down_regulation": "evening",
    "micro_strength": "morning",
    "structured_load": "morning",
    "transition": "midday",
    "mobility_reset": "midday",
}
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


def check_slot(slot):
    """``slot`` when it is one of :data:`~spinelib.week.SLOTS`, else an InputError."""
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
            atomic_write(path, text)
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
            atomic_write(path, text)
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
        """The day plan as Markdown, one table per slot, then the week (see :mod:`spinelib.render`)."""
        return routine_markdown(self)

    def to_html(self) -> str:
        """The day plan as HTML tables (escaped), one per slot, with cues and dosage."""
        return routine_html(self)

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
        slot = check_slot(slot or HOME_SLOT[row["category"]])
        slots = {s: list(self.slots.get(s, ())) for s in SLOTS}
        new = RoutineItem.from_row(row, slot)
        pos = len(slots[slot])
        for i, it in enumerate(slots[slot]):
            if CATEGORY_ORDER[it.category] > CATEGORY_ORDER[new.category]:
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

    # ----- progression and the simulator's plan (spinelib.progression) ---------------------
    def progression(self, weeks: int = 8, step_every: int | None = None, deload_every: int = 4) -> pd.DataFrame:
        """A week-by-week progression plan: see :func:`spinelib.progression.progression_frame`."""
        return progression_frame(self, weeks, step_every, deload_every)

    def daily_plan(self, days: int, progression: bool = True) -> pd.DataFrame:
        """The simulator's input, one row per day: see :func:`spinelib.progression.daily_plan`."""
        return daily_plan(self, days, progression)

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
            check_slot(s)
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
