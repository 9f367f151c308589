"""Can we trust the model? Calibration against validation, in a widget (notebook 07).

- :func:`refit`: move one calibration target and refit the parameter that carries it, on a small
  cohort (a pure function: a bisection over the parameter's allowed range, with common random
  numbers so the search is smooth);
- :class:`TrustWidget`: a target and a value for it; shows where the parameter must go, whether
  the target can be reached at all, and how the validation figures linked to it move;
- :func:`validation_plot`: the validation table as small multiples, one row per published figure,
  its interval, and the model's mean and range over the seeds, coloured by verdict.

Everything is computed through the public simulator (:func:`spinelib.sim.validation.validation_table`
for the linked rows; the refit measures its target with the compiled kernel,
:func:`spinelib.sim.fast.simulate_many`, which gives what :func:`spinelib.sim.simulate` gives up to
float32 rounding, several parameter values per call); no model number is typed here.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from ..errors import InputError, fmt_allowed, number
from ..insights import INSIGHT_TITLES
from ..sim import PARAMS, TARGETS, Params, simulate, simulate_many
from ..sim.validation import load_validation, validation_table
from .base import WIDE, KeptFigure, SimulationWidget

__all__ = ["TrustWidget", "trust_widget", "refit", "calibrated_fit", "calibration_value", "FitResult", "Fit", "FITS",
           "available_fits", "validation_plot", "VERDICT_COLOURS", "INSIGHT_ROWS", "insight_verdicts"]

VERDICT_COLOURS = {"within": "#2e7d32", "direction right": "#ef6c00", "wrong": "#c62828"}


def _pain_difference(p: Params, people: int, seed: int) -> float:
    sup = simulate("supervised", people=people, days=84, seed=seed, params=p).people["pain_change"].mean()
    none = simulate("no_exercise", people=people, days=84, seed=seed, params=p).people["pain_change"].mean()
    return float(sup - none)


def _adherence(p: Params, people: int, seed: int) -> float:
    return float(simulate("gentle_daily", people=people, days=84, seed=seed, params=p).people["adherence"].mean())


def _flare_rate(p: Params, people: int, seed: int) -> float:
    r = simulate("no_exercise", people=people, days=84, seed=seed, params=p)
    return float(r.people["flares"].sum() / (people * 84))


# the same three measures for many parameter sets in one call of the compiled kernel (simulate_many: the same people
# and daily chances as simulate with that seed; float64 where simulate is float32, so equal up to its rounding).
# One thread: a few sets of 200 people gain little from two, and lose much when the other core is busy.
def _pain_difference_many(ps: list, people: int, seed: int) -> np.ndarray:
    m = simulate_many(["supervised", "no_exercise"], ps, people=people, days=84, seed=seed,
                      threads=1)["pain_change"]
    return m.loc["supervised"].to_numpy() - m.loc["no_exercise"].to_numpy()


def _adherence_many(ps: list, people: int, seed: int) -> np.ndarray:
    return simulate_many("gentle_daily", ps, people=people, days=84, seed=seed, threads=1)["adherence"].to_numpy()


def _flare_rate_many(ps: list, people: int, seed: int) -> np.ndarray:
    # simulate_many's flares is the mean onsets per person: per person-day, divide by the days
    return simulate_many("no_exercise", ps, people=people, days=84, seed=seed, threads=1)["flares"].to_numpy() / 84


@dataclass(frozen=True)
class Fit:
    """A calibration target the widget can move: the parameter that carries it, how the model measures
    it, the slider range of the wanted value and the validation rows it is most linked to.

    ``measure(params, people, seed) -> float``: the target through :func:`~spinelib.sim.simulate` (the reference);
    ``measure_many([params, ...], people, seed) -> array``: the same for many parameter sets in one call of the
    compiled kernel (:func:`~spinelib.sim.fast.simulate_many`), what :func:`refit` uses (None: ``measure`` per set).
    """

    target: str
    parameter: str
    measure: Callable[[Params, int, int], float]
    lo: float
    hi: float
    step: float
    linked: tuple[str, ...]
    label: str
    parameter_label: str = ""  # the parameter in plain words (messages and axes never show its internal name)
    measure_many: Callable[[list, int, int], np.ndarray] | None = None

    def measure_sets(self, params: list, people: int, seed: int) -> list[float]:
        """The target measured at each of ``params`` (through ``measure_many`` when the fit has it)."""
        if not params:
            return []
        if self.measure_many is None:
            return [float(self.measure(p, people, seed)) for p in params]
        return [float(v) for v in self.measure_many(list(params), people, seed)]

    @property
    def parameter_words(self) -> str:
        return self.parameter_label or self.parameter.replace("_", " ")


FITS: dict[str, Fit] = {f.target: f for f in (
    Fit("pain_diff_supervised_vs_none", "pain_benefit_capacity", _pain_difference, -30.0, 0.0, 1.0,
        ("V1", "V3", "V6"), "exercise effect at 12 weeks (G1, points)",
        "pain relief from capacity gained (share of baseline pain)", _pain_difference_many),
    Fit("adherence_gentle_daily", "adherence0", _adherence, 0.2, 0.95, 0.05, ("V1", "V2"),
        "home sessions done (I5-5, share)", "chance of doing a planned session before any habit", _adherence_many),
    Fit("flare_onsets_per_day", "flare_hazard", _flare_rate, 0.005, 0.08, 0.005, ("V8", "V10"),
        "flare onsets per day (F1-F3)", "daily chance of a flare starting, with no exercise", _flare_rate_many),
)}


def available_fits() -> list[str]:
    """The targets of :data:`FITS` that the model has today (its target and its parameter both exist)."""
    targets = {t[0] for t in TARGETS}
    params = {p.name for p in PARAMS}
    return [name for name, f in FITS.items() if name in targets and f.parameter in params]


@dataclass
class FitResult:
    """What :func:`refit` found: the parameter value (``None`` when the wanted value is out of reach),
    the value reached there, the default, and every point the search tried."""

    target: str
    parameter: str
    wanted: float
    value: float | None
    reached: float
    default: float
    at_default: float
    reachable: bool
    bounds: tuple[float, float]
    range_reached: tuple[float, float]
    tried: pd.DataFrame = field(repr=False, default=None)
    calibrated: bool = False  # the calibration's own wanted value: the parameter stays at its calibrated default


def calibration_value(target: str) -> float:
    """The calibration's own wanted value for ``target`` (from TARGETS)."""
    return float(next(t[1] for t in TARGETS if t[0] == target))


class _Curve:
    """The target of a fit measured at values of its parameter, on ``people`` people with one ``seed``: what
    :func:`refit` and :func:`calibrated_fit` share. Points measured are kept in ``cache`` (a dict) between calls."""

    def __init__(self, target: str, people: int, seed: int, params, cache: dict | None):
        if target not in FITS:
            raise InputError("target", fmt_allowed(FITS), target)
        fit = FITS[target]
        if fit.parameter not in {p.name for p in PARAMS}:
            raise InputError("target", "a target whose parameter the model still has", f"{target} ({fit.parameter})")
        self.fit, self.target, self.people, self.seed = fit, target, people, seed
        self.spec = next(p for p in PARAMS if p.name == fit.parameter)
        self.base = Params.coerce(params)
        self.memo = {} if cache is None else cache
        self.lo, self.hi = float(self.spec.lo), float(self.spec.hi)
        self.default = float(getattr(self.base, fit.parameter))

    def key(self, x: float):
        return (self.target, round(float(x), 6), self.people, self.seed)

    def measure(self, xs) -> None:
        """Measure the points of ``xs`` not measured yet, in one call."""
        todo = list({self.key(x): float(x) for x in xs if self.key(x) not in self.memo}.items())
        values = self.fit.measure_sets([self.base.replace(**{self.fit.parameter: x}) for _, x in todo], self.people,
                                       self.seed)
        self.memo.update((k, v) for (k, _), v in zip(todo, values))

    def __call__(self, x: float) -> float:
        if self.key(x) not in self.memo:
            self.measure([x])
        return self.memo[self.key(x)]

    def points(self) -> list[tuple[float, float]]:
        """(parameter value, target) of every point measured on this cohort, in order of the value."""
        return sorted((k[1], v) for k, v in self.memo.items()
                      if k[0] == self.target and k[2:] == (self.people, self.seed))

    def tried(self) -> pd.DataFrame:
        return pd.DataFrame(self.points(), columns=[self.fit.parameter, self.target])

    def ends(self) -> tuple[float, float, float]:
        """(target at the low end, at the high end, at the default) of the parameter, measured in one call."""
        self.measure([self.lo, self.hi, self.default])
        return self(self.lo), self(self.hi), self(self.default)

    def result(self, wanted, value, reached, at_default, reachable, range_reached, **kw) -> FitResult:
        return FitResult(self.target, self.fit.parameter, wanted, value, float(reached), self.default,
                         float(at_default), bool(reachable), (self.lo, self.hi),
                         (float(range_reached[0]), float(range_reached[1])), self.tried(), **kw)


def refit(target: str, wanted, people: int = 200, seed: int = 1, params=None, steps: int = 6,
          cache: dict | None = None, levels: int = 2) -> FitResult:
    """Refit the parameter carrying calibration ``target`` so that the model measures ``wanted``.

    A bisection over the parameter's allowed range (``steps`` halvings) on ``people`` simulated people
    with one ``seed``. When ``wanted`` lies outside what the whole range can give, ``value`` is None and
    ``reachable`` False. ``cache`` (a dict) keeps measured points between calls.

    The points are measured by the compiled kernel (:attr:`Fit.measure_many`), several in one call: the
    two ends and the default together, then, from the bracket, the midpoints the next ``levels`` halvings
    may visit (one level more when that finishes the search, the refitted value included). The halvings,
    hence the value found, do not depend on ``levels``: those the bisection does not visit are only kept in
    ``cache``, where they narrow the bracket the next search starts from.
    """
    f = _Curve(target, people, seed, params, cache)
    wanted = number(wanted, f.fit.label, f.fit.lo, f.fit.hi)

    def midpoints(a: float, b: float, depth: int) -> list[float]:
        """The midpoints ``depth`` halvings of (a, b) can visit, computed as the bisection computes them."""
        if depth <= 0:
            return []
        m = 0.5 * (a + b)
        return [m, *midpoints(a, m, depth - 1), *midpoints(m, b, depth - 1)]

    lo, hi = f.lo, f.hi
    depth = max(1, int(levels))
    f_lo, f_hi, at_default = f.ends()
    rising = f_hi >= f_lo
    low_end, high_end = min(f_lo, f_hi), max(f_lo, f_hi)
    reachable = low_end <= wanted <= high_end
    value = None
    if reachable:
        # start from the narrowest bracket the points measured so far give (a slider moved back and forth
        # needs few new runs), then halve it down to the resolution of ``steps`` halvings of the whole range
        known = [(x, y) for x, y in f.points() if lo <= x <= hi]
        a, b = lo, hi
        for (x0, y0), (x1, y1) in zip(known, known[1:]):
            if min(y0, y1) <= wanted <= max(y0, y1):
                a, b = x0, x1
                break
        resolution = (hi - lo) / 2 ** int(steps)
        while True:
            halvings, width = 0, b - a
            while width > resolution:
                halvings, width = halvings + 1, 0.5 * width
            # the halvings left and the point they end at, in one call when that is at most one level more
            todo = halvings + 1 if halvings + 1 <= depth + 1 else depth
            f.measure(midpoints(a, b, todo))
            for _ in range(todo):
                if b - a <= resolution:
                    break
                m = 0.5 * (a + b)
                if (f(m) < wanted) == rising:
                    a = m
                else:
                    b = m
            if b - a <= resolution:
                break
        value = 0.5 * (a + b)
    reached = f(value) if value is not None else (high_end if wanted > high_end else low_end)
    return f.result(wanted, value, reached, at_default, reachable, (low_end, high_end))


def calibrated_fit(target: str, people: int = 200, seed: int = 1, params=None, cache: dict | None = None) -> FitResult:
    """The fit at the calibration's own wanted value for ``target``: the parameter at its calibrated default (what
    :mod:`~spinelib.sim.calibration` fitted on large cohorts), nothing refitted. ``reached`` is what this small
    cohort gives there; the two ends of the parameter's range are measured too (one call), for the range reached.
    """
    f = _Curve(target, people, seed, params, cache)
    f_lo, f_hi, at_default = f.ends()
    low_end, high_end = min(f_lo, f_hi), max(f_lo, f_hi)
    wanted = calibration_value(target)
    return f.result(wanted, f.default, at_default, at_default, low_end <= wanted <= high_end, (low_end, high_end),
                    calibrated=True)


# --- what the verdicts mean for the five ideas ----------------------------------------------------
# which validation rows bear on which idea, and what they test of it
INSIGHT_ROWS = {
    1: (("V3", "V4", "V5"), "light, controlled strengthening against heavier or general exercise, and exercise "
                            "into pain"),
    2: (("V11",), "an add-on that calms the nervous system (pain education stands in for the calming minutes)"),
    3: ((), "transition practice: no trial tests it on its own (evidence row I3-5 is a gap)"),
    4: (("V2", "V8", "V10"), "dose, and flares (new episodes and recurrences) with and without ongoing exercise"),
    5: (("V1", "V6", "V7", "V9"), "doing the sessions (supervised against home), the size of the home effect, and "
                                  "what is left once practice stops"),
}
_MEANING = {
    "none": "No published figure tests this idea: the simulation shows only what its assumptions imply.",
    "within": "Every figure that bears on this idea agrees with the model: read its conclusion as consistent "
              "with trials (still not proof, and only as far as these questions go).",
    "direction right": "The model gets the direction but not the size: read its numbers as an illustration of which "
                       "way things go, not of how much.",
    "wrong": "At least one figure contradicts the model here: treat the simulated conclusion for this idea as an "
             "assumption to question, not a finding.",
}


def insight_verdicts(table: pd.DataFrame) -> pd.DataFrame:
    """For each of the five ideas: the validation rows that bear on it (:data:`INSIGHT_ROWS`), their verdicts in
    ``table`` (a :func:`~spinelib.sim.validation.validation_table`), the worst of them and what that means for
    the idea's conclusion."""
    verdicts = dict(zip(table["id"], table["verdict"]))
    order = ("within", "direction right", "wrong")
    rows = []
    for number_, (ids, tests) in INSIGHT_ROWS.items():
        found = [(i, verdicts[i]) for i in ids if i in verdicts]
        worst = max((v for _, v in found), key=order.index) if found else "none"
        rows.append({"idea": number_, "title": INSIGHT_TITLES[number_], "what the figures test": tests,
                     "figures (verdict)": ", ".join(f"{i} ({v})" for i, v in found) or "-",
                     "worst": worst, "what it means": _MEANING[worst]})
    return pd.DataFrame(rows)


# --- drawing --------------------------------------------------------------------------------------
def _row_axis(ax, row, null, default=None, keep=False):
    """One published figure on its own axis: interval, point, no-effect line; the model's range and mean.

    ``keep``: keep the axis' x range while what it shows fits in it and spans at least a third of it, and give a
    range that was outgrown room on that side (a redraw on a slider move: the x axis, which a kept figure holds as a
    bitmap, then need not be drawn again)."""
    ax.plot([row.lo, row.hi], [0, 0], color="#9e9e9e", lw=6, solid_capstyle="butt", zorder=1)
    ax.plot([row.published], [0], "k|", ms=14, mew=2, zorder=2)
    ax.axvline(null, color="#616161", ls=":", lw=1)
    colour = VERDICT_COLOURS.get(row.verdict, "k")
    ax.plot([row.model_min, row.model_max], [0.25, 0.25], color=colour, lw=2, zorder=3)
    ax.plot([row.model], [0.25], "o", color=colour, ms=6, zorder=4)
    if default is not None:
        ax.plot([default], [0.25], "o", mfc="none", mec="#424242", ms=7, zorder=4)
    xs = [row.lo, row.hi, row.model_min, row.model_max, null] + ([default] if default is not None else [])
    xs = [x for x in xs if x is not None and math.isfinite(x)]
    lo_x, hi_x = min(xs), max(xs)
    span = (hi_x - lo_x) or 1.0
    k0, k1 = ax.get_xlim()
    inner = 0.03 * (k1 - k0)
    if not (keep and k0 + inner <= lo_x and hi_x <= k1 - inner and hi_x - lo_x >= (k1 - k0) / 3):
        x0, x1 = lo_x - 0.08 * span, hi_x + 0.08 * span
        if keep:  # outgrown on a redraw: room on that side for the next moves the same way
            x0, x1 = x0 - 0.5 * span * (lo_x < k0 + inner), x1 + 0.5 * span * (hi_x > k1 - inner)
        ax.set_xlim(x0, x1)
    ax.set_ylim(-0.4, 0.6)
    ax.set_yticks([])
    ax.set_ylabel(f"{row.id}", rotation=0, ha="right", va="center", fontsize=9)
    ax.set_title(f"{row.topic} ({row.source}): {row.verdict}", fontsize=8.5, loc="left", color=colour, pad=2)
    ax.tick_params(axis="x", labelsize=7.5)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)


def validation_plot(table: pd.DataFrame, defaults: dict | None = None, figsize=None):
    """The validation table as small multiples: per figure, the published interval (grey bar), its point
    (black tick), no effect (dotted), and the model's range over the seeds with its mean (coloured by
    verdict). ``defaults``: id -> a model value to show as an open circle (e.g. before a refit)."""
    nulls = load_validation().set_index("id")["null"]
    n = len(table)
    fig, axes = plt.subplots(n, 1, figsize=figsize or (7.5, 0.78 * n + 0.6), squeeze=False, layout="constrained")
    for ax, row in zip(axes[:, 0], table.itertuples()):
        _row_axis(ax, row, float(nulls[row.id]), (defaults or {}).get(row.id))
    fig.suptitle("Published interval (grey) and point (black); dotted: no effect; model mean and range over seeds "
                 "(colour: green within, orange direction right, red wrong)",
                 fontsize=9)
    return fig


def _clear(ax):
    """Remove what an axis shows (lines, bands, legend) and keep the axis itself: its setters are run again by the
    redraw, which is much cheaper than ``ax.cla()`` and keeps the layout settled on the first draw."""
    for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()


def _fit_plot(res: FitResult, linked: pd.DataFrame, before: dict, fig=None):
    """The fit (left) and the linked validation rows (right). ``fig``: a figure made by this function for the same
    target, redrawn in place (its layout kept), which is what the widget does on every move of the slider."""
    n = max(1, len(linked))
    redraw = fig is not None
    if fig is None:
        fig = plt.figure(figsize=(10, max(3.0, 0.95 * n + 0.9)), layout="constrained")
        grid = fig.add_gridspec(n, 2, width_ratios=(1.05, 1))
        fig.add_subplot(grid[:, 0])
        for i in range(len(linked)):
            fig.add_subplot(grid[i, 1])
    fit = FITS[res.target]
    ax = fig.axes[0]
    _clear(ax)
    t = res.tried
    ax.plot(t[res.parameter], t[res.target], "o-", color="#546e7a", ms=4, lw=1, label="model, tried")
    ax.axhline(res.wanted, color="#1565c0", lw=1.5, label="wanted target")
    ax.axvline(res.default, color="#9e9e9e", ls="--", lw=1, label="default parameter")
    if res.value is not None:
        ax.plot([res.value], [res.reached], "*", color="#1565c0", ms=14,
                label="calibrated" if res.calibrated else "refitted")
    ax.set_xlabel(fit.parameter_words)
    ax.set_ylabel(fit.label)
    ax.set_title("the fit: the parameter that carries the target", fontsize=10)
    ax.legend(fontsize=8, loc="best")
    ax.relim()
    ax.autoscale_view()
    nulls = load_validation().set_index("id")["null"]
    for row_ax, row in zip(fig.axes[1:], linked.itertuples()):
        _clear(row_ax)
        _row_axis(row_ax, row, float(nulls[row.id]), before.get(row.id), keep=redraw)
    return fig


class TrustWidget(SimulationWidget):
    """Move a calibration target and watch the fit, and the validation, move.

    Controls: ``target`` (a calibration target from :func:`available_fits`) and ``wanted`` (its value).
    ``.result`` holds ``fit`` (a :class:`FitResult`), ``linked`` (the validation rows tied to the target,
    refitted, one seed) and ``before`` (their values at the default parameters).
    """

    title = "Move a calibration target"
    help = ("Choose a target the model was fitted to and a new value for it. At the calibration's own value the "
            "parameter keeps its calibrated default; any other value refits the parameter that carries the target "
            "(a small cohort, one seed). The validation figures linked to it: open circle = default fit, coloured "
            "dot = after the refit.")
    marker = "refitted"

    def __init__(self, target: str | None = None, wanted=None, people: int = 200, seed: int = 1):
        super().__init__(people=people, days=84, seed=seed)
        names = available_fits()
        if not names:
            raise InputError("target", "a calibration target the widget knows (none is left in the model)")
        target = names[0] if target is None else target
        if target not in names:
            raise InputError("target", fmt_allowed(names), target)
        fit = FITS[target]
        self._points: dict = {}
        self._done: dict = {}  # (target, wanted) -> (fit, linked rows): a slider moved back and forth runs nothing
        self._rows: dict = {}  # (target, refitted value) -> linked rows: nearby wanted values often share one
        # target -> its linked rows at the default fit (the open circles, and the rows shown at the calibration's own
        # value): run for every target when the widget is made, so changing the target runs no validation
        self._defaults: dict = {n: self.linked_rows(n, None) for n in names}
        self._figures: dict = {}  # target -> its KeptFigure: made (its layout settled) once, then redrawn in place
        self.target = widgets.Dropdown(options=[(FITS[n].label, n) for n in names], value=target,
                                       description="target", style=WIDE, layout=widgets.Layout(width="420px"))
        self.wanted = widgets.FloatSlider(value=self.default_wanted(target) if wanted is None else float(wanted),
                                          min=fit.lo, max=fit.hi, step=fit.step, description="wanted value",
                                          continuous_update=False, style=WIDE, layout=widgets.Layout(width="420px"),
                                          readout_format=".3g")
        self.target.observe(self._new_target, names="value")
        self.setup(["target", "wanted"])

    @staticmethod
    def default_wanted(target: str) -> float:
        """The calibration's own wanted value for ``target`` (:func:`calibration_value`)."""
        return calibration_value(target)

    def _new_target(self, change):
        fit = FITS[change["new"]]
        with self.hold():
            self.wanted.min, self.wanted.max = min(fit.lo, self.wanted.min), max(fit.hi, self.wanted.max)
            self.wanted.step = fit.step
            self.wanted.value = self.default_wanted(change["new"])
            self.wanted.min, self.wanted.max = fit.lo, fit.hi

    def forget(self, *, runs: bool = True) -> None:
        """Forget the refits and their linked rows (``runs``); the default fit's rows, run when the widget was made,
        are kept."""
        super().forget(runs=runs)
        if runs:
            self._points.clear()
            self._done.clear()
            self._rows.clear()

    def linked_rows(self, target: str, params) -> pd.DataFrame:
        """The validation rows linked to ``target`` at ``params`` (one seed, this widget's cohort)."""
        return validation_table(seeds=1, people=max(self.people, 200), params=params, ids=list(FITS[target].linked))

    def _linked_at(self, target: str, value: float | None) -> pd.DataFrame:
        """The linked rows with the target's parameter at ``value`` (None: the default fit), run once per value."""
        if value is None:
            return self._defaults[target]
        key = (target, round(float(value), 12))
        if key not in self._rows:
            self._rows[key] = self.linked_rows(target, Params().replace(**{FITS[target].parameter: float(value)}))
        return self._rows[key]

    def compute(self, target, wanted):
        t0 = time.perf_counter()  # all of this is simulation (the refit's measures and the linked rows)
        key = (target, round(float(wanted), 9))
        if key not in self._done:
            own = self.default_wanted(target)
            if math.isclose(float(wanted), own, rel_tol=1e-9, abs_tol=1e-12):
                # the calibration's own value: the calibrated model, nothing to refit
                res = calibrated_fit(target, people=self.people, seed=self.seed, cache=self._points)
                self._done[key] = (res, self._linked_at(target, None))
            else:
                res = refit(target, wanted, people=self.people, seed=self.seed, cache=self._points)
                self._done[key] = (res, self._linked_at(target, res.value))
        res, linked = self._done[key]
        t = self._defaults[target]
        self.sim_seconds += time.perf_counter() - t0
        return {"fit": res, "linked": linked, "before": dict(zip(t["id"], t["model"]))}

    def show(self, r):
        res = r["fit"]
        fit = FITS[res.target]  # plain words in the messages, never the internal names of target or parameter
        if res.calibrated:
            self.show_text(f"At the calibration's own value of the {fit.label}, {res.wanted:.3g}, the "
                           f"{fit.parameter_words} keeps its "
                           f"calibrated value {res.default:.3g} (fitted on large cohorts); this widget's small cohort "
                           f"({self.people} people, one seed) gives {res.reached:.3g} there. Move the slider to refit "
                           "it.", kind="info")
        elif res.reachable:
            self.show_text(f"To bring the {fit.label} to {res.wanted:.3g}, the {fit.parameter_words} moves from "
                           f"{res.default:.3g} to {res.value:.3g} (the model then gives {res.reached:.3g}). "
                           "A good fit says nothing yet about the figures on the right.", kind="info")
        else:
            self.show_text(f"No value of the {fit.parameter_words} in its allowed range "
                           f"{res.bounds[0]:g}-{res.bounds[1]:g} brings the {fit.label} to {res.wanted:.3g}: the "
                           f"model reaches only {res.range_reached[0]:.3g} to {res.range_reached[1]:.3g}. The "
                           "validation rows stay at the default fit.", kind="warn")
        # one figure per target, made (and its layout settled) once, then redrawn in place on each move and kept
        # while another target is shown; the rows' (left) titles carry their verdicts, which change with the
        # slider: drawn with the data
        self.kept = self._figures.setdefault(res.target, KeptFigure())
        self.show_kept(res.target, lambda: _fit_plot(res, r["linked"], r["before"]),
                       lambda fig: _fit_plot(res, r["linked"], r["before"], fig=fig), titles_change=("left",))
        counts = r["linked"]["verdict"].value_counts().to_dict()
        self.show_text(("Linked validation figures at the calibrated fit: " if res.calibrated
                        else "Linked validation figures after the refit: ")
                       + ", ".join(f"{k}: {v}" for k, v in counts.items()) + ".")


def trust_widget(**kw) -> TrustWidget:
    """The calibration-target widget (notebook 07)."""
    return TrustWidget(**kw)
