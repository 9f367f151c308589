"""Pose descriptions of every exercise: a stick-and-capsule body, its joint angles and its supports.

Each exercise in ``data/exercises.csv`` has a pose description in ``data/poses.yaml``: two or
three positions (``start``, an optional ``mid``, ``end``), each a named base posture (``stand``,
``sit``, ``supine``, ``crook``, ``side``, ``quad``, ``kneel``) with joint angles changed from it,
the body points that rest on a support (``hands``, ``knees``, ``seat:chair``, ``back:wall`` ...)
and the equipment drawn. :func:`load_poses` checks every field and turns a broken pose into a
one-line :class:`~spinelib.errors.InputError` naming the exercise and the field: an unknown joint,
an angle outside its human range, a catalogue exercise without poses, a contact that leaves its
support or a body part that goes through the floor, a chair or a wall.

:func:`place` turns one position into world coordinates (metres; x forward, y towards the viewer
of the side view, z up). The body is always set down so that its lowest point rests on the
support, so nothing floats or sinks by construction; the checks then verify that every named
contact really touches its support. :mod:`spinelib.drawing` projects the result to line art.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .catalogue import load_catalogue
from .errors import InputError, fmt_allowed
from .resources import data_path

__all__ = ["JOINTS", "ROOT_ANGLES", "BASES", "SURFACES", "DRAWN_EQUIPMENT", "CONTACT_POINTS", "Body", "Scene",
           "ExercisePoses", "load_poses", "exercise_poses", "place", "scene", "POSE_NAMES"]

POSE_NAMES = ("start", "mid", "end")

# joint -> (lowest, highest) in degrees, within an ordinary adult's range (passive range for kneeling feet)
JOINTS = {
    "spine": (-30, 60),  # flexion (+) / extension (-) of the trunk above the pelvis
    "side_bend": (-40, 40),  # towards the right (+)
    "twist": (-60, 60),  # upper trunk turning left (+)
    "neck": (-50, 70),  # flexion (+)
    "hip": (-30, 150),  # flexion (+); 150 only in deep kneeling (child's pose)
    "hip_abd": (-25, 50),
    "hip_rot": (-45, 60),  # external rotation (+)
    "knee": (0, 160),
    "ankle": (-75, 35),  # dorsiflexion (+)
    "shoulder": (-60, 180),  # flexion (+)
    "shoulder_abd": (-20, 180),
    "elbow": (0, 150),
    "wrist": (-90, 90),  # extension (+): the fingers turn towards the back of the forearm
}
SIDED = ("hip", "hip_abd", "hip_rot", "knee", "ankle", "shoulder", "shoulder_abd", "elbow", "wrist")
# the whole body's orientation: pitch forward (+90 face down, -90 face up), turn about the long axis
ROOT_ANGLES = {"pitch": (-180, 180), "turn": (-180, 180)}

BASES = {
    "stand": {"pitch": 0, "shoulder": 5, "elbow": 10},
    "sit": {"pitch": 0, "hip": 90, "knee": 90, "shoulder": 20, "elbow": 60},
    "supine": {"pitch": -90, "shoulder": 5, "elbow": 5, "ankle": -30},
    "crook": {"pitch": -90, "hip": 45, "knee": 95, "ankle": -40, "shoulder": 10, "elbow": 5},
    "side": {"pitch": -90, "turn": 90, "hip": 40, "knee": 70, "ankle": -30, "l_shoulder": 170, "l_elbow": 20,
             "r_shoulder": 70, "r_elbow": 40, "neck": 0},
    "quad": {"pitch": 80, "hip": 80, "knee": 90, "ankle": -75, "shoulder": 80, "elbow": 0, "wrist": -90, "neck": -10},
    "half_kneel": {"pitch": 0, "l_hip": 90, "l_knee": 90, "r_hip": -10, "r_knee": 90, "r_ankle": -75,
                   "shoulder": 5, "elbow": 10},
    "kneel": {"pitch": 0, "hip": 0, "knee": 90, "ankle": -75, "shoulder": 5, "elbow": 10},
}

# support surfaces: fixed height (floor, mat) or found from the first contact within a range (m)
SURFACES = {"floor": (0.0, 0.0), "mat": (0.015, 0.015), "chair": (0.36, 0.58), "bed": (0.36, 0.66),
            "step": (0.1, 0.3), "counter": (0.75, 1.05), "wall": (None, None), "cushion": (0.05, 0.35), "ball": (None, None)}
DRAWN_EQUIPMENT = ("mat", "cushion", "band", "dumbbell", "kettlebell", "step", "ball", "towel", "chair", "bed",
                   "wall", "counter")
TOLERANCE = 0.035  # metres a named contact may sit off its support

# body segments: (group, from point, to point, radius in metres)
SEGMENTS = (
    ("trunk", "pelvis", "waist", 0.11), ("trunk", "waist", "neck", 0.12), ("trunk", "neck", "head", 0.045),
    ("trunk", "l_shoulder", "r_shoulder", 0.06), ("trunk", "l_hip", "r_hip", 0.09),
    *[(f"{s}_arm", f"{s}_shoulder", f"{s}_elbow", 0.045) for s in "lr"],
    *[(f"{s}_arm", f"{s}_elbow", f"{s}_hand", 0.037) for s in "lr"],
    *[(f"{s}_arm", f"{s}_hand", f"{s}_fingers", 0.03) for s in "lr"],
    *[(f"{s}_leg", f"{s}_hip", f"{s}_knee", 0.065) for s in "lr"],
    *[(f"{s}_leg", f"{s}_knee", f"{s}_ankle", 0.048) for s in "lr"],
    *[(f"{s}_leg", f"{s}_ankle", f"{s}_heel", 0.035) for s in "lr"],
    *[(f"{s}_leg", f"{s}_heel", f"{s}_toe", 0.03) for s in "lr"],
)
HEAD_RADIUS = 0.1
# contact names -> body points (with the radius of the capsule around them)
CONTACT_POINTS = {
    "head": ("head",), "back": ("back",), "seat": ("pelvis",), "pelvis": ("pelvis",), "hands": ("l_hand", "r_hand"),
    "forearms": ("l_elbow", "r_elbow", "l_hand", "r_hand"), "elbows": ("l_elbow", "r_elbow"),
    "knees": ("l_knee", "r_knee"), "feet": ("l_heel", "l_toe", "r_heel", "r_toe"), "heels": ("l_heel", "r_heel"),
    "toes": ("l_toe", "r_toe"), "shins": ("l_knee", "r_knee", "l_ankle", "r_ankle"),
    **{f"{s}_{p}": (f"{s}_{p}",) for s in "lr" for p in ("hand", "elbow", "knee", "heel", "toe", "hip", "shoulder",
                                                        "ankle")},
    **{f"{s}_foot": (f"{s}_heel", f"{s}_toe") for s in "lr"},
    **{f"{s}_shin": (f"{s}_knee", f"{s}_ankle") for s in "lr"},
    **{f"{s}_forearm": (f"{s}_elbow", f"{s}_hand") for s in "lr"},
}
POINT_RADIUS = {"head": HEAD_RADIUS, "back": 0.12, "pelvis": 0.11, "waist": 0.11, "neck": 0.12}
for _g, _a, _b, _r in SEGMENTS:
    POINT_RADIUS.setdefault(_a, _r)
    POINT_RADIUS.setdefault(_b, _r)
EQUIPMENT_KEYS = {"band": ("from", "to"), "towel": ("from", "to"), "dumbbell": ("at",), "kettlebell": ("at",),
                  "ball": ("at", "wall"), "cushion": ("under", "at"), "mat": (), "chair": ("at",)}
ARROWS = ("auto", "breath", "none")


# --- 3-D rotations (plain Python: 95 exercises x 3 positions need nothing faster) ---
def _mul(a, b):
    return tuple(tuple(sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)) for i in range(3))


def _app(m, v):
    return tuple(sum(m[i][k] * v[k] for k in range(3)) for i in range(3))


def _rx(deg):
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((1, 0, 0), (0, c, -s), (0, s, c))


def _ry(deg):
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((c, 0, s), (0, 1, 0), (-s, 0, c))


def _rz(deg):
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((c, -s, 0), (s, c, 0), (0, 0, 1))


def _add(p, m, v):
    d = _app(m, v)
    return (p[0] + d[0], p[1] + d[1], p[2] + d[2])


def skeleton(a: dict) -> dict:
    """Body points (metres, pelvis at the origin) for a full set of joint angles."""
    root = _mul(_ry(a["pitch"]), _rz(a["turn"]))
    half = _mul(_ry(a["spine"] / 2), _rx(a["side_bend"] / 2))
    lower = _mul(root, half)
    upper = _mul(_mul(lower, half), _rz(a["twist"]))
    p = {"pelvis": (0.0, 0.0, 0.0)}
    p["waist"] = _add(p["pelvis"], lower, (0, 0, 0.24))
    p["neck"] = _add(p["waist"], upper, (0, 0, 0.27))
    p["back"] = tuple((p["waist"][i] + p["neck"][i]) / 2 for i in range(3))
    head = _mul(upper, _ry(a["neck"]))
    p["head"] = _add(p["neck"], head, (0.01, 0, 0.14))
    p["nose"] = _add(p["head"], head, (0.12, 0, 0.0))
    for s, sign in (("l", 1), ("r", -1)):
        sh = _add(p["neck"], upper, (0, 0.15 * sign, -0.04))
        arm = _mul(_mul(upper, _ry(-a[f"{s}_shoulder"])), _rx(sign * a[f"{s}_shoulder_abd"]))
        p[f"{s}_shoulder"] = sh
        p[f"{s}_elbow"] = _add(sh, arm, (0, 0, -0.29))
        fore = _mul(arm, _ry(-a[f"{s}_elbow"]))
        p[f"{s}_hand"] = _add(p[f"{s}_elbow"], fore, (0, 0, -0.25))
        p[f"{s}_fingers"] = _add(p[f"{s}_hand"], _mul(fore, _ry(a[f"{s}_wrist"])), (0, 0, -0.07))
        hip = _add(p["pelvis"], root, (0, 0.09 * sign, -0.03))
        thigh = _mul(_mul(_mul(root, _ry(-a[f"{s}_hip"])), _rx(sign * a[f"{s}_hip_abd"])),
                     _rz(sign * a[f"{s}_hip_rot"]))
        p[f"{s}_hip"] = hip
        p[f"{s}_knee"] = _add(hip, thigh, (0, 0, -0.43))
        shank = _mul(thigh, _ry(a[f"{s}_knee"]))
        p[f"{s}_ankle"] = _add(p[f"{s}_knee"], shank, (0, 0, -0.41))
        foot = _mul(shank, _ry(-a[f"{s}_ankle"]))
        p[f"{s}_heel"] = _add(p[f"{s}_ankle"], foot, (-0.04, 0, -0.06))
        p[f"{s}_toe"] = _add(p[f"{s}_ankle"], foot, (0.15, 0, -0.06))
    return p


@dataclass(frozen=True)
class Body:
    """One position of one exercise, placed in the world: points (metres) and what it rests on."""

    name: str  # start, mid or end
    angles: dict
    points: dict
    support: str  # the surface under the lowest point: floor, mat or bed
    contacts: tuple  # (contact name, surface)


@dataclass(frozen=True)
class Scene:
    """All positions of one exercise in one world, with the furniture and equipment where they stand."""

    exercise_id: str
    view: str
    tilt: float
    bodies: tuple
    surfaces: dict  # surface -> (height or x, extent) found from the contacts
    draw: tuple  # equipment items: dicts with "item" and its anchors
    arrow: str
    arrow_part: str | None = None


@dataclass(frozen=True)
class ExercisePoses:
    """The raw, checked description of one exercise."""

    exercise_id: str
    view: str
    tilt: float
    support: str
    poses: dict
    draw: tuple
    arrow: str
    arrow_part: str | None
    anchor: str | None
    extra: dict = field(default_factory=dict)


def _err(ex: str, fld: str, allowed: str, got=...) -> InputError:
    return InputError(f"{ex}.{fld}", allowed, got, where="poses")


def _expand(ex: str, pose: str, spec: dict) -> dict:
    """A full joint table for one position: base posture, then the joints it sets."""
    if not isinstance(spec, dict):
        raise _err(ex, pose, "a mapping of joint angles", spec)
    base = spec.get("base", "stand")
    if base not in BASES:
        raise _err(ex, f"{pose}.base", fmt_allowed(BASES), base)
    a = {k: 0.0 for k in ROOT_ANGLES} | {k: 0.0 for k in JOINTS if k not in SIDED}
    a |= {f"{s}_{k}": 0.0 for s in "lr" for k in SIDED}

    def put(key, value, where):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _err(ex, where, "an angle in degrees", value)
        bare = key[2:] if key[:2] in ("l_", "r_") else key
        if bare in SIDED and key == bare:
            a[f"l_{key}"] = a[f"r_{key}"] = float(value)
        elif key in a:
            a[key] = float(value)
        else:
            raise _err(ex, where, "a known joint (" + ", ".join([*ROOT_ANGLES, *JOINTS]) + ", with l_/r_ for a side)",
                       key)
        lo, hi = JOINTS.get(bare, ROOT_ANGLES.get(bare, (-180, 180)))
        if not lo <= value <= hi:
            raise _err(ex, where, f"an angle from {lo} to {hi} degrees (human range)", value)

    for k, v in BASES[base].items():
        put(k, v, f"{pose}.base")
    for k, v in spec.items():
        if k in ("base", "contacts", "support", "shift"):
            continue
        put(k, v, f"{pose}.{k}")
    return a


def _contacts(ex: str, pose: str, spec: dict, support: str) -> tuple:
    raw = spec.get("contacts", [])
    if isinstance(raw, str):
        raw = [raw]
    out = []
    for c in raw:
        name, _, surface = str(c).partition(":")
        surface = surface or support
        if name not in CONTACT_POINTS:
            raise _err(ex, f"{pose}.contacts", fmt_allowed(sorted(CONTACT_POINTS)), name)
        if surface not in SURFACES:
            raise _err(ex, f"{pose}.contacts", "a surface, " + fmt_allowed(SURFACES), surface)
        out.append((name, surface))
    return tuple(out)


def _check_draw(ex: str, items) -> tuple:
    out = []
    for i, it in enumerate(items or []):
        if isinstance(it, str):
            it = {"item": it}
        if not isinstance(it, dict) or it.get("item") not in EQUIPMENT_KEYS:
            raise _err(ex, f"draw[{i}]", "an item, " + fmt_allowed(EQUIPMENT_KEYS), it)
        for k in it:
            if k != "item" and k not in EQUIPMENT_KEYS[it["item"]] + ("height", "size"):
                raise _err(ex, f"draw[{i}].{k}", "one of " + ", ".join(EQUIPMENT_KEYS[it["item"]]), k)
        out.append(dict(it))
    return tuple(out)


def parse(ex: str, spec: dict, equipment=()) -> ExercisePoses:
    """Check one exercise's description (the joints of each position, its contacts and equipment)."""
    if not isinstance(spec, dict):
        raise _err(ex, "poses", "a mapping with start and end", spec)
    known = {"view", "tilt", "support", "start", "mid", "end", "draw", "arrow", "anchor"}
    for k in spec:
        if k not in known:
            raise _err(ex, str(k), fmt_allowed(sorted(known)), k)
    view = spec.get("view", "side")
    if view not in ("side", "front"):
        raise _err(ex, "view", "one of side, front", view)
    support = spec.get("support", "floor")
    if support not in ("floor", "mat", "bed", "step"):
        raise _err(ex, "support", "one of floor, mat, bed, step", support)
    arrow = spec.get("arrow", "auto")
    if "start" not in spec or ("end" not in spec and arrow not in ("breath", "none")):
        raise _err(ex, "start" if "start" not in spec else "end",
                   "a position (start and end are required unless the drawing is one held position)")
    poses, shifts = {}, {}
    for name in POSE_NAMES:
        if name in spec:
            s = spec[name] if spec[name] is not None else {}
            poses[name] = (_expand(ex, name, s), _contacts(ex, name, s, s.get("support", support) if isinstance(
                s, dict) else support), s.get("support", support))
            shift = s.get("shift", 0)
            if isinstance(shift, bool) or not isinstance(shift, (int, float)) or not -1 <= shift <= 1:
                raise _err(ex, f"{name}.shift", "a step along the floor from -1 to 1 metre", shift)
            shifts[name] = float(shift)
    arrow = spec.get("arrow", "auto")
    part = None
    if isinstance(arrow, str) and arrow.startswith("auto:"):
        arrow, part = "auto", arrow[5:]
    if arrow not in ARROWS:
        raise _err(ex, "arrow", fmt_allowed(ARROWS) + " or auto:<body point>", arrow)
    draw = _check_draw(ex, spec.get("draw"))
    drawn = {d["item"] for d in draw} | {s for _, (_, c, sup) in poses.items() for _, s in c} | {
        sup for _, (_, _, sup) in poses.items()}
    for e in equipment:
        if e not in ("none",) and e not in drawn:
            raise _err(ex, "draw", f"to include the {e} the catalogue lists for it", sorted(drawn))
    tilt = spec.get("tilt", 0)
    if not isinstance(tilt, (int, float)) or not 0 <= tilt <= 60:
        raise _err(ex, "tilt", "a camera tilt from 0 to 60 degrees", tilt)
    anchor = spec.get("anchor")
    if anchor is not None and anchor not in CONTACT_POINTS:
        raise _err(ex, "anchor", "a body point, " + fmt_allowed(sorted(CONTACT_POINTS)), anchor)
    return ExercisePoses(ex, view, float(tilt), support, poses, draw, arrow, part, anchor, {"shift": shifts})


def _lowest(points: dict) -> float:
    return min(p[2] - POINT_RADIUS.get(n, 0.03) for n, p in points.items() if n not in ("nose", "back"))


def _mean(points, names):
    pts = [points[n] for n in names]
    return tuple(sum(p[i] for p in pts) / len(pts) for i in range(3))


def _bottom(points, name):
    return min(points[n][2] - POINT_RADIUS[n] for n in CONTACT_POINTS[name])


def place(ex: ExercisePoses) -> Scene:
    """Set every position of an exercise down on its support, find the furniture, check every contact."""
    surfaces: dict = {}
    bodies = []
    anchor = ex.anchor
    first = ex.poses["start"]
    if anchor is None:
        anchor = first[1][0][0] if first[1] else "pelvis"
    for name, (angles, contacts, support) in ex.poses.items():
        pts = skeleton(angles)
        if support in ("bed", "step"):  # the height found before, else an ordinary one
            base = surfaces.get(support, ({"bed": 0.45, "step": 0.18}[support],))[0]
            surfaces.setdefault(support, (base, 0.0, name))
        else:
            base = SURFACES[support][0]
        dz = base - _lowest(pts)
        ax = _mean(pts, CONTACT_POINTS[anchor])[0] - ex.extra.get("shift", {}).get(name, 0.0)
        pts = {k: (p[0] - ax, p[1], p[2] + dz) for k, p in pts.items()}
        for cname, surface in contacts:
            where = f"{name}.contacts.{cname}"
            bottom = _bottom(pts, cname)
            mid = _mean(pts, CONTACT_POINTS[cname])
            if surface == "wall":
                r = max(POINT_RADIUS[n] for n in CONTACT_POINTS[cname])
                front = mid[0] > pts["pelvis"][0] + 0.05 or (cname.endswith(("hand", "hands", "forearm", "forearms")))
                x = mid[0] + r if front else mid[0] - r
                if "wall" not in surfaces:
                    surfaces["wall"] = (x, 1 if front else -1)
                elif abs(surfaces["wall"][0] - x) > TOLERANCE * 2:
                    raise _err(ex.exercise_id, where, "touching the wall found from the first contact",
                               f"{abs(surfaces['wall'][0] - x):.2f} m off")
                continue
            if surface == "ball":
                surfaces.setdefault("ball", (mid[0], mid[2]))
                continue
            lo, hi = SURFACES[surface]
            if surface in surfaces:
                h = surfaces[surface][0]
            elif lo == hi:
                h = lo
            else:
                h = bottom
                if not lo <= h <= hi:
                    raise _err(ex.exercise_id, where, f"a {surface} from {lo} to {hi} m high", round(h, 2))
                surfaces[surface] = (h, mid[0], name)
            if bottom > h + TOLERANCE:
                raise _err(ex.exercise_id, where, f"resting on the {surface} (it leaves its support)",
                           f"{bottom - h:.2f} m above")
            if bottom < h - TOLERANCE:
                raise _err(ex.exercise_id, where, f"resting on the {surface} (it goes through it)",
                           f"{h - bottom:.2f} m below")
        low = _lowest(pts)
        if low < base - 1e-6:
            raise _err(ex.exercise_id, f"{name}.support", f"on the {support} (a body part goes through it)")
        bodies.append(Body(name, angles, pts, support, contacts))
    for d in ex.draw:  # a ball pressed between the body and a wall sets the wall behind it
        if d["item"] == "ball" and d.get("wall"):
            p = _mean(bodies[0].points, CONTACT_POINTS[d["at"]])
            surfaces["wall"] = (p[0] - POINT_RADIUS["pelvis"] - 2 * d.get("size", 0.1), -1)
    # nothing goes through the wall
    if "wall" in surfaces:
        x, side = surfaces["wall"]
        for b in bodies:
            for n, p in b.points.items():
                edge = p[0] + side * POINT_RADIUS.get(n, 0.03)
                if n != "nose" and (edge - x) * side > TOLERANCE:
                    raise _err(ex.exercise_id, f"{b.name}.{n}", "in front of the wall (it goes through it)",
                               f"{(edge - x) * side:.2f} m")
    return Scene(ex.exercise_id, ex.view, ex.tilt, tuple(bodies), surfaces, ex.draw, ex.arrow, ex.arrow_part)


def _read(path: Path) -> dict:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise InputError(path.name, "valid YAML", str(e).splitlines()[0]) from None
    if not isinstance(raw, dict):
        raise InputError(path.name, "a mapping from exercise id to its poses", type(raw).__name__)
    return raw


def load_poses(path=None, catalogue=None) -> dict:
    """Every exercise's checked poses, placed on their supports: ``{exercise_id: Scene}``.

    Raises a one-line ``InputError`` naming the exercise and the field for a broken pose, an
    exercise without poses, or poses for an exercise not in the catalogue.
    """
    if path is None and catalogue is None:
        return dict(_default())
    raw = _read(Path(path) if path is not None else data_path("poses.yaml"))
    cat = load_catalogue() if catalogue is None else catalogue
    equipment = dict(zip(cat["id"], cat["equipment"]))
    missing = [i for i in cat["id"] if i not in raw]
    if missing:
        raise _err(missing[0], "poses", "present in poses.yaml for every catalogue exercise", "missing")
    extra = [i for i in raw if i not in equipment]
    if extra:
        raise _err(str(extra[0]), "id", "an exercise in the catalogue", extra[0])
    return {i: place(parse(i, raw[i], equipment[i])) for i in cat["id"]}


@functools.lru_cache(maxsize=1)
def _default() -> tuple:
    return tuple(load_poses(data_path("poses.yaml")).items())


def scene(exercise_id: str) -> Scene:
    """The placed poses of one catalogue exercise."""
    scenes = dict(_default())
    if exercise_id not in scenes:
        raise InputError("exercise_id", "an exercise in the catalogue", exercise_id)
    return scenes[exercise_id]


def exercise_poses(exercise_id: str) -> Scene:
    """Alias of :func:`scene` (the name the issue uses)."""
    return scene(exercise_id)
