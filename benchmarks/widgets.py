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

The routine builder and the cohort projection of notebook 06 show nothing until the safety screen
is answered (the hard gate): the benchmark answers every question "no" through the builder's own
controls (``builder.set(rf_<question>="no", ...)``, as a person clicking "no") before it measures, and
refuses to report a widget whose update did not draw what it is there to draw.

Per widget it prints the median total time of an update, the median time spent simulating and
drawing (making or redrawing the figure and rendering it to PNG; the rest is the widget's own work
and its tables), and the ratio of the total to the 250 ms target (1.00 = at the target).

Targets: at most 250 ms per update, of which the simulation takes under 50 ms (the simulation
widgets of notebooks 01-06, kind "simulation"; the 50 ms sub-target applies to no other kind).

The trust widget of notebook 07 (kind "refit") refits a parameter by bisection on 200 people and
reruns the validation rows linked to its target (year-long runs for the flare target), so its
simulation is not expected to be under 50 ms: only the 250 ms total applies to it, and its "sim ms"
is the time its update spent in the refit and the linked rows. Its slider cases keep the points the
refit measured (as a person's session keeps them) with every wanted value new; its dropdown case
("trust_widget (target)") forgets every refit before each change, but keeps each target's figure
and the default fit's validation rows of every target, which the widget runs when it is made (a new
target shows the calibrated fit there: the calibration's own value, nothing refitted).

    python benchmarks/widgets.py            # median of 5 changes per widget
    python benchmarks/widgets.py --repeat 7 --strict   # exit 1 when a target is missed
    python benchmarks/widgets.py --only calm_first_sim  # one widget
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
from spinelib.ui.trust import available_fits  # noqa: E402

TARGET_MS = 250.0
SIM_TARGET_MS = 50.0

class _DrawClock:
    """Time spent drawing: making or redrawing a figure and rendering it to PNG (``show_kept`` and
    ``show_figure`` of :class:`spinelib.ui.base.SpineWidget`, the one drawing path of every widget), timed
    from outside so the same clock measures any version of the widgets."""

    def __init__(self):
        self.seconds = 0.0
        self._depth = 0
        self._saved = {}

    def _wrap(self, fn):
        def timed(*args, **kwargs):
            self._depth += 1
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self.seconds += time.perf_counter() - t0
        return timed

    def __enter__(self):
        for name in ("show_kept", "show_figure"):
            self._saved[name] = getattr(base.SpineWidget, name)
            setattr(base.SpineWidget, name, self._wrap(self._saved[name]))
        return self

    def __exit__(self, *exc):
        for name, fn in self._saved.items():
            setattr(base.SpineWidget, name, fn)


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
        # notebook 07: every wanted value new, the points the refit measured kept (as a session keeps them)
        ("07", "trust_widget", "refit", ui.trust_widget, "wanted", [-13, -18, -22, -12, -16, -20, -25], True),
        ("07", "trust_widget (adherence)", "refit", lambda: ui.trust_widget(target="adherence_gentle_daily"),
         "wanted", [0.5, 0.7, 0.4, 0.65, 0.3, 0.55, 0.75], True),
        ("07", "trust_widget (flares)", "refit", lambda: ui.trust_widget(target="flare_onsets_per_day"),
         "wanted", [0.02, 0.045, 0.015, 0.06, 0.025, 0.05, 0.035], True),
        # a new target: the calibrated fit at the calibration's own value (refits forgotten; the default fit's rows
        # were run when the widget was made)
        ("07", "trust_widget (target)", "refit", ui.trust_widget, "target", _cycle(available_fits(), 7), False),
    ]


def _cycle(names: list, n: int) -> list:
    """``n`` values cycling through ``names`` from its second (the first is the widget's own at the start)."""
    return [names[(i + 1) % len(names)] for i in range(n)]


def answer_screen_no(builder) -> None:
    """Answer every safety question of a routine builder "no" through its controls (one update), as a person
    would before a plan is shown; the builder must then show a plan."""
    builder.set(**{f"rf_{q}": "no" for q in builder.questions})
    if not builder.screened:
        raise RuntimeError("the routine builder shows no plan after every safety question was answered 'no'")


def _builder():
    b = ui.routine_builder()
    answer_screen_no(b)
    return b


def measure(case, repeat: int) -> dict:
    nb, name, kind, factory, control, values, keep = case
    if name == "cohort_projection":
        builder = _builder()
        widget = ui.cohort_projection(builder)
        target, driver = widget, builder
    elif name == "routine_builder":
        widget = target = driver = _builder()
    else:
        widget = factory()
        target = driver = widget
    if widget.error:
        raise RuntimeError(f"{name} shows an error at its defaults: {widget.error}")
    total, sim, draw = [], [], []
    for v in values[:repeat]:
        _cold(target, keep_scenarios=keep)
        if driver is not target:
            _cold(driver)
        with _DrawClock() as clock:
            t0 = time.perf_counter()
            getattr(driver, control).value = v
            elapsed = time.perf_counter() - t0
        if target.error:
            raise RuntimeError(f"{name}: {control}={v!r} gave an error: {target.error}")
        if "waiting" in (target.result or {}) or (name == "routine_builder" and not target.screened):
            raise RuntimeError(f"{name}: {control}={v!r} showed the safety gate, not an update (nothing measured)")
        drawn = clock.seconds  # the builder draws no figure of its own (its plan is HTML): all the projection's
        if driver is not target:  # the projection's own update, not the builder's
            elapsed = target.seconds
        if kind == "simulation" and not target.sim_seconds:
            raise RuntimeError(f"{name}: {control}={v!r} ran no simulation")
        total.append(elapsed * 1000)
        sim.append(getattr(target, "sim_seconds", 0.0) * 1000)
        draw.append(drawn * 1000)
    med, med_sim, med_draw = statistics.median(total), statistics.median(sim), statistics.median(draw)
    ok = med <= TARGET_MS and (med_sim < SIM_TARGET_MS or kind != "simulation")
    return {"notebook": nb, "widget": name, "kind": kind, "control": control, "changes": len(total),
            "median_ms": med, "max_ms": max(total), "sim_ms": med_sim, "draw_ms": med_draw,
            "ratio": med / TARGET_MS, "sim_share": (med_sim / med) if med else 0.0, "ok": ok,
            "cohort": getattr(target, "people", None), "days": getattr(target, "days", None)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="changes per widget (the median is reported), 1-7")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a widget misses its target")
    ap.add_argument("--only", action="append", default=[], metavar="WIDGET",
                    help="measure only this widget (its name as printed, e.g. calm_first_sim; repeatable)")
    args = ap.parse_args(argv)
    repeat = max(1, min(7, args.repeat))
    plots.set_theme()
    saved = _as_if_in_a_kernel()
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # markers are printed outside a kernel
            rows = [measure(c, repeat) for c in _cases() if not args.only or c[1] in args.only]
    finally:
        _restore(saved)
    head = (f"{'nb':3s} {'widget':24s} {'kind':14s} {'control':17s} {'cohort':>9s} {'total ms':>9s} "
            f"{'max ms':>7s} {'sim ms':>7s} {'draw ms':>8s} {'other ms':>8s} {'x target':>8s}  target")
    print(head)
    print("-" * len(head))
    for r in rows:
        cohort = f"{r['cohort']}x{r['days']}d" if r["cohort"] else "-"
        other = r["median_ms"] - r["sim_ms"] - r["draw_ms"]
        print(f"{r['notebook']:3s} {r['widget']:24s} {r['kind']:14s} {r['control']:17s} {cohort:>9s} "
              f"{r['median_ms']:9.0f} {r['max_ms']:7.0f} {r['sim_ms']:7.1f} {r['draw_ms']:8.1f} {other:8.1f} "
              f"{r['ratio']:8.2f}  {'ok' if r['ok'] else 'MISSED'}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nmachine: {os.cpu_count()} cores, load average {load:.1f} while measuring (other work inflates these times)")
    print(f"targets: update <= {TARGET_MS:.0f} ms; simulation < {SIM_TARGET_MS:.0f} ms (simulation widgets); "
          f"median of {repeat} changes, caches cleared, figures rendered to PNG; x target = total / {TARGET_MS:.0f} ms; "
          "other = the widget's own work and tables")
    missed = [r["widget"] for r in rows if not r["ok"]]
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
