"""Line drawings of the exercises: each position of a pose description as plain SVG text.

One drawing per exercise: its positions side by side (numbered 1, 2, 3), on one shared floor
line, with the chair, bed, wall, step and equipment where they stand, and an arrow from the
part that moves most to where it goes. The body is a stick-and-capsule figure: capsules with a
black outline, the limbs on the far side filled grey, so it reads at thumbnail size and in black
and white print. Output is deterministic (rounded coordinates, fixed order) and cached.

>>> svg("bird_dog").startswith("<svg")
True
"""
from __future__ import annotations

import base64
import functools
import math

from .catalogue import catalogue_index
from .poses import CONTACT_POINTS, HEAD_RADIUS, POINT_RADIUS, SEGMENTS, scene
from .render import esc

__all__ = ["SCALE", "svg", "svg_data_uri", "alt_text", "img_tag", "figure_html", "thumbnail", "drawing_bounds", "project"]

SCALE = 60.0  # pixels per metre
LINE = 1.6  # outline width in pixels
INK, GREY, PALE, PAPER = "#111", "#9a9a9a", "#cfcfcf", "#fff"
MARGIN = 0.14  # metres around everything drawn
FLOOR_DEPTH = (0.35, 0.6)  # metres of floor drawn behind and in front of the body in a tilted view
ARROW_POINTS = ("l_hand", "r_hand", "l_toe", "r_toe", "l_knee", "r_knee", "head", "pelvis", "l_elbow", "r_elbow",
                "l_heel", "r_heel", "back")


def project(view: str, tilt: float, p) -> tuple:
    """(u, v, depth) of a world point in metres: u to the right, v up, depth towards the viewer."""
    x, y, z = p
    t = math.radians(tilt)
    if view == "front":  # seen from in front (x towards the viewer), the camera raised by ``tilt``
        return (y, z, x) if not tilt else (y, z * math.cos(t) - x * math.sin(t), x * math.cos(t) + z * math.sin(t))
    return x, z * math.cos(t) - y * math.sin(t), y * math.cos(t) + z * math.sin(t)


def _mid(points, names):
    pts = [points[n] for n in names]
    return tuple(sum(p[i] for p in pts) / len(pts) for i in range(3))


class _Panel:
    """Collects SVG elements of one panel in world units and maps them to pixels."""

    def __init__(self, sc, box, ox):
        self.sc, self.box, self.ox = sc, box, ox
        self.w, self.h = (box[2] - box[0]) * SCALE, (box[3] - box[1]) * SCALE
        self.out: list[str] = []

    def clamp(self, x, y, pad=8.0):
        """A point moved inside the panel, ``pad`` pixels from its edges (arrows never leave the frame)."""
        return min(max(x, self.ox + pad), self.ox + self.w - pad), min(max(y, pad), self.h - pad)

    def xy(self, p3):
        u, v, _ = project(self.sc.view, self.sc.tilt, p3)
        return self.uv(u, v)

    def uv(self, u, v):
        return (self.ox + (u - self.box[0]) * SCALE, (self.box[3] - v) * SCALE)


def _f(v: float) -> str:
    s = f"{v:.1f}"
    return "0" if s in ("-0.0", "0.0") else s.rstrip("0").rstrip(".")


def _path(pairs) -> str:
    return "".join(f"M{_f(a[0])} {_f(a[1])}L{_f(b[0])} {_f(b[1])}" for a, b in pairs)


def _body(panel: _Panel, body) -> None:
    sc, pts = panel.sc, body.points
    depth = {n: project(sc.view, sc.tilt, p)[2] for n, p in pts.items()}
    groups: dict[str, list] = {}
    for g, a, b, r in SEGMENTS:
        groups.setdefault(g, []).append((a, b, r))
    mean = {g: sum(depth[a] + depth[b] for a, b, _ in segs) / (2 * len(segs)) for g, segs in groups.items()}
    trunk = mean["trunk"]
    for g in sorted(groups, key=lambda g: (round(mean[g], 4), g)):
        fill = PALE if (g != "trunk" and mean[g] < trunk - 0.02) else PAPER
        segs = groups[g]
        if g == "trunk":
            segs = [s for s in segs if s[1] != "head"]
        by_r: dict[float, list] = {}
        for a, b, r in segs:
            by_r.setdefault(r, []).append((panel.xy(pts[a]), panel.xy(pts[b])))
        for r in sorted(by_r, reverse=True):
            panel.out.append(f'<path d="{_path(by_r[r])}" stroke="{INK}" stroke-width="{_f(2 * r * SCALE + 2 * LINE)}"/>')
        for r in sorted(by_r, reverse=True):
            panel.out.append(f'<path d="{_path(by_r[r])}" stroke="{fill}" stroke-width="{_f(2 * r * SCALE)}"/>')
        if g == "trunk":
            hx, hy = panel.xy(pts["head"])
            nx, ny = panel.xy(pts["nose"])
            panel.out.append(f'<path d="M{_f(hx)} {_f(hy)}L{_f(hx + 1.12 * (nx - hx))} {_f(hy + 1.12 * (ny - hy))}" '
                             f'stroke="{INK}" stroke-width="{_f(2 * LINE + 1)}"/>')
            panel.out.append(f'<circle cx="{_f(hx)}" cy="{_f(hy)}" r="{_f(HEAD_RADIUS * SCALE)}" fill="{PAPER}" '
                             f'stroke="{INK}" stroke-width="{_f(LINE)}"/>')


def _furniture(panel: _Panel, sc, bodies) -> None:
    out, s = panel.out, sc.surfaces
    floor_u = (panel.box[0], panel.box[2])
    on_mat = any(b.support == "mat" for b in bodies)
    if on_mat:
        xs = [project(sc.view, sc.tilt, p)[0] for b in bodies for p in b.points.values()]
        lo, hi = min(xs) - 0.1, max(xs) + 0.1
        if sc.tilt:
            near, far = ((0, 0.35, 0), (0, -0.35, 0)) if sc.view == "side" else (
                (max(p[0] for b in bodies for p in b.points.values()) + 0.1, 0, 0),
                (min(p[0] for b in bodies for p in b.points.values()) - 0.1, 0, 0))
            a, b = panel.uv(lo, project(sc.view, sc.tilt, near)[1]), panel.uv(hi, project(sc.view, sc.tilt, far)[1])
            out.append(f'<rect x="{_f(a[0])}" y="{_f(b[1])}" width="{_f(b[0] - a[0])}" height="{_f(a[1] - b[1])}" '
                       f'fill="#ececec" stroke="{GREY}" stroke-width="1"/>')
        else:
            a, b = panel.uv(lo, 0.015), panel.uv(hi, 0)
            out.append(f'<rect x="{_f(a[0])}" y="{_f(a[1] - 1.5)}" width="{_f(b[0] - a[0])}" height="4" '
                       f'fill="#bbb" stroke="{GREY}" stroke-width="0.8"/>')
    if sc.tilt:  # the floor seen from above: a band from its far to its near edge
        _, far = panel.uv(0, project(sc.view, sc.tilt, _floor_edge(sc, -1))[1])
        _, near = panel.uv(0, project(sc.view, sc.tilt, _floor_edge(sc, 1))[1])
        a, b = panel.uv(floor_u[0], 0), panel.uv(floor_u[1], 0)
        out.append(f'<rect x="{_f(a[0])}" y="{_f(far)}" width="{_f(b[0] - a[0])}" height="{_f(near - far)}" '
                   f'fill="#f1f1f1" stroke="none"/><path d="M{_f(a[0])} {_f(far)}H{_f(b[0])}M{_f(a[0])} {_f(near)}'
                   f'H{_f(b[0])}" stroke="#777" stroke-width="1.2"/>')
    else:
        a, b = panel.uv(floor_u[0], 0), panel.uv(floor_u[1], 0)
        out.append(f'<path d="M{_f(a[0])} {_f(a[1])}H{_f(b[0])}" stroke="#555" stroke-width="1.4"/>')
    furn = 'fill="none" stroke="#444" stroke-width="2.2" stroke-linejoin="round"'
    if "chair" in s and sc.view == "side":
        h, x0, owner = s["chair"]
        body = next(b for b in bodies if b.name == owner)
        seated = any(c[1] == "chair" and c[0] in ("seat", "pelvis") for c in body.contacts)
        facing = 1 if body.points["nose"][0] >= body.points["head"][0] else -1
        if seated:
            front, back = x0 + 0.2 * facing, x0 - 0.22 * facing
        else:
            front, back = x0 - 0.22 * facing, x0 + 0.3 * facing
        (fx, fy), (bx, by) = panel.uv(front, h), panel.uv(back, h)
        _, gy = panel.uv(0, 0)
        _, ty = panel.uv(0, h + 0.42)
        out.append(f'<path d="M{_f(fx)} {_f(gy)}V{_f(fy + 1)}H{_f(bx)}V{_f(gy)}M{_f(bx)} {_f(fy + 1)}V{_f(ty)}" {furn}/>')
    if "chair" in s and sc.view == "front" and not sc.tilt:  # a stool seen from the front, centred under the body
        h = s["chair"][0]
        (ax, ay), (bx, _) = panel.uv(-0.24, h), panel.uv(0.24, h)
        _, gy = panel.uv(0, 0)
        out.append(f'<path d="M{_f(ax + 3)} {_f(gy)}V{_f(ay + 1)}M{_f(bx - 3)} {_f(gy)}V{_f(ay + 1)}M{_f(ax)} '
                   f'{_f(ay + 1)}H{_f(bx)}" {furn}/>')
    if "chair" in s and sc.view == "front" and sc.tilt:  # a stool seen from in front and above: seat and four legs
        h, x0, _ = s["chair"]
        c = {(i, j): panel.xy((x0 + i, j, h)) for i in (-0.22, 0.2) for j in (-0.24, 0.24)}
        legs = "".join(f"M{_f(c[k][0])} {_f(c[k][1])}L{_f(g[0])} {_f(g[1])}" for k in c
                       for g in [panel.xy((x0 + k[0], k[1], 0))])
        ring = [c[(-0.22, -0.24)], c[(-0.22, 0.24)], c[(0.2, 0.24)], c[(0.2, -0.24)]]
        out.append(f'<path d="{legs}M' + "L".join(f"{_f(x)} {_f(y)}" for x, y in ring) + f'Z" {furn}/>')
    if "bed" in s:
        h = s["bed"][0]
        xs = [p[0] for b in bodies for n, p in b.points.items() if b.support == "bed"]
        seats = [b.points["pelvis"][0] for b in bodies if any(c[1] == "bed" for c in b.contacts)]
        lo = min(xs + [x - 1.0 for x in seats]) - 0.08
        hi = max(xs + [x + 0.14 for x in seats]) + 0.08 if xs else max(seats) + 0.14
        if seats:
            hi = min(hi, max(seats) + 0.14)
        (ax, ay), (bx, _) = panel.uv(lo, h), panel.uv(hi, h)
        _, gy = panel.uv(0, 0)
        out.append(f'<path d="M{_f(ax)} {_f(gy)}V{_f(ay + 1)}H{_f(bx)}V{_f(gy)}" {furn}/>')
        _, my = panel.uv(0, h - 0.08)
        out.append(f'<path d="M{_f(ax)} {_f(my)}H{_f(bx)}" stroke="#444" stroke-width="1"/>')
    if "counter" in s and sc.view == "side":  # a kitchen counter: worktop and cupboard, beyond the hands
        h, x0, _ = s["counter"]
        (ax, ay), (bx, _) = panel.uv(x0 - 0.12, h), panel.uv(x0 + 0.5, h)
        _, gy = panel.uv(0, 0)
        _, ky = panel.uv(0, 0.1)
        out.append(f'<path d="M{_f(ax)} {_f(ay + 1)}H{_f(bx)}M{_f(ax + 5)} {_f(ay + 1)}V{_f(ky)}H{_f(bx)}" {furn}/>')
    if "step" in s:
        h, x0, _ = s["step"]
        (ax, ay), (bx, _) = panel.uv(x0 - 0.18, h), panel.uv(x0 + 0.2, h)
        _, gy = panel.uv(0, 0)
        out.append(f'<path d="M{_f(ax)} {_f(gy)}V{_f(ay + 1)}H{_f(bx)}V{_f(gy)}" {furn}/>')
    if "wall" in s and sc.view == "side":
        x, side = s["wall"]
        wx, _ = panel.uv(x + side * 0.015, 0)
        _, gy = panel.uv(0, 0)
        _, ty = panel.uv(0, panel.box[3] - 0.03)
        hatch = "".join(f"M{_f(wx)} {_f(y)}l{_f(side * 5)} -5" for y in range(int(ty) + 8, int(gy), 10))
        out.append(f'<path d="M{_f(wx)} {_f(gy)}V{_f(ty)}{hatch}" stroke="#444" stroke-width="1.6" fill="none"/>')


def _floor_edge(sc, side) -> tuple:
    """A point on the far (-1) or near (+1) edge of the floor drawn in a view from above."""
    if sc.view == "front":  # the floor runs along the body, towards the viewer
        xs = [p[0] for b in sc.bodies for p in b.points.values()]
        return (min(xs) - FLOOR_DEPTH[0] / 2 if side < 0 else max(xs) + FLOOR_DEPTH[0] / 2, 0, 0)
    return (0, -FLOOR_DEPTH[0] if side < 0 else FLOOR_DEPTH[1], 0)


def _points(body, ref, view="side"):
    if isinstance(ref, (list, tuple)):  # a fixed point: across and up the picture, in metres
        return (0.0, ref[0], ref[1]) if view == "front" else (ref[0], 0.0, ref[1])
    return _mid(body.points, CONTACT_POINTS[ref])


def _equipment_under(panel: _Panel, sc, body) -> None:
    """Equipment drawn behind the body: cushions, balls."""
    out = panel.out
    for d in sc.draw:
        if d["item"] == "cushion":
            ref = d.get("under") or d.get("at")
            names = CONTACT_POINTS[ref]
            m = _mid(body.points, names)
            if "under" in d:
                top = min(body.points[n][2] - POINT_RADIUS[n] for n in names)
                base = 0.015 if body.support == "mat" else 0.0
                if body.support == "bed":
                    base = sc.surfaces["bed"][0]
                w = d.get("size", 0.34)
                mu = project(sc.view, sc.tilt, m)[0]
                top, base = (project(sc.view, sc.tilt, (m[0], m[1], z))[1] for z in (top, base))
                (ax, ay), (bx, by) = panel.uv(mu - w / 2, top), panel.uv(mu + w / 2, base)
                out.append(f'<rect x="{_f(ax)}" y="{_f(ay)}" width="{_f(bx - ax)}" height="{_f(by - ay)}" rx="5" '
                           f'fill="#e4e4e4" stroke="{INK}" stroke-width="1.3"/>')
            else:
                cx, cy = panel.xy(m)
                r = d.get("size", 0.09) * SCALE
                out.append(f'<ellipse cx="{_f(cx)}" cy="{_f(cy)}" rx="{_f(r * 1.3)}" ry="{_f(r)}" fill="#e4e4e4" '
                           f'stroke="{INK}" stroke-width="1.3"/>')
        elif d["item"] == "ball":
            m = _mid(body.points, CONTACT_POINTS[d["at"]])
            r = d.get("size", 0.1)
            if d.get("at") in ("pelvis", "seat", "back"):
                side = sc.surfaces.get("wall", (0, -1))[1]
                m = (m[0] + side * (POINT_RADIUS["pelvis"] + r), m[1], m[2])
            cx, cy = panel.xy(m)
            out.append(f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(r * SCALE)}" fill="#e4e4e4" stroke="{INK}" '
                       f'stroke-width="1.3"/>')


def _equipment_over(panel: _Panel, sc, body) -> None:
    """Equipment drawn over the body: bands, towels, weights in the hands."""
    out = panel.out
    for d in sc.draw:
        item = d["item"]
        if item in ("band", "towel"):
            a, b = panel.xy(_points(body, d["from"], sc.view)), panel.xy(_points(body, d["to"], sc.view))
            if item == "band":
                out.append(f'<path d="M{_f(a[0])} {_f(a[1])}L{_f(b[0])} {_f(b[1])}" stroke="#333" stroke-width="2" '
                           f'stroke-dasharray="6 2"/>')
                if isinstance(d["to"], (list, tuple)):
                    out.append(f'<rect x="{_f(b[0] - 3.5)}" y="{_f(b[1] - 3.5)}" width="7" height="7" fill="{INK}"/>')
            else:
                out.append(f'<path d="M{_f(a[0])} {_f(a[1])}L{_f(b[0])} {_f(b[1])}" stroke="#777" stroke-width="4"/>')
        elif item in ("dumbbell", "kettlebell"):
            for n in CONTACT_POINTS[d["at"]]:
                cx, cy = panel.xy(body.points[n])
                if item == "dumbbell":
                    out.append(f'<rect x="{_f(cx - 7)}" y="{_f(cy - 3)}" width="14" height="6" rx="1.5" fill="{INK}"/>'
                               f'<rect x="{_f(cx - 8)}" y="{_f(cy - 5)}" width="4" height="10" fill="{INK}"/>'
                               f'<rect x="{_f(cx + 4)}" y="{_f(cy - 5)}" width="4" height="10" fill="{INK}"/>')
                else:
                    out.append(f'<path d="M{_f(cx - 4)} {_f(cy + 5)}V{_f(cy - 1)}H{_f(cx + 4)}V{_f(cy + 5)}" '
                               f'stroke="{INK}" stroke-width="2" fill="none"/><circle cx="{_f(cx)}" '
                               f'cy="{_f(cy + 10)}" r="6.5" fill="{INK}"/>')
                if d["at"] in ("hands",) and sc.view == "side":
                    break  # both hands hold one weight in a side view


def _arrow_head(x1, y1, x2, y2) -> str:
    ang = math.atan2(y2 - y1, x2 - x1)
    pts = [(x2, y2), (x2 - 7 * math.cos(ang - 0.45), y2 - 7 * math.sin(ang - 0.45)),
           (x2 - 7 * math.cos(ang + 0.45), y2 - 7 * math.sin(ang + 0.45))]
    return '<polygon points="' + " ".join(f"{_f(x)},{_f(y)}" for x, y in pts) + f'" fill="{INK}"/>'


def _move_arrow(panel: _Panel, sc, a, b) -> None:
    """A curved arrow from the moving part in position a to where it is in position b."""
    names = CONTACT_POINTS[sc.arrow_part] if sc.arrow_part else None
    if names:
        pa, pb = _mid(a.points, names), _mid(b.points, names)
    else:
        best = max(ARROW_POINTS, key=lambda n: (round(math.dist(panel.xy(a.points[n]), panel.xy(b.points[n])), 1), n))
        pa, pb = a.points[best], b.points[best]
    (x1, y1), (x2, y2) = panel.xy(pa), panel.xy(pb)
    dist = math.hypot(x2 - x1, y2 - y1)
    if dist < 1 or (dist < 4 and not names):
        return
    if dist < 16:  # a small movement still gets a readable arrow, centred on it
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        k = 8 / dist
        x1, y1, x2, y2 = mx - (x2 - x1) * k, my - (y2 - y1) * k, mx + (x2 - x1) * k, my + (y2 - y1) * k
        dist = 16.0
    cx, cy = panel.xy(a.points["back"])
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    nx, ny = -(y2 - y1) / dist, (x2 - x1) / dist
    if (mx - cx) * nx + (my - cy) * ny < 0:
        nx, ny = -nx, -ny
    off = 9.0
    floor_y = panel.uv(0, 0)[1] - 4
    if max(y1, y2) + ny * (off + min(0.3 * dist, 18)) > floor_y and ny > 0:
        nx, ny = -nx, -ny  # never under the floor
    x1, y1 = panel.clamp(x1 + nx * off, y1 + ny * off)
    x2, y2 = panel.clamp(x2 + nx * off, y2 + ny * off)
    bend = min(0.3 * dist, 18)
    qx, qy = panel.clamp(mx + nx * (off + bend), my + ny * (off + bend), 2.0)
    # stop short of the end so the head sits on the curve
    tx, ty = x2 - qx, y2 - qy
    tl = math.hypot(tx, ty) or 1
    panel.out.append(f'<path d="M{_f(x1)} {_f(y1)}Q{_f(qx)} {_f(qy)} {_f(x2 - 5 * tx / tl)} {_f(y2 - 5 * ty / tl)}" '
                     f'fill="none" stroke="{INK}" stroke-width="2"/>')
    panel.out.append(_arrow_head(qx, qy, x2, y2))


def _breath_arrow(panel: _Panel, sc, body) -> None:
    """A short double-headed arrow off the belly: the belly rises and falls."""
    p = body.points
    w, pe = p["waist"], p["pelvis"]
    belly = tuple((w[i] * 2 + pe[i]) / 3 for i in range(3))
    front = tuple(p["nose"][i] - p["head"][i] for i in range(3))
    n = math.sqrt(sum(c * c for c in front)) or 1
    a = tuple(belly[i] + front[i] / n * 0.17 for i in range(3))
    b = tuple(belly[i] + front[i] / n * 0.36 for i in range(3))
    (x1, y1), (x2, y2) = panel.clamp(*panel.xy(a)), panel.clamp(*panel.xy(b))
    if math.hypot(x2 - x1, y2 - y1) < 4:
        return
    panel.out.append(f'<path d="M{_f(x1)} {_f(y1)}L{_f(x2)} {_f(y2)}" stroke="{INK}" stroke-width="2"/>')
    panel.out.append(_arrow_head(x1, y1, x2, y2) + _arrow_head(x2, y2, x1, y1))


def drawing_bounds(sc) -> tuple:
    """(u_min, v_min, u_max, v_max) in metres: every position, support and piece of equipment, with a margin."""
    us, vs = [], [0.0]
    for b in sc.bodies:
        for n, p in b.points.items():
            u, v, _ = project(sc.view, sc.tilt, p)
            r = HEAD_RADIUS if n == "head" else POINT_RADIUS.get(n, 0.03)
            us += [u - r, u + r]
            vs += [v - r, v + r]
        for d in sc.draw:
            for k in ("to",):
                if isinstance(d.get(k), (list, tuple)):
                    u, v, _ = project(sc.view, sc.tilt, _points(None, d[k], sc.view))
                    us.append(u)
                    vs.append(v)
            if d["item"] == "kettlebell":
                vs += [project(sc.view, sc.tilt, b.points[n])[1] - 0.3 for n in CONTACT_POINTS[d["at"]]]
    s = sc.surfaces
    if "chair" in s:
        us += [s["chair"][1] - 0.34, s["chair"][1] + 0.34]
        vs.append(s["chair"][0] + 0.45)
    if "wall" in s:
        us.append(s["wall"][0] + s["wall"][1] * 0.12)
    if "step" in s:
        us += [s["step"][1] - 0.22, s["step"][1] + 0.22]
    if "counter" in s:
        us += [s["counter"][1] - 0.15, s["counter"][1] + 0.52]
    if "bed" in s:
        seats = [b.points["pelvis"][0] for b in sc.bodies if any(c[1] == "bed" for c in b.contacts)]
        us += [x - 1.1 for x in seats]
    if sc.tilt:
        vs.append(project(sc.view, sc.tilt, _floor_edge(sc, 1))[1] + MARGIN * 0.6)
    return (min(us) - MARGIN, min(vs) - MARGIN, max(us) + MARGIN, max(vs) + MARGIN)


@functools.lru_cache(maxsize=None)
def svg(exercise_id: str, *, standalone: bool = True) -> str:
    """The drawing of one exercise as SVG text (a few KB), deterministic and cached.

    ``standalone`` adds the XML namespace (for a file or a data: URI); inline in HTML it is not needed.
    """
    sc = scene(exercise_id)
    box = drawing_bounds(sc)
    pw, ph = (box[2] - box[0]) * SCALE, (box[3] - box[1]) * SCALE
    gap = 6.0
    n = len(sc.bodies)
    width, height = n * pw + (n - 1) * gap, ph
    alt = alt_text(exercise_id)
    ns = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    parts = [f'<svg{ns} viewBox="0 0 {_f(width)} {_f(height)}" width="{_f(width)}" height="{_f(height)}" '
             f'role="img" aria-label="{esc(alt)}" class="spinelib-drawing"><title>{esc(alt)}</title>'
             f'<g fill="none" stroke-linecap="round" stroke-linejoin="round">']
    for i, body in enumerate(sc.bodies):
        panel = _Panel(sc, box, i * (pw + gap))
        if i:
            parts.append(f'<path d="M{_f(panel.ox - gap / 2)} 4V{_f(height - 4)}" stroke="#bbb" stroke-width="1" '
                         f'stroke-dasharray="3 3"/>')
        _furniture(panel, sc, sc.bodies)
        _equipment_under(panel, sc, body)
        _body(panel, body)
        _equipment_over(panel, sc, body)
        if sc.arrow == "auto" and i + 1 < n:
            _move_arrow(panel, sc, body, sc.bodies[i + 1])
        elif sc.arrow == "breath" and i == 0:
            _breath_arrow(panel, sc, body)
        if n > 1:
            panel.out.append(f'<text x="{_f(panel.ox + 4)}" y="13" font-family="DejaVu Sans, Arial, sans-serif" '
                             f'font-size="12" font-weight="bold" fill="{INK}" stroke="none">{i + 1}</text>')
        parts += panel.out
    parts.append("</g></svg>")
    return "".join(parts)


def alt_text(exercise_id: str) -> str:
    """Alt text from the exercise's name, its positions and its cues."""
    row = catalogue_index().rows[exercise_id]
    name, cues = row["name"], row["cues"]
    n = len(scene(exercise_id).bodies)
    shown = {1: "one position", 2: "start and end positions", 3: "start, middle and end positions"}[n]
    return f"Line drawing of {name}, {shown}. " + ". ".join(c.rstrip(".") for c in cues) + "."


def svg_data_uri(exercise_id: str) -> str:
    """The drawing as a base64 data: URI (allowed by the reports' Content-Security-Policy)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(exercise_id).encode("utf-8")).decode("ascii")


def img_tag(exercise_id: str, height: int = 90, css_class: str = "exercise-drawing") -> str:
    """An ``<img>`` with the drawing as a data: URI, its alt text and a fixed height."""
    return (f'<img class="{css_class}" src="{svg_data_uri(exercise_id)}" alt="{esc(alt_text(exercise_id))}" '
            f'style="height:{height}px;width:auto;max-width:100%">')


def figure_html(exercise_id: str, zoom: float = 1.0, max_height: int | None = None) -> str:
    """The drawing inline (``<svg>``), for HTML read on screen and printed.

    Every drawing uses the same scale (``SCALE`` pixels per metre) times ``zoom``, so a lying and
    a standing figure keep their sizes; ``max_height`` caps a tall drawing.
    """
    s = svg(exercise_id, standalone=False)
    w, h = (float(v) for v in s.split('viewBox="0 0 ', 1)[1].split('"', 1)[0].split())
    k = zoom if max_height is None else min(zoom, max_height / h)
    head = s.split(">", 1)[0]
    sized = head.replace(f'width="{_f(w)}" height="{_f(h)}"', f'width="{_f(w * k)}" height="{_f(h * k)}"', 1)
    return sized + ">" + s.split(">", 1)[1]


def thumbnail(exercise_id: str, max_height: int = 84) -> str:
    """The drawing at the size of a table row or a card (every drawing shares one scale, capped in height)."""
    return figure_html(exercise_id, zoom=0.8, max_height=max_height)
