"""Ensembles: the simulator over parameter draws, with two kinds of interval kept apart.

The simulator's own 95% bands show how simulated *people* differ for one set of parameters.
:func:`ensemble` runs the same cohort (the same seed: common random numbers) once at the
defaults and once for each of ``uncertainty`` parameter sets drawn from the priors
(:mod:`.priors`), and reports, for each scenario and outcome:

- **between people**: 2.5th to 97.5th percentile of the outcome across the people of the run at
  the defaults (the spread a reader of one simulation sees);
- **from the model**: 2.5th to 97.5th percentile of the cohort *mean* across the parameter
  draws (how unsure the model itself is of the answer).

>>> ens = ensemble("gentle_daily", uncertainty=3, people=30, days=14, seed=1)
>>> s = ens.summary()
>>> {"people_lo", "people_hi", "model_lo", "model_hi"} <= set(s.columns)
True
>>> int(ens.draws["draw"].max())
3
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, whole_number
from ..executor import open_executor
from ..sim import OUTCOMES, Params, band_frame, simulate
from .priors import draw_params

__all__ = ["ensemble", "Ensemble", "ensemble_plot", "DEFAULT_STATES", "MAX_DRAWS"]

DEFAULT_STATES = ("pain",)
MAX_DRAWS = 10_000


def _run_draw(job: dict) -> dict:
    """One scenario with one parameter set: outcome means and people percentiles, daily bands (worker side)."""
    res = simulate(job["what"], people=job["people"], days=job["days"], seed=job["seed"],
                   params=Params(**job["params"]))
    rows = []
    for o in job["outcomes"]:
        v = res.people[o].to_numpy(dtype=float)
        v = v[~np.isnan(v)]
        lo, hi = (np.percentile(v, [2.5, 97.5]) if v.size else (np.nan, np.nan))
        rows.append({"outcome": o, "mean": float(v.mean()) if v.size else np.nan, "people_lo": float(lo),
                     "people_hi": float(hi)})
    daily = []
    for s in job["states"]:
        b = band_frame(res, s)
        daily.append(b.assign(state=s))
    return {"draw": job["draw"], "scenario": job["label"], "rows": rows,
            "daily": pd.concat(daily, ignore_index=True) if daily else None}


@dataclass
class Ensemble:
    """What :func:`ensemble` returns.

    ``draws``: one row per draw (0 = the defaults), scenario and outcome: ``mean`` (cohort mean),
    ``people_lo``/``people_hi`` (2.5/97.5% across people). ``parameters``: one row per draw, one
    column per drawn parameter. ``daily``: one row per draw, scenario, state and day (``mean``,
    ``lo``, ``hi`` across people). ``settings``: people, days, seed, uncertainty.
    """

    draws: pd.DataFrame
    parameters: pd.DataFrame
    daily: pd.DataFrame
    settings: dict = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """Per scenario and outcome: the value at the defaults, its between-people interval, and the
        model-uncertainty interval (``model_lo``/``model_hi``: 2.5/97.5% of the cohort mean over draws)."""
        d = self.draws
        base = d[d["draw"] == 0].set_index(["scenario", "outcome"])
        drawn = d[d["draw"] > 0].groupby(["scenario", "outcome"])["mean"]
        out = pd.DataFrame({
            "default": base["mean"], "people_lo": base["people_lo"], "people_hi": base["people_hi"],
            "model_mean": drawn.mean(), "model_lo": drawn.quantile(0.025), "model_hi": drawn.quantile(0.975),
            "model_sd": drawn.std(),
        })
        return out.reset_index()

    def contrast(self, a: str, b: str, outcome: str) -> pd.DataFrame:
        """Per draw, ``a`` minus ``b`` of the cohort mean of ``outcome`` (draw 0: the defaults), and whether
        ``a`` is the better side (lower is better where :data:`~spinelib.sim.OUTCOMES` says so)."""
        d = self.draws[self.draws["outcome"] == outcome].pivot(index="draw", columns="scenario", values="mean")
        for s in (a, b):
            if s not in d.columns:
                raise InputError("scenario", f"one of {', '.join(map(str, d.columns))}", s)
        diff = d[a] - d[b]
        lower = OUTCOMES[outcome].lower_is_better if outcome in OUTCOMES else False
        return pd.DataFrame({"draw": diff.index, "difference": diff.to_numpy(),
                             "a_better": (diff < 0 if lower else diff > 0).to_numpy()})

    def win_share(self, a: str, b: str, outcome: str) -> float:
        """The share of the drawn parameter sets (not the defaults) in which ``a`` is better than ``b``."""
        c = self.contrast(a, b, outcome)
        return float(c.loc[c["draw"] > 0, "a_better"].mean())

    def plot(self, state: str = "pain", **kw):
        """:func:`ensemble_plot` of this ensemble."""
        return ensemble_plot(self, state, **kw)


def _labels(what) -> list[tuple[str, object]]:
    if isinstance(what, (list, tuple)):
        if not what:
            raise InputError("what", "a scenario name, a plan, or a non-empty list of scenario names", list(what))
        return [(w if isinstance(w, str) else f"plan{i}", w) for i, w in enumerate(what)]
    return [(what if isinstance(what, str) else "plan", what)]


def ensemble(what="gentle_daily", uncertainty: int = 20, *, people: int = 500, days: int = 84, seed: int = 0,
             params=None, names=None, outcomes=("pain_change", "flares", "adherence", "capacity_gain"),
             states=DEFAULT_STATES, prior_seed: int | None = None, workers: int = 1, scheduler=None) -> Ensemble:
    """Run ``what`` at the defaults and at ``uncertainty`` parameter sets drawn from the priors.

    ``what``: anything :func:`~spinelib.sim.simulate` takes, or a list of scenario names (each
    runs with the same parameter draws, so contrasts between them are paired). ``names``: the
    parameters to draw (default: every uncertain one, :func:`~.priors.uncertain_names`); the
    others stay at ``params`` (default: the defaults). Every run uses ``seed`` (common random
    numbers); the draws use ``prior_seed`` (default: ``seed``). ``workers``/``scheduler``: as
    :func:`spinelib.executor.open_executor` (a Dask address or ``distributed.Client``).
    """
    k = whole_number(uncertainty, "uncertainty", 1, MAX_DRAWS)
    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    for o in outcomes:
        if o not in OUTCOMES:
            raise InputError("outcomes", f"names from spinelib.sim.OUTCOMES ({', '.join(OUTCOMES)})", o)
    base = Params.coerce(params)
    sets = [base] + draw_params(k, seed if prior_seed is None else prior_seed, names, base)
    jobs = [{"draw": i, "label": label, "what": w, "people": people, "days": days, "seed": seed,
             "params": p.to_dict(), "outcomes": outcomes, "states": list(states)}
            for i, p in enumerate(sets) for label, w in _labels(what)]
    done = []
    with open_executor(workers, scheduler) as ex:
        for job in jobs:
            ex.submit(_run_draw, job)
        for d in ex.completed():
            if d.error:
                raise InputError("ensemble", "runs that finish", d.error)
            done.append(d.value)
    order = {label: i for i, (label, _w) in enumerate(_labels(what))}
    done.sort(key=lambda v: (v["draw"], order[v["scenario"]]))
    draws = pd.DataFrame([{"draw": v["draw"], "scenario": v["scenario"], **r} for v in done for r in v["rows"]])
    daily = [v["daily"].assign(draw=v["draw"], scenario=v["scenario"]) for v in done if v["daily"] is not None]
    daily = pd.concat(daily, ignore_index=True)[["draw", "scenario", "state", "day", "mean", "lo", "hi"]] \
        if daily else pd.DataFrame(columns=["draw", "scenario", "state", "day", "mean", "lo", "hi"])
    drawn = list(dict.fromkeys(n for p in sets[1:] for n in p.to_dict() if p.to_dict()[n] != base.to_dict()[n]))
    parameters = pd.DataFrame([{"draw": i, **{n: p.to_dict()[n] for n in drawn}} for i, p in enumerate(sets)])
    return Ensemble(draws, parameters, daily, {"people": people, "days": days, "seed": seed, "uncertainty": k})


def ensemble_plot(ens: Ensemble, state: str = "pain", *, scenario: str | None = None, weeks: bool = True,
                  title: str | None = None, figsize=(7.0, 3.6)):
    """One state over the days: the run at the defaults, its between-people band (light) and the
    model-uncertainty band (2.5-97.5% of the cohort mean over parameter draws, hatched), per scenario.

    Returns a matplotlib ``Figure`` (no pyplot state).
    """
    from matplotlib.figure import Figure

    d = ens.daily[ens.daily["state"] == state]
    if d.empty:
        raise InputError("state", f"one of the ensemble's states ({', '.join(sorted(ens.daily['state'].unique()))})",
                         state)
    names = [scenario] if scenario else list(dict.fromkeys(d["scenario"]))
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    colors = ["#1b6ca8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400"]
    scale = 7.0 if weeks else 1.0
    for i, name in enumerate(names):
        c = colors[i % len(colors)]
        sub = d[d["scenario"] == name]
        base = sub[sub["draw"] == 0].sort_values("day")
        x = base["day"].to_numpy() / scale
        ax.fill_between(x, base["lo"], base["hi"], color=c, alpha=0.12, lw=0,
                        label=f"{name}: 95% of people (defaults)")
        model = sub[sub["draw"] > 0].groupby("day")["mean"]
        if len(sub["draw"].unique()) > 1:
            lo, hi = model.quantile(0.025), model.quantile(0.975)
            ax.fill_between(lo.index.to_numpy() / scale, lo, hi, facecolor="none", edgecolor=c, hatch="///", lw=0.8,
                            label=f"{name}: 95% of the mean over parameter draws")
        ax.plot(x, base["mean"], color=c, lw=2, label=f"{name}: mean at the defaults")
    ax.set_xlabel("week" if weeks else "day")
    ax.set_ylabel(state.replace("_", " "))
    ax.set_title(title or f"{state.replace('_', ' ')}: people vs model uncertainty")
    ax.legend(fontsize="x-small", loc="best")
    return fig
