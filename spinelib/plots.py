"""One seaborn theme and the workbook's plot functions.

Nothing happens at import: call :func:`set_theme` once at the top of a notebook or report.
Every plot function returns a :class:`matplotlib.figure.Figure` whose axes carry units, so
the same figure can be shown in a notebook, embedded in a report or checked in a test.

Colours come from seaborn's ``colorblind`` palette (safe for the common forms of colour
blindness); :data:`PALETTE` gives each named simulator scenario a fixed colour, so
"micro_strength" is the same blue in every notebook and report.
"""
from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, MultipleLocator

from .sim.curves import ACWR_BAND, habit_curve
from .sim.results import band_frame
from .sim.scenarios import scenario_title

__all__ = [
    "fit_y",
    "PALETTE_NAME",
    "COLORS",
    "PALETTE",
    "STATE_LABELS",
    "BINARY_STATES",
    "STATE_UNITS",
    "set_theme",
    "color_for",
    "scenario_label",
    "fixed_title",
    "state_label",
    "band_frame",
    "cohort_band_plot",
    "cohort_bands",
    "update_cohort_bands",
    "update_cohort_band_plot",
    "figure_png",
    "clear_axes",
    "clear_data",
    "compare_bars",
    "breathing_plot",
    "hazard_plot",
    "ladder_plot",
    "acwr_plot",
    "habit_curve_plot",
]

PALETTE_NAME = "colorblind"
# seaborn's "colorblind" palette, written out so importing this module does not need seaborn
COLORS = (
    "#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc",
    "#ca9161", "#fbafe4", "#949494", "#ece133", "#56b4e9",
)
# One fixed colour per scenario: the "recommended" side of each pair is blue or green,
# the comparison side orange or vermilion; the no-exercise control is grey.
PALETTE: dict[str, str] = {
    "micro_strength": COLORS[0],
    "max_effort": COLORS[3],
    "calm_first": COLORS[2],
    "strength_only": COLORS[1],
    "transitions_practised": COLORS[0],
    "transitions_untrained": COLORS[3],
    "structured_load": COLORS[2],
    "unstructured_spikes": COLORS[3],
    "gentle_daily": COLORS[0],
    "weekend_warrior": COLORS[1],
    "supervised": COLORS[4],
    "no_exercise": COLORS[7],
    "your plan": COLORS[9],
    "with practice": COLORS[0],
    "without practice": COLORS[3],
}

# axis labels with units for the simulator's states (pain on 0-100, see docs/model.md)
STATE_LABELS: dict[str, str] = {
    "capacity": "capacity (load level tolerated; can pass the top rung, 5)",
    "fatigue": "fatigue (model units)",
    "sensitivity": "sensitivity (0-1)",
    "habit": "habit strength (0-1)",
    "pain": "pain (0-100, lower is better)",
    "flare": "in a flare (share of people)",
    "in_flare": "in a flare (share of people)",
    "flares": "flares per person (count)",
    "adherence": "sessions done (share, 0-1)",
    "session": "did a session (share of people)",
    "done": "sessions done (share, 0-1)",
    "stimulus": "effective stimulus (model units)",
    "effective_stimulus": "effective stimulus (model units)",
    "acwr": "acute:chronic load ratio",
    "acute": "acute load (7-day avg, units/day)",
    "chronic": "chronic load (28-day avg, units/day)",
    "hazard": "flare hazard (probability per day)",
    "flare_hazard": "flare hazard (probability per day)",
    "load": "training load (minutes x intensity)",
    "transition_skill": "transition skill (0-1)",
    "pain_change": "pain change (0-100, negative is better)",
    "capacity_gain": "capacity gained (load levels)",
}
# short units for the small panels of cohort_bands (the panel title names the state)
STATE_UNITS: dict[str, str] = {
    "capacity": "load level (5 = top rung)",
    "fatigue": "model units",
    "sensitivity": "0-1",
    "habit": "0-1",
    "pain": "0-100",
    "flare": "share of people",
    "in_flare": "share of people",
    "session": "share of people",
    "done": "share of people",
    "stimulus": "model units",
    "effective_stimulus": "model units",
    "acwr": "ratio",
    "acute": "units/day",
    "chronic": "units/day",
    "transition_skill": "0-1",
}
# yes/no states: each person is 0 or 1 on a day, so a band across people says nothing;
# their cohort mean is the share of people, drawn without a band
BINARY_STATES = frozenset({"flare", "in_flare", "session", "done"})


def set_theme(context: str = "notebook", font_scale: float = 1.0) -> None:
    """Apply the workbook's one seaborn theme (whitegrid, colour-blind-safe palette).

    Call it explicitly; importing spinelib never changes matplotlib settings.
    """
    import seaborn as sns

    sns.set_theme(context=context, style="whitegrid", palette=PALETTE_NAME, font_scale=font_scale,
                  rc={"figure.dpi": 90, "axes.titleweight": "bold", "figure.autolayout": False})


def color_for(name: str, i: int = 0) -> str:
    """The fixed colour of a scenario or label; unknown names cycle through the palette.

    >>> color_for("micro_strength")
    '#0173b2'
    >>> color_for("something else", 1) == COLORS[1]
    True
    """
    return PALETTE.get(str(name), COLORS[i % len(COLORS)])


def scenario_label(name) -> str:
    """What a legend, a bar or a table header shows for a scenario: its title ("max effort",
    :func:`~spinelib.sim.scenarios.scenario_title`), never the internal id ("max_effort"). Any other label (a
    person's own, "your plan") is shown exactly as given. Colours stay keyed by the id (:func:`color_for`).

    >>> scenario_label("max_effort"), scenario_label("transitions_untrained"), scenario_label("your plan")
    ('max effort', 'transitions not practised', 'your plan')
    >>> scenario_label("_my_label")  # not a scenario id: left as it is
    '_my_label'
    """
    return scenario_title(name)


def state_label(state: str) -> str:
    """Axis label (with unit) for a simulator state.

    >>> state_label("pain")
    'pain (0-100, lower is better)'
    """
    return STATE_LABELS.get(state, state.replace("_", " "))


# ---------------------------------------------------------------- cohort summaries
def _as_mapping(results, label=None) -> dict:
    if isinstance(results, Mapping):
        return dict(results)
    name = label or getattr(results, "name", None) or getattr(results, "scenario", None) or "cohort"
    return {str(name): results}


def _trailing_mean(y: np.ndarray, n: int) -> np.ndarray:
    """Trailing ``n``-day mean with as many days as there are at the start (pandas ``rolling(n, min_periods=1)``).

    >>> _trailing_mean(np.array([1.0, 3.0, 5.0, 7.0]), 2).tolist()
    [1.0, 2.0, 4.0, 6.0]
    """
    y = np.asarray(y, float)
    c = np.concatenate([[0.0], np.cumsum(y)])
    i = np.arange(1, len(y) + 1)
    lo = np.maximum(0, i - int(n))
    return (c[i] - c[lo]) / (i - lo)


def _band_arrays(result, state: str, weeks: bool, smooth: int = 1):
    """``(x, mean, lo, hi)`` arrays of one state (x in weeks when ``weeks``); a yes/no state is smoothed by a
    trailing ``smooth``-day mean. Reads the simulator's own columns directly (``<state>_mean``, ``_p2.5``,
    ``_p97.5``: no intermediate table on every slider move), any other shape through :func:`band_frame`."""
    daily = getattr(result, "daily", result)
    cols = getattr(daily, "columns", ())
    names = (f"{state}_mean", f"{state}_p2.5", f"{state}_p97.5")
    if isinstance(daily, pd.DataFrame) and not isinstance(cols, pd.MultiIndex) and "day" in cols \
            and all(n in cols for n in names):
        day, mean, lo, hi = (daily[c].to_numpy(float) for c in ("day", *names))
    else:
        bf = band_frame(result, state)
        day, mean, lo, hi = (bf[c].to_numpy(float) for c in ("day", "mean", "lo", "hi"))
    if state in BINARY_STATES and smooth > 1:
        mean = _trailing_mean(mean, smooth)
    return day / (7.0 if weeks else 1.0), mean, lo, hi


def _draw_band(ax, x, mean, lo, hi, name: str, i: int, band: bool = True):
    """One scenario's band (optional) and mean line; remembered on the axes so a redraw can move them."""
    c = color_for(name, i)
    poly = ax.fill_between(x, lo, hi, color=c, alpha=0.15, linewidth=0) if band else None
    (line,) = ax.plot(x, mean, color=c, lw=2, label=scenario_label(name))
    bands = ax.__dict__.setdefault("_spinelib_bands", {})
    bands[name] = (line, poly)


def fixed_title(ax, text: str) -> None:
    """The axes title at a fixed height (just above the axes). matplotlib otherwise measures every axes' top
    decorations on every draw to place it (a third of the drawing time of a small panel, half of a report's
    three-panel figure), for the same place when nothing is drawn above the axes."""
    ax.set_title(text, y=1.0)


def update_cohort_band_plot(ax, results, state: str, *, weeks: bool = True, smooth: int = 7,
                            title: str | None = None, ylabel: str | None = None) -> None:
    """Redraw the bands of a panel made by :func:`cohort_band_plot` (or :func:`cohort_bands`) with new results
    (the same scenarios: their lines and bands are moved, not made again; other scenarios are drawn anew) and
    fit its y axis. ``title`` / ``ylabel``: new texts (e.g. another state), else kept."""
    res = _as_mapping(results)
    binary = state in BINARY_STATES
    bands = ax.__dict__.get("_spinelib_bands", {})
    same = list(bands) == list(res) and all((p is None) == binary for _line, p in bands.values())
    if not same:
        for line, poly in bands.values():
            line.remove()
            if poly is not None:
                poly.remove()
        ax.__dict__["_spinelib_bands"] = {}
    for i, (name, r) in enumerate(res.items()):
        x, mean, lo, hi = _band_arrays(r, state, weeks, smooth)
        if same:
            line, poly = bands[name]
            line.set_data(x, mean)
            if poly is not None:
                poly.set_data(x, lo, hi)
        else:
            _draw_band(ax, x, mean, lo, hi, name, i, band=not binary)
    if title is not None:
        fixed_title(ax, title)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    fit_y(ax, zero=binary)
    ax.set_autoscalex_on(True)  # moved lines do not ask for a new x range as new ones do: the days may differ
    ax.autoscale_view(scaley=False)


def cohort_band_plot(results, state: str = "pain", *, ax=None, title: str | None = None,
                     weeks: bool = False, label: str | None = None, figsize=(6.4, 3.6), smooth: int = 7) -> Figure:
    """Cohort mean (line) and 2.5-97.5 percentile band of one state over time.

    Yes/no states (:data:`BINARY_STATES`, e.g. ``flare``) are drawn as the share of people
    without a band (each person is 0 or 1, so the band would always span 0-1), as a trailing
    ``smooth``-day average (1 = raw daily share).

    ``results``: a simulation result (or its ``.daily``), or a dict ``{name: result}`` to
    compare scenarios on one axis; each name keeps its :data:`PALETTE` colour.
    """
    res = _as_mapping(results, label)
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    else:
        fig = ax.figure
    binary = state in BINARY_STATES
    for i, (name, r) in enumerate(res.items()):
        _draw_band(ax, *_band_arrays(r, state, weeks, int(smooth)), name, i, band=not binary)
    ax.set_xlabel("week" if weeks else "day")
    ax.set_ylabel(state_label(state))
    what = ("share of people" + (f", {int(smooth)}-day average" if smooth > 1 else "")) if binary \
        else "cohort mean and 95% band"
    fixed_title(ax, title if title is not None else f"{state.replace('_', ' ')}: {what}")
    fit_y(ax, zero=binary)
    if len(res) > 1 or label:
        ax.legend(frameon=False, fontsize="small")
    return fig


def cohort_bands(results, states=("capacity", "pain", "flare"), *, weeks: bool = False,
                 suptitle: str | None = None, figsize=None) -> Figure:
    """One panel per state, each with the cohort band of every scenario (shared x axis)."""
    res = _as_mapping(results)
    n = len(states)
    fig, axes = plt.subplots(1, n, figsize=figsize or (3.6 * n, 3.3), layout="constrained", sharex=True)
    axes = np.atleast_1d(axes)
    for ax, st in zip(axes, states):
        title = st.replace("_", " ") + (" (7-day average)" if st in BINARY_STATES else "")
        cohort_band_plot(res, st, ax=ax, weeks=weeks, title=title)
        ax.set_ylabel(STATE_UNITS.get(st, state_label(st)))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))  # fewer tick labels: clearer and faster to draw
        if weeks:
            ax.xaxis.set_major_locator(MultipleLocator(4))
        ax.get_legend() and ax.get_legend().remove()
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4), frameon=False)
    if suptitle:
        fig.suptitle(suptitle)
    fig._spinelib_states = tuple(states)
    return fig


def update_cohort_bands(fig: Figure, results, states=None, *, weeks: bool = True) -> Figure:
    """Redraw the data of a figure made by :func:`cohort_bands` in place (same states, same
    panel order) and rescale its axes. Much faster than a new figure: axes, ticks and layout
    are kept, and the lines and bands of the same scenarios are moved rather than made again
    (:func:`update_cohort_band_plot`), which is what a widget needs on every slider move."""
    axes = [ax for ax in fig.axes]
    states = tuple(states) if states is not None else tuple(getattr(fig, "_spinelib_states", ()))
    if len(states) != len(axes):
        raise ValueError(f"the figure has {len(axes)} panels but {len(states)} states were given")
    for ax, st in zip(axes, states):
        update_cohort_band_plot(ax, results, st, weeks=weeks, smooth=7)
    return fig


def fit_y(ax, *, zero: bool = False) -> None:
    """Scale the y axis to the data drawn now (lines and bands), from 0 when ``zero``. An axis whose limits
    were set once stops autoscaling, so a redrawn panel would keep its old range and clip the new lines:
    every plot that is redrawn calls this.

    >>> fig, ax = plt.subplots(); _ = ax.plot([0, 1], [0, 0.1]); ax.set_ylim(0, 0.1)
    (0.0, 0.1)
    >>> ax.lines[0].remove(); _ = ax.plot([0, 1], [0, 0.5]); fit_y(ax, zero=True); bool(ax.get_ylim()[1] >= 0.5)
    True
    >>> plt.close(fig)
    """
    ax.set_autoscaley_on(True)
    ax.relim(visible_only=True)  # a hidden artist (e.g. a shaded band shown for one state only) does not count
    ax.autoscale_view(scalex=False)
    if zero:
        lo, hi = ax.get_ylim()
        ax.set_ylim(0, max(hi, 1e-3))


def clear_axes(fig: Figure) -> list:
    """Empty every axes of ``fig`` (data, labels, legends) so a plot function can draw into it again; the
    figure's size, its axes' positions and shared axes are kept. Redrawing a figure this way is faster than
    making a new one (a widget does it on every slider move). Returns the axes.

    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1]); _ = ax.set_ylabel("y")
    >>> [len(a.lines) for a in clear_axes(fig)], ax.get_ylabel()
    ([0], '')
    >>> plt.close(fig)
    """
    for ax in fig.axes:
        ax.cla()
    return list(fig.axes)


def clear_data(fig: Figure) -> list:
    """Remove what every axes of ``fig`` shows (lines, bands, shadings, texts, legends) but keep the axes
    themselves (labels, titles, ticks, limits settings): a plot function can then draw its new data into them.
    Much cheaper than :func:`clear_axes`, which resets each axes completely. Returns the axes.

    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1]); _ = ax.set_ylabel("y")
    >>> [len(a.lines) for a in clear_data(fig)], ax.get_ylabel()
    ([0], 'y')
    >>> plt.close(fig)
    """
    for ax in fig.axes:
        for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts]:
            artist.remove()
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    return list(fig.axes)


def _refit(*axes) -> None:
    """After :func:`clear_data` and a new drawing: the data limits of what is drawn now (removing artists never
    shrinks them), and the axes autoscaled to them where their limits were not set."""
    for ax in axes:
        ax.relim(visible_only=True)
        ax.autoscale_view()


def figure_png(fig: Figure, dpi: float | None = None) -> bytes:
    """The figure as PNG bytes, drawn once (no second 'tight' pass)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def compare_bars(table: pd.DataFrame, value: str, *, by: str = "scenario", lo: str | None = None,
                 hi: str | None = None, ylabel: str | None = None, title: str | None = None,
                 ax=None, figsize=(4.8, 3.4)) -> Figure:
    """Bars of ``value`` per ``by`` (one bar per scenario) with optional interval whiskers.

    >>> t = pd.DataFrame({"scenario": ["micro_strength", "max_effort"], "flares": [1.2, 2.0]})
    >>> compare_bars(t, "flares").axes[0].get_ylabel()
    'flares per person (count)'
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    else:
        fig = ax.figure
    names = [scenario_label(n) for n in table[by]]
    vals = table[value].to_numpy(float)
    cols = [color_for(n, i) for i, n in enumerate(table[by])]
    ax.bar(names, vals, color=cols, width=0.6)
    if lo and hi:
        err = np.vstack([vals - table[lo].to_numpy(float), table[hi].to_numpy(float) - vals])
        ax.errorbar(names, vals, yerr=np.clip(err, 0, None), fmt="none", ecolor="#333333", capsize=4, lw=1)
    ax.set_ylabel(ylabel or state_label(value))
    ax.set_xlabel("")
    if title:
        ax.set_title(title)
    ax.tick_params(axis="x", labelrotation=0)
    return fig


def breathing_plot(pattern: pd.DataFrame, *, title: str | None = None, figsize=(6.4, 2.6)) -> Figure:
    """Lung volume over time for a paced-breathing pattern.

    ``pattern`` has columns ``seconds`` and ``volume`` (0 = empty, 1 = full) and optionally
    ``phase`` (``inhale``/``exhale``); inhale stretches are shaded.
    """
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    t = pattern["seconds"].to_numpy(float)
    v = pattern["volume"].to_numpy(float)
    ax.plot(t, v, color=COLORS[0], lw=2)
    if "phase" in pattern:
        inhale = (pattern["phase"] == "inhale").to_numpy()
        ax.fill_between(t, 0, v, where=inhale, color=COLORS[2], alpha=0.25, linewidth=0, label="breathe in")
        ax.fill_between(t, 0, v, where=~inhale, color=COLORS[1], alpha=0.2, linewidth=0, label="breathe out")
        ax.legend(frameon=False, fontsize="small", loc="upper right", ncols=2)
    ax.set_ylim(0, 1.25)
    ax.set_xlim(t.min(), t.max())
    ax.set_xlabel("time (seconds)")
    ax.set_ylabel("breath (share of a full breath)")
    ax.set_title(title or "paced breathing pattern")
    return fig


def hazard_plot(table: pd.DataFrame, *, x: str = "day", columns=None, ylabel: str | None = None,
                title: str | None = None, weeks: bool = False, figsize=(6.4, 3.4)) -> Figure:
    """Lines of one or more columns of ``table`` against ``x`` (e.g. a daily flare hazard
    with and without practice), each in its :data:`PALETTE` colour."""
    cols = list(columns) if columns is not None else [c for c in table.columns if c != x]
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    xs = table[x].to_numpy(float) / (7.0 if weeks else 1.0)
    for i, c in enumerate(cols):
        ax.plot(xs, table[c].to_numpy(float), color=color_for(c, i), lw=2, label=scenario_label(c))
    ax.set_xlabel("week" if weeks else x)
    ax.set_ylabel(ylabel or state_label("hazard"))
    if title:
        ax.set_title(title)
    if len(cols) > 1:
        ax.legend(frameon=False, fontsize="small")
    return fig


# ---------------------------------------------------------------- load ladders, the load ratio, the habit curve
def ladder_plot(frame: pd.DataFrame, *, title: str | None = None, figsize=None) -> Figure:
    """The load ladders drawn level by level.

    One column per ladder of two or more rungs (a grey rail with a dot per rung at its load
    level, labelled with the name and dosage), and a last column with the stand-alone exercises
    of the category, grouped by load level.
    """
    sizes = frame.groupby("ladder")["rung"].transform("size") if len(frame) else pd.Series(dtype=int)
    multi = frame[sizes >= 2]
    single = frame[sizes < 2]
    ladders = list(dict.fromkeys(multi["ladder"]))
    ncol = len(ladders) + (1 if len(single) else 0)
    fig, ax = plt.subplots(figsize=figsize or (max(6.4, 3.1 * ncol), 4.4), layout="constrained")

    def short(text, n=30):
        return text if len(text) <= n else text[:n - 2] + "..."

    for x, li in enumerate(ladders):
        g = multi[multi["ladder"] == li].sort_values("rung")
        ax.plot([x] * len(g), g["load_level"], color="#bbbbbb", lw=6, zorder=1, solid_capstyle="round")
        for r in g.itertuples():
            ax.scatter([x], [r.load_level], s=110, color=COLORS[(r.load_level - 1) % len(COLORS)], zorder=2)
            ax.annotate(f"{short(r.name)}\n{short(r.dosage)}", (x, r.load_level), xytext=(9, 0),
                        textcoords="offset points", va="center", fontsize=7.5)
    if len(single):
        x = len(ladders)
        for lvl, g in single.groupby("load_level"):
            ax.scatter([x] * 1, [lvl], s=110, color=COLORS[(int(lvl) - 1) % len(COLORS)], marker="s", zorder=2)
            names = [short(n, 26) for n in g["name"]]
            ax.annotate("\n".join(names), (x, lvl), xytext=(9, 0), textcoords="offset points", va="center",
                        fontsize=7)
    ax.set_xlim(-0.3, ncol - 0.15)
    top = max(5, int(frame["load_level"].max())) if len(frame) else 5
    ax.set_ylim(0.4, top + 0.6)
    ax.set_yticks(range(1, top + 1))
    ax.set_xticks(range(ncol))
    ax.set_xticklabels([f"ladder {li}" for li in ladders] + (["stand-alone"] if len(single) else []))
    ax.set_ylabel("load level (1 = lightest, 5 = heaviest)")
    ax.grid(axis="x", visible=False)
    ax.set_title(title or "the load ladder: each rung is one step up")
    return fig


def acwr_plot(frame: pd.DataFrame, *, others: dict | None = None, band=ACWR_BAND, title: str | None = None,
              figsize=(6.8, 4.4), fig: Figure | None = None) -> Figure:
    """Load per day (bars, top) and the acute:chronic ratio (line, bottom) with the 0.8-1.3 band shaded.

    ``frame`` has ``day``, ``load`` and ``acwr`` (and optionally ``deload``); ``others`` maps a
    label to another such frame drawn on the same axes (e.g. the same volume done in spikes).
    ``fig``: a figure made by this function before, redrawn in place (see :func:`clear_data`).
    """
    redraw = fig is not None
    if fig is None:
        fig, (ax0, ax1) = plt.subplots(2, 1, figsize=figsize, sharex=True, layout="constrained",
                                       gridspec_kw={"height_ratios": [1, 1.6]})
    else:
        ax0, ax1 = clear_data(fig)
    series = {"structured_load": frame, **(others or {})}
    for i, (name, f) in enumerate(series.items()):
        wk = f["day"].to_numpy(float) / 7
        c = color_for(name, i)
        if i == 0:
            ax0.fill_between(wk, 0, f["load"], step="post", color=c, alpha=0.75, lw=0, label="planned")
        else:
            ax0.step(wk, f["load"], where="mid", color=c, lw=1, alpha=0.9, label=scenario_label(name))
        ax1.plot(wk, f["acwr"], color=c, lw=2, label=scenario_label(name))
    if "deload" in frame:
        for w in sorted(frame.loc[frame["deload"], "week"].unique()) if "week" in frame else []:
            ax0.axvspan(w - 1, w, color=COLORS[7], alpha=0.12, lw=0)
            ax1.axvspan(w - 1, w, color=COLORS[7], alpha=0.12, lw=0)
    ax1.axhspan(band[0], band[1], color=COLORS[2], alpha=0.15, lw=0, label=f"{band[0]:g}-{band[1]:g} band")
    ax1.axhline(1.5, color=COLORS[3], lw=1, ls="--")
    ax1.text(0.05, 1.52, "1.5", color=COLORS[3], fontsize=8, va="bottom")
    ax0.set_ylabel("load\n(min x level)")
    ax1.set_ylabel("acute:chronic ratio")
    ax1.set_xlabel("week (shaded weeks are easier weeks)")
    top = float(np.nanmax([np.nanmax(f["acwr"]) for f in series.values()]))
    ax1.set_ylim(0, max(2.0, top * 1.08))
    ax1.legend(frameon=False, fontsize="small", loc="upper right", ncols=2)
    if others:
        ax0.legend(frameon=False, fontsize="small", loc="upper left")
    fixed_title(ax0, title or "planned load and its acute:chronic ratio")
    if redraw:
        _refit(ax0, ax1)
    return fig


def habit_curve_plot(curve: pd.DataFrame, *, references=(18, 66, 254), title: str | None = None,
                     figsize=(6.4, 3.6), fig: Figure | None = None) -> Figure:
    """Habit strength over days with the Lally range (18, 66 and 254 days to plateau) in grey.

    ``fig``: a figure made by this function before, redrawn in place (see :func:`clear_data`).
    """
    if fig is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    else:
        (ax,) = clear_data(fig)
    days = int(curve["day"].max())
    for d in references:
        ref = habit_curve(days, d)
        ax.plot(ref["day"], ref["habit"], color=COLORS[7], lw=1, ls=":")
        if d <= days:  # label each reference where it reaches 95% of its plateau
            ax.plot([d], [0.95], marker="|", ms=10, color="#666666")
            ax.text(d, 0.91, f"{d} d", color="#666666", fontsize=7.5, ha="center", va="top")
        else:
            ax.text(days, float(ref["habit"].iloc[-1]), f" {d} d", color="#666666", fontsize=7.5, va="center")
    ax.plot(curve["day"], curve["habit"], color=COLORS[0], lw=2.5, label="your curve")
    ax.axhline(0.95, color=COLORS[2], lw=1, ls="--")
    ax.text(1, 0.965, "95% of the plateau", color=COLORS[2], fontsize=8)
    ax.set_ylim(0, max(1.05, float(curve["habit"].max()) * 1.05))
    ax.set_xlim(0, days * 1.09)
    ax.set_xlabel("day")
    ax.set_ylabel("habit strength (0-1)")
    fixed_title(ax, title or "habit strength grows fast, then slowly")
    return fig
