"""The immutable routine: a day plan in three slots and a week schedule.

A :class:`Routine` holds :class:`RoutineItem` objects per slot. It has views (tables, the
week, Markdown/HTML via :mod:`spinelib.render`), edits that return a new routine (add,
remove, swap, progress, regress), exact JSON round trips, and the week-by-week progression
and the simulator's day plan (computed in :mod:`spinelib.progression`). Routines are made by
:func:`spinelib.builder.build_routine` or by hand with :meth:`Routine.from_ids`.

A routine JSON file is a trust boundary: :meth:`Routine.from_json` re-validates all of it (see
there) and, like the builder, turns a red-flag referral into a :class:`RedFlagResult`, never a plan.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, fields, replace
from numbers import Real
from pathlib import Path

import pandas as pd

from .atomic import atomic_write
from .catalogue import SCHEMA, catalogue_index
from .errors import InputError, Shown, fmt_allowed, kind, whole_number
from .profile import Profile, as_profile
from .progression import daily_plan, progression_frame
from .redflags import RedFlagResult, screen_red_flags
from .render import UNSAFE_CHARS, routine_html, routine_markdown
from .week import SLOT_TITLES, SLOTS, WEEKDAYS, session_days

__all__ = ["RoutineItem", "Routine", "CATEGORY_ORDER", "HOME_SLOT", "check_slot", "ROUTINE_FORMAT",
           "JSON_MAX_BYTES", "JSON_MAX_DEPTH", "ITEM_MINUTES", "MAX_ITEMS_PER_SLOT"]

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
ROUTINE_FORMAT = "spinelib.routine/1"
JSON_MAX_BYTES = 1_000_000  # a routine's JSON is a few kB; anything near this is not a routine
JSON_MAX_DEPTH = 16  # a routine's JSON nests 5 deep
MAX_ITEMS_PER_SLOT = 50
MAX_NOTES, NOTE_MAX_CHARS = 1000, 1000
# minutes of one item: the catalogue schema's range for an exercise's bout
ITEM_MINUTES = (float(SCHEMA.columns["minutes"].checks[0].statistics["min_value"]),
                float(SCHEMA.columns["minutes"].checks[0].statistics["max_value"]))
# an item's facts, which must be the catalogue's (they drive the audit and the simulator)
_ITEM_FACTS = ("category", "insight", "position", "equipment", "load_level", "control_demand", "evidence")
# an item's words, which a person may have edited: (longest, fewest) characters
_ITEM_TEXT = {"name": (80, 1), "dosage": (200, 1), "cautions": (1000, 0)}
_CUES = (1, 10, 300)  # cues per item (fewest, most) and characters per cue
_TOP_KEYS = ("format", "profile", "days_per_week", "notes", "slots")


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
    def from_json(cls, text) -> "Routine | RedFlagResult":
        """Rebuild a routine from :meth:`to_json` output (a string, bytes or a path).

        Everything is validated again, as at any other entry point: the format, the profile
        through :class:`~spinelib.Profile` (every field), ``days_per_week`` (1-7), the notes,
        and every item: its exercise id must be in the catalogue, its slot known, its facts
        (category, insight, position, equipment, load and control levels, evidence) the
        catalogue's, its minutes a finite number within :data:`ITEM_MINUTES`, its words text
        of bounded length. The text may be at most :data:`JSON_MAX_BYTES` and nest at most
        :data:`JSON_MAX_DEPTH` deep. Anything else is a one-line
        :class:`~spinelib.errors.InputError` naming the JSON path, e.g.
        ``json.slots.morning[2].minutes``.

        When the profile's red-flag answers mean a referral, the result is the
        :class:`~spinelib.redflags.RedFlagResult`, never a plan: the same contract as
        :func:`~spinelib.builder.build_routine` (check ``.is_referral``). A valid routine
        round-trips exactly.
        """
        data = _json_data(text)
        if not isinstance(data, dict):
            raise InputError("json", "a JSON object with " + ", ".join(_TOP_KEYS), _json_kind(data))
        for k in data:
            if k not in _TOP_KEYS:
                raise InputError(f"json.{k}", "one of the keys " + ", ".join(_TOP_KEYS), Shown("an unknown key"))
        for k in ("format", "profile", "days_per_week", "slots"):
            if k not in data:
                raise InputError(f"json.{k}", "present in a routine's JSON", Shown("missing"))
        if data["format"] != ROUTINE_FORMAT:
            raise InputError("json.format", repr(ROUTINE_FORMAT), _shown(data["format"]))
        profile = _json_profile(data["profile"])
        days = whole_number(data["days_per_week"], "json.days_per_week", 1, 7)
        notes = _json_notes(data.get("notes", []))
        slots = _json_slots(data["slots"])
        screen = screen_red_flags(profile.red_flags)
        if screen.referral:
            return screen
        return cls(profile=profile, slots=slots, days_per_week=days, screen=screen, notes=notes)

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
            if not isinstance(ids, (list, tuple)):
                raise InputError(f"slots.{s}", "a list of exercise ids from the catalogue",
                                 ids if isinstance(ids, str) else kind(ids))
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


# ----- from_json: the checks of a routine's JSON -------------------------------------------
_JSON_KINDS = {dict: "an object", list: "a list", type(None): "null", str: "text", bool: "true or false",
               int: "a number", float: "a number"}


def _json_kind(v) -> Shown:
    """What a JSON value is, in JSON's words ('an object', 'a list', 'null', ...)."""
    return Shown(_JSON_KINDS.get(type(v), type(v).__name__))


def _shown(v):
    """A JSON value for 'got ...': numbers, text and true/false as they are, the rest by its kind."""
    return v if isinstance(v, (str, int, float, bool)) else _json_kind(v)


def _looks_like_path(text: str) -> bool:
    return (len(text) < 4096 and "\n" not in text and "\x00" not in text
            and not text.lstrip().startswith(("{", "[", '"')))


def _too_big(size: int):
    return InputError("json", f"a routine's JSON of at most {JSON_MAX_BYTES:,} bytes", Shown(f"{size:,} bytes"))


def _decode_json_bytes(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        got = Shown(f"{where}a byte {raw[exc.start]:#04x} at position {exc.start:,}")
        raise InputError("json", "UTF-8 text", got) from None


def _json_source(text) -> str:
    """The JSON text of ``text`` (JSON text, bytes, or a path), within :data:`JSON_MAX_BYTES`."""
    allowed = "routine JSON text or the path of an existing JSON file"
    if isinstance(text, (bytes, bytearray)):
        if len(text) > JSON_MAX_BYTES:
            raise _too_big(len(text))
        return _decode_json_bytes(bytes(text), "")
    if isinstance(text, Path) or (isinstance(text, str) and _looks_like_path(text)):
        p = Path(text)
        try:
            is_file = p.is_file()
        except (OSError, ValueError):
            is_file = False
        if not is_file:
            if isinstance(text, str):  # not a file: maybe JSON that is not an object ("null", "42")
                try:
                    json.loads(text)
                    return text
                except ValueError:
                    pass
            raise InputError("json", allowed, str(text))
        size = p.stat().st_size
        if size > JSON_MAX_BYTES:
            raise _too_big(size)
        with open(p, "rb") as fh:
            return _decode_json_bytes(fh.read(JSON_MAX_BYTES + 1), f"{p.name}: ")
    if not isinstance(text, str):
        raise InputError("json", allowed, kind(text))
    if len(text) > JSON_MAX_BYTES:
        raise _too_big(len(text.encode("utf-8", "surrogatepass")))
    return text


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def _json_depth_ok(text: str) -> None:
    """Refuse JSON nested deeper than :data:`JSON_MAX_DEPTH` before parsing it (the parser recurses)."""
    depth = 0
    for m in _BRACKETS.finditer(_JSON_STRING.sub('""', text)):
        depth += 1 if m.group() in "[{" else -1
        if depth > JSON_MAX_DEPTH:
            raise InputError("json", f"JSON nested at most {JSON_MAX_DEPTH} levels deep",
                             Shown(f"more than {JSON_MAX_DEPTH} levels"))


def _json_data(text):
    source = _json_source(text)
    _json_depth_ok(source)
    try:
        return json.loads(source)
    except json.JSONDecodeError as exc:
        raise InputError("json", "valid JSON", f"line {exc.lineno}: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of 5,000 digits
        raise InputError("json", "valid JSON of plain values", Shown(" ".join(str(exc).split())[:60])) from None


def _json_profile(value) -> Profile:
    if not isinstance(value, dict):
        raise InputError("json.profile", "a JSON object of profile fields", _json_kind(value))
    for k in value:
        if not isinstance(k, str):  # JSON keys are always text; a dict given in Python may not be
            raise InputError("json.profile", "an object whose keys are profile fields", _shown(k))
    try:
        return Profile(**value)
    except InputError as exc:
        raise InputError(f"json.profile.{exc.field}", exc.allowed, exc.got) from None


def _json_text(value, path: str, longest: int, fewest: int = 1) -> str:
    allowed = f"text of {fewest} to {longest} characters without control characters"
    if not isinstance(value, str):
        raise InputError(path, allowed, _shown(value))
    if not fewest <= len(value) <= longest or UNSAFE_CHARS.search(value):
        raise InputError(path, allowed, value if len(value) <= longest else Shown(f"{len(value):,} characters"))
    return value


def _json_notes(value) -> tuple:
    if not isinstance(value, list) or len(value) > MAX_NOTES:
        raise InputError("json.notes", f"a list of at most {MAX_NOTES:,} notes",
                         Shown(f"{len(value):,} notes") if isinstance(value, list) else _shown(value))
    return tuple(_json_text(n, f"json.notes[{i}]", NOTE_MAX_CHARS, 0) for i, n in enumerate(value))


def _json_slots(value) -> dict:
    if not isinstance(value, dict):
        raise InputError("json.slots", "a JSON object of slot (" + ", ".join(SLOTS) + ") to a list of items",
                         _json_kind(value))
    for s in value:
        if s not in SLOTS:
            raise InputError(f"json.slots.{s}", "a slot: " + ", ".join(SLOTS), Shown("an unknown slot"))
    slots, rows = {}, catalogue_index().rows
    for s in SLOTS:
        items = value.get(s, [])
        if not isinstance(items, list) or len(items) > MAX_ITEMS_PER_SLOT:
            raise InputError(f"json.slots.{s}", f"a list of at most {MAX_ITEMS_PER_SLOT} items",
                             Shown(f"{len(items)} items") if isinstance(items, list) else _shown(items))
        slots[s] = tuple(_json_item(d, s, f"json.slots.{s}[{i}]", rows) for i, d in enumerate(items))
    return slots


_ITEM_FIELDS = tuple(f.name for f in fields(RoutineItem))


def _same(got, want) -> bool:
    """A JSON value equal to the catalogue's, with the same type (a list of text for a tuple)."""
    if isinstance(want, tuple):
        return isinstance(got, list) and all(isinstance(x, str) for x in got) and tuple(got) == want
    return type(got) is type(want) and got == want


def _json_item(d, slot: str, path: str, rows: dict) -> RoutineItem:
    """One item of a routine's JSON, checked against the catalogue; a RoutineItem equal to the one exported."""
    if not isinstance(d, dict):
        raise InputError(path, "a JSON object with " + ", ".join(_ITEM_FIELDS), _json_kind(d))
    for k in d:
        if k not in _ITEM_FIELDS:
            raise InputError(f"{path}.{k}", "a field of an item: " + ", ".join(_ITEM_FIELDS), Shown("an unknown field"))
    for k in _ITEM_FIELDS:
        if k not in d:
            raise InputError(f"{path}.{k}", "present in every item", Shown("missing"))
    ex = d["exercise_id"]
    if not isinstance(ex, str) or ex not in rows:
        raise InputError(f"{path}.exercise_id", "an id from the exercise catalogue", _shown(ex))
    if d["slot"] != slot:
        raise InputError(f"{path}.slot", f"{slot!r}, the slot the item is listed under", _shown(d["slot"]))
    ref = RoutineItem.from_row(rows[ex], slot)
    for k in _ITEM_FACTS:
        want, got = getattr(ref, k), d[k]
        if not _same(got, want):
            shown = list(want) if isinstance(want, tuple) else want
            raise InputError(f"{path}.{k}", f"the catalogue's value for {ex}: {shown!r}", _shown(got))
    minutes = d["minutes"]
    lo, hi = ITEM_MINUTES
    if (isinstance(minutes, bool) or not isinstance(minutes, Real) or not math.isfinite(minutes)
            or not lo <= minutes <= hi):
        raise InputError(f"{path}.minutes", f"a number of minutes from {lo:g} to {hi:g}", _shown(minutes))
    text = {k: _json_text(d[k], f"{path}.{k}", *_ITEM_TEXT[k]) for k in _ITEM_TEXT}
    fewest, most, longest = _CUES
    cues = d["cues"]
    if not isinstance(cues, list) or not fewest <= len(cues) <= most:
        raise InputError(f"{path}.cues", f"a list of {fewest} to {most} cues",
                         Shown(f"{len(cues)} cues") if isinstance(cues, list) else _shown(cues))
    cues = tuple(_json_text(c, f"{path}.cues[{i}]", longest) for i, c in enumerate(cues))
    return replace(ref, minutes=float(minutes), cues=cues, **text)
