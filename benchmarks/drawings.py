"""Benchmark the exercise drawings: render time for the whole catalogue, and report size before and after.

Printed:

1. the time to load and check every pose description (``data/poses.yaml``) and to render every
   exercise's SVG, cold (fresh caches) and warm (cached), with the mean and largest SVG size;
2. the size of a personal-plan report (HTML and PDF bytes) with its drawings, and of the same
   page with the drawings taken out (the report as it was before drawings), for a short plan
   (5 minutes a day) and the longest (60 minutes, every piece of equipment).

Figures only, no asserts; other work on the machine slows every figure (the load average is
printed). The PDF part needs Chromium (``SPINELIB_CHROMIUM`` or /usr/bin/chromium).

Usage: ``python benchmarks/drawings.py [--skip-reports]``
"""
from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from pathlib import Path

from spinelib import drawing, poses
from spinelib.catalogue import load_catalogue
from spinelib.reports import run_report
from spinelib.reports.pages import chromium_available, html_to_pdf
from spinelib.resources import data_path

PLANS = {
    "short plan (5 min, no equipment)": {"name": "Bench Short", "minutes_per_day": 5, "equipment": ["none"]},
    "longest plan (60 min, all equipment)": {
        "name": "Bench Long", "minutes_per_day": 60,
        "equipment": ["mat", "cushion", "band", "dumbbell", "kettlebell", "step", "ball", "towel"]},
}
SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def catalogue_render() -> None:
    ids = list(load_catalogue()["id"])
    t0 = time.perf_counter()
    scenes = poses.load_poses(data_path("poses.yaml"))
    t1 = time.perf_counter()
    drawing.svg.cache_clear()
    sizes = [len(drawing.svg(i).encode()) for i in ids]
    t2 = time.perf_counter()
    for i in ids:
        drawing.svg(i)
    t3 = time.perf_counter()
    print(f"catalogue: {len(ids)} exercises, {sum(len(s.bodies) for s in scenes.values())} positions")
    print(f"  load and check poses   {t1 - t0:7.3f} s")
    print(f"  render all SVGs (cold) {t2 - t1:7.3f} s  ({(t2 - t1) / len(ids) * 1000:.1f} ms each)")
    print(f"  render all SVGs (warm) {t3 - t2:7.4f} s  (cached)")
    print(f"  SVG size: mean {sum(sizes) / len(sizes) / 1024:.1f} KB, largest {max(sizes) / 1024:.1f} KB, "
          f"all {sum(sizes) / 1024:.0f} KB")


def report_sizes() -> None:
    pdf = chromium_available()
    with tempfile.TemporaryDirectory(prefix="spinelib-bench-") as tmp:
        for label, params in PLANS.items():
            out = Path(tmp) / "plan.html"
            t0 = time.perf_counter()
            run_report("personal-plan", params, out)
            took = time.perf_counter() - t0
            page = out.read_text(encoding="utf-8")
            before = SVG.sub("", page)
            n = len(SVG.findall(page))
            plain = Path(tmp) / "before.html"
            plain.write_text(before, encoding="utf-8")
            print(f"{label}: {n} drawings, report run {took:.1f} s")
            print(f"  HTML  before {len(before.encode()) / 1024:8.1f} KB   after {len(page.encode()) / 1024:8.1f} KB")
            if pdf:
                html_to_pdf(plain, Path(tmp) / "before.pdf")
                html_to_pdf(out, Path(tmp) / "after.pdf")
                b, a = ((Path(tmp) / f).stat().st_size for f in ("before.pdf", "after.pdf"))
                print(f"  PDF   before {b / 1024:8.1f} KB   after {a / 1024:8.1f} KB")
            else:
                print("  PDF   (no Chromium)")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-reports", action="store_true", help="only time the catalogue's drawings")
    args = ap.parse_args(argv)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    catalogue_render()
    if not args.skip_reports:
        report_sizes()


if __name__ == "__main__":
    main()
