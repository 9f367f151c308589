"""Benchmark: widget response time, from a control change to the updated output, in-process.

For every simulation widget of the workbook and the other interactive widgets of
``spinelib.ui``, this builds the widget at its notebook defaults, then changes one control
several times the way a person would (``w.minutes.value = 20``) and times the update: the
widget's callback, the simulation, the plot and the table. Every widget draws its figure the
one way ``spinelib.ui.base`` does in a kernel (one PNG draw, ``plots.figure_png``), so drawing
is counted even though no kernel is running. The comm round trip to the browser is not
included (about 0.7 s more end to end in JupyterLab, measured by hand in headless Chromium).

Caches that would hide the work are cleared before every change (built routines, progression
tables, a widget's cached comparison runs when the change alters them), so
each figure is a cold update at the widget's default cohort size.

Targets: at most 250 ms per update, of which the simulation takes under 50 ms.

    python benchmarks/widgets.py            # median of 5 changes per widget
    python benchmarks/widgets.py --repeat 7 --strict   # exit 1 when a target is missed
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")

from spinelib import plots, ui  # noqa: E402
from spinelib.builder import forget_routines  # noqa: E402
from spinelib.ui import base  # noqa: E402

TARGET_MS = 250.0
SIM_TARGET_MS = 50.0

def _as_if_in_a_kernel():
    """Make the widgets take their in-kernel drawing path: each update draws its PNG and sets the Output's
    outputs in one step, as in a kernel (no comm is open here, so nothing is sent)."""
    saved = base.in_kernel
    base.in_kernel = lambda: True
    return saved


def _restore(saved):
    base.in_kernel = saved


def _cold(w, *, keep_scenarios: bool = True):
    """Forget what a widget remembered (and the builder's routine memory), so the next update does all its work."""
    forget_routines()
    w.forget(runs=not keep_scenarios)


def _cases():
    """(notebook, widget name, kind, factory, control name, values to step through, keep scenario caches)."""
    return [
        ("01", "micro_strength_sim", "simulation", ui.micro_strength_sim, "minutes", [14, 10, 16, 8, 12, 18, 6], True),
        ("02", "calm_first_sim", "simulation", ui.calm_first_sim, "calm_minutes", [10, 6, 12, 4, 8, 14, 2], True),
        ("03", "transitions_calculator", "simulation", ui.transitions_calculator, "practice_minutes",
         [6, 3, 8, 2, 4, 10, 1], True),
        ("04", "load_comparison", "simulation", ui.load_comparison, "weeks", [10, 12, 14, 8, 16, 9, 11], False),
        ("04", "load_comparison (show)", "re-plot", ui.load_comparison, "state",
         ["pain", "flare", "capacity", "acwr", "pain", "flare", "acwr"], True),
        ("05", "adherence_simulator", "simulation", ui.adherence_simulator, "minutes",
         [20, 25, 10, 30, 15, 35, 5], True),
        ("06", "cohort_projection", "simulation", None, "minutes", [20, 25, 10, 30, 15, 35, 12], True),
        ("04", "progression_planner", "no simulation", ui.progression_planner, "step_every", [3, 1, 4, 2, 5, 1, 3], True),
        ("05", "habit_curve_widget", "no simulation", ui.habit_curve_widget, "days_to_plateau",
         [90, 40, 120, 30, 200, 66, 150], True),
        ("06", "routine_builder", "no simulation", ui.routine_builder, "minutes", [20, 25, 10, 30, 15, 35, 12], True),
    ]


def measure(case, repeat: int) -> dict:
    nb, name, kind, factory, control, values, keep = case
    if name == "cohort_projection":
        builder = ui.routine_builder()
        widget = ui.cohort_projection(builder)
        target, driver = widget, builder
    else:
        widget = factory()
        target = driver = widget
    if widget.error:
        raise RuntimeError(f"{name} shows an error at its defaults: {widget.error}")
    total, sim = [], []
    for v in values[:repeat]:
        _cold(target, keep_scenarios=keep)
        if driver is not target:
            _cold(driver)
        t0 = time.perf_counter()
        getattr(driver, control).value = v
        elapsed = time.perf_counter() - t0
        if target.error:
            raise RuntimeError(f"{name}: {control}={v!r} gave an error: {target.error}")
        if driver is not target:  # the projection's own update, not the builder's
            elapsed = target.seconds
        total.append(elapsed * 1000)
        sim.append(getattr(target, "sim_seconds", 0.0) * 1000)
    med, med_sim = statistics.median(total), statistics.median(sim)
    ok = med <= TARGET_MS and (med_sim < SIM_TARGET_MS or kind != "simulation")
    return {"notebook": nb, "widget": name, "kind": kind, "control": control, "changes": len(total),
            "median_ms": med, "max_ms": max(total), "sim_ms": med_sim,
            "sim_share": (med_sim / med) if med else 0.0, "ok": ok,
            "cohort": getattr(target, "people", None), "days": getattr(target, "days", None)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="changes per widget (the median is reported), 1-7")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a widget misses its target")
    args = ap.parse_args(argv)
    repeat = max(1, min(7, args.repeat))
    plots.set_theme()
    saved = _as_if_in_a_kernel()
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # markers are printed outside a kernel
            rows = [measure(c, repeat) for c in _cases()]
    finally:
        _restore(saved)
    head = (f"{'nb':3s} {'widget':24s} {'kind':14s} {'control':17s} {'cohort':>11s} {'median ms':>10s} "
            f"{'max ms':>7s} {'sim ms':>7s} {'sim share':>9s}  target")
    print(head)
    print("-" * len(head))
    for r in rows:
        cohort = f"{r['cohort']}x{r['days']}d" if r["cohort"] else "-"
        print(f"{r['notebook']:3s} {r['widget']:24s} {r['kind']:14s} {r['control']:17s} {cohort:>11s} "
              f"{r['median_ms']:10.0f} {r['max_ms']:7.0f} {r['sim_ms']:7.1f} {r['sim_share']:9.0%}  "
              f"{'ok' if r['ok'] else 'MISSED'}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nmachine: {os.cpu_count()} cores, load average {load:.1f} while measuring (other work inflates these times)")
    print(f"targets: update <= {TARGET_MS:.0f} ms; simulation < {SIM_TARGET_MS:.0f} ms (simulation widgets); "
          f"median of {repeat} changes, caches cleared, figures rendered to PNG")
    missed = [r["widget"] for r in rows if not r["ok"]]
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
