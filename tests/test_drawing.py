"""Exercise drawings: in frame, on their support, deterministic, small, with alt text; and shown where people meet them."""
from __future__ import annotations

import hashlib
import re
import subprocess
import sys

import pytest

from spinelib import drawing
from spinelib.builder import build_routine
from spinelib.catalogue import load_catalogue, catalogue_index
from spinelib.drawing import alt_text, drawing_bounds, figure_html, img_tag, project, svg, svg_data_uri, thumbnail
from spinelib.poses import HEAD_RADIUS, POINT_RADIUS, load_poses, scene
from spinelib.render import esc, routine_html

IDS = list(load_catalogue()["id"])
NUM = r"-?\d+(?:\.\d+)?"


def _viewbox(s: str) -> tuple[float, float]:
    w, h = re.search(rf'viewBox="0 0 ({NUM}) ({NUM})"', s).groups()
    return float(w), float(h)


def _coords(s: str):
    """Every absolute point an SVG element of a drawing puts down (paths, circles, ellipses, rects, polygons)."""
    for d in re.findall(r' d="([^"]+)"', s):
        x = y = 0.0
        for cmd, args in re.findall(r"([MLHVQl])([^MLHVQl]*)", d):
            v = [float(t) for t in re.findall(NUM, args)]
            if cmd in "ML":
                x, y = v
            elif cmd == "Q":
                x, y = v[2], v[3]
                yield v[0], v[1]
            elif cmd == "H":
                x = v[0]
            elif cmd == "V":
                y = v[0]
            elif cmd == "l":
                x, y = x + v[0], y + v[1]
            yield x, y
    for cx, cy, r in re.findall(rf'<circle cx="({NUM})" cy="({NUM})" r="({NUM})"', s):
        cx, cy, r = float(cx), float(cy), float(r)
        yield from ((cx - r, cy - r), (cx + r, cy + r))
    for x, y, w, h in re.findall(rf'<rect x="({NUM})" y="({NUM})" width="({NUM})" height="({NUM})"', s):
        yield float(x), float(y)
        yield float(x) + float(w), float(y) + float(h)
    for pts in re.findall(r'<polygon points="([^"]+)"', s):
        for p in pts.split():
            a, b = p.split(",")
            yield float(a), float(b)


@pytest.mark.parametrize("ex", IDS)
def test_drawing_stays_in_its_frame(ex):
    "drawing: every point of every element lies inside the drawing's viewBox"
    s = svg(ex)
    w, h = _viewbox(s)
    pts = list(_coords(s))
    assert pts, ex
    out = [(x, y) for x, y in pts if not (-0.5 <= x <= w + 0.5 and -0.5 <= y <= h + 0.5)]
    assert out == [], (ex, out[:3], (w, h))


def test_every_body_touches_its_support_in_the_picture():
    "drawing: in every panel the lowest part of the body sits on the drawn support line, never above or below it"
    for ex in IDS:
        sc = scene(ex)
        box = drawing_bounds(sc)
        for b in sc.bodies:
            base = sc.surfaces[b.support][0] if b.support in ("bed", "step") else (0.015 if b.support == "mat" else 0.0)
            if sc.tilt:  # seen from above, the floor is a plane: check in the world
                low = min(p[2] - POINT_RADIUS.get(n, 0.03) for n, p in b.points.items() if n not in ("nose", "back"))
            else:
                low = min(project(sc.view, sc.tilt, p)[1] - (HEAD_RADIUS if n == "head" else POINT_RADIUS.get(n, .03))
                          for n, p in b.points.items() if n not in ("nose", "back"))
            assert low == pytest.approx(base, abs=1e-6), (ex, b.name)
            assert box[1] < low, ex  # the support is inside the frame


def test_drawings_are_deterministic_and_small():
    "drawing: the same SVG in a fresh interpreter, and each a few KB"
    sizes = {ex: len(svg(ex).encode()) for ex in IDS}
    assert max(sizes.values()) < 14_000, max(sizes.items(), key=lambda kv: kv[1])
    digest = hashlib.sha256("".join(svg(ex) for ex in IDS[:12]).encode()).hexdigest()
    code = ("import hashlib; from spinelib.drawing import svg; from spinelib.catalogue import load_catalogue; "
            "ids = list(load_catalogue()['id'])[:12]; "
            "print(hashlib.sha256(''.join(svg(i) for i in ids).encode()).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "123", "PATH": ""}).stdout.strip()
    assert out == digest
    drawing.svg.cache_clear()
    assert hashlib.sha256("".join(svg(ex) for ex in IDS[:12]).encode()).hexdigest() == digest


def test_alt_text_from_name_and_cues():
    "drawing: the alt text names the exercise, its positions and its cues, and sits in the SVG and the img"
    row = catalogue_index().rows["bird_dog"]
    alt = alt_text("bird_dog")
    assert row["name"] in alt and row["cues"][0].rstrip(".") in alt and "start and end" in alt
    assert f'aria-label="{esc(alt)}"' in svg("bird_dog") and f"<title>{esc(alt)}</title>" in svg("bird_dog")
    assert f'alt="{esc(alt)}"' in img_tag("bird_dog")
    assert svg_data_uri("bird_dog").startswith("data:image/svg+xml;base64,")


def test_inline_figure_scales_and_has_no_namespace():
    "drawing: inline figures drop the XML namespace, share one scale, and a thumbnail is capped in height"
    f = figure_html("sit_to_stand", zoom=2)
    w, h = _viewbox(svg("sit_to_stand"))
    assert "xmlns" not in f and f'height="{h * 2:g}"' in f.replace(".0\"", "\"")
    t = thumbnail("sit_to_stand", max_height=50)
    assert 'height="50"' in t


def test_breathing_and_hold_are_one_panel_with_a_breath_arrow():
    "drawing: a breathing drill is one position with a double-headed arrow; a movement has numbered panels"
    s = svg("crook_lying_slow_breathing")
    assert s.count("<polygon") == 2 and ">1</text>" not in s
    m = svg("sit_to_stand")
    assert ">1</text>" in m and ">3</text>" in m and "<polygon" in m


def test_routine_html_shows_a_drawing_per_exercise():
    "drawing: the day plan shows one drawing with alt text per exercise when asked, none otherwise"
    r = build_routine({"minutes_per_day": 30, "equipment": ["mat", "band"]})
    page = routine_html(r, figure=thumbnail)
    for it in r.items:
        assert f'aria-label="{esc(alt_text(it.exercise_id))}"' in page
    assert page.count("<svg") == len(r.items)
    assert "<svg" not in routine_html(r)


def test_scenes_are_loaded_once():
    "drawing: the packaged poses load once and every catalogue id has a scene"
    assert set(load_poses()) == set(IDS)
    assert scene("bird_dog") is scene("bird_dog")
