"""Routine.from_json is a trust boundary: everything is validated again, a referral stays a referral,
and malformed JSON of any shape is a one-line InputError naming the JSON path (never TypeError/KeyError)."""
from __future__ import annotations

import copy
import json
import math

import pytest

from spinelib import RED_FLAG_QUESTIONS, Routine, build_routine
from spinelib.catalogue import catalogue_index
from spinelib.errors import InputError
from spinelib.redflags import RedFlagResult
from spinelib.routine import ITEM_MINUTES, JSON_MAX_BYTES, JSON_MAX_DEPTH

CLEAR = {q: "no" for q in RED_FLAG_QUESTIONS}


@pytest.fixture(scope="module")
def routine():
    return build_routine({"minutes_per_day": 20, "goals": ["lifting"], "equipment": ["mat", "band"],
                          "red_flags": CLEAR})


@pytest.fixture()
def data(routine):
    return json.loads(routine.to_json())


def _load(d):
    return Routine.from_json(json.dumps(d))


def _error(source) -> str:
    with pytest.raises(InputError) as exc:
        Routine.from_json(source)
    msg = str(exc.value)
    assert "\n" not in msg and len(msg) < 400, msg
    return msg


# ----- valid routines round-trip exactly ------------------------------------------------------
def test_round_trip_is_exact_for_built_edited_and_hand_made_routines(tmp_path, routine):
    "valid: built, edited (notes) and hand-made routines come back equal; text, bytes, a path, a BOM all work"
    rows = catalogue_index().rows
    edited = routine.progress(next(i for i in routine.ids if rows[i]["progression_id"])).remove(routine.ids[-1])
    hand = Routine.from_ids({"morning": ["bird_dog"], "evening": ["childs_pose_breathing"]}, days_per_week=3)
    for r in (routine, edited, hand):
        js = r.to_json()
        back = Routine.from_json(js)
        assert back == r and back.to_json() == js and back.notes == r.notes
    p = tmp_path / "plan.json"
    p.write_bytes(b"\xef\xbb\xbf" + edited.to_json().encode("utf-8"))
    assert Routine.from_json(p) == edited and Routine.from_json(str(p)) == edited
    assert Routine.from_json(edited.to_json().encode("utf-8")) == edited


def test_unanswered_questions_still_give_a_plan_that_says_so():
    "valid: unanswered red-flag questions do not stop the plan (as in build_routine); the screen says so"
    r = build_routine({"minutes_per_day": 15})
    back = Routine.from_json(r.to_json())
    assert isinstance(back, Routine) and not back.screen.complete and back == r


def test_edited_minutes_within_the_catalogue_range_are_kept(data, routine):
    "valid: a person may change an item's minutes within the catalogue's range (0.5-15)"
    data["slots"]["morning"][0]["minutes"] = ITEM_MINUTES[1]
    back = _load(data)
    assert back.slots["morning"][0].minutes == ITEM_MINUTES[1] == 15.0
    data["slots"]["morning"][0]["minutes"] = 2  # a whole number is fine
    assert _load(data).slots["morning"][0].minutes == 2.0


def test_hostile_text_in_an_items_words_is_kept_and_escaped(data):
    "valid: an edited exercise name is text like any other: kept, and escaped in HTML and Markdown"
    data["slots"]["morning"][0]["name"] = "<script>alert(1)</script>"
    data["slots"]["morning"][0]["cues"] = ["**bold** | [x](javascript:alert(1))"]
    r = _load(data)
    assert "<script>" not in r.to_html() and "&lt;script&gt;" in r.to_html()
    md = r.to_markdown()
    assert "<script>" not in md and "\\*\\*bold\\*\\*" in md and "\\[x\\]" in md and "\\|" in md


# ----- a referral stays a referral ---------------------------------------------------------------
@pytest.mark.parametrize("answers, urgent", [
    ({"saddle_numbness": "yes"}, True),
    ({"night_pain": True, "weight_loss": "yes"}, False),
    ({**CLEAR, "fever_unwell": "yes"}, False),
])
def test_red_flags_turn_a_plan_into_a_referral(data, answers, urgent):
    "referral: a file whose answers mean 'see a clinician' gives the RedFlagResult, never a plan (as build_routine)"
    data["profile"]["red_flags"] = answers
    out = _load(data)
    assert isinstance(out, RedFlagResult) and not isinstance(out, Routine)
    assert out.is_referral and out.urgent == urgent
    built = build_routine(data["profile"])
    assert built.is_referral and built.positives == out.positives and built.message == out.message


def test_red_flag_answers_are_validated(data):
    "referral: answers are checked like any profile field (question ids, yes/no)"
    data["profile"]["red_flags"] = {"night_pain": "maybe"}
    assert _error(json.dumps(data)).startswith("json.profile.red_flags.night_pain: must be yes or no")
    data["profile"]["red_flags"] = {"<script>": "yes"}
    assert _error(json.dumps(data)).startswith("json.profile.red_flags: must be keyed by question ids")


# ----- bad items and fields ---------------------------------------------------------------------
def _set(path, value):
    def change(d):
        *head, last = path
        cur = d
        for k in head:
            cur = cur[k]
        if value is _DROP:
            del cur[last]
        else:
            cur[last] = value
    return change


_DROP = object()
M0 = ("slots", "morning", 0)


@pytest.mark.parametrize("path, value, message", [
    (M0 + ("minutes",), -1, "json.slots.morning[0].minutes: must be a number of minutes from 0.5 to 15 (got -1)"),
    (M0 + ("minutes",), 0, "json.slots.morning[0].minutes: must be a number of minutes from 0.5 to 15 (got 0)"),
    (M0 + ("minutes",), 16, "json.slots.morning[0].minutes: must be a number of minutes from 0.5 to 15 (got 16)"),
    (M0 + ("minutes",), float("nan"), "json.slots.morning[0].minutes: must be a number of minutes from 0.5 to 15 (got nan)"),
    (M0 + ("minutes",), float("inf"), "json.slots.morning[0].minutes: must be a number of minutes from 0.5 to 15 (got inf)"),
    (M0 + ("minutes",), "2", "json.slots.morning[0].minutes: must be a number of minutes from 0.5 to 15 (got '2')"),
    (M0 + ("minutes",), True, "json.slots.morning[0].minutes: must be a number of minutes from 0.5 to 15 (got True)"),
    (M0 + ("minutes",), None, "json.slots.morning[0].minutes: must be a number of minutes from 0.5 to 15 (got null)"),
    (M0 + ("minutes",), _DROP, "json.slots.morning[0].minutes: must be present in every item (got missing)"),
    (M0 + ("exercise_id",), "no_such_drill", "json.slots.morning[0].exercise_id: must be an id from the exercise catalogue"),
    (M0 + ("exercise_id",), 7, "json.slots.morning[0].exercise_id: must be an id from the exercise catalogue (got 7)"),
    (M0 + ("slot",), "evening", "json.slots.morning[0].slot: must be 'morning', the slot the item is listed under"),
    (M0 + ("load_level",), 5, "json.slots.morning[0].load_level: must be the catalogue's value for"),
    (M0 + ("insight",), "2", "json.slots.morning[0].insight: must be the catalogue's value for"),
    (M0 + ("equipment",), "mat", "json.slots.morning[0].equipment: must be the catalogue's value for"),
    (M0 + ("evidence",), ["Z9"], "json.slots.morning[0].evidence: must be the catalogue's value for"),
    (M0 + ("name",), "", "json.slots.morning[0].name: must be text of 1 to 80 characters"),
    (M0 + ("name",), "x" * 10_000, "json.slots.morning[0].name: must be text of 1 to 80 characters without control "
                                   "characters (got 10,000 characters)"),
    (M0 + ("name",), "a\x00b", "json.slots.morning[0].name: must be text of 1 to 80 characters without control"),
    (M0 + ("name",), "\u202eevil", "json.slots.morning[0].name: must be text of 1 to 80 characters without control"),
    (M0 + ("cues",), [], "json.slots.morning[0].cues: must be a list of 1 to 10 cues (got 0 cues)"),
    (M0 + ("cues",), [1], "json.slots.morning[0].cues[0]: must be text of 1 to 300 characters"),
    (M0 + ("zzz",), 1, "json.slots.morning[0].zzz: must be a field of an item"),
    (("slots", "morning", 0), None, "json.slots.morning[0]: must be a JSON object with exercise_id"),
    (("slots", "morning", 0), [1, 2], "json.slots.morning[0]: must be a JSON object with exercise_id"),
    (("slots", "morning"), {"a": 1}, "json.slots.morning: must be a list of at most 50 items (got an object)"),
    (("slots", "morning"), [None] * 51, "json.slots.morning: must be a list of at most 50 items (got 51 items)"),
    (("slots", "night"), [], "json.slots.night: must be a slot: morning, midday, evening"),
    (("slots",), None, "json.slots: must be a JSON object of slot"),
    (("slots",), _DROP, "json.slots: must be present"),
    (("days_per_week",), 8, "json.days_per_week: must be a whole number from 1 to 7 (got 8)"),
    (("days_per_week",), 0, "json.days_per_week: must be a whole number from 1 to 7 (got 0)"),
    (("days_per_week",), "7", "json.days_per_week: must be a whole number from 1 to 7 (got '7')"),
    (("days_per_week",), 3.5, "json.days_per_week: must be a whole number from 1 to 7 (got 3.5)"),
    (("profile",), [], "json.profile: must be a JSON object of profile fields (got a list)"),
    (("profile", "minutes_per_day"), 999, "json.profile.minutes_per_day: must be a whole number of minutes from 5 to 60"),
    (("profile", "equipment"), ["sofa"], "json.profile.equipment: must be a list drawn from"),
    (("profile", "colour"), "red", "json.profile.colour: must be a known profile field"),
    (("profile", "irritability"), None, "json.profile.irritability: must be one of low, moderate, high"),
    (("format",), "spinelib.routine/2", "json.format: must be 'spinelib.routine/1' (got 'spinelib.routine/2')"),
    (("format",), _DROP, "json.format: must be present"),
    (("notes",), "added x", "json.notes: must be a list of at most 1,000 notes (got 'added x')"),
    (("notes",), [None], "json.notes[0]: must be text of 0 to 1000 characters"),
    (("extra",), 1, "json.extra: must be one of the keys format, profile, days_per_week, notes, slots"),
])
def test_bad_fields_name_their_json_path(data, path, value, message):
    "items and fields: each bad value is one line naming its JSON path and the allowed form"
    _set(path, value)(data)
    msg = _error(json.dumps(data))
    assert msg.startswith(message), msg


def test_the_catalogue_decides_an_items_facts(data):
    "items: category, levels and position are the catalogue's (they drive the audit and the simulator)"
    item = data["slots"]["morning"][0]
    item["category"] = "structured_load" if item["category"] != "structured_load" else "down_regulation"
    assert _error(json.dumps(data)).startswith(f"json.slots.morning[0].category: must be the catalogue's value for "
                                               f"{item['exercise_id']}")


# ----- malformed JSON of any shape -----------------------------------------------------------
@pytest.mark.parametrize("text, message", [
    ("{not json", "json: must be valid JSON (got 'line 1: Expecting property name"),
    ("", "json: must be routine JSON text or the path of an existing JSON file"),
    ("[1, 2]", "json: must be a JSON object with format, profile, days_per_week, notes, slots (got a list)"),
    ("null", "json: must be a JSON object with format, profile, days_per_week, notes, slots (got null)"),
    ("42", "json: must be a JSON object with format, profile, days_per_week, notes, slots (got a number)"),
    ('"text"', "json: must be a JSON object with format, profile, days_per_week, notes, slots (got text)"),
    ("{}", "json.format: must be present in a routine's JSON (got missing)"),
    ('{"format": ' + "9" * 5000 + "}", "json: must be valid JSON of plain values"),
    ("[" * 100_000 + "]" * 100_000, f"json: must be JSON nested at most {JSON_MAX_DEPTH} levels deep"),
    ('{"a": ' * 50 + "1" + "}" * 50, f"json: must be JSON nested at most {JSON_MAX_DEPTH} levels deep"),
    ("no/such/file.json", "json: must be routine JSON text or the path of an existing JSON file"),
    ("x" * 10_000, "json: must be valid JSON"),
])
def test_malformed_json_is_one_line(text, message):
    "malformed: any shape of JSON, or not JSON at all, is one line; nesting is refused before parsing"
    assert _error(text).startswith(message)


@pytest.mark.parametrize("value", [None, 3.5, ["{}"], {"format": "spinelib.routine/1"}])
def test_wrong_python_types_are_one_line(value):
    "malformed: a value that is neither text, bytes nor a path is one line"
    assert _error(value).startswith("json: must be routine JSON text or the path of an existing JSON file")


def test_size_limits_are_checked_before_reading(tmp_path, routine):
    "limits: a 50 MB file is refused from its size (never read); so is over-long text; bad bytes are one line"
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: costs no disk, but is 50 MB long
    assert _error(big).startswith(f"json: must be a routine's JSON of at most {JSON_MAX_BYTES:,} bytes "
                                  "(got 52,428,800 bytes)")
    padded = routine.to_json()[:-1] + " " * JSON_MAX_BYTES + "}"
    assert _error(padded).startswith("json: must be a routine's JSON of at most")
    bad = tmp_path / "latin1.json"
    bad.write_bytes(routine.to_json().replace("moderate", "mod\u00e9rate").encode("latin-1"))
    assert _error(bad).startswith("json: must be UTF-8 text (got latin1.json: a byte 0xe9")
    assert _error(b"\xff\xfe").startswith("json: must be UTF-8 text")


_HOSTILE_VALUES = [None, [], {}, "", "x", -1, 0, 1e308, float("nan"), True, "<script>alert(1)</script>", [[[]]]]


def _leaves(d, path=()):
    if isinstance(d, dict):
        for k, v in d.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(d, list) and d:
        for i, v in enumerate(d):
            yield from _leaves(v, path + (i,))
    yield path


def test_no_value_anywhere_gives_a_traceback(data):
    "fuzz: every node of a valid file replaced by each hostile value -> a Routine, a referral or one-line InputError"
    seen = 0
    for path in _leaves(data):
        if not path or (path[0] == "slots" and len(path) > 2 and path[2] > 0):  # the first item of each slot
            continue
        for value in _HOSTILE_VALUES:
            d = copy.deepcopy(data)
            _set(path, value)(d)
            try:
                out = Routine.from_json(json.dumps(d))
            except InputError as exc:
                msg = str(exc)
                assert msg.startswith("json") and "\n" not in msg, (path, value, msg)
            else:
                assert isinstance(out, (Routine, RedFlagResult)), (path, value)
                if isinstance(out, Routine):  # whatever got in is within the rules
                    assert all(ITEM_MINUTES[0] <= it.minutes <= ITEM_MINUTES[1] and math.isfinite(it.minutes)
                               for it in out.items)
                    assert 1 <= out.days_per_week <= 7
            seen += 1
    assert seen > 400
