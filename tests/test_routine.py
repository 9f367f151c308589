"""Routine: the week, editing, export and JSON round trips."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from spinelib import (EQUIPMENT, InputError, Routine, build_routine,
                      load_catalogue)
from spinelib.week import session_days


def test_week_schedule():
    "builder: the week spreads the session days and carries the transition drill"
    r = build_routine({"days_per_week": 3})
    wk = r.week_frame()
    assert list(wk["day"]) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert wk["session"].sum() == 3 and wk.loc[wk["session"], "transition"].all()
    assert wk["total"].sum() == pytest.approx(3 * r.minutes)
    assert session_days(1) == (0,) and len(session_days(5)) == 5


def test_editing_add_remove_swap_progress_regress():
    "editing: add, remove, swap, progress and regress return new routines and leave the old one alone"
    r = build_routine({"minutes_per_day": 20, "equipment": ["band", "dumbbell", "mat"], "load_stage": 2})
    cat = load_catalogue().set_index("id")
    extra = next(i for i in cat.index if i not in r.ids and cat.at[i, "equipment"] == ["none"]
                 and cat.at[i, "category"] == "mobility_reset")
    r2 = r.add(extra)
    assert extra in r2.ids and extra not in r.ids
    assert extra not in r2.remove(extra).ids
    ladder_item = next(it for it in r.items if cat.at[it.exercise_id, "progression_id"])
    up = r.progress(ladder_item.exercise_id)
    nxt = cat.at[ladder_item.exercise_id, "progression_id"]
    assert nxt in up.ids and ladder_item.exercise_id not in up.ids
    assert up.regress(nxt).ids == r.ids
    other = next(i for i in cat.index if i not in r.ids and cat.at[i, "equipment"] == ["none"])
    sw = r.swap(r.ids[0], other)
    assert sw.ids[0] == other and len(sw.ids) == len(r.ids)
    with pytest.raises(InputError, match="exercise_id"):
        r.remove("not_there")
    with pytest.raises(InputError, match="exercise_id"):
        r.add("no_such_id")
    with pytest.raises(InputError, match="slot"):
        r.add(extra, slot="midnight")


def test_editing_respects_equipment():
    "editing: adding an exercise that needs missing equipment is refused"
    r = build_routine({"equipment": []})
    cat = load_catalogue()
    needs = cat[cat["equipment"].map(lambda e: "dumbbell" in e)]["id"].iloc[0]
    with pytest.raises(InputError, match="equipment"):
        r.add(needs)


def test_top_of_ladder_cannot_progress():
    "editing: progress at the top of a ladder says so"
    cat = load_catalogue()
    top = cat[(cat["progression_id"].isna()) & (cat["regression_id"].notna())].iloc[0]
    r = Routine.from_ids({"morning": [top["id"]]}, profile={"equipment": list(EQUIPMENT)})
    with pytest.raises(InputError, match="top of its ladder"):
        r.progress(top["id"])


def test_exports_round_trip(tmp_path):
    "export: DataFrame, CSV, JSON (exact round trip), Markdown and HTML"
    r = build_routine({"minutes_per_day": 15, "goals": ["lifting"]})
    df = r.to_frame()
    assert len(df) == len(r.items) and {"slot", "exercise_id", "dosage", "cues"} <= set(df.columns)
    csv_path = tmp_path / "plan.csv"
    r.to_csv(csv_path)
    back = pd.read_csv(csv_path)
    assert back["exercise_id"].tolist() == r.ids
    assert Routine.from_frame(back, profile=r.profile).ids == r.ids
    js = r.to_json(tmp_path / "plan.json")
    assert Routine.from_json(js) == r
    assert Routine.from_json(tmp_path / "plan.json").to_json() == js
    assert json.loads(js)["format"] == "spinelib.routine/1"
    md = r.to_markdown()
    assert "Morning stabilizers" in md and "|" in md
    html = r.to_html()
    assert "<table" in html and "Evening calming routine" in html
    with pytest.raises(InputError, match="json"):
        Routine.from_json("{not json")
