"""Pose descriptions: every catalogue exercise has poses, every pose rests on its support, broken ones fail clearly."""
from __future__ import annotations

import copy

import pytest
import yaml

from spinelib.catalogue import load_catalogue
from spinelib.errors import InputError
from spinelib.poses import (CONTACT_POINTS, JOINTS, POINT_RADIUS, SURFACES, TOLERANCE, load_poses, parse, place,
                            scene)
from spinelib.resources import data_path

RAW = yaml.safe_load(data_path("poses.yaml").read_text(encoding="utf-8"))
CAT = load_catalogue()
EQUIPMENT = dict(zip(CAT["id"], CAT["equipment"]))


def _place(ex: str, spec: dict):
    return place(parse(ex, spec, EQUIPMENT.get(ex, ())))


def test_every_catalogue_exercise_has_poses():
    "poses: every exercise in the catalogue has a start and an end (or one held position), and no stray ids"
    scenes = load_poses()
    assert list(scenes) == list(CAT["id"])
    for ex, sc in scenes.items():
        names = [b.name for b in sc.bodies]
        assert names[0] == "start" and (len(names) > 1 or sc.arrow in ("breath", "none")), ex
        assert len(names) <= 3, ex


def test_every_position_rests_on_its_support():
    "poses: the lowest point of every position is on its support, and every named contact touches its surface"
    for ex, sc in load_poses().items():
        for b in sc.bodies:
            low = min(p[2] - POINT_RADIUS.get(n, 0.03) for n, p in b.points.items() if n not in ("nose", "back"))
            base = sc.surfaces[b.support][0] if b.support in ("bed", "step") else SURFACES[b.support][0]
            assert low == pytest.approx(base, abs=1e-9), (ex, b.name)
            for cname, surface in b.contacts:
                if surface in ("wall", "ball"):
                    continue
                bottom = min(b.points[n][2] - POINT_RADIUS[n] for n in CONTACT_POINTS[cname])
                assert abs(bottom - sc.surfaces.get(surface, (SURFACES[surface][0],))[0]) <= TOLERANCE, (ex, cname)


def test_joint_angles_within_human_range():
    "poses: every joint angle of every position is inside the range declared for that joint"
    for sc in load_poses().values():
        for b in sc.bodies:
            for k, v in b.angles.items():
                bare = k[2:] if k[:2] in ("l_", "r_") else k
                if bare in JOINTS:
                    lo, hi = JOINTS[bare]
                    assert lo <= v <= hi, (sc.exercise_id, k, v)


def test_catalogue_equipment_is_drawn():
    "poses: each piece of equipment the catalogue lists for an exercise is drawn with it"
    for ex, sc in load_poses().items():
        drawn = {d["item"] for d in sc.draw} | set(sc.surfaces) | {b.support for b in sc.bodies}
        for e in EQUIPMENT[ex]:
            assert e == "none" or e in drawn, (ex, e)


# ----- broken poses: one line, naming the exercise and the field -----------------------------------------
def _broken(ex: str, change) -> InputError:
    spec = copy.deepcopy(RAW[ex])
    change(spec)
    with pytest.raises(InputError) as e:
        _place(ex, spec)
    msg = str(e.value)
    assert "\n" not in msg and ex in msg, msg
    return e.value


def test_unknown_joint():
    "poses: an unknown joint names the exercise, the position and the joint"
    e = _broken("bird_dog", lambda s: s["end"].update(tail=30))
    assert e.field == "bird_dog.end.tail" and "known joint" in str(e)


def test_angle_outside_human_range():
    "poses: a knee bent backwards is refused with its range"
    e = _broken("sit_to_stand", lambda s: s["start"].update(knee=-20))
    assert e.field == "sit_to_stand.start.knee" and "from 0 to 160" in str(e)


def test_contact_that_leaves_its_support():
    "poses: hands said to be on the floor while raised overhead leave their support"
    e = _broken("quadruped_brace", lambda s: s["start"].update(shoulder=170))
    assert e.field == "quadruped_brace.start.contacts.hands" and "leaves its support" in str(e)


def test_contact_that_goes_through_its_support():
    "poses: a second chair contact far below the seat found first goes through it"
    def change(s):
        s["end"] = {"base": "sit", "knee": 140, "ankle": 30, "contacts": ["feet", "seat:chair"]}
    e = _broken("sit_to_stand", change)
    assert e.field == "sit_to_stand.end.contacts.seat" and "goes through it" in str(e)


def test_body_through_the_wall():
    "poses: a body part behind a wall it leans on goes through the wall"
    e = _broken("wall_sit_short", lambda s: s["start"].update(shoulder=-60))
    assert "wall_sit_short.start" in e.field and "goes through it" in str(e)


def test_unknown_contact_and_surface():
    "poses: an unknown body point or surface in contacts is refused with the allowed names"
    e = _broken("bird_dog", lambda s: s["start"].update(contacts=["paws"]))
    assert e.field == "bird_dog.start.contacts" and "hands" in str(e)
    e = _broken("bird_dog", lambda s: s["start"].update(contacts=["hands:sofa"]))
    assert "chair" in str(e)


def test_missing_position_and_missing_equipment():
    "poses: a drawing without an end position, or without the catalogue's band, is refused"
    assert _broken("bird_dog", lambda s: s.pop("end")).field == "bird_dog.end"
    e = _broken("band_row", lambda s: s.pop("draw"))
    assert e.field == "band_row.draw" and "band" in str(e)


def test_missing_exercise_and_stray_id(tmp_path):
    "poses: a catalogue exercise without poses, or poses of an exercise not in the catalogue, name that id"
    small = CAT.head(3)
    raw = {i: RAW[i] for i in small["id"]}
    gone = dict(raw)
    gone.pop(small["id"].iloc[1])
    p = tmp_path / "poses.yaml"
    p.write_text(yaml.safe_dump(gone), encoding="utf-8")
    with pytest.raises(InputError, match=small["id"].iloc[1] + r"\.poses"):
        load_poses(p, catalogue=small)
    p.write_text(yaml.safe_dump({**raw, "moonwalk": RAW["bird_dog"]}), encoding="utf-8")
    with pytest.raises(InputError, match="moonwalk"):
        load_poses(p, catalogue=small)
    p.write_text("bird_dog: [unclosed", encoding="utf-8")
    with pytest.raises(InputError, match="poses.yaml: must be valid YAML"):
        load_poses(p, catalogue=small)


def test_scene_of_unknown_exercise():
    "poses: asking for the poses of an unknown exercise is an InputError naming it"
    with pytest.raises(InputError, match="exercise_id"):
        scene("moonwalk")
