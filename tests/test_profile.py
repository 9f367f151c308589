"""Profile: defaults, normalisation and one-line errors naming the field and the range."""
from __future__ import annotations

import pytest

from spinelib import InputError, Profile


def test_defaults():
    "profile: defaults are 15 min a day, 7 days, moderate irritability, stage 1"
    p = Profile()
    assert (p.minutes_per_day, p.days_per_week, p.irritability, p.load_stage) == (15, 7, "moderate", 1)
    assert p.red_flags == {}


def test_normalises_strings_and_lists():
    "profile: comma-separated strings and yes/no answers are accepted"
    p = Profile(equipment="band, mat", positions="standing,lying", goals=["lifting"], minutes_per_day="20",
                red_flags={"night_pain": "no"})
    assert p.equipment == ("mat", "band") and p.positions == ("lying", "standing")
    assert p.minutes_per_day == 20 and p.red_flags == {"night_pain": False}
    assert "none" in p.available_equipment


@pytest.mark.parametrize(
    "kw, field, allowed",
    [
        ({"minutes_per_day": 0}, "minutes_per_day", "5 to 60"),
        ({"minutes_per_day": 61}, "minutes_per_day", "5 to 60"),
        ({"minutes_per_day": 12.5}, "minutes_per_day", "5 to 60"),
        ({"minutes_per_day": "ten"}, "minutes_per_day", "5 to 60"),
        ({"minutes_per_day": None}, "minutes_per_day", "5 to 60"),
        ({"minutes_per_day": True}, "minutes_per_day", "5 to 60"),
        ({"days_per_week": 8}, "days_per_week", "1 to 7"),
        ({"load_stage": 0}, "load_stage", "1 to 5"),
        ({"irritability": "extreme"}, "irritability", "low, moderate, high"),
        ({"equipment": ["rocket"]}, "equipment", "band"),
        ({"equipment": 5}, "equipment", "band"),
        ({"positions": []}, "positions", "standing"),
        ({"positions": ["upside-down"]}, "positions", "standing"),
        ({"goals": ["fame"]}, "goals", "lifting"),
        ({"red_flags": {"nope": True}}, "red_flags", "night_pain"),
        ({"favourite_colour": "red"}, "favourite_colour", "minutes_per_day"),
    ],
)
def test_bad_values_name_field_and_range(kw, field, allowed):
    "profile: every class of bad value gives one line naming the field and the allowed range"
    with pytest.raises(InputError) as ei:
        Profile(**kw)
    msg = str(ei.value)
    assert msg.startswith(field) and allowed in msg and "\n" not in msg
    assert "pydantic" not in msg


def test_frozen():
    "profile: a profile cannot be changed in place"
    p = Profile()
    with pytest.raises(Exception):
        p.minutes_per_day = 30
