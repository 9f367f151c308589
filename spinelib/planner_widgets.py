"""Widget builders for notebooks 04-06: load progression, consistency, and the routine builder.

Every builder returns an object (a :class:`~spinelib.widgets.SpineWidget`) whose controls are
attributes and whose last result is ``.result``, so code and tests drive it without a browser::

    w = routine_builder()
    w.minutes.value = 20          # as if a person had typed 20
    w.result["audit"]             # the five-insight audit of the new plan

The logic stays in spinelib (``routine``, ``audit``, ``simulate``); this module only adds the
small pure helpers the widgets need (the planned load of a progression and its acute:chronic
ratio, the Lally habit curve) and, in a separate section, the plot functions that
``spinelib.plots`` does not have (the load ladder, the ratio with its 0.8-1.3 band, the habit
curve). Errors never reach the person as a traceback: the widget shows one line.
"""
from __future__ import annotations

import html
import math
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import HTML

from .catalogue import EQUIPMENT
from .params import Params
from .errors import InputError
from .widgets import RedFlagScreen, SimulationWidget, SpineWidget, _number, one_line

__all__ = [
    # pure helpers
    "ACWR_BAND",
    "STRENGTH",
    "planned_load",
    "acwr",
    "habit_curve",
    "days_to_95",
    "final_mean",
    "audit_html",
    "cached_routine",
    "SESSION_MIX",
    "PATTERNS",
    # plots
    "ladder_frame",
    "ladder_plot",
    "acwr_plot",
    "habit_curve_plot",
    # widgets
    "ProgressionPlanner",
    "LoadComparison",
    "AdherenceSimulator",
    "HabitCurve",
    "RoutineBuilder",
    "CohortProjection",
    "progression_planner",
    "load_comparison",
    "adherence_simulator",
    "habit_curve_widget",
    "routine_builder",
    "cohort_projection",
]

ACWR_BAND = (0.8, 1.3)  # the "sweet spot" of Gabbett 2016 (I4-8); athletes, and contested (I4-13)
STRENGTH = ("micro_strength", "structured_load")


# ====================================================================== pure helpers
# the simulator's defaults: the same averaging spans and habit decay as the model
_DEFAULTS = Params()


def planned_load(progression: pd.DataFrame, session_days=(0, 1, 2, 3, 4, 5, 6)) -> pd.DataFrame:
    """Daily training load of a progression plan.

    ``progression`` is a :meth:`Routine.progression` table. The load of a session day is the
    sum over its strengthening items (micro-strength and structured load) of minutes x load
    level, in model units; other days are 0. Columns: ``day, week, load, deload``.

    >>> p = pd.DataFrame({"week": [1, 2], "category": ["structured_load"] * 2, "minutes": [3.0, 3.0],
    ...                   "load_level": [2, 3], "deload": [False, False]})
    >>> planned_load(p, session_days=(0,))["load"].tolist()[:8]
    [6.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0]
    """
    if not isinstance(progression, pd.DataFrame) or not {"week", "category", "minutes", "load_level"} <= set(progression):
        raise InputError("progression", "a table from Routine.progression()")
    st = progression[progression["category"].isin(STRENGTH)]
    weekly = (st["minutes"] * st["load_level"]).groupby(st["week"]).sum()
    deload = progression.groupby("week")["deload"].any() if "deload" in progression else None
    weeks = sorted(progression["week"].unique())
    on = set(int(d) for d in session_days)
    rows = []
    for w in weeks:
        for d in range(7):
            rows.append({"day": (int(w) - 1) * 7 + d, "week": int(w),
                         "load": float(weekly.get(w, 0.0)) if d in on else 0.0,
                         "deload": bool(deload.get(w, False)) if deload is not None else False})
    return pd.DataFrame(rows)


def acwr(load, acute: float | None = None, chronic: float | None = None, start: float | None = None) -> pd.DataFrame:
    """Acute and chronic load and their ratio, as exponentially weighted daily averages.

    ``A_t = A_{t-1} + a_7 (L_t - A_{t-1})`` and the same for ``C_t`` with ``a_28``, where
    ``a_n = 1 - exp(-1/n)``; the ratio ``A_t / C_t`` is 1 at a steady load. Both averages start
    at ``start`` (default: the mean daily load of the first week, as if the person had already
    been doing it). Columns: ``acute, chronic, acwr``.

    >>> r = acwr([10.0] * 60)
    >>> round(float(r["acwr"].iloc[-1]), 3)
    1.0
    >>> bool(acwr([10.0] * 28 + [30.0] * 7)["acwr"].iloc[-1] > 1.3)
    True
    """
    x = np.asarray(load, dtype=float)
    if x.ndim != 1 or len(x) == 0 or not np.all(np.isfinite(x)) or (x < 0).any():
        raise InputError("load", "a non-empty list of daily loads of 0 or more")
    acute = _DEFAULTS.acute_days if acute is None else acute
    chronic = _DEFAULTS.chronic_days if chronic is None else chronic
    a7, a28 = 1 - math.exp(-1 / acute), 1 - math.exp(-1 / chronic)
    a = c = float(x[:7].mean()) if start is None else float(start)
    ac, ch = np.empty_like(x), np.empty_like(x)
    for i, v in enumerate(x):
        a += a7 * (v - a)
        c += a28 * (v - c)
        ac[i], ch[i] = a, c
    ratio = np.divide(ac, ch, out=np.full_like(ac, np.nan), where=ch > 1e-12)
    return pd.DataFrame({"acute": ac, "chronic": ch, "acwr": ratio})


def days_to_95(rate: float) -> float:
    """Days for the Lally curve ``1 - exp(-rate n)`` to reach 95% of its plateau: ln(20)/rate.

    >>> round(days_to_95(0.0454))
    66
    """
    return math.log(20) / rate


def habit_curve(days=84, days_to_plateau=66, miss_every: int = 0) -> pd.DataFrame:
    """Habit strength (0-1) on the Lally curve ``H = 1 - exp(-c n)`` over practised days.

    ``c = ln(20) / days_to_plateau`` (so ``days_to_plateau`` is the time to 95% of the plateau;
    Lally 2010 found 18-254 days, median 66, I5-1). ``n`` counts days actually practised; with
    ``miss_every = k`` every k-th day is skipped and habit dips by the simulator's
    ``habit_decay`` (1%) on it (our assumption: one miss barely matters, I5-1). Columns: ``day, practised, habit``.

    >>> h = habit_curve(200, 66)
    >>> round(float(h.loc[h["day"] == 66, "habit"].iloc[0]), 2)
    0.95
    """
    n_days = int(_number(days, "days", 1, 3650, whole=True))
    d95 = _number(days_to_plateau, "days to plateau", 5, 400)
    miss = int(_number(miss_every, "miss every", 0, 30, whole=True))
    c = math.log(20) / d95
    h, n, rows = 0.0, 0, []
    for day in range(n_days + 1):
        practised = day > 0 and not (miss >= 2 and day % miss == 0)
        if day > 0:
            if practised:
                n += 1
                h = max(h, 1 - math.exp(-c * n))
            else:
                h *= 1 - _DEFAULTS.habit_decay
        rows.append((day, practised, h))
    return pd.DataFrame(rows, columns=["day", "practised", "habit"])


_ROUTINES: dict = {}


def cached_routine(profile: dict):
    """``build_routine(profile)``, remembered: the same profile always gives the same (immutable) plan,
    so a widget that comes back to earlier settings answers at once."""
    import json

    from .profile import Profile
    from .routine import build_routine

    prof = profile if isinstance(profile, Profile) else Profile(**profile)
    key = json.dumps(prof.to_dict(), sort_keys=True)
    if key not in _ROUTINES:
        if len(_ROUTINES) > 256:
            _ROUTINES.clear()
        _ROUTINES[key] = build_routine(prof)
    return _ROUTINES[key]


# ====================================================================== plots (not in plots.py)
def ladder_frame(category: str = "structured_load", catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ladders of one category, rung by rung: ``ladder, rung, id, name, load_level, minutes, dosage``.

    A ladder starts at an exercise with no regression and follows ``progression_id`` upward.
    """
    from .catalogue import CATEGORIES, ladder, load_catalogue

    if category not in CATEGORIES:
        raise InputError("category", "one of " + ", ".join(CATEGORIES), category)
    cat = load_catalogue() if catalogue is None else catalogue
    sub = cat[cat["category"] == category]
    roots = sub[sub["regression_id"].isna() | (sub["regression_id"] == "")]
    rows = []
    by_id = cat.set_index("id")
    chains = {root: ladder(root, cat) for root in roots["id"]}
    # ladders of two or more rungs first, then the stand-alone exercises, each by load level
    order = sorted(chains, key=lambda i: (len(chains[i]) < 2, by_id.at[i, "load_level"], i))
    for li, root in enumerate(order):
        for rung, ex in enumerate(chains[root]):
            r = by_id.loc[ex]
            rows.append({"ladder": li + 1, "rung": rung + 1, "id": ex, "name": r["name"],
                         "load_level": int(r["load_level"]), "position": r["position"],
                         "equipment": ", ".join(r["equipment"]), "minutes": float(r["minutes"]),
                         "dosage": r["dosage"]})
    return pd.DataFrame(rows, columns=["ladder", "rung", "id", "name", "load_level", "position", "equipment",
                                       "minutes", "dosage"])


def ladder_plot(frame: pd.DataFrame, *, title: str | None = None, figsize=None):
    """The load ladders drawn level by level.

    One column per ladder of two or more rungs (a grey rail with a dot per rung at its load
    level, labelled with the name and dosage), and a last column with the stand-alone exercises
    of the category, grouped by load level.
    """
    import matplotlib.pyplot as plt

    from .plots import COLORS

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
    ax.set_ylim(0.4, 5.6)
    ax.set_yticks(range(1, 6))
    ax.set_xticks(range(ncol))
    ax.set_xticklabels([f"ladder {li}" for li in ladders] + (["stand-alone"] if len(single) else []))
    ax.set_ylabel("load level (1 = lightest, 5 = heaviest)")
    ax.grid(axis="x", visible=False)
    ax.set_title(title or "the load ladder: each rung is one step up")
    return fig


def acwr_plot(frame: pd.DataFrame, *, others: dict | None = None, band=ACWR_BAND, title: str | None = None,
              figsize=(6.8, 4.4)):
    """Load per day (bars, top) and the acute:chronic ratio (line, bottom) with the 0.8-1.3 band shaded.

    ``frame`` has ``day``, ``load`` and ``acwr`` (and optionally ``deload``); ``others`` maps a
    label to another such frame drawn on the same axes (e.g. the same volume done in spikes).
    """
    import matplotlib.pyplot as plt

    from .plots import COLORS, color_for

    fig, (ax0, ax1) = plt.subplots(2, 1, figsize=figsize, sharex=True, layout="constrained",
                                   gridspec_kw={"height_ratios": [1, 1.6]})
    series = {"structured_load": frame, **(others or {})}
    for i, (name, f) in enumerate(series.items()):
        wk = f["day"].to_numpy(float) / 7
        c = color_for(name, i)
        if i == 0:
            ax0.fill_between(wk, 0, f["load"], step="post", color=c, alpha=0.75, lw=0, label="planned")
        else:
            ax0.step(wk, f["load"], where="mid", color=c, lw=1, alpha=0.9, label=name.replace("_", " "))
        ax1.plot(wk, f["acwr"], color=c, lw=2, label=name.replace("_", " "))
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
    ax0.set_title(title or "planned load and its acute:chronic ratio")
    return fig


def habit_curve_plot(curve: pd.DataFrame, *, references=(18, 66, 254), title: str | None = None,
                     figsize=(6.4, 3.6)):
    """Habit strength over days with the Lally range (18, 66 and 254 days to plateau) in grey."""
    import matplotlib.pyplot as plt

    from .plots import COLORS

    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
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
    ax.set_ylim(0, 1.05)
    ax.set_xlim(0, days * 1.09)
    ax.set_xlabel("day")
    ax.set_ylabel("habit strength (0-1)")
    ax.set_title(title or "habit strength grows fast, then slowly")
    return fig


def _tidy(summary: pd.DataFrame) -> pd.DataFrame:
    """A summary table for display: the outcome as a column, and a dash where an outcome does not apply."""
    t = summary.reset_index() if summary.index.name else summary
    return t.replace({"nan (nan to nan)": "-"})


def _left(html_text: str) -> str:
    """Left-align table cells (JupyterLab right-aligns them, which scatters lists of cues)."""
    return (html_text.replace("<td>", "<td style='text-align:left;vertical-align:top'>")
            .replace("<th>", "<th style='text-align:left'>"))


class _OneDraw:
    """Mixin: show each new figure as one PNG draw (``SpineWidget.show_png``), not the inline
    backend's two ('tight' measures, then draws); the constrained layout already fits it."""

    def show_figure(self, fig):
        import matplotlib.pyplot as plt

        self.show_png(fig)
        plt.close(fig)


# ====================================================================== notebook 04
class ProgressionPlanner(_OneDraw, SpineWidget):
    """Progression planner: a routine at a start stage climbs the load ladder week by week.

    Controls: ``start_stage`` (1-5), ``weeks`` (4-26), ``step_every`` (weeks between steps up),
    ``deload_every`` (every n-th week is easier; 0 = never). ``.result`` is a dict with
    ``routine``, ``progression`` (the week-by-week table), ``daily`` (day, week, load,
    acute, chronic, acwr, deload), ``in_band`` (share of days from week 5 on with the ratio in
    0.8-1.3) and ``max_acwr``.
    """

    title = "Progression planner"
    help = ("Choose where you start on the ladder and how often you step up; the lower panel shows the "
            "acute:chronic load ratio with the 0.8-1.3 band shaded.")

    def __init__(self, start_stage: int = 2, weeks: int = 12, step_every: int = 2, deload_every: int = 4,
                 minutes_per_day: int = 30):
        super().__init__()
        kw = dict(continuous_update=False, style={"description_width": "190px"},
                  layout=widgets.Layout(width="460px"))
        self.minutes_per_day = minutes_per_day
        self._progressions: dict = {}
        self.start_stage = widgets.IntSlider(value=start_stage, min=1, max=5, description="start stage", **kw)
        self.weeks = widgets.IntSlider(value=weeks, min=4, max=26, description="weeks", **kw)
        self.step_every = widgets.IntSlider(value=step_every, min=1, max=6, description="step up every (weeks)", **kw)
        self.deload_every = widgets.IntSlider(value=deload_every, min=0, max=8,
                                              description="easier week every (0 = none)", **kw)
        self.setup(["start_stage", "weeks", "step_every", "deload_every"])

    def compute(self, start_stage, weeks, step_every, deload_every):
        stage = _number(start_stage, "start stage", 1, 5, whole=True)
        weeks = _number(weeks, "weeks", 1, 104, whole=True)
        step = _number(step_every, "step up every", 1, 12, whole=True)
        deload = _number(deload_every, "easier week every", 0, 12, whole=True)
        if deload == 1:
            raise InputError("easier week every", "0 (none) or 2 or more weeks (1 would make every week easy)", 1)
        # every piece of equipment, so the whole ladder can be climbed
        routine = cached_routine({"minutes_per_day": self.minutes_per_day, "load_stage": stage,
                                  "irritability": "low", "equipment": list(EQUIPMENT)})
        key = (stage, weeks, step, deload)
        if key not in self._progressions:
            self._progressions[key] = routine.progression(weeks=weeks, step_every=step, deload_every=deload)
        prog = self._progressions[key]
        daily = planned_load(prog, routine.session_days)
        daily = pd.concat([daily, acwr(daily["load"])], axis=1)
        settled = daily[daily["week"] >= 5] if weeks >= 5 else daily
        in_band = float(settled["acwr"].between(*ACWR_BAND).mean())
        weekly = prog[prog["category"].isin(STRENGTH)].groupby("week").agg(step=("step", "sum"), deload=("deload", "any"))
        up = (weekly["step"].diff().fillna(0) > 0) & ~weekly["deload"] & ~weekly["deload"].shift(fill_value=False)
        from .simulate import acwr_multiplier

        return {"routine": routine, "progression": prog, "daily": daily, "in_band": in_band,
                "max_acwr": float(daily["acwr"].max()), "step_weeks": [int(w) for w in up[up].index],
                "max_flare_multiplier": float(acwr_multiplier(float(daily["acwr"].max()))),
                "settings": {"start_stage": stage, "weeks": weeks, "step_every": step, "deload_every": deload}}

    def week_table(self, result=None) -> pd.DataFrame:
        """One row per week: the strengthening exercises (rung names), the load, easier or not."""
        r = self.result if result is None else result
        prog = r["progression"]
        st = prog[prog["category"].isin(STRENGTH)]
        rows = []
        for w, g in st.groupby("week"):
            d = r["daily"][r["daily"]["week"] == w]
            rows.append({"week": int(w), "easier week": "yes" if g["deload"].any() else "",
                         "strength exercises (load level)": "; ".join(f"{n} ({l})" for n, l in zip(g["name"], g["load_level"])),
                         "load per session": float((g["minutes"] * g["load_level"]).sum()),
                         "max ratio": round(float(d["acwr"].max()), 2)})
        return pd.DataFrame(rows)

    def show(self, r):
        self.show_text(f"{r['in_band']:.0%} of days from week 5 on have a ratio inside 0.8-1.3; the highest ratio is "
                       f"{r['max_acwr']:.2f}, where the simulator multiplies the flare risk by "
                       f"{r['max_flare_multiplier']:.2f}. Steps up in weeks: "
                       f"{', '.join(map(str, r['step_weeks'])) or 'none'}.")
        self.show_figure(acwr_plot(r["daily"]))
        self.show_frame(self.week_table(r))


def progression_planner(**kw) -> ProgressionPlanner:
    """The progression planner widget for notebook 04."""
    return ProgressionPlanner(**kw)


# ----- simulator adapters (one place that knows the simulator's calling convention) -------
def final_mean(res, state: str) -> float:
    """The cohort mean of ``state`` on the last simulated day."""
    from .plots import band_frame

    return float(band_frame(res, state)["mean"].iloc[-1])




class LoadComparison(_OneDraw, SimulationWidget):
    """Structured progression vs the same volume in unstructured spikes, simulated in a cohort.

    Controls: ``state`` (which state to plot) and ``weeks``. ``.result`` is a dict with
    ``results`` (the two simulation results, by scenario name), ``volume`` (the planned minutes
    of structured load of each scenario: the same) and ``summary`` (end-of-run means and 95%
    intervals per person: flares, pain change, capacity).
    """

    title = "Structured steps vs spikes at the same volume"
    help = "Both cohorts are given the same total load; one adds it step by step, the other in bursts."
    SCENARIOS = ("structured_load", "unstructured_spikes")

    def __init__(self, people: int = 200, weeks: int = 12, seed: int = 1, state: str = "acwr"):
        super().__init__(people=people, days=weeks * 7, seed=seed)
        self.state = widgets.Dropdown(options=[("acute:chronic ratio", "acwr"), ("pain", "pain"),
                                               ("people in a flare", "flare"), ("capacity", "capacity")],
                                      value=state, description="show")
        self.weeks = widgets.IntSlider(value=weeks, min=4, max=26, description="weeks", continuous_update=False)
        self.setup(["state", "weeks"])

    def compute(self, state, weeks):
        from .scenarios import scenario_plan
        from .widgets import compare_people

        days = _number(weeks, "weeks", 1, 104, whole=True) * 7
        runs = {s: self.simulate(s, days=days, cache_key=(s, days)) for s in self.SCENARIOS}
        volume = pd.DataFrame([{"scenario": s, "planned minutes of structured load":
                                float(scenario_plan(s, days)["min_structured_load"].sum())} for s in self.SCENARIOS])
        return {"results": runs, "state": state, "volume": volume, "weeks": days // 7,
                "summary": compare_people(runs, ("flares", "pain_change", "capacity"))}

    def show(self, r):
        from .plots import cohort_band_plot

        st = r["state"]
        fig = cohort_band_plot(r["results"], st, weeks=True,
                               title=f"{st.replace('_', ' ')}: cohort mean and 95% band, {r['weeks']} weeks")
        if st == "acwr":
            fig.axes[0].axhspan(*ACWR_BAND, color="#029e73", alpha=0.12, lw=0)
        self.show_figure(fig)
        self.show_frame(r["volume"])
        self.show_frame(_tidy(r["summary"]))


def load_comparison(**kw) -> LoadComparison:
    """The structured-vs-spikes simulation widget for notebook 04."""
    return LoadComparison(**kw)


# ====================================================================== notebook 05
# share of a session's minutes per category: the gentle mix of the workbook's daily routine
SESSION_MIX = {"down_regulation": 0.25, "micro_strength": 0.40, "transition": 0.15, "mobility_reset": 0.20}
PATTERNS = {
    "spread": "spread over the week",
    "bunched": "back to back, then days off",
    "weekly": "all the week's minutes in one session",
}


class AdherenceSimulator(_OneDraw, SimulationWidget):
    """Adherence simulator: habit strength, sessions done and pain over weeks, as cohort bands.

    Controls: ``minutes`` (per session day, 5-60), ``days_per_week`` (1-7), ``pattern``
    (``spread``, ``bunched`` or ``weekly``) and ``cohort`` (cohort size, typed, 20-2000).
    ``.result`` is a dict with ``results`` (your pattern and the no-exercise control),
    ``plan`` (the daily plan simulated) and ``summary`` (end-of-run means per person).
    """

    title = "Adherence simulator"
    help = ("Minutes per session day, how many days a week and how they are arranged; each band is the "
            "middle 95% of the simulated people, the line their mean.")
    STATES = ("habit", "session", "pain")

    def __init__(self, minutes: int = 15, days_per_week: int = 7, pattern: str = "spread", people: int = 200,
                 weeks: int = 12, seed: int = 1):
        super().__init__(people=people, days=weeks * 7, seed=seed)
        kw = dict(continuous_update=False, style={"description_width": "130px"}, layout=widgets.Layout(width="400px"))
        self.minutes = widgets.IntSlider(value=minutes, min=5, max=60, step=5, description="minutes per day", **kw)
        self.days_per_week = widgets.IntSlider(value=days_per_week, min=1, max=7, description="days per week", **kw)
        self.pattern = widgets.Dropdown(options=[(v, k) for k, v in PATTERNS.items()], value=pattern,
                                        description="session pattern", style={"description_width": "130px"},
                                        layout=widgets.Layout(width="400px"))
        # typed, so a person can enter 0: the widget then says what it needs
        self.cohort = widgets.IntText(value=people, description="cohort size", style={"description_width": "130px"},
                                      layout=widgets.Layout(width="260px"))
        self.setup(["minutes", "days_per_week", "pattern", "cohort"],
                   layout=widgets.HBox([widgets.VBox([self.minutes, self.days_per_week]),
                                        widgets.VBox([self.pattern, self.cohort])]))

    def plan(self, minutes, days_per_week, pattern) -> pd.DataFrame:
        """The daily plan simulated: a gentle session mix (:data:`SESSION_MIX`) of ``minutes`` on
        ``days_per_week`` days, arranged by ``pattern`` (``spread``: spread over the week; ``bunched``:
        on consecutive days from Monday; ``weekly``: the whole week's minutes in one Monday session)."""
        from .widgets import plan_frame

        m = _number(minutes, "minutes per day", 5, 60, whole=True)
        d = _number(days_per_week, "days per week", 1, 7, whole=True)
        if pattern not in PATTERNS:
            raise InputError("session pattern", "one of " + ", ".join(PATTERNS), pattern)
        session = m * d if pattern == "weekly" else m
        plan = plan_frame(self.days, **{k: session * share for k, share in SESSION_MIX.items()},
                          load_level=1.5, control=4, days_per_week=1 if pattern == "weekly" else d)
        if pattern == "bunched" and d < 7:
            first = plan[plan["planned"]].iloc[0]
            on = (plan["day"] % 7) < d
            for c in plan.columns:
                if c == "day":
                    continue
                if c == "planned":
                    plan[c] = on
                elif plan[c].dtype == bool:
                    plan[c] = on & bool(first[c])
                else:
                    plan[c] = np.where(on, float(first[c]), 0.0)
        return plan

    def compute(self, minutes, days_per_week, pattern, cohort):
        from .widgets import compare_people

        people = _number(cohort, "cohort size", 20, 2000, whole=True)
        plan = self.plan(minutes, days_per_week, pattern)
        mine = self.simulate(plan, people=people)
        control = self.simulate("no_exercise", people=people, cache_key=("no_exercise", people, self.days))
        results = {"your pattern": mine, "no_exercise": control}
        summary = compare_people(results, ("adherence", "habit", "pain_change", "flares"))
        weekly = float(plan[[c for c in plan.columns if c.startswith("min_")]].to_numpy().sum()) / (self.days / 7)
        return {"results": results, "plan": plan, "summary": summary, "people": people,
                "weekly_minutes": round(weekly, 1), "pattern": pattern}

    def show(self, r):
        from .widgets import available_states

        states = available_states(r["results"], self.STATES)
        self.show_text(f"{r['weekly_minutes']:g} planned minutes a week, {PATTERNS[r['pattern']]}; "
                       f"{r['people']} simulated people.")
        self.show_bands(r["results"], states, figsize=(3.4 * len(states), 3.0))  # redrawn in place
        self.show_frame(_tidy(r["summary"]))


def adherence_simulator(**kw) -> AdherenceSimulator:
    """The adherence simulator widget for notebook 05."""
    return AdherenceSimulator(**kw)


class HabitCurve(_OneDraw, SpineWidget):
    """The Lally habit curve: how long until practice feels automatic.

    Controls: ``days_to_plateau`` (18-254, Lally's range), ``miss_every`` (skip every n-th day,
    0 = never) and ``days`` (how far to draw). ``.result`` is the curve table plus
    ``habit_at_66`` and ``day_95``.
    """

    title = "The habit curve"
    help = "Habit strength grows quickly at first and then levels off (Lally 2010: 18-254 days, median 66)."

    def __init__(self, days_to_plateau: int = 66, miss_every: int = 0, days: int = 180):
        super().__init__()
        kw = dict(continuous_update=False, style={"description_width": "150px"}, layout=widgets.Layout(width="420px"))
        self.days_to_plateau = widgets.IntSlider(value=days_to_plateau, min=18, max=254,
                                                 description="days to 95% plateau", **kw)
        self.miss_every = widgets.IntSlider(value=miss_every, min=0, max=7, description="miss every n-th day", **kw)
        self.days = widgets.IntSlider(value=days, min=30, max=365, step=10, description="days drawn", **kw)
        self.setup(["days_to_plateau", "miss_every", "days"])

    def compute(self, days_to_plateau, miss_every, days):
        curve = habit_curve(days, days_to_plateau, miss_every)
        above = curve[curve["habit"] >= 0.95]
        return {"curve": curve, "habit_at_66": float(curve.loc[curve["day"] == min(66, int(days)), "habit"].iloc[0]),
                "day_95": int(above["day"].iloc[0]) if len(above) else None}

    def show(self, r):
        d95 = f"day {r['day_95']}" if r["day_95"] is not None else "not within the days drawn"
        self.show_text(f"95% of the plateau is reached on {d95}; on day 66 habit strength is {r['habit_at_66']:.2f}.")
        self.show_figure(habit_curve_plot(r["curve"]))


def habit_curve_widget(**kw) -> HabitCurve:
    """The habit-curve widget for notebook 05."""
    return HabitCurve(**kw)


# ====================================================================== notebook 06
_STATUS_MARK = {"pass": ("&#10004;", "#1b5e20", "pass"), "warn": ("!", "#8a5a00", "warning"),
                "fail": ("&#10008;", "#8a1c13", "fail")}


def audit_html(table: pd.DataFrame) -> str:
    """The five-insight audit as a checklist (one line per insight: mark, title, reason)."""
    lines = ["<div class='spinelib-audit'><b>Five-insight audit</b><ul style='list-style:none;padding-left:4px'>"]
    for r in table.itertuples():
        mark, colour, word = _STATUS_MARK.get(r.status, ("?", "#333", r.status))
        lines.append(f"<li style='margin:2px 0'><span style='color:{colour};font-weight:bold;display:inline-block;"
                     f"width:1.4em'>{mark}</span><b>{r.insight}. {html.escape(r.title)}</b> "
                     f"<span style='color:{colour}'>({word})</span>: {html.escape(r.reason)}</li>")
    lines.append("</ul></div>")
    return "".join(lines)


class RoutineBuilder(SpineWidget):
    """The full routine builder: profile in, plan in three slots, week view, live audit, edits, export.

    Controls (attributes): ``minutes`` (typed, 5-60), ``days_per_week`` (1-7), ``equipment``,
    ``positions``, ``goals`` (multi-selects), ``irritability``, ``load_stage`` (1-5) and one
    yes/no control per red-flag question, ``rf_<question id>`` (the same controls as the
    notebook 00 screen, shown in the "Safety questions" box).

    Buttons: ``progress_button`` / ``regress_button`` move the exercise chosen in ``exercise``
    one rung; ``save_csv`` / ``save_json`` write the plan atomically to ``filename`` (relative
    names go into ``folder``); the path is shown in ``saved``.

    ``.result`` is a dict: ``profile``, ``routine``, ``plan`` (tidy table), ``week`` (one row per
    weekday), ``audit`` (the five-insight table), ``passes``; or ``referral`` (the red-flag
    result) and ``routine`` None when a red-flag answer is yes.
    """

    title = "Build your routine"
    help = "Change any input: the plan, the week and the audit update at once."

    def __init__(self, minutes: int = 15, days_per_week: int = 7, equipment=("mat",), positions=None,
                 irritability: str = "moderate", load_stage: int = 1, goals=(), folder=None):
        super().__init__()
        from .catalogue import EQUIPMENT, POSITIONS
        from .profile import GOALS

        wide = {"description_width": "130px"}
        self.minutes = widgets.IntText(value=minutes, description="minutes per day", style=wide,
                                       layout=widgets.Layout(width="250px"))
        self.days_per_week = widgets.IntSlider(value=days_per_week, min=1, max=7, description="days per week",
                                               continuous_update=False, style=wide)
        self.irritability = widgets.ToggleButtons(options=["low", "moderate", "high"], value=irritability,
                                                  description="irritability", style={**wide, "button_width": "92px"})
        self.load_stage = widgets.IntSlider(value=load_stage, min=1, max=5, description="load stage",
                                            continuous_update=False, style=wide)
        self.equipment = widgets.SelectMultiple(options=[e for e in EQUIPMENT if e != "none"], value=tuple(equipment),
                                                rows=4, description="equipment", style=wide)
        self.positions = widgets.SelectMultiple(options=list(POSITIONS),
                                                value=tuple(positions) if positions is not None else tuple(POSITIONS),
                                                rows=5, description="positions", style=wide)
        self.goals = widgets.SelectMultiple(options=list(GOALS), value=tuple(goals), rows=4, description="goals",
                                            style=wide)
        self.screen = RedFlagScreen()
        self.questions = list(self.screen.questions)
        for q in self.questions:
            setattr(self, f"rf_{q}", getattr(self.screen, q))
        # editing and export controls (buttons, not observed as profile inputs)
        self.exercise = widgets.Dropdown(options=[], description="exercise", layout=widgets.Layout(width="420px"))
        wide_button = widgets.Layout(width="180px")
        self.progress_button = widgets.Button(description="progress one rung", icon="arrow-up", layout=wide_button)
        self.regress_button = widgets.Button(description="regress one rung", icon="arrow-down", layout=wide_button)
        self.edit_status = widgets.HTML("")
        self.filename = widgets.Text(value="my_routine", description="file name", placeholder="e.g. my_routine")
        self.save_csv = widgets.Button(description="save CSV", icon="download")
        self.save_json = widgets.Button(description="save JSON", icon="download")
        self.saved = widgets.HTML("")
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self.last_export: Path | None = None
        self._edits: list[tuple[str, str]] = []
        self._select: str | None = None
        self._listeners: list = []
        self.progress_button.on_click(lambda _b: self.edit("progress"))
        self.regress_button.on_click(lambda _b: self.edit("regress"))
        self.save_csv.on_click(lambda _b: self._export_click("csv"))
        self.save_json.on_click(lambda _b: self._export_click("json"))
        profile_box = widgets.HBox([
            widgets.VBox([self.minutes, self.days_per_week, self.load_stage, self.irritability]),
            widgets.VBox([self.equipment, self.positions, self.goals]),
        ])
        safety = widgets.Accordion(children=[self.screen.ui])
        safety.set_title(0, "Safety questions (answer these first)")
        edit_box = widgets.VBox([widgets.HTML("<b>Edit the plan</b>"),
                                 widgets.HBox([self.exercise, self.progress_button, self.regress_button]),
                                 self.edit_status])
        export_box = widgets.VBox([widgets.HTML("<b>Export</b>"),
                                   widgets.HBox([self.filename, self.save_csv, self.save_json]), self.saved])
        names = ["minutes", "days_per_week", "equipment", "positions", "irritability", "load_stage", "goals",
                 *[f"rf_{q}" for q in self.questions]]
        self.setup(names, layout=widgets.VBox([profile_box, safety, edit_box, export_box]))

    # -- inputs -----------------------------------------------------------------------
    def profile_dict(self, values: dict | None = None) -> dict:
        v = self.values if values is None else values
        minutes = v["minutes"]
        if minutes is None or (isinstance(minutes, str) and not minutes.strip()):
            raise InputError("minutes per day", "a whole number of minutes from 5 to 60", "nothing")
        if not v["positions"]:
            raise InputError("positions", "at least one position you can get into and out of", "none selected")
        return {"minutes_per_day": minutes, "days_per_week": v["days_per_week"], "equipment": list(v["equipment"]),
                "positions": list(v["positions"]), "irritability": v["irritability"], "load_stage": v["load_stage"],
                "goals": list(v["goals"]),
                "red_flags": {q: v[f"rf_{q}"] for q in self.questions if v.get(f"rf_{q}")}}

    def _on_change(self, change=None):
        if getattr(self, "_held", False):
            return
        self._edits = []  # a new profile starts from a freshly built plan
        self.edit_status.value = ""
        self.update()

    # -- the update cycle ------------------------------------------------------------------
    def compute(self, **values):
        from .audit import audit, passes
        from .profile import Profile

        prof = Profile(**self.profile_dict(values))
        built = cached_routine(prof)
        if built.is_referral:
            return {"profile": prof, "referral": built, "routine": None}
        routine = built
        for op, ex in self._edits:
            routine = getattr(routine, op)(ex)
        table = audit(routine)
        return {"profile": prof, "routine": routine, "plan": routine.to_frame(), "week": routine.week_frame(),
                "audit": table, "passes": passes(table), "referral": None}

    def marker_text(self, values):
        r = self.result
        if r["routine"] is None:
            return f"{self.marker}: referral"
        counts = r["audit"]["status"].value_counts()
        return (f"{self.marker}: minutes={values['minutes']} items={len(r['plan'])} "
                f"audit={counts.get('pass', 0)}pass/{counts.get('warn', 0)}warn/{counts.get('fail', 0)}fail")

    def show(self, r):
        if r["routine"] is None:  # the referral message and nothing else
            self.show_text(r["referral"].message, kind="stop")
            self._refresh_choices(None)
            return
        routine = r["routine"]
        notes = [n for n in routine.notes if not n.startswith(("added", "removed"))]
        self.show_text(f"{routine.minutes:g} minutes a day on {routine.days_per_week} day(s) a week "
                       f"({routine.weekly_minutes:g} minutes a week)." + (" " + " ".join(notes) if notes else ""),
                       kind="info")
        self._display(HTML(_left(routine.to_html())))
        self._display(HTML("<b>Week</b>"))
        week = r["week"].copy()
        week["session"] = week["session"].map({True: "yes", False: "rest"})
        week["transition"] = week["transition"].map({True: "yes", False: ""})
        self.show_frame(week)
        self._display(HTML(audit_html(r["audit"])))
        self._display(HTML("<b>Make it a report</b>: <code>" + html.escape(self.report_command()) + "</code>"))
        self._refresh_choices(routine)

    def update(self, change=None):
        """Rebuild and redraw, then tell the followers (e.g. the cohort projection), also after an error."""
        result = super().update(change)
        for fn in list(getattr(self, "_listeners", ())):
            try:
                fn(self)
            except Exception as exc:  # a follower's failure is its own business
                self.edit_status.value = html.escape(one_line(exc))
        return result

    def _refresh_choices(self, routine):
        opts = [] if routine is None else [(f"{it.slot}: {it.name}", it.exercise_id) for it in routine.items]
        keep = self._select or self.exercise.value
        self.exercise.options = opts
        ids = [o[1] for o in opts]
        if keep in ids:
            self.exercise.value = keep
        else:
            strength = [it.exercise_id for it in (routine.items if routine else []) if it.category in STRENGTH]
            self.exercise.value = strength[0] if strength else (ids[0] if ids else None)
        self._select = None

    # -- edits --------------------------------------------------------------------------
    def edit(self, op: str, exercise_id: str | None = None):
        """Progress or regress one exercise (default: the one chosen in ``exercise``); returns the result.

        An exercise already at the top (or bottom) of its ladder gives a one-line message in
        ``edit_status`` and leaves the plan as it was.
        """
        if op not in ("progress", "regress"):
            raise InputError("edit", "progress or regress", op)
        r = self.result
        ex = exercise_id or self.exercise.value
        if not r or r.get("routine") is None:
            self.edit_status.value = "<span style='color:#8a5a00'>There is no plan to edit yet.</span>"
            return self.result
        if not ex:
            self.edit_status.value = "<span style='color:#8a5a00'>Choose an exercise first.</span>"
            return self.result
        try:
            new = getattr(r["routine"], op)(ex)
        except InputError as exc:
            self.edit_status.value = f"<span style='color:#8a5a00'>{html.escape(one_line(exc))}</span>"
            return self.result
        self._edits.append((op, ex))
        self.edit_status.value = html.escape(new.notes[-1]) if new.notes else ""
        # select the new rung after the update
        self._select = next((it.exercise_id for it in new.items if it.exercise_id not in r["routine"].ids), ex)
        return self.update()

    # -- export ----------------------------------------------------------------------------
    def export(self, kind: str, name: str | None = None) -> Path:
        """Write the current plan as ``csv`` or ``json`` (atomically) and return the full path."""
        if kind not in ("csv", "json"):
            raise InputError("export", "csv or json", kind)
        r = self.result
        if not r or r.get("routine") is None:
            raise InputError("export", "a plan to export (answer the safety questions and fix any input first)")
        name = self.filename.value if name is None else name
        if name is None or not str(name).strip():
            raise InputError("file name", "a file name such as my_routine", "nothing")
        p = Path(str(name).strip()).expanduser()
        if p.suffix.lower() != f".{kind}":
            p = p.with_name(p.name + f".{kind}")
        if not p.is_absolute():
            p = self.folder / p
        if p.exists() and p.is_dir():
            raise InputError("file name", "a file name, not a folder", str(name))
        routine = r["routine"]
        (routine.to_csv if kind == "csv" else routine.to_json)(p)
        self.last_export = p.resolve()
        return self.last_export

    def _export_click(self, kind: str):
        try:
            path = self.export(kind)
        except (InputError, OSError) as exc:
            self.saved.value = f"<span style='color:#8a5a00'>Not saved: {html.escape(one_line(exc))}</span>"
        else:
            self.saved.value = f"Saved {kind.upper()} to <code>{html.escape(str(path))}</code>"

    # -- report ----------------------------------------------------------------------------
    def report_command(self, output: str = "reports/out/me.html") -> str:
        """The command line that turns this profile into a personal-plan report."""
        try:
            d = self.profile_dict()
        except InputError:
            d = {}
        parts = ["spinelib report personal-plan"]
        for k in ("minutes_per_day", "days_per_week", "load_stage"):
            if k in d:
                parts.append(f"-p {k} {d[k]}")
        if "irritability" in d:
            parts.append(f"-r irritability {d['irritability']}")
        for k in ("equipment", "positions", "goals"):
            if d.get(k):
                parts.append(f"-r {k} {','.join(d[k])}")
        for q, a in d.get("red_flags", {}).items():
            parts.append(f"-p red_flags.{q} {a}")
        parts.append(f"-o {output}")
        return " ".join(parts)

    def on_change(self, fn):
        """Call ``fn(builder)`` after every successful update (used by :class:`CohortProjection`)."""
        self._listeners.append(fn)
        return fn


def routine_builder(**kw) -> RoutineBuilder:
    """The routine-builder widget for notebook 06."""
    return RoutineBuilder(**kw)


class CohortProjection(_OneDraw, SimulationWidget):
    """Projects a cohort of people like you doing the builder's current plan, against no exercise.

    Controls: ``weeks`` (4-26). It follows a :class:`RoutineBuilder`: each change there
    re-runs the projection. ``.result`` is a dict with ``run`` (the simulation of the plan),
    ``baseline`` (the no-exercise scenario) and ``summary``.
    """

    title = "What might happen: a cohort of similar people"
    help = ("Each band is the middle 95% of simulated people who start from the same profile. A teaching "
            "model, not a prediction for you.")

    def __init__(self, builder: RoutineBuilder, weeks: int = 12, people: int = 200, seed: int = 1):
        super().__init__(people=people, days=weeks * 7, seed=seed)
        self.builder = builder
        self.weeks = widgets.IntSlider(value=weeks, min=4, max=26, description="weeks", continuous_update=False)
        self.setup(["weeks"])
        builder.on_change(lambda _b: self.update())

    def compute(self, weeks):
        from .widgets import compare_people

        days = _number(weeks, "weeks", 1, 104, whole=True) * 7
        r = self.builder.result
        if not r or r.get("routine") is None:
            raise InputError("plan", "a plan from the builder above (answer the safety questions and fix any input)")
        mine = self.simulate(r["routine"], days=days)
        control = self.simulate("no_exercise", days=days, cache_key=("no_exercise", days))
        results = {"your plan": mine, "no_exercise": control}
        return {"results": results, "weeks": days // 7,
                "summary": compare_people(results, ("pain_change", "flares", "adherence", "habit"))}

    def marker_text(self, values):
        m = self.builder.values.get("minutes")
        return f"{self.marker}: projection weeks={values['weeks']} minutes={m}"

    def show(self, r):
        from .widgets import available_states

        states = available_states(r["results"], ("pain", "habit", "capacity"))
        self.show_text(f"{self.people} simulated people like you over {r['weeks']} weeks: your plan against not "
                       "exercising.")
        self.show_bands(r["results"], states, figsize=(3.4 * len(states), 3.0))  # redrawn in place
        self.show_frame(_tidy(r["summary"]))


def cohort_projection(builder: RoutineBuilder, **kw) -> CohortProjection:
    """The cohort-projection widget for notebook 06 (follows a routine builder)."""
    return CohortProjection(builder, **kw)
