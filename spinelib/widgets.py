"""Widget builders for notebooks 00-03, and the small base classes every workbook widget uses.

Each builder returns an object whose controls are attributes and whose last result is
``.result``, so code (and tests) can drive it without a browser::

    w = breathing_pacer()
    w.minutes.value = 12        # the callback runs, as if a person had typed 12
    w.result["timing"]          # what the widget now shows

Models are kept apart from widgets: the pure functions at the top of this module
(``breath_timing``, ``breathing_pattern``, ``evening_routine``, ``filter_catalogue``,
``transition_day``) are plain functions returning plain data; the widget classes only
collect control values, call a model and draw the result into an ``ipywidgets.Output``.

Writing a new widget (notebooks 04-06 do this in ``planner_widgets.py``)::

    class MyWidget(SpineWidget):           # or SimulationWidget for cohort simulations
        def __init__(self):
            super().__init__()
            self.minutes = widgets.IntSlider(value=15, min=0, max=60, continuous_update=False)
            self.setup(["minutes"])        # observe the controls, build .ui, draw once

        def compute(self, minutes):        # pure: raise InputError for bad values
            ...
            return result

        def show(self, result):            # draw into the Output (figures are closed for you)
            self.show_figure(some_plot(result))

Errors raised by ``compute`` or ``show`` never reach the person as a traceback: the widget
shows a one-line message (``.error`` / ``.message``) and sets ``.result`` to ``None``.
After every update the Output ends with a short text marker (``rendered: minutes=12``, or
``error: ...``) that browser tests can wait for.
"""
from __future__ import annotations

import html
import math
import time
from collections.abc import Iterable

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import HTML, clear_output, display

from .errors import InputError

__all__ = [
    "SpineWidget",
    "SimulationWidget",
    "one_line",
    "in_kernel",
    # models
    "parse_ratio",
    "breath_timing",
    "breathing_pattern",
    "evening_routine",
    "filter_catalogue",
    "transition_day",
    # builders
    "red_flag_screen",
    "catalogue_explorer",
    "breathing_pacer",
    "micro_strength_sim",
    "calm_first_sim",
    "transitions_calculator",
    "RedFlagScreen",
    "CatalogueExplorer",
    "BreathingPacer",
    "MicroStrengthSim",
    "CalmFirstSim",
    "TransitionsCalculator",
    # helpers for simulation widgets
    "plan_frame",
    "compare_people",
    "available_states",
]


# ====================================================================== base classes
def one_line(exc: BaseException) -> str:
    """The first line of an exception's message, for showing to a person.

    >>> one_line(InputError("minutes", "from 1 to 30", 0))
    'minutes: must be from 1 to 30 (got 0)'
    >>> one_line(ValueError("first\\nsecond"))
    'first'
    """
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if not isinstance(exc, (InputError, ValueError, KeyError, TypeError)):
        text = f"{type(exc).__name__}: {text}"
    return text.strip().strip("'\"") if isinstance(exc, KeyError) else text


def in_kernel() -> bool:
    """True inside a Jupyter kernel (where displaying a figure means sending a PNG)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (tuple, list)):
        return "-".join(_fmt(x) for x in v)
    return str(v).replace(" ", "_") if v != "" else "''"


class SpineWidget:
    """Base class: controls as attributes, an ``Output``, ``.result``, one-line errors.

    Subclasses create their controls, call :meth:`setup` with the control names, and
    implement :meth:`compute` (pure) and :meth:`show` (drawing). Useful attributes:

    - ``ui``: the ipywidgets container (displaying the object displays it);
    - ``out``: the ``Output`` the callback writes into;
    - ``result``: the last result (``None`` after an error);
    - ``error``: the last one-line error message or ``None``; ``message`` the last text shown;
    - ``figures``: the matplotlib figures drawn by the last update (already closed);
    - ``seconds``: wall time of the last update; ``updates``: how many updates ran.
    """

    marker = "rendered"
    title = ""
    help = ""

    def __init__(self):
        self.out = widgets.Output()
        self.status = widgets.HTML(value="")
        self.result = None
        self.error: str | None = None
        self.message = ""
        self.figures: list = []
        self.seconds: float | None = None
        self.updates = 0
        self._names: tuple[str, ...] = ()
        self.ui = None

    # -- wiring ------------------------------------------------------------------
    def setup(self, names: Iterable[str], *, layout=None, run: bool = True):
        """Observe the named controls, build ``self.ui`` and (by default) draw once."""
        self._names = tuple(names)
        for n in self._names:
            getattr(self, n).observe(self._on_change, names="value")
        header = []
        if self.title:
            header.append(widgets.HTML(f"<b>{html.escape(self.title)}</b>"))
        if self.help:
            header.append(widgets.HTML(f"<span style='color:#555'>{html.escape(self.help)}</span>"))
        controls = layout if layout is not None else widgets.VBox([getattr(self, n) for n in self._names])
        self.ui = widgets.VBox([*header, controls, self.status, self.out])
        if run:
            self.update()
        return self

    @property
    def controls(self) -> dict:
        """The controls by name."""
        return {n: getattr(self, n) for n in self._names}

    @property
    def values(self) -> dict:
        """The current control values by name."""
        return {n: getattr(self, n).value for n in self._names}

    def set(self, **values):
        """Set several controls at once and update once; returns the new result."""
        with self.hold():
            for k, v in values.items():
                if k not in self._names:
                    raise InputError(k, "one of the controls " + ", ".join(self._names), k)
                getattr(self, k).value = v
        return self.update()

    def hold(self):
        """Context manager: change controls without one update per change."""
        outer = self

        class _Hold:
            def __enter__(self):
                outer._held = True

            def __exit__(self, *exc):
                outer._held = False
                return False

        return _Hold()

    def _on_change(self, change=None):
        if getattr(self, "_held", False):
            return
        self.update()

    # -- the update cycle --------------------------------------------------------
    def compute(self, **values):  # pragma: no cover - abstract
        raise NotImplementedError

    def show(self, result):  # pragma: no cover - default: show nothing
        pass

    def marker_text(self, values: dict) -> str:
        """The text marker printed after a successful update."""
        return f"{self.marker}: " + " ".join(f"{k}={_fmt(v)}" for k, v in values.items())

    def update(self, change=None):
        """Read the controls, compute, draw; errors become a one-line message."""
        t0 = time.perf_counter()
        values = self.values
        self.figures = []
        self.updates += 1
        with self.out:
            if in_kernel():
                clear_output(wait=True)
            try:
                result = self.compute(**values)
                self.result = result
                self.error = None
                self.show(result)
            except Exception as exc:  # shown to the person, never a traceback
                self.result = None
                self.error = one_line(exc)
                self.message = self.error
                self.show_error(self.error)
                print(f"error: {self.error}")
            else:
                print(self.marker_text(values))
        self.seconds = time.perf_counter() - t0
        return self.result

    # -- drawing helpers (use inside show) -----------------------------------------
    def show_text(self, text: str, *, kind: str = "info"):
        """A short paragraph; ``kind`` is info, ok, warn or stop (colours the box)."""
        colours = {"info": ("#f4f6f8", "#333"), "ok": ("#e8f5e9", "#1b5e20"),
                   "warn": ("#fff8e1", "#6d4c00"), "stop": ("#fdecea", "#8a1c13")}
        bg, fg = colours.get(kind, colours["info"])
        self.message = text
        self._display(HTML(f"<div class='spinelib-{kind}' style='background:{bg};color:{fg};"
                           f"padding:6px 10px;border-radius:4px;margin:4px 0'>{html.escape(text)}</div>"))

    def show_error(self, text: str):
        self.show_text("Please check: " + text, kind="warn")
        self.message = text

    def show_figure(self, fig):
        """Display a matplotlib figure in the Output and close it (no duplicate at cell end)."""
        import matplotlib.pyplot as plt

        self.figures.append(fig)
        self._display(fig)
        plt.close(fig)

    def show_png(self, fig):
        """Display a figure that the widget keeps and redraws (not closed): one PNG draw."""
        from IPython.display import Image

        from .plots import figure_png

        self.figures.append(fig)
        if in_kernel():
            display(Image(figure_png(fig)))

    def show_frame(self, frame: pd.DataFrame, **to_html):
        """Display a DataFrame as a compact HTML table (no index)."""
        opts = {"index": False, "escape": True, "border": 0}
        opts.update(to_html)
        self._display(HTML(frame.to_html(**opts)))

    @staticmethod
    def _display(obj):
        if in_kernel():
            display(obj)

    # -- display the object itself ---------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        return self.ui._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        state = f"error={self.error!r}" if self.error else f"updates={self.updates}"
        return f"<{type(self).__name__} {state} values={self.values}>"


class SimulationWidget(SpineWidget):
    """Base for widgets that run the cohort simulator on each change.

    Keeps each update fast (a small cohort: ``people`` x ``days``, fixed ``seed``) and caches
    runs that do not depend on the controls (a comparison scenario) in ``self._cache``.
    ``self.sim_seconds`` is the time the last update spent simulating.
    """

    marker = "rendered"

    def __init__(self, people: int = 300, days: int = 84, seed: int = 1):
        super().__init__()
        self.people, self.days, self.seed = int(people), int(days), int(seed)
        self._cache: dict = {}
        self.sim_seconds = 0.0

    def simulate(self, what, *, cache_key=None, **kwargs):
        """Run ``spinelib.simulate.simulate`` with this widget's cohort size and seed.

        ``cache_key``: when given, the run is kept and reused (for runs that do not
        depend on the controls).
        """
        from .simulate import simulate

        if cache_key is not None and cache_key in self._cache:
            return self._cache[cache_key]
        t0 = time.perf_counter()
        kwargs.setdefault("people", self.people)
        kwargs.setdefault("days", self.days)
        kwargs.setdefault("seed", self.seed)
        res = simulate(what, **kwargs)
        self.sim_seconds += time.perf_counter() - t0
        if cache_key is not None:
            self._cache[cache_key] = res
        return res

    def update(self, change=None):
        self.sim_seconds = 0.0
        return super().update(change)

    def show_bands(self, results: dict, states, figsize=None):
        """Cohort bands of ``results`` for ``states``: the first call makes the figure, later
        calls redraw its data in place (faster than a new figure on every slider move)."""
        import matplotlib.pyplot as plt

        from .plots import cohort_bands, update_cohort_bands

        states = tuple(states)
        key = (states, tuple(results))
        fig = getattr(self, "_bands_fig", None)
        if fig is None or getattr(self, "_bands_key", None) != key:
            if fig is not None:
                plt.close(fig)
            fig = cohort_bands(results, states=states, weeks=True, figsize=figsize or (3.3 * len(states), 2.9))
            fig.canvas.draw()             # settle the constrained layout once ...
            fig.set_layout_engine(None)    # ... then keep it fixed ("none" would leave a placeholder that draws twice)
            plt.close(fig)                 # not shown again by the inline backend at cell end
            self._bands_fig, self._bands_key = fig, key
        else:
            update_cohort_bands(fig, results, states, weeks=True)
        self.show_png(fig)


# ====================================================================== models (pure)
def _number(value, field: str, lo: float, hi: float, *, whole: bool = False) -> float:
    """A number within [lo, hi] from a control value or typed text, else an InputError."""
    allowed = f"{'a whole number' if whole else 'a number'} from {lo:g} to {hi:g}"
    if value is None or (isinstance(value, str) and value.strip() == ""):
        raise InputError(field, allowed + " (the box is empty)")
    try:
        x = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise InputError(field, allowed, value) from None
    if not math.isfinite(x) or x < lo or x > hi or (whole and x != int(x)):
        raise InputError(field, allowed, value)
    return int(x) if whole else x


def parse_ratio(text) -> tuple[float, float]:
    """Parse an inhale:exhale ratio such as ``"1:2"`` into ``(inhale, exhale)`` parts.

    >>> parse_ratio("1:2")
    (1.0, 2.0)
    >>> parse_ratio(" 2 : 3 ")
    (2.0, 3.0)
    >>> try:
    ...     parse_ratio("")
    ... except InputError as e:
    ...     print(e)
    inhale:exhale ratio: must be two positive numbers such as 1:2 (the box is empty)
    """
    allowed = "two positive numbers such as 1:2"
    if text is None or str(text).strip() == "":
        raise InputError("inhale:exhale ratio", allowed + " (the box is empty)")
    parts = str(text).replace("/", ":").split(":")
    if len(parts) != 2:
        raise InputError("inhale:exhale ratio", allowed, text)
    try:
        a, b = (float(p.strip().replace(",", ".")) for p in parts)
    except ValueError:
        raise InputError("inhale:exhale ratio", allowed, text) from None
    if not (math.isfinite(a) and math.isfinite(b)) or a <= 0 or b <= 0:
        raise InputError("inhale:exhale ratio", allowed, text)
    if not 0.2 <= b / a <= 5:
        raise InputError("inhale:exhale ratio", "between 5:1 and 1:5", text)
    return a, b


def breath_timing(breaths_per_min, ratio="1:2") -> dict:
    """Seconds per breath, per inhale and per exhale for a breathing rate and ratio.

    >>> breath_timing(6, "1:2")
    {'breaths_per_min': 6.0, 'cycle_s': 10.0, 'inhale_s': 3.33, 'exhale_s': 6.67}
    """
    bpm = _number(breaths_per_min, "breaths per minute", 3, 20)
    a, b = parse_ratio(ratio) if isinstance(ratio, str) else tuple(map(float, ratio))
    cycle = 60.0 / bpm
    return {"breaths_per_min": bpm, "cycle_s": round(cycle, 2),
            "inhale_s": round(cycle * a / (a + b), 2), "exhale_s": round(cycle * b / (a + b), 2)}


def breathing_pattern(breaths_per_min, ratio="1:2", seconds: float = 60, step: float = 0.1) -> pd.DataFrame:
    """The breathing pattern as a time series: ``seconds``, ``volume`` (0-1), ``phase``.

    The breath fills along a half cosine during the inhale and empties during the exhale.

    >>> p = breathing_pattern(6, "1:2", seconds=10)
    >>> round(float(p["volume"].max()), 2), p.loc[p["seconds"] < 3.3, "phase"].unique().tolist()
    (1.0, ['inhale'])
    """
    bpm = breath_timing(breaths_per_min, ratio)["breaths_per_min"]
    a, b = parse_ratio(ratio) if isinstance(ratio, str) else tuple(map(float, ratio))
    secs = np.round(np.arange(0, float(seconds) + step / 2, step), 6)
    cycle = 60.0 / bpm
    ins = cycle * a / (a + b)
    pos = np.mod(secs, cycle)
    inhale = pos < ins
    vol = np.where(inhale, 0.5 - 0.5 * np.cos(np.pi * pos / ins),
                   0.5 + 0.5 * np.cos(np.pi * (pos - ins) / (cycle - ins)))
    return pd.DataFrame({"seconds": secs, "volume": vol, "phase": np.where(inhale, "inhale", "exhale")})


def _mmss(minutes: float) -> str:
    s = int(round(minutes * 60))
    return f"{s // 60:02d}:{s % 60:02d}"


def evening_routine(minutes, breaths_per_min=6, ratio="1:2", catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """A timed evening calming routine that fills ``minutes`` (1-30).

    It opens with paced breathing lying on the back with the knees supported (about a third of
    the time), then adds down-regulation drills from the catalogue (supported positions first,
    lowest load first) while they fit, and closes with a minute of paced breathing.
    Columns: ``step, start, end, minutes, exercise_id, name, position, how``.
    """
    total = _number(minutes, "minutes", 1, 30)
    t = breath_timing(breaths_per_min, ratio)
    pace = f"{t['breaths_per_min']:g} breaths/min: in {t['inhale_s']:g} s, out {t['exhale_s']:g} s"
    if catalogue is None:
        from .catalogue import load_catalogue

        catalogue = load_catalogue()
    calm = catalogue[catalogue["category"] == "down_regulation"].copy()
    order = {"lying": 0, "side-lying": 1, "quadruped": 2, "seated": 3, "standing": 4}
    calm["_rank"] = calm["position"].map(order).fillna(5)
    calm = calm.sort_values(["_rank", "load_level", "minutes", "id"])
    rows = []
    open_min = max(1.0, round(total / 3 * 2) / 2)  # about a third, in half minutes
    close_min = 1.0 if total - open_min >= 2 else 0.0
    rows.append(("paced_breathing", "Paced breathing, knees supported", "lying", open_min, pace))
    left = total - open_min - close_min
    for r in calm.itertuples():
        m = float(r.minutes)
        if m <= left + 1e-9:
            cues = r.cues if isinstance(r.cues, list) else [str(r.cues)]
            rows.append((r.id, r.name, r.position, m, "; ".join(cues)))
            left -= m
    if close_min:
        rows.append(("paced_breathing", "Paced breathing to finish", "lying", close_min + left, pace))
        left = 0.0
    else:
        first = rows[0]
        rows[0] = (*first[:3], first[3] + left, first[4])
    frame = pd.DataFrame(rows, columns=["exercise_id", "name", "position", "minutes", "how"])
    end = frame["minutes"].cumsum()
    frame.insert(0, "step", range(1, len(frame) + 1))
    frame.insert(1, "start", [_mmss(x) for x in end - frame["minutes"]])
    frame.insert(2, "end", [_mmss(x) for x in end])
    return frame


_ANY = ""
_WIDE = {"description_width": "initial"}


def filter_catalogue(catalogue: pd.DataFrame | None = None, *, category=_ANY, target=_ANY, position=_ANY,
                     equipment=_ANY, load=(1, 5), search="") -> pd.DataFrame:
    """Exercises matching every filter (an empty string means any).

    ``target`` matches a word in the targets, ``equipment`` keeps exercises that use that
    item, ``load`` is an inclusive (low, high) range of load levels, ``search`` looks in
    the name and cues.
    """
    if catalogue is None:
        from .catalogue import load_catalogue

        catalogue = load_catalogue()
    lo, hi = (int(load[0]), int(load[1])) if isinstance(load, (tuple, list)) else (1, int(load))
    if lo > hi:
        raise InputError("load level", "a range whose low end is not above its high end", f"{lo}-{hi}")
    df = catalogue
    keep = df["load_level"].between(lo, hi)
    if category:
        keep &= df["category"] == category
    if position:
        keep &= df["position"] == position
    if target:
        t = str(target).strip().lower()
        keep &= df["targets"].map(lambda xs: any(t in str(x).lower() for x in xs))
    if equipment:
        keep &= df["equipment"].map(lambda xs: equipment in xs)
    if search and str(search).strip():
        s = str(search).strip().lower()
        keep &= (df["name"].str.lower().str.contains(s, regex=False)
                 | df["cues"].map(lambda xs: any(s in str(c).lower() for c in xs)))
    return df[keep].sort_values(["category", "load_level", "name"]).reset_index(drop=True)


# Typical counts for the transitions calculator (a person can change every one).
TRANSITIONS = {
    "bed": "getting in or out of bed",
    "sit_to_stand": "standing up from a chair or sofa",
    "car": "getting into or out of a car",
    "floor": "getting down to the floor and up again",
    "lift": "bending to pick something up",
}


def transition_day(bed=2, sit_to_stand=12, car=2, floor=1, lift=8, sitting_hours=7.0, break_every_min=45,
                   practice_minutes=5, days_per_week=7) -> dict:
    """Count a day's transitions and sitting blocks, and what a practice dose adds up to.

    Returns ``per_day`` (total transitions), ``per_week``, ``longest_sitting_h`` (the longest
    unbroken sit when you stand up every ``break_every_min`` minutes), ``sitting_breaks``,
    ``long_sitting`` (more than 6 hours sat, the OR 4.4 row I3-3), ``practice_reps_week``
    (rehearsals at about 6 per minute of practice) and ``practice_share`` (rehearsals a week
    per everyday transition a week).

    >>> d = transition_day(bed=2, sit_to_stand=10, car=2, floor=0, lift=6, sitting_hours=8, break_every_min=60)
    >>> d["per_day"], d["sitting_breaks"], d["long_sitting"]
    (20, 7, True)
    """
    counts = {k: _number(v, k.replace("_", " "), 0, 200, whole=True)
              for k, v in dict(bed=bed, sit_to_stand=sit_to_stand, car=car, floor=floor, lift=lift).items()}
    sit = _number(sitting_hours, "sitting hours", 0, 18)
    every = _number(break_every_min, "break every (minutes)", 10, 600)
    practice = _number(practice_minutes, "practice minutes", 0, 30)
    days = _number(days_per_week, "days per week", 0, 7, whole=True)
    per_day = int(sum(counts.values()))
    breaks = max(0, math.ceil(sit * 60 / every) - 1) if sit > 0 else 0
    reps_week = int(round(practice * 6 * days))
    return {
        "counts": counts,
        "per_day": per_day,
        "per_week": per_day * 7,
        "sitting_hours": sit,
        "sitting_breaks": breaks,
        "longest_sitting_h": round(min(sit, every / 60), 2),
        "long_sitting": sit > 6,
        "practice_minutes": practice,
        "practice_reps_week": reps_week,
        "practice_share": round(reps_week / (per_day * 7), 2) if per_day else float("nan"),
    }


# ====================================================================== notebook 00
class RedFlagScreen(SpineWidget):
    """Nine yes/no questions. A yes shows the referral message and nothing else.

    Controls: one ``ToggleButtons`` per question id (``w.fever_unwell.value = "yes"``);
    ``.result`` is the :class:`~spinelib.redflags.RedFlagResult`.
    """

    marker = "screened"
    title = "Safety first: red-flag screen"
    help = "Answer each question. Any yes means: see a clinician before you start."

    def __init__(self):
        super().__init__()
        from .redflags import RED_FLAG_QUESTIONS

        self.questions = RED_FLAG_QUESTIONS
        rows = []
        for qid, text in RED_FLAG_QUESTIONS.items():
            tb = widgets.ToggleButtons(options=[("not yet", ""), ("no", "no"), ("yes", "yes")], value="",
                                       style={"button_width": "90px"}, layout=widgets.Layout(width="auto"))
            setattr(self, qid, tb)
            rows.append(widgets.VBox([widgets.HTML(f"<span>{html.escape(text)}</span>"), tb],
                                     layout=widgets.Layout(margin="0 0 6px 0")))
        self.setup(list(RED_FLAG_QUESTIONS), layout=widgets.VBox(rows))

    def compute(self, **answers):
        from .redflags import screen_red_flags

        return screen_red_flags(answers)

    def marker_text(self, values):
        r = self.result
        state = "referral" if r.referral else "clear" if r.clear else "incomplete"
        return f"{self.marker}: {state} yes={len(r.positives)} unanswered={len(r.unanswered)}"

    def show(self, result):
        if result.referral:  # the message and nothing else
            self.show_text(result.message, kind="stop")
        elif result.clear:
            self.show_text(result.message + " Go on to notebook 01.", kind="ok")
        else:
            self.show_text(result.message, kind="info")


def red_flag_screen() -> RedFlagScreen:
    """The red-flag screen widget for notebook 00."""
    return RedFlagScreen()


# ====================================================================== notebook 01
class CatalogueExplorer(SpineWidget):
    """Filter the exercise catalogue; shows each match with its dosage and cues.

    Controls: ``category``, ``target``, ``position``, ``equipment`` (dropdowns, "" = any),
    ``load`` (a 1-5 range slider) and ``search`` (free text). ``.result`` is the filtered
    DataFrame.
    """

    marker = "filtered"
    title = "Exercise catalogue explorer"
    help = "Narrow the list with the filters; each card shows the dosage and the cues."

    def __init__(self, category: str = "micro_strength", max_rows: int = 8):
        super().__init__()
        from .catalogue import CATEGORIES, EQUIPMENT, POSITIONS, load_catalogue

        self.catalogue = load_catalogue()
        self.max_rows = max_rows
        targets = sorted({t for ts in self.catalogue["targets"] for t in ts})
        any_ = [("any", _ANY)]
        self.category = widgets.Dropdown(options=any_ + [(c.replace("_", " "), c) for c in CATEGORIES],
                                         value=category, description="category")
        self.target = widgets.Dropdown(options=any_ + [(t, t) for t in targets], value=_ANY, description="target")
        self.position = widgets.Dropdown(options=any_ + [(p, p) for p in POSITIONS], value=_ANY, description="position")
        self.equipment = widgets.Dropdown(options=any_ + [(e, e) for e in EQUIPMENT], value=_ANY,
                                          description="equipment")
        self.load = widgets.IntRangeSlider(style=_WIDE, value=(1, 5), min=1, max=5, description="load level",
                                           continuous_update=False)
        self.search = widgets.Text(value="", placeholder="word in name or cues", description="search",
                                   continuous_update=False)
        grid = widgets.HBox([widgets.VBox([self.category, self.target, self.position]),
                             widgets.VBox([self.equipment, self.load, self.search])])
        self.setup(["category", "target", "position", "equipment", "load", "search"], layout=grid)

    def compute(self, **f):
        return filter_catalogue(self.catalogue, **f)

    def marker_text(self, values):
        return f"{self.marker}: {len(self.result)} exercises " + " ".join(
            f"{k}={_fmt(v)}" for k, v in values.items() if v not in ("", None))

    def show(self, df):
        if df.empty:
            self.show_text("No exercise matches all these filters. Set one of them back to 'any' "
                           "or widen the load range.", kind="info")
            return
        self.show_text(f"{len(df)} exercise(s) match." + (f" Showing the first {self.max_rows}." if len(df) > self.max_rows else ""))
        cards = []
        for r in df.head(self.max_rows).itertuples():
            cues = "".join(f"<li>{html.escape(c)}</li>" for c in r.cues)
            caution = f"<br><i>Caution: {html.escape(r.cautions)}</i>" if isinstance(r.cautions, str) and r.cautions else ""
            cards.append(
                f"<div style='border:1px solid #ddd;border-radius:4px;padding:6px 10px;margin:4px 0'>"
                f"<b>{html.escape(r.name)}</b> <span style='color:#555'>({html.escape(r.category.replace('_', ' '))}; "
                f"{html.escape(r.position)}; load {r.load_level}/5, control {r.control_demand}/5; "
                f"equipment: {html.escape(', '.join(r.equipment))})</span><br>"
                f"Dosage: {html.escape(r.dosage)} (about {r.minutes:g} min). Targets: {html.escape(', '.join(r.targets))}"
                f"<ul style='margin:2px 0'>{cues}</ul>{caution}</div>")
        self._display(HTML("".join(cards)))


def catalogue_explorer(category: str = "micro_strength") -> CatalogueExplorer:
    """The catalogue explorer widget for notebook 01."""
    return CatalogueExplorer(category=category)


# ====================================================================== notebook 02
class BreathingPacer(SpineWidget):
    """Breathing pacer: draws one minute of the breathing pattern and times an evening routine.

    Controls: ``breaths_per_min`` (slider 3-12), ``ratio`` (text such as ``1:2``),
    ``minutes`` (typed, 1-30). ``.result`` is a dict with ``timing``, ``pattern`` and
    ``routine`` (a DataFrame with start and end times).
    """

    marker = "paced"
    title = "Breathing pacer and evening routine"
    help = "Slow breathing with a longer out-breath; the routine below fills the minutes you choose."

    def __init__(self, breaths_per_min: float = 6, ratio: str = "1:2", minutes: int = 10):
        super().__init__()
        from .catalogue import load_catalogue

        self.catalogue = load_catalogue()
        self.breaths_per_min = widgets.FloatSlider(style=_WIDE, value=breaths_per_min, min=3, max=12, step=0.5,
                                                   description="breaths/min", continuous_update=False)
        self.ratio = widgets.Text(value=ratio, description="in:out ratio", placeholder="e.g. 1:2",
                                  continuous_update=False)
        self.minutes = widgets.IntText(value=minutes, description="minutes")
        self.setup(["breaths_per_min", "ratio", "minutes"])

    def compute(self, breaths_per_min, ratio, minutes):
        timing = breath_timing(breaths_per_min, ratio)
        return {"timing": timing, "pattern": breathing_pattern(breaths_per_min, ratio, seconds=60),
                "routine": evening_routine(minutes, breaths_per_min, ratio, self.catalogue)}

    def show(self, r):
        from .plots import breathing_plot

        t = r["timing"]
        self.show_text(f"Each breath lasts {t['cycle_s']:g} s: breathe in for {t['inhale_s']:g} s "
                       f"and out for {t['exhale_s']:g} s.")
        self.show_figure(breathing_plot(r["pattern"], title=f"one minute at {t['breaths_per_min']:g} breaths per minute"))
        self.show_frame(r["routine"][["step", "start", "end", "name", "position", "how"]])


def breathing_pacer(breaths_per_min: float = 6, ratio: str = "1:2", minutes: int = 10) -> BreathingPacer:
    """The breathing pacer widget for notebook 02."""
    return BreathingPacer(breaths_per_min, ratio, minutes)


# ====================================================================== simulation helpers
PLAN_MINUTES = ("min_down_regulation", "min_micro_strength", "min_transition", "min_structured_load",
                "min_mobility_reset")


def plan_frame(days: int = 84, *, down_regulation=0.0, micro_strength=0.0, transition=0.0, structured_load=0.0,
               mobility_reset=0.0, load_level=1, control=3, calm_first=None, days_per_week: int = 7) -> pd.DataFrame:
    """A simple constant daily plan for the simulator (the ``Routine.daily_plan`` columns).

    Minutes per category per session day, the same every week; ``calm_first`` defaults to
    "there is down-regulation and it comes first".

    >>> p = plan_frame(14, micro_strength=10, load_level=2, control=4, days_per_week=5)
    >>> int(p["planned"].sum()), float(p["min_micro_strength"].max())
    (10, 10.0)
    """
    from .routine import session_days

    days = _number(days, "days", 1, 3650, whole=True)
    mins = {"min_down_regulation": down_regulation, "min_micro_strength": micro_strength,
            "min_transition": transition, "min_structured_load": structured_load,
            "min_mobility_reset": mobility_reset}
    mins = {k: _number(v, k[4:].replace("_", " ") + " minutes", 0, 120) for k, v in mins.items()}
    strength = mins["min_micro_strength"] + mins["min_structured_load"]
    lvl = _number(load_level, "load level", 1, 5) if strength else 0.0
    ctl = _number(control, "control", 1, 5) if strength else 0.0
    on = np.isin(np.arange(days) % 7, session_days(int(days_per_week)))
    planned = on & (sum(mins.values()) > 0)
    frame = pd.DataFrame({"day": np.arange(days), "planned": planned})
    for k, v in mins.items():
        frame[k] = np.where(planned, float(v), 0.0)
    frame["load_level"] = np.where(planned, float(lvl), 0.0)
    frame["control"] = np.where(planned, float(ctl), 0.0)
    calm = (mins["min_down_regulation"] > 0) if calm_first is None else bool(calm_first)
    frame["calm_first"] = planned & calm
    return frame


def compare_people(results: dict, outcomes=("pain_change", "flares", "capacity", "adherence", "habit")) -> pd.DataFrame:
    """Per-scenario mean and 95% interval (of the mean) of end-of-run outcomes in each result's
    ``.people``: one row per outcome (labelled with its unit), one column per scenario."""
    from .simulate import ci95

    rows = []
    for name, res in results.items():
        people = getattr(res, "people", res)
        for o in outcomes:
            if o in people:
                m, lo, hi = ci95(people[o])
                rows.append({"scenario": name, "outcome": o, "mean": round(m, 3), "lo": round(lo, 3),
                             "hi": round(hi, 3)})
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["mean (95% interval)"] = [f"{m:.2f} ({lo:.2f} to {hi:.2f})" for m, lo, hi in
                                    zip(table["mean"], table["lo"], table["hi"])]
    wide = table.pivot(index="outcome", columns="scenario", values="mean (95% interval)").reindex(
        [o for o in outcomes if o in set(table["outcome"])])[[str(n) for n in results]]
    return wide.rename(index=OUTCOME_LABELS).rename_axis(index="outcome (mean, 95% interval)", columns=None)


# row labels (with units) for compare_people
OUTCOME_LABELS = {
    "pain_change": "pain change (0-100, negative is better)",
    "flares": "flares per person",
    "capacity": "capacity at the end (load level)",
    "capacity_gain": "capacity gained (load levels)",
    "adherence": "sessions done (share of planned)",
    "habit": "habit strength at the end (0-1)",
    "sensitivity": "sensitivity at the end (0-1)",
}


def available_states(results, wanted) -> tuple:
    """The states of ``wanted`` that a result's per-day summary holds, in the order asked."""
    from .plots import band_frame

    first = next(iter(results.values())) if isinstance(results, dict) else results
    found = []
    for st in wanted:
        try:
            band_frame(first, st)
        except KeyError:
            continue
        found.append(st)
    return tuple(found)


class _PairSimulation(SimulationWidget):
    """Shared drawing for the "your plan vs a named scenario" widgets of notebooks 01-03."""

    compare_to = ""
    states: tuple = ("capacity", "pain", "flare")
    outcomes = ("flares", "pain_change", "capacity")

    def run_pair(self, plan, **kwargs) -> dict:
        mine = self.simulate(plan, **kwargs)
        other = self.simulate(self.compare_to, cache_key=("scenario", self.compare_to, tuple(sorted(kwargs.items()))),
                              **kwargs)
        results = {"your plan": mine, self.compare_to: other}
        return {"results": results, "summary": compare_people(results, self.outcomes)}

    def show(self, r):
        self.show_bands(r["results"], available_states(r["results"], self.states))
        self.show_frame(r["summary"].reset_index(), index=False)


class MicroStrengthSim(_PairSimulation):
    """Your micro-strength plan (load level, control, minutes a day) vs the ``max_effort`` scenario.

    ``.result``: ``results`` (the two simulation results) and ``summary`` (end-of-run means
    with 95% intervals).
    """

    title = "Micro-strength vs max effort (simulated cohort)"
    help = ("Your plan: 3 minutes of calming, then the minutes of micro-strength you choose, every day. Move a slider "
            "and let go: it is re-simulated for 300 people over 12 weeks. Max effort: 3 + 12 minutes at load 4.5, "
            "control 2.")
    compare_to = "max_effort"
    states = ("capacity", "pain", "flare")

    calm_opener = 3.0  # minutes of calming before the strengthening, as in both named scenarios

    def __init__(self, load_level: float = 1.5, control: int = 5, minutes: int = 12, **cohort):
        super().__init__(**cohort)
        self.load_level = widgets.FloatSlider(style=_WIDE, value=load_level, min=1, max=5, step=0.5, description="load level",
                                              continuous_update=False)
        self.control = widgets.IntSlider(style=_WIDE, value=control, min=1, max=5, description="control", continuous_update=False)
        self.minutes = widgets.IntSlider(style=_WIDE, value=minutes, min=0, max=40, description="minutes/day",
                                         continuous_update=False)
        self.setup(["load_level", "control", "minutes"],
                   layout=widgets.HBox([self.load_level, self.control, self.minutes]))

    def compute(self, load_level, control, minutes):
        minutes = _number(minutes, "minutes per day", 1, 40)
        plan = plan_frame(self.days, down_regulation=self.calm_opener, micro_strength=minutes, load_level=load_level,
                          control=control, calm_first=True)
        return self.run_pair(plan)


class CalmFirstSim(_PairSimulation):
    """Calming minutes before strengthening vs the ``strength_only`` scenario."""

    title = "Calm first vs strength only (simulated cohort)"
    help = ("Your plan: the calming minutes first, then the strengthening minutes (control 4/5), every day. "
            "Strength only: the same 10 minutes at load 2 with no calming.")
    compare_to = "strength_only"
    states = ("sensitivity", "stimulus", "capacity")
    outcomes = ("sensitivity", "capacity", "pain_change", "flares")

    def __init__(self, calm_minutes: int = 8, strength_minutes: int = 10, load_level: int = 2, **cohort):
        super().__init__(**cohort)
        self.calm_minutes = widgets.IntSlider(style=_WIDE, value=calm_minutes, min=0, max=20, description="calming min",
                                              continuous_update=False)
        self.strength_minutes = widgets.IntSlider(style=_WIDE, value=strength_minutes, min=0, max=30,
                                                  description="strength min", continuous_update=False)
        self.load_level = widgets.IntSlider(style=_WIDE, value=load_level, min=1, max=5, description="load level",
                                            continuous_update=False)
        self.setup(["calm_minutes", "strength_minutes", "load_level"],
                   layout=widgets.HBox([self.calm_minutes, self.strength_minutes, self.load_level]))

    def compute(self, calm_minutes, strength_minutes, load_level):
        strength = _number(strength_minutes, "strength minutes", 1, 30)
        calm = _number(calm_minutes, "calming minutes", 0, 20)
        plan = plan_frame(self.days, down_regulation=calm, micro_strength=strength, load_level=load_level,
                          control=4, calm_first=calm > 0)
        return self.run_pair(plan)


def micro_strength_sim(**kwargs) -> MicroStrengthSim:
    """The micro-strength vs max-effort simulation widget for notebook 01."""
    return MicroStrengthSim(**kwargs)


def calm_first_sim(**kwargs) -> CalmFirstSim:
    """The calm-first vs strength-only simulation widget for notebook 02."""
    return CalmFirstSim(**kwargs)


# ====================================================================== notebook 03
class TransitionsCalculator(SimulationWidget):
    """Count a day's transitions and sitting, then simulate the daily flare hazard of a cohort
    with and without transition practice.

    Controls: ``bed``, ``sit_to_stand``, ``car``, ``floor``, ``lift`` (times a day, typed),
    ``sitting_hours`` and ``break_every_min`` (sliders), ``practice_minutes`` (a slider, 0-15).
    ``.result``: ``day`` (the counts, see :func:`transition_day`), ``results`` (two simulation
    results: with and without practice) and ``summary``.
    """

    title = "Your day in transitions"
    help = ("Type how often you do each move in a day; set your sitting and your practice. The model takes the "
            "hours you sit and the practice minutes; the break interval only changes the count.")
    states = ("transition_skill", "flare")

    def __init__(self, bed=2, sit_to_stand=12, car=2, floor=1, lift=8, sitting_hours=7.0, break_every_min=45,
                 practice_minutes=5, **cohort):
        super().__init__(**cohort)
        box = dict(layout=widgets.Layout(width="220px"), style={"description_width": "110px"})
        self.bed = widgets.IntText(value=bed, description="out of bed", **box)
        self.sit_to_stand = widgets.IntText(value=sit_to_stand, description="up from a chair", **box)
        self.car = widgets.IntText(value=car, description="in/out of car", **box)
        self.floor = widgets.IntText(value=floor, description="floor and up", **box)
        self.lift = widgets.IntText(value=lift, description="bend to pick up", **box)
        self.sitting_hours = widgets.FloatSlider(style=_WIDE, value=sitting_hours, min=0, max=16, step=0.5,
                                                 description="sitting h/day", continuous_update=False)
        self.break_every_min = widgets.IntSlider(style=_WIDE, value=break_every_min, min=15, max=240, step=15,
                                                 description="get up every", continuous_update=False)
        self.practice_minutes = widgets.IntSlider(style=_WIDE, value=practice_minutes, min=0, max=15,
                                                  description="practice min", continuous_update=False)
        names = ["bed", "sit_to_stand", "car", "floor", "lift", "sitting_hours", "break_every_min", "practice_minutes"]
        layout = widgets.HBox([widgets.VBox([self.bed, self.sit_to_stand, self.car, self.floor, self.lift]),
                               widgets.VBox([self.sitting_hours, self.break_every_min, self.practice_minutes])])
        self.setup(names, layout=layout)

    def compute(self, **v):
        from .params import Params

        day = transition_day(**v)
        params = Params(sitting_hours=float(min(day["sitting_hours"], 16.0)))
        practice = day["practice_minutes"]
        key = ("without", params.sitting_hours)
        without = self.simulate(plan_frame(self.days), params=params, cache_key=key)
        with_ = (self.simulate(plan_frame(self.days, transition=practice), params=params) if practice > 0 else without)
        results = {"with practice": with_, "without practice": without}
        return {"day": day, "results": results, "summary": compare_people(results, ("flares", "pain_change"))}

    def show(self, r):
        d = r["day"]
        long = " That is more than 6 hours, the level linked with flares in one study (I3-3)." if d["long_sitting"] else ""
        practice = (f" {d['practice_minutes']:g} minutes of practice a day is about {d['practice_reps_week']} rehearsals "
                    f"a week." if d["practice_minutes"] else " No practice time set: both lines below are the same.")
        self.show_text(f"{d['per_day']} transitions a day, {d['per_week']} a week. You sit {d['sitting_hours']:g} h a "
                       f"day; getting up every {self.break_every_min.value} min gives {d['sitting_breaks']} breaks."
                       + long + practice)
        states = available_states(r["results"], self.states)
        self.show_bands(r["results"], states, figsize=(3.6 * len(states), 2.9))
        self.show_frame(r["summary"].reset_index(), index=False)

    def marker_text(self, values):
        d = self.result["day"]
        return (f"{self.marker}: per_day={d['per_day']} sitting_hours={d['sitting_hours']:g} "
                f"practice_minutes={d['practice_minutes']:g}")


def transitions_calculator(**kwargs) -> TransitionsCalculator:
    """The daily-transitions calculator and flare-hazard simulation for notebook 03."""
    return TransitionsCalculator(**kwargs)
