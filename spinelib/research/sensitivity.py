"""Global sensitivity: which uncertain parameters drive an insight's conclusion (SALib).

A *contrast* is one outcome of one scenario, or of a scenario pair's difference, written as
text: ``"flares: micro_strength minus max_effort"`` (the cohort mean of ``flares`` under
``micro_strength`` minus that under ``max_effort``) or ``"pain_change: gentle_daily"``.

Both methods sample the unit cube with SALib and turn each coordinate into a parameter value
through that parameter's prior (:meth:`~.priors.Prior.ppf`), so the indices are with respect to
the priors of :mod:`.priors`. Every sample runs with the same ``seed`` (common random numbers:
the same simulated people and the same daily chances), so a change in the output is the
parameters' doing, not sampling noise.

Two engines give the same numbers (up to float32 rounding in :func:`~spinelib.sim.simulate`):

- ``engine="fast"`` (the default, :func:`fast_function`): every sample's parameter set goes to
  the compiled kernel of :mod:`spinelib.sim.fast`, hundreds of samples x people in one call on
  numba threads (or split over the executor's worker processes with ``workers``/``scheduler``);
  1,024 base samples over the 79 uncertain parameters, 500 people x 84 days, in minutes on 2 cores;
- ``engine="simulate"`` (:func:`model_function`): one :func:`~spinelib.sim.simulate` call per
  sample and scenario (:func:`contrast_value`), the slow oracle the fast one is checked against.

- :func:`morris`: elementary effects (screening); ``mu_star`` ranks the parameters, with a
  bootstrap confidence interval, at ``trajectories x (D + 1)`` runs.
- :func:`sobol`: first-order (``S1``) and total (``ST``) indices with bootstrap confidence
  intervals, at ``base_samples x (D + 2)`` runs (Saltelli's scheme, scrambled Sobol points).

:func:`sobol_indices` and :func:`morris_indices` take any function of the unit cube, so they
are checked against functions whose indices are known (tests/research/test_sensitivity.py).

>>> parse_contrast("flares: micro_strength minus max_effort")
Contrast(outcome='flares', a='micro_strength', b='max_effort')
"""
from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import InputError, fmt_allowed, whole_number
from ..executor import open_executor
from ..sim import OUTCOMES, Params, scenarios, simulate
from ..sim.fast import simulate_many
from .priors import priors, unit_to_values, valid_params

__all__ = ["Contrast", "parse_contrast", "contrast_value", "contrast_values", "sobol", "morris", "sobol_indices",
           "morris_indices", "sensitivity_plot", "model_function", "fast_function", "ENGINES"]

ENGINES = ("fast", "simulate")


class Contrast(NamedTuple):
    """An outcome of scenario ``a``, minus the same outcome of scenario ``b`` when ``b`` is given."""

    outcome: str
    a: str
    b: str | None = None

    def __str__(self) -> str:
        return f"{self.outcome}: {self.a}" + (f" minus {self.b}" if self.b else "")


def parse_contrast(text) -> Contrast:
    """A :class:`Contrast` from ``"OUTCOME: SCENARIO [minus SCENARIO]"`` (or a Contrast, or a tuple)."""
    if isinstance(text, Contrast):
        c = text
    elif isinstance(text, tuple) and len(text) in (2, 3):
        c = Contrast(*text)
    elif isinstance(text, str):
        m = re.fullmatch(r"\s*(\w+)\s*:\s*(\w+)\s*(?:(?:minus|-)\s*(\w+))?\s*", text)
        if not m:
            raise InputError("contrast", "text like 'flares: micro_strength minus max_effort'", text)
        c = Contrast(m.group(1), m.group(2), m.group(3))
    else:
        raise InputError("contrast", "text like 'flares: micro_strength minus max_effort'", str(type(text).__name__))
    if c.outcome not in OUTCOMES:
        raise InputError("contrast outcome", fmt_allowed(OUTCOMES), c.outcome)
    for s in (c.a, c.b):
        if s is not None and s not in scenarios():
            raise InputError("contrast scenario", fmt_allowed(scenarios()), s)
    return c


def contrast_value(contrast, params=None, *, people: int = 200, days: int = 84, seed: int = 0) -> float:
    """The contrast's value for one parameter set (cohort means; both sides with the same ``seed``)."""
    c = parse_contrast(contrast)
    p = Params.coerce(params)
    out = float(np.nanmean(simulate(c.a, people=people, days=days, seed=seed, params=p).people[c.outcome]))
    if c.b:
        out -= float(np.nanmean(simulate(c.b, people=people, days=days, seed=seed, params=p).people[c.outcome]))
    return out


def contrast_values(contrast, params, *, people: int = 200, days: int = 84, seed: int = 0,
                    threads: int | None = None) -> np.ndarray:
    """The contrast for each parameter set in ``params`` at once (the compiled kernel, common random
    numbers): element ``r`` is ``contrast_value(contrast, params[r], ...)`` up to float32 rounding."""
    c = parse_contrast(contrast)
    sides = [c.a] + ([c.b] if c.b else [])
    m = simulate_many(sides, list(params), people=people, days=days, seed=seed, threads=threads)[c.outcome]
    out = m.loc[c.a].to_numpy(dtype=float)
    if c.b:
        out = out - m.loc[c.b].to_numpy(dtype=float)
    return out


def _unit_params(rows, names, base) -> list:
    prior = priors(names)
    return [valid_params(dict(zip(prior, row)), base, prior) for row in unit_to_values(rows, prior)]


def _on_executor(worker, U: np.ndarray, step: int, job: dict, workers: int, scheduler) -> np.ndarray:
    """``worker(job)`` on the executor for each ``step`` rows of ``U`` (``job`` plus ``start`` and ``rows``); the
    answers in row order, whatever order the chunks finish in."""
    Y = np.empty(len(U))
    with open_executor(workers, scheduler) as ex:
        for start in range(0, len(U), step):
            ex.submit(worker, {**job, "start": start, "rows": U[start:start + step].tolist()})
        for d in ex.completed():
            if d.error:
                raise InputError("sensitivity", "model runs that finish", d.error)
            Y[d.job["start"]:d.job["start"] + len(d.value)] = d.value
    return Y


def _fast_rows(job: dict) -> list[float]:
    """The contrast for a chunk of unit-cube rows with the compiled kernel (worker side)."""
    plist = _unit_params(job["rows"], job["names"], Params(**job["base"]))
    return contrast_values(job["contrast"], plist, people=job["people"], days=job["days"], seed=job["seed"],
                           threads=job["threads"]).tolist()


def fast_function(contrast, names=None, *, people: int = 200, days: int = 84, seed: int = 0, params=None,
                  workers: int = 1, scheduler=None, threads: int | None = None, chunk: int = 4096):
    """``f(U) -> Y`` as :func:`model_function`, with the compiled kernel: all rows in this process
    (numba threads, ``threads``: default up to 2) when ``workers == 1`` and no ``scheduler``, else
    in chunks of ``chunk`` rows on the executor (one numba thread per worker)."""
    c = tuple(parse_contrast(contrast))
    names = list(priors(names))
    base = Params.coerce(params)

    def f(U: np.ndarray) -> np.ndarray:
        U = np.asarray(U, dtype=float)
        Y = np.empty(len(U))
        if workers == 1 and scheduler is None:  # in this process, ``chunk`` rows' parameter sets at a time
            for start in range(0, len(U), chunk):
                Y[start:start + chunk] = contrast_values(c, _unit_params(U[start:start + chunk], names, base),
                                                         people=people, days=days, seed=seed, threads=threads)
            return Y
        step = max(1, min(chunk, -(-len(U) // max(1, int(workers)))))  # at least one job per local worker
        return _on_executor(_fast_rows, U, step, {"names": names, "contrast": c, "base": base.to_dict(),
                                                  "people": people, "days": days, "seed": seed, "threads": 1},
                            workers, scheduler)

    f.names = names
    return f


def _function(engine, c, names, **kw):
    if engine not in ENGINES:
        raise InputError("engine", fmt_allowed(ENGINES), engine)
    if engine == "fast":
        return fast_function(c, names, **kw)
    kw.pop("threads", None)
    return model_function(c, names, **kw)


def _evaluate_rows(job: dict) -> list[float]:
    """The contrast for a chunk of unit-cube rows (worker side)."""
    return [contrast_value(job["contrast"], p, people=job["people"], days=job["days"], seed=job["seed"])
            for p in _unit_params(job["rows"], job["names"], Params(**job["base"]))]


def model_function(contrast, names=None, *, people: int = 200, days: int = 84, seed: int = 0, params=None,
                   workers: int = 1, scheduler=None, chunk: int = 16):
    """``f(U) -> Y``: the contrast at each row of ``U`` (unit cube, one column per name), run on the executor.

    Rows go out in chunks of ``chunk`` to ``workers`` local processes or a Dask cluster
    (``scheduler``); the answer is in row order whatever order the chunks finish in.
    """
    c = tuple(parse_contrast(contrast))
    names = list(priors(names))
    base = Params.coerce(params).to_dict()

    def f(U: np.ndarray) -> np.ndarray:
        return _on_executor(_evaluate_rows, np.asarray(U, dtype=float), chunk, {
            "names": names, "contrast": c, "base": base, "people": people, "days": days, "seed": seed},
            workers, scheduler)

    f.names = names
    return f


def _problem(names) -> dict:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def sobol_indices(fn, names, base_samples: int = 64, *, seed: int = 0, conf_level: float = 0.95,
                  label: str = "") -> pd.DataFrame:
    """First-order and total Sobol indices of ``fn`` (a function of the unit cube ``(n, D) -> (n,)``).

    Tidy: one row per parameter and index (``S1``, ``ST``): ``value``, ``conf`` (half-width of
    the bootstrap ``conf_level`` interval), ``lo``, ``hi``, ``rank`` (1 = largest total index).
    """
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    n = whole_number(base_samples, "base_samples", 2, 1 << 20)
    problem = _problem(names)
    X = sample.sample(problem, n, calc_second_order=False, seed=seed)
    Y = np.asarray(fn(X), dtype=float)
    res = analyze.analyze(problem, Y, calc_second_order=False, conf_level=conf_level, seed=seed)
    rows = [{"contrast": label, "method": "sobol", "parameter": p, "index": ix, "value": float(res[ix][i]),
             "conf": float(res[f"{ix}_conf"][i])} for i, p in enumerate(names) for ix in ("S1", "ST")]
    df = pd.DataFrame(rows)
    df["lo"], df["hi"] = df["value"] - df["conf"], df["value"] + df["conf"]
    order = df[df["index"] == "ST"].sort_values("value", ascending=False)["parameter"].tolist()
    df["rank"] = df["parameter"].map({p: i + 1 for i, p in enumerate(order)})
    df.attrs.update({"runs": len(X), "base_samples": n, "conf_level": conf_level})
    return df.sort_values(["rank", "index"]).reset_index(drop=True)


def morris_indices(fn, names, trajectories: int = 10, *, levels: int = 4, seed: int = 0, conf_level: float = 0.95,
                   label: str = "") -> pd.DataFrame:
    """Morris elementary effects of ``fn`` over the unit cube: one row per parameter and index
    (``mu_star``, ``mu``, ``sigma``); ``mu_star`` has a bootstrap interval; ``rank`` by ``mu_star``."""
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    r = whole_number(trajectories, "trajectories", 2, 100_000)
    problem = _problem(names)
    X = sample.sample(problem, r, num_levels=levels, seed=seed)
    Y = np.asarray(fn(X), dtype=float)
    res = analyze.analyze(problem, X, Y, conf_level=conf_level, num_levels=levels, seed=seed)
    rows = []
    for i, p in enumerate(names):
        conf = float(res["mu_star_conf"][i])
        for ix in ("mu_star", "mu", "sigma"):
            v = float(res[ix][i])
            c = conf if ix == "mu_star" else np.nan
            rows.append({"contrast": label, "method": "morris", "parameter": p, "index": ix, "value": v, "conf": c})
    df = pd.DataFrame(rows)
    df["lo"], df["hi"] = df["value"] - df["conf"], df["value"] + df["conf"]
    order = df[df["index"] == "mu_star"].sort_values("value", ascending=False)["parameter"].tolist()
    df["rank"] = df["parameter"].map({p: i + 1 for i, p in enumerate(order)})
    df.attrs.update({"runs": len(X), "trajectories": r, "conf_level": conf_level})
    return df.sort_values(["rank", "index"]).reset_index(drop=True)


def sobol(contrast, base_samples: int = 64, *, names=None, people: int = 200, days: int = 84, seed: int = 0,
          params=None, conf_level: float = 0.95, workers: int = 1, scheduler=None, engine: str = "fast",
          threads: int | None = None) -> pd.DataFrame:
    """Sobol indices of a contrast (e.g. ``"flares: micro_strength minus max_effort"``) over the priors.

    ``names``: the parameters to vary (default: every uncertain one); ``base_samples``: a power
    of 2 (runs: ``base_samples x (len(names) + 2)`` per side of the contrast). ``engine``:
    ``"fast"`` (compiled kernel, :func:`fast_function`) or ``"simulate"`` (one
    :func:`~spinelib.sim.simulate` per run, :func:`model_function`); ``threads``: numba threads
    of the fast engine.
    """
    c = parse_contrast(contrast)
    f = _function(engine, c, names, people=people, days=days, seed=seed, params=params, workers=workers,
                  scheduler=scheduler, threads=threads)
    return sobol_indices(f, f.names, base_samples, seed=seed, conf_level=conf_level, label=str(c))


def morris(contrast, trajectories: int = 10, *, names=None, people: int = 200, days: int = 84, seed: int = 0,
           params=None, levels: int = 4, conf_level: float = 0.95, workers: int = 1, scheduler=None,
           engine: str = "fast", threads: int | None = None) -> pd.DataFrame:
    """Morris screening of a contrast over the priors (runs: ``trajectories x (len(names) + 1)`` per side).
    ``engine`` and ``threads`` as for :func:`sobol`."""
    c = parse_contrast(contrast)
    f = _function(engine, c, names, people=people, days=days, seed=seed, params=params, workers=workers,
                  scheduler=scheduler, threads=threads)
    return morris_indices(f, f.names, trajectories, levels=levels, seed=seed, conf_level=conf_level, label=str(c))


def sensitivity_plot(df: pd.DataFrame, *, top: int = 12, title: str | None = None, figsize=None):
    """Ranked indices with their intervals (horizontal bars, the largest at the top): ``S1`` and ``ST``
    for Sobol, ``mu_star`` for Morris. Returns a matplotlib ``Figure``."""
    from matplotlib.figure import Figure

    sobol_like = set(df["index"]) >= {"S1", "ST"}
    shown = ["ST", "S1"] if sobol_like else ["mu_star"]
    d = df[df["rank"] <= top]
    params_ = d.sort_values("rank")["parameter"].drop_duplicates().tolist()
    fig = Figure(figsize=figsize or (6.4, 0.35 * len(params_) + 1.4), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(params_))[::-1]
    h = 0.8 / len(shown)
    colors = {"ST": "#1b6ca8", "S1": "#8fb8de", "mu_star": "#1b6ca8"}
    for k, ix in enumerate(shown):
        sub = d[d["index"] == ix].set_index("parameter").reindex(params_)
        yy = y + (len(shown) - 1) * h / 2 - k * h
        ax.barh(yy, sub["value"], height=h, color=colors[ix], label=ix,
                xerr=sub["conf"].fillna(0).to_numpy(), error_kw={"lw": 1, "capsize": 2})
    ax.set_yticks(y, params_)
    ax.axvline(0, color="0.5", lw=0.8)
    label = df["contrast"].iloc[0] if "contrast" in df and len(df) else ""
    ax.set_xlabel("Sobol index (share of variance)" if sobol_like else "mean |elementary effect| (mu*)")
    ax.set_title(title or f"{'Sobol' if sobol_like else 'Morris'}: {label}", fontsize="medium")
    ax.legend(fontsize="small", loc="lower right")
    return fig
