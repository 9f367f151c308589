"""What a simulation returns and how it is read: the states, the result, the outcomes and their intervals.

:data:`STATES` names the model's daily states (the order of the engine's arrays);
:class:`SimulationResult` holds a run; :data:`OUTCOMES` is the one table of the end-of-run
outcomes shown to a reader (label, unit, short unit, whether lower is better), used by the
widgets' comparison tables and by the reports. :func:`compare_people`, :func:`final_mean` and
:func:`band_frame` read results.

>>> OUTCOMES["pain_change"].lower_is_better, OUTCOME_LABELS["flares"]
(True, 'flares per person')
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .params import Params

__all__ = ["STATES", "STATE_INDEX", "SimulationResult", "ci95", "Outcome", "OUTCOMES", "OUTCOME_LABELS",
           "compare_people", "final_mean", "band_frame"]

# the model's daily states, in the order of the engine's (days, states, people) arrays
STATES = ("capacity", "fatigue", "sensitivity", "habit", "pain", "flare", "session", "acute", "chronic", "acwr",
          "transition_skill", "stimulus", "dropped", "confidence", "attention")
STATE_INDEX = {s: k for k, s in enumerate(STATES)}


@dataclass
class SimulationResult:
    """What :func:`~spinelib.sim.simulate` returns.

    ``daily``: one row per day: ``day``, ``planned`` and, for each state in :data:`STATES`,
    ``<state>_mean``, ``<state>_p2.5`` and ``<state>_p97.5`` across the cohort.
    ``people``: one row per person (``person`` index): ``pain0``, ``pain_end`` (mean pain over
    the last 7 days), ``pain_change`` (0-100; negative is better), ``adherence`` (share of
    planned sessions done, 0-1; NaN with no planned session), ``adherence_early`` and
    ``adherence_late`` (first and last 28 days), ``sessions``, ``planned``, ``flares``
    (onsets), ``flare_days``, ``habit``, ``capacity``, ``capacity_gain``, ``sensitivity``,
    ``sensitivity_change``, ``decliner`` (the person belongs to the declining-adherence group).
    ``trajectories``: tidy, one row per person-day (``full=True`` only).
    """

    what: str
    people_n: int
    days: int
    seed: int | None
    params: Params
    daily: pd.DataFrame
    people: pd.DataFrame
    trajectories: pd.DataFrame | None = None
    plan: dict = field(default=None, repr=False)

    def summary(self) -> dict:
        """Cohort means of the main end values (with 95% confidence intervals)."""
        out = {}
        for col in ("pain_change", "adherence", "flares", "habit", "capacity_gain"):
            m, lo, hi = ci95(self.people[col])
            out[col] = {"mean": m, "ci95": (lo, hi)}
        return out


def ci95(values) -> tuple[float, float, float]:
    """Mean and normal-approximation 95% confidence interval of the mean (NaNs ignored).

    >>> ci95([1.0, 2.0, 3.0])[0]
    2.0
    """
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return (math.nan, math.nan, math.nan)
    m = float(v.mean())
    se = float(v.std(ddof=1) / math.sqrt(v.size)) if v.size > 1 else 0.0
    return (m, m - 1.96 * se, m + 1.96 * se)


# --- the outcomes a reader sees --------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """An end-of-run outcome of ``SimulationResult.people``, as a reader sees it.

    ``label``: a row label with its unit; ``unit``: the unit alone; ``short_unit``: a short
    axis label for a small panel; ``lower_is_better``: True when less of it is the better result.
    """

    name: str
    label: str
    unit: str
    short_unit: str
    lower_is_better: bool = False


OUTCOMES: dict[str, Outcome] = {o.name: o for o in (
    Outcome("pain_change", "pain change (0-100, negative is better)", "points (0-100)",
            "points on 0-100 (lower is better)", lower_is_better=True),
    Outcome("adherence", "sessions done (share of planned)", "share of planned sessions", "share of planned sessions"),
    Outcome("flares", "flares per person", "flares", "flares per person", lower_is_better=True),
    Outcome("habit", "habit strength at the end (0-1)", "0-1", "0-1"),
    Outcome("capacity_gain", "capacity gained (load levels)", "load levels", "model units"),
    Outcome("capacity", "capacity at the end (load level)", "load level", "load level (1-5)"),
    Outcome("sensitivity", "sensitivity at the end (0-1)", "0-1", "0-1", lower_is_better=True),
)}
# row labels (with units) for compare_people
OUTCOME_LABELS = {name: o.label for name, o in OUTCOMES.items()}


def compare_people(results: dict, outcomes=("pain_change", "flares", "capacity", "adherence", "habit")) -> pd.DataFrame:
    """Per-scenario mean and 95% interval (of the mean) of end-of-run outcomes in each result's
    ``.people``: one row per outcome (labelled with its unit, :data:`OUTCOME_LABELS`), one column
    per scenario.

    >>> t = compare_people({"a": pd.DataFrame({"flares": [1.0, 2.0, 3.0]})}, ("flares",))
    >>> t.loc["flares per person", "a"]
    '2.00 (0.87 to 3.13)'
    """
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


# --- per-day cohort bands --------------------------------------------------------------------------
# the simulator's summary names (<state>_mean, _p2.5, _p97.5), and the short lo/hi some tables use
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


def _first(cols, keys):
    low = {str(c).lower(): c for c in cols}
    for k in keys:
        if k in low:
            return low[k]
    raise KeyError(f"none of {keys} in columns {list(cols)}")


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


def final_mean(result, state: str) -> float:
    """The cohort mean of ``state`` on the last simulated day.

    >>> final_mean(pd.DataFrame({"day": [0, 1], "pain_mean": [50.0, 48.0]}), "pain")
    48.0
    """
    return float(band_frame(result, state)["mean"].iloc[-1])
