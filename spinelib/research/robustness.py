"""Robustness of the five insights: does the recommended side still win when the model's parameters move?

Each insight (:data:`spinelib.insights.INSIGHTS`) is a pair of named scenarios, recommended
versus comparison, and one *headline* outcome on which the recommended side is claimed to be
better (:data:`HEADLINE`: the outcomes ``tests/sim/test_scenarios.py`` asserts for each pair).
This module asks, for every insight at once:

- :func:`robustness_ensemble`: one :func:`~.ensemble.ensemble` of all ten scenarios with the
  same parameter draws and the same people (paired contrasts);
- :func:`robustness_table`: per insight, the headline difference at the defaults, its 95%
  interval over the parameter draws, and the **win share**: the share of drawn parameter sets in
  which the recommended side is still the better one;
- :func:`screen_names` and :func:`insight_drivers`: Morris screening (:func:`~.sensitivity.morris`)
  of the headline contrast over the parameters of the insight's own mechanism (read from the
  evidence ids in :data:`spinelib.sim.PARAMS` at run time), or over any names given;
- :func:`robustness_plot` and :func:`drivers_plot`: one figure each, a panel per insight.

A teaching model, not a clinical prediction. Nothing here is medical advice.

>>> headline_contrast(1)
'flares: micro_strength minus max_effort'
>>> pair_scenarios()[:2]
['micro_strength', 'max_effort']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError, whole_number
from ..evidence import load_evidence
from ..insights import INSIGHTS, insight
from ..sim import MECHANISMS, OUTCOMES, PARAMS
from .ensemble import Ensemble, ensemble
from .priors import uncertain_names
from .sensitivity import morris

__all__ = ["HEADLINE", "headline_contrast", "pair_scenarios", "robustness_ensemble", "robustness_table",
           "screen_names", "insight_drivers", "top_drivers", "robustness_plot", "drivers_plot"]

# the outcome on which each insight's recommended side is claimed to be better (tests/sim/test_scenarios.py)
HEADLINE = {1: "flares", 2: "capacity_gain", 3: "flares", 4: "flares", 5: "pain_change"}


def _insight(number):
    try:
        return insight(whole_number(number, "insight", 1, len(INSIGHTS)))
    except InputError:
        raise InputError("insight", f"a whole number from 1 to {len(INSIGHTS)}", number) from None


def headline_contrast(number) -> str:
    """The insight's headline contrast as text: ``"OUTCOME: RECOMMENDED minus COMPARISON"``."""
    i = _insight(number)
    return f"{HEADLINE[i.number]}: {i.scenarios[0]} minus {i.scenarios[1]}"


def pair_scenarios() -> list[str]:
    """The ten scenarios of the five pairs, recommended side first, in insight order."""
    return [s for i in INSIGHTS for s in i.scenarios]


def robustness_ensemble(uncertainty: int = 8, *, people: int = 150, days: int = 84, seed: int = 1,
                        **kw) -> Ensemble:
    """All ten pair scenarios at the defaults and at ``uncertainty`` parameter sets from the priors.

    Every scenario gets the same draws and the same simulated people (``seed``), so each pair's
    difference is paired. ``kw`` goes to :func:`~.ensemble.ensemble` (``names``, ``workers``,
    ``scheduler``, ``prior_seed``, ``states``).
    """
    outcomes = list(dict.fromkeys(HEADLINE.values()))
    return ensemble(pair_scenarios(), uncertainty, people=people, days=days, seed=seed, outcomes=outcomes, **kw)


def top_drivers(morris_df: pd.DataFrame, top: int = 3) -> list[str]:
    """The ``top`` parameters of a Morris result, largest ``mu_star`` first."""
    d = morris_df[morris_df["index"] == "mu_star"].sort_values("value", ascending=False)
    return d["parameter"].head(int(top)).tolist()


def robustness_table(ens: Ensemble, drivers: dict | None = None, top: int = 3) -> pd.DataFrame:
    """One row per insight: its headline contrast at the defaults and over the parameter draws.

    Columns: ``insight, title, outcome, recommended, comparison, better`` ("lower" or "higher"),
    ``default`` (recommended minus comparison at the defaults), ``model_lo``/``model_hi``
    (2.5/97.5% of that difference over the draws), ``wins`` (draws where the recommended side is
    better), ``draws``, ``win_share`` (``wins / draws``) and, when ``drivers`` (insight number ->
    a :func:`insight_drivers` result) is given, ``top_drivers`` (the ``top`` by ``mu_star``).
    """
    rows = []
    for i in INSIGHTS:
        a, b = i.scenarios
        outcome = HEADLINE[i.number]
        c = ens.contrast(a, b, outcome)
        drawn = c[c["draw"] > 0]
        lo, hi = np.percentile(drawn["difference"], [2.5, 97.5]) if len(drawn) else (np.nan, np.nan)
        row = {"insight": i.number, "title": i.title, "outcome": outcome, "recommended": a, "comparison": b,
               "better": "lower" if OUTCOMES[outcome].lower_is_better else "higher",
               "default": float(c.loc[c["draw"] == 0, "difference"].iloc[0]), "model_lo": float(lo),
               "model_hi": float(hi), "wins": int(drawn["a_better"].sum()), "draws": len(drawn),
               "win_share": float(drawn["a_better"].mean()) if len(drawn) else np.nan}
        if drivers is not None:
            row["top_drivers"] = ", ".join(top_drivers(drivers[i.number], top)) if i.number in drivers else ""
        rows.append(row)
    return pd.DataFrame(rows)


def screen_names(number) -> list[str]:
    """The uncertain parameters of the insight's own mechanism, read at run time.

    A parameter belongs when its evidence ids (:data:`spinelib.sim.PARAMS`) include a row of
    ``data/evidence.csv`` filed under this insight, or a row cited by the insight's mechanism
    switch (``use_*``). A short list on purpose: it keeps a Morris screen to seconds; pass
    ``names=None`` to :func:`insight_drivers` for every uncertain parameter (minutes).
    """
    i = _insight(number)
    ev = load_evidence()
    rows = set(ev.loc[ev["insight"].astype(str) == str(i.number), "id"])
    switch = next(p for p in PARAMS if p.name in MECHANISMS and MECHANISMS[p.name] == i.number)
    rows |= {r.strip() for r in str(switch.evidence).split(";") if r.strip()}
    ok = set(uncertain_names())
    return [p.name for p in PARAMS if p.name in ok and rows & {r.strip() for r in str(p.evidence).split(";")}]


_MECHANISM = object()


def insight_drivers(number, trajectories: int = 4, *, names=_MECHANISM, people: int = 150, days: int = 84,
                    seed: int = 1, **kw) -> pd.DataFrame:
    """Morris screening of the insight's headline contrast (:func:`~.sensitivity.morris`, tidy).

    ``names``: the parameters to vary; by default :func:`screen_names` (the insight's own
    mechanism), ``None`` for every uncertain parameter. Runs ``trajectories x (len(names) + 1)``
    points, two simulations each. ``kw`` goes to :func:`~.sensitivity.morris` (``levels``,
    ``workers``, ``scheduler``, ``params``).
    """
    names = screen_names(number) if names is _MECHANISM else names
    return morris(headline_contrast(number), trajectories, names=names, people=people, days=days, seed=seed, **kw)


def robustness_plot(ens: Ensemble, *, figsize=None):
    """One panel per insight, its headline outcome for both sides: the spread between people at the
    defaults (light bar, 2.5-97.5%), the model's uncertainty of the cohort mean over parameter
    draws (dark bar, 2.5-97.5%), the mean at the defaults (dot); the win share in the title.
    Returns a matplotlib ``Figure``."""
    from matplotlib.figure import Figure

    s = ens.summary().set_index(["scenario", "outcome"])
    table = robustness_table(ens).set_index("insight")
    fig = Figure(figsize=figsize or (8.2, 9.0), layout="constrained")
    axes = fig.subplots(len(INSIGHTS), 1)
    for ax, i in zip(np.atleast_1d(axes), INSIGHTS):
        outcome = HEADLINE[i.number]
        for y, (name, colour) in enumerate(zip(i.scenarios[::-1], ("#c0392b", "#1b6ca8"))):
            r = s.loc[(name, outcome)]
            ax.plot([r["people_lo"], r["people_hi"]], [y, y], color=colour, alpha=0.25, lw=10,
                    solid_capstyle="butt", label="95% of people (defaults)" if y == 1 else None)
            ax.plot([r["model_lo"], r["model_hi"]], [y, y], color=colour, lw=4, solid_capstyle="butt",
                    label="95% of the mean over parameter draws" if y == 1 else None)
            ax.plot([r["default"]], [y], "o", color="white", mec=colour, mew=2, ms=7,
                    label="mean at the defaults" if y == 1 else None)
        ax.set_yticks([0, 1], [i.scenarios[1], i.scenarios[0]], fontsize="small")
        ax.set_ylim(-0.6, 1.6)
        t = table.loc[i.number]
        ax.set_title(f"{i.number}. {i.title}: {outcome} ({t['better']} is better)\n"
                     f"{i.scenarios[0]} better in {t['wins']} of {t['draws']} parameter draws", fontsize="small",
                     loc="left")
        ax.tick_params(axis="x", labelsize="small")
    fig.legend(*np.atleast_1d(axes)[0].get_legend_handles_labels(), fontsize="x-small", loc="outside lower center",
               ncols=3)
    return fig


def drivers_plot(drivers: dict, *, top: int = 5, figsize=None):
    """One panel per insight (``drivers``: insight number -> Morris result): the ``top`` parameters by
    ``mu_star`` with their bootstrap intervals, the largest at the top. Returns a matplotlib ``Figure``."""
    from matplotlib.figure import Figure

    numbers = [i.number for i in INSIGHTS if i.number in drivers]
    if not numbers:
        raise InputError("drivers", "a mapping of insight numbers (1-5) to Morris results", list(drivers))
    fig = Figure(figsize=figsize or (7.6, 1.0 + 1.3 * len(numbers)), layout="constrained")
    axes = np.atleast_1d(fig.subplots(len(numbers), 1))
    for ax, n in zip(axes, numbers):
        d = drivers[n]
        d = d[d["index"] == "mu_star"].sort_values("value", ascending=False).head(int(top))
        y = np.arange(len(d))[::-1]
        ax.barh(y, d["value"], xerr=d["conf"].fillna(0).to_numpy(), color="#1b6ca8", height=0.7,
                error_kw={"lw": 1, "capsize": 2})
        ax.set_yticks(y, d["parameter"], fontsize="small")
        ax.axvline(0, color="0.5", lw=0.8)
        unit = OUTCOMES[HEADLINE[n]].unit
        ax.set_title(f"{n}. {headline_contrast(n)}", fontsize="small", loc="left")
        ax.set_xlabel(f"mu* (mean |elementary effect|, {unit})", fontsize="x-small")
        ax.tick_params(axis="x", labelsize="x-small")
    return fig
