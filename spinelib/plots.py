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

__all__ = [
    "PALETTE_NAME",
    "COLORS",
    "PALETTE",
    "STATE_LABELS",
    "BINARY_STATES",
    "STATE_UNITS",
    "set_theme",
    "color_for",
    "state_label",
    "band_frame",
    "cohort_band_plot",
    "cohort_bands",
    "update_cohort_bands",
    "figure_png",
    "compare_bars",
    "breathing_plot",
    "hazard_plot",
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
SCENARIO_COLORS = PALETTE  # alias

# axis labels with units for the simulator's states (pain on 0-100, see docs/model.md)
STATE_LABELS: dict[str, str] = {
    "capacity": "capacity (load level tolerated, 1-5)",
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
    "capacity": "load level (1-5)",
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


def state_label(state: str) -> str:
    """Axis label (with unit) for a simulator state.

    >>> state_label("pain")
    'pain (0-100, lower is better)'
    """
    return STATE_LABELS.get(state, state.replace("_", " "))


# ---------------------------------------------------------------- cohort summaries
# the simulator's summary names (spinelib.simulate), and the short lo/hi some tables use
_MEAN = ("mean",)
_LO = ("p2.5", "lo")
_HI = ("p97.5", "hi")


def _daily_of(result) -> pd.DataFrame:
    daily = getattr(result, "daily", result)
    if not isinstance(daily, pd.DataFrame):
        raise TypeError(f"expected a simulation result or its .daily DataFrame, got {type(result).__name__}")
    return daily


def _find(cols, state, keys):
    low = {str(c).lower(): c for c in cols}
    for k in keys:
        for name in (f"{state}_{k}", f"{state}.{k}", f"{k}_{state}"):
            if name.lower() in low:
                return low[name.lower()]
    return None


def band_frame(result, state: str) -> pd.DataFrame:
    """Columns ``day, mean, lo, hi`` for one state of a simulation's per-day cohort summary.

    Accepts the result object (its ``.daily``) or the DataFrame itself, in either of two shapes:
    wide (``day`` plus ``<state>_mean``, ``<state>_p2.5``/``_lo``, ``<state>_p97.5``/``_hi``,
    or a column MultiIndex ``(state, stat)``) or long (``day, state, mean, lo, hi``).

    >>> d = pd.DataFrame({"day": [0, 1], "pain_mean": [50, 48], "pain_p2.5": [30, 29], "pain_p97.5": [70, 69]})
    >>> band_frame(d, "pain")["hi"].tolist()
    [70.0, 69.0]
    """
    daily = _daily_of(result)
    if isinstance(daily.columns, pd.MultiIndex):
        daily = daily.copy()
        daily.columns = ["_".join(str(p) for p in c if str(p)) for c in daily.columns]
    d = daily.reset_index() if "day" not in daily.columns and daily.index.name == "day" else daily
    if "day" not in d.columns:
        d = d.reset_index(drop=True).assign(day=lambda x: np.arange(len(x)))
    if "state" in d.columns:  # long shape
        sub = d[d["state"] == state]
        if sub.empty:
            raise KeyError(f"state {state!r} not in this summary; states: {sorted(d['state'].unique())}")
        lo = _first(sub.columns, _LO)
        hi = _first(sub.columns, _HI)
        return pd.DataFrame({"day": sub["day"].to_numpy(), "mean": sub[_first(sub.columns, _MEAN)].to_numpy(float),
                             "lo": sub[lo].to_numpy(float), "hi": sub[hi].to_numpy(float)})
    mean = _find(d.columns, state, _MEAN) or (state if state in d.columns else None)
    if mean is None:
        states = sorted({str(c).rsplit("_", 1)[0] for c in d.columns if str(c).endswith("_mean")})
        raise KeyError(f"state {state!r} not in this summary; states: {states}")
    lo = _find(d.columns, state, _LO)
    hi = _find(d.columns, state, _HI)
    m = d[mean].to_numpy(float)
    return pd.DataFrame({"day": d["day"].to_numpy(), "mean": m,
                         "lo": d[lo].to_numpy(float) if lo is not None else m,
                         "hi": d[hi].to_numpy(float) if hi is not None else m})


def _first(cols, keys):
    low = {str(c).lower(): c for c in cols}
    for k in keys:
        if k in low:
            return low[k]
    raise KeyError(f"none of {keys} in columns {list(cols)}")


def _as_mapping(results, label=None) -> dict:
    if isinstance(results, Mapping):
        return dict(results)
    name = label or getattr(results, "name", None) or getattr(results, "scenario", None) or "cohort"
    return {str(name): results}


def _draw_band(ax, bf: pd.DataFrame, name: str, i: int, weeks: bool, band: bool = True):
    x = bf["day"].to_numpy(float) / (7.0 if weeks else 1.0)
    c = color_for(name, i)
    if band:
        ax.fill_between(x, bf["lo"], bf["hi"], color=c, alpha=0.15, linewidth=0)
    ax.plot(x, bf["mean"], color=c, lw=2, label=name)


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
        bf = band_frame(r, state)
        if binary and smooth > 1:
            bf = bf.assign(mean=bf["mean"].rolling(int(smooth), min_periods=1).mean())
        _draw_band(ax, bf, name, i, weeks, band=not binary)
    ax.set_xlabel("week" if weeks else "day")
    ax.set_ylabel(state_label(state))
    what = ("share of people" + (f", {int(smooth)}-day average" if smooth > 1 else "")) if binary \
        else "cohort mean and 95% band"
    ax.set_title(title if title is not None else f"{state.replace('_', ' ')}: {what}")
    if binary:
        ax.set_ylim(bottom=0)
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
    are kept, which is what a widget needs on every slider move."""
    res = _as_mapping(results)
    axes = [ax for ax in fig.axes]
    states = tuple(states) if states is not None else tuple(getattr(fig, "_spinelib_states", ()))
    if len(states) != len(axes):
        raise ValueError(f"the figure has {len(axes)} panels but {len(states)} states were given")
    for ax, st in zip(axes, states):
        for artist in list(ax.lines) + list(ax.collections):
            artist.remove()
        binary = st in BINARY_STATES
        for i, (name, r) in enumerate(res.items()):
            bf = band_frame(r, st)
            if binary:
                bf = bf.assign(mean=bf["mean"].rolling(7, min_periods=1).mean())
            _draw_band(ax, bf, name, i, weeks, band=not binary)
        ax.relim()
        ax.autoscale_view()
        if binary:
            ax.set_ylim(bottom=0)
    return fig


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
    names = [str(n) for n in table[by]]
    vals = table[value].to_numpy(float)
    cols = [color_for(n, i) for i, n in enumerate(names)]
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
        ax.plot(xs, table[c].to_numpy(float), color=color_for(c, i), lw=2, label=str(c))
    ax.set_xlabel("week" if weeks else x)
    ax.set_ylabel(ylabel or state_label("hazard"))
    if title:
        ax.set_title(title)
    if len(cols) > 1:
        ax.legend(frameon=False, fontsize="small")
    return fig
