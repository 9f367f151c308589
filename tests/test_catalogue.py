"""Catalogue: the shipped file is valid and rich enough; broken files give one-line errors."""
from __future__ import annotations

import pandas as pd
import pytest

from spinelib import CATEGORIES, POSITIONS, InputError, ladder, load_catalogue
from spinelib.catalogue import ladder_frame, read_catalogue, validate_catalogue


def test_catalogue_counts():
    "catalogue: at least 45 exercises and at least 6 in every category"
    cat = load_catalogue()
    assert len(cat) >= 45
    counts = cat["category"].value_counts()
    for c in CATEGORIES:
        assert counts.get(c, 0) >= 6, c


def test_catalogue_fields_and_types():
    "catalogue: list columns are lists, cues 2-4, levels 1-5"
    cat = load_catalogue()
    assert cat["cues"].map(len).between(2, 4).all()
    assert cat["load_level"].between(1, 5).all() and cat["control_demand"].between(1, 5).all()
    assert all(isinstance(v, list) and v for v in cat["evidence"])
    assert set(cat["position"]) <= set(POSITIONS)


def test_structured_load_ladder_spans_five_levels():
    "catalogue: the structured-load ladder climbs from isometric holds (1) to rotation (5)"
    cat = load_catalogue()
    sl = cat[cat["category"] == "structured_load"]
    assert set(sl["load_level"]) == {1, 2, 3, 4, 5}
    longest = max((ladder(i, cat) for i in sl["id"]), key=len)
    levels = cat.set_index("id").loc[longest, "load_level"].tolist()
    assert levels == sorted(levels) and len(longest) >= 4


def test_short_no_equipment_coverage():
    "catalogue: every essential category has a short no-equipment drill in every position"
    cat = load_catalogue()
    short = cat[(cat["equipment"].map(lambda e: e == ["none"])) & (cat["minutes"] <= 1.5)]
    for c in ("down_regulation", "micro_strength", "transition", "mobility_reset"):
        for p in POSITIONS:
            assert ((short["category"] == c) & (short["position"] == p)).any(), (c, p)


def _broken(raw, idx, **changes):
    raw = raw.copy()
    for k, v in changes.items():
        raw.loc[idx, k] = v
    return raw


@pytest.mark.parametrize(
    "change, field",
    [
        ({"category": "yoga"}, "category"),
        ({"load_level": "7"}, "load_level"),
        ({"load_level": "heavy"}, "load_level"),
        ({"cues": "only one cue"}, "cues"),
        ({"cues": ""}, "cues"),
        ({"position": "upside-down"}, "position"),
        ({"equipment": "rocket"}, "equipment"),
        ({"progression_id": "no_such_exercise"}, "progression_id"),
    ],
)
def test_broken_row_names_row_and_field(raw_catalogue, change, field):
    "catalogue: a broken row gives one line naming the row id and the field"
    rid = raw_catalogue.loc[3, "id"]
    with pytest.raises(InputError) as ei:
        validate_catalogue(_broken(raw_catalogue, 3, **change))
    msg = str(ei.value)
    assert "\n" not in msg and field in msg and rid in msg


def test_duplicate_id(raw_catalogue):
    "catalogue: a duplicate id is named"
    raw = raw_catalogue.copy()
    raw.loc[5, "id"] = raw.loc[4, "id"]
    with pytest.raises(InputError, match=rf"id: must be unique.*{raw.loc[4, 'id']}"):
        validate_catalogue(raw)


def test_cyclic_ladder(raw_catalogue):
    "catalogue: a progression ladder that loops back is refused"
    raw = raw_catalogue.copy()
    linked = raw[raw["progression_id"] != ""].iloc[0]
    a, b = linked["id"], linked["progression_id"]
    ia, ib = raw.index[raw["id"] == a][0], raw.index[raw["id"] == b][0]
    # make b point back to a in both directions: a -> b -> a
    raw.loc[ib, "progression_id"] = a
    raw.loc[ia, "regression_id"] = b
    with pytest.raises(InputError) as ei:
        validate_catalogue(raw)
    assert "progression_id" in str(ei.value) or "regression_id" in str(ei.value)


def test_missing_column(raw_catalogue):
    "catalogue: a missing column is named"
    with pytest.raises(InputError, match="cues"):
        validate_catalogue(raw_catalogue.drop(columns=["cues"]))


def test_empty_and_malformed_files(tmp_path):
    "catalogue: empty, header-only and non-CSV files give clear errors, not pandas tracebacks"
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError):
        read_catalogue(empty)
    header = tmp_path / "header.csv"
    header.write_text("id,name\n")
    with pytest.raises(InputError):
        read_catalogue(header)
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\xff\xfe\x00garbage\n\x00\x01")
    with pytest.raises(InputError):
        read_catalogue(junk)
    with pytest.raises(InputError, match="path"):
        load_catalogue(tmp_path / "nope.csv")
    with pytest.raises(InputError):
        validate_catalogue(pd.DataFrame())
    with pytest.raises(InputError):
        validate_catalogue("not a frame")


def test_original_file_untouched(raw_catalogue, tmp_path):
    "catalogue: validating never modifies the file it reads"
    p = tmp_path / "exercises.csv"
    raw_catalogue.to_csv(p, index=False)
    before = p.read_bytes()
    read_catalogue(p)
    assert p.read_bytes() == before


def test_ladder_frame_climbs_one_level_at_a_time():
    """ladder_frame: every structured-load ladder starts at its easiest rung and its load never drops."""
    lf = ladder_frame("structured_load")
    assert len(lf) and set(lf["id"]) <= set(ladder_frame("structured_load")["id"])
    for _, g in lf.groupby("ladder"):
        assert g["rung"].tolist() == list(range(1, len(g) + 1))
        assert g["load_level"].is_monotonic_increasing
    with pytest.raises(InputError, match="^category"):
        ladder_frame("yoga")
