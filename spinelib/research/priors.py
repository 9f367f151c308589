"""Priors: how unsure we are of each simulator parameter, read from its evidence at run time.

Every parameter of :data:`spinelib.sim.PARAMS` that is a number (the on/off mechanism switches
are left out, and so is any parameter whose range is a single value) gets a prior: a normal
distribution centred on the default, truncated to the parameter's allowed range ``[lo, hi]``.
Its spread (the standard deviation, as a share of the range) depends on the parameter's
evidence, the ids it lists in ``PARAMS`` and their ``certainty`` in ``data/evidence.csv``:

=============  ================================================================  =========
grade          when                                                              sd/range
=============  ================================================================  =========
``fitted``     the default was fitted to calibration targets (``fitted=True``)   0.05
``verbatim``   every evidence row's figure was checked in the source            0.10
``secondary``  the weakest row was seen only in a secondary summary              0.15
``memory``     the weakest row is from memory, not verified                     0.20
``assumption`` a teaching assumption (``assumption``), a ``gap`` row or no row   0.25
=============  ================================================================  =========

A parameter that spans more than a factor of 10 with a positive lower end (a hazard, a time
constant, a concentration) gets its prior on the log scale, where a "10% of the range" step
means the same relative change at both ends. Nothing is listed here by hand: a parameter added
to ``PARAMS`` gets a prior the next time this runs. ``docs/uncertainty.md`` explains the choice.

>>> t = prior_table()
>>> bool(set(t["grade"]) <= set(GRADE_WIDTH)) and not t["name"].str.startswith("use_").any()
True
>>> p = params_from_unit({"flare_hazard": 0.5})
>>> round(p.flare_hazard, 4) == round(PARAM_BY_NAME()["flare_hazard"].default, 4)
True
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from ..errors import InputError
from ..evidence import CERTAINTY, load_evidence
from ..sim import PARAMS, Params

__all__ = ["GRADE_WIDTH", "GRADE_REASON", "Prior", "priors", "prior_table", "uncertain_names", "params_from_unit",
           "draw_params", "PARAM_BY_NAME", "valid_params", "unit_to_values"]

# sd of the prior as a share of the allowed range (on the prior's scale), weakest evidence widest
GRADE_WIDTH = {"fitted": 0.05, "verbatim": 0.10, "secondary": 0.15, "memory": 0.20, "assumption": 0.25}
GRADE_REASON = {
    "fitted": "fitted to the calibration targets (scripts/calibrate.py): the data pin it down",
    "verbatim": "every evidence row's figure is checked in the source",
    "secondary": "the weakest evidence row was seen only in a secondary summary",
    "memory": "the weakest evidence row is from memory, not verified",
    "assumption": "a teaching assumption (no direct source, or a gap in the evidence)",
}
# evidence certainty from strongest to weakest ("assumption" and unknown ids count as the weakest)
_ORDER = ("verbatim", "secondary", "memory", "gap")
LOG_SPAN = 10.0  # hi/lo above which a positive parameter's prior is on the log scale


def PARAM_BY_NAME() -> dict:
    """The simulator's parameters by name, read from :data:`spinelib.sim.PARAMS` now."""
    return {p.name: p for p in PARAMS}


@dataclass(frozen=True)
class Prior:
    """A truncated normal over ``[lo, hi]`` centred on ``default``, with sd ``sd`` on ``scale`` (linear or log)."""

    name: str
    default: float
    lo: float
    hi: float
    unit: str
    scale: str
    sd: float
    grade: str
    evidence: str
    reason: str

    def _t(self, x):
        return np.log(x) if self.scale == "log" else np.asarray(x, dtype=float)

    def _inv(self, z):
        return np.exp(z) if self.scale == "log" else z

    def ppf(self, u) -> np.ndarray:
        """Values at quantiles ``u`` (0-1) of the prior: how a unit-cube sample becomes parameter values."""
        u = np.asarray(u, dtype=float)
        c = self._t(self.default)
        a, b = (self._t(self.lo) - c) / self.sd, (self._t(self.hi) - c) / self.sd
        # the truncated normal's quantile by inverting the normal CDF (scipy.stats.truncnorm's law, 1000x quicker)
        fa, fb = special.ndtr(a), special.ndtr(b)
        z = special.ndtri(np.clip(fa + np.clip(u, 0.0, 1.0) * (fb - fa), 1e-300, 1 - 1e-16))
        return np.clip(self._inv(c + self.sd * z), self.lo, self.hi)

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """The central ``level`` interval of the prior."""
        lo, hi = self.ppf([(1 - level) / 2, (1 + level) / 2])
        return float(lo), float(hi)


def _grade(spec, certainty: dict) -> tuple[str, str]:
    """(grade, reason) of one parameter from its evidence ids."""
    ids = [i.strip() for i in str(spec.evidence).replace(",", ";").split(";") if i.strip()]
    if getattr(spec, "fitted", False):
        return "fitted", GRADE_REASON["fitted"] + (f"; evidence {', '.join(ids)}" if ids else "")
    if not ids or "assumption" in ids:
        named = [i for i in ids if i != "assumption"]
        extra = f"; related evidence {', '.join(named)}" if named else ""
        return "assumption", GRADE_REASON["assumption"] + extra
    levels = {i: certainty.get(i, "gap") for i in ids}
    worst = max(levels.values(), key=_ORDER.index)
    if worst == "gap":
        return "assumption", GRADE_REASON["assumption"] + f" (evidence {', '.join(ids)}: a gap)"
    weakest = [i for i, c in levels.items() if c == worst]
    return worst, f"{GRADE_REASON[worst]} ({', '.join(weakest)}: {CERTAINTY[worst]})"


def uncertain_names(names=None) -> list[str]:
    """The parameters that carry uncertainty: numbers (not switches) with a range wider than a point.

    ``names``: a subset to keep (unknown names or switches raise an InputError).
    """
    by = PARAM_BY_NAME()
    ok = [p.name for p in PARAMS if getattr(p, "kind", "float") == "float" and p.hi > p.lo]
    if names is None:
        return ok
    names = [names] if isinstance(names, str) else list(names)
    for n in names:
        if n not in ok:
            allowed = "a numeric simulator parameter (spinelib.sim.PARAMS, not a switch)"
            raise InputError("parameters", allowed, n if n in by or isinstance(n, str) else str(n))
    return names


def priors(names=None) -> dict[str, Prior]:
    """One :class:`Prior` per uncertain parameter (or per name in ``names``), built from ``PARAMS`` now."""
    certainty = dict(zip(load_evidence()["id"], load_evidence()["certainty"]))
    by = PARAM_BY_NAME()
    out = {}
    for name in uncertain_names(names):
        spec = by[name]
        grade, reason = _grade(spec, certainty)
        lo, hi, d = float(spec.lo), float(spec.hi), float(spec.default)
        scale = "log" if lo > 0 and hi / lo > LOG_SPAN else "linear"
        span = math.log(hi / lo) if scale == "log" else hi - lo
        out[name] = Prior(name, d, lo, hi, spec.unit, scale, GRADE_WIDTH[grade] * span, grade, spec.evidence, reason)
    return out


def prior_table(names=None) -> pd.DataFrame:
    """One row per uncertain parameter: its prior, the central 95% of it, and why it is that wide.

    Columns: ``name, default, lo, hi, unit, scale, grade, sd, p2.5, p97.5, evidence, reason``
    (``sd`` on the prior's scale: log units for ``scale == "log"``).
    """
    rows = []
    for p in priors(names).values():
        lo, hi = p.interval()
        rows.append({"name": p.name, "default": p.default, "lo": p.lo, "hi": p.hi, "unit": p.unit, "scale": p.scale,
                     "grade": p.grade, "sd": p.sd, "p2.5": lo, "p97.5": hi, "evidence": p.evidence,
                     "reason": p.reason})
    return pd.DataFrame(rows)


def params_from_unit(u: dict, base=None, prior: dict | None = None) -> Params:
    """A valid :class:`~spinelib.sim.Params` from quantiles ``u`` (name -> 0-1) of each parameter's prior.

    ``base``: the values of the parameters not in ``u`` (default: the defaults). A draw that
    breaks a rule between parameters (e.g. ``acute_days`` must stay below ``chronic_days``) is
    repaired deterministically: the parameter the rule names is moved halfway back to its
    default until the set is valid, so the same quantiles always give the same parameters.
    """
    prior = prior if prior is not None else priors(list(u))
    values = {n: float(prior[n].ppf(q)) for n, q in u.items()}
    return valid_params(values, base, prior)


def valid_params(values: dict, base=None, prior: dict | None = None) -> Params:
    """``base`` with ``values`` (name -> value), repaired towards the defaults as :func:`params_from_unit` says."""
    prior = prior if prior is not None else priors(list(values))
    base = Params.coerce(base)
    values = dict(values)
    for _ in range(60):
        try:
            return base.replace(**values)
        except InputError as exc:
            if exc.field not in values:
                raise
            d = prior[exc.field].default
            values[exc.field] = d + (values[exc.field] - d) / 2
    return base.replace(**{n: prior[n].default for n in values})


def draw_params(n: int, seed: int = 0, names=None, base=None) -> list[Params]:
    """``n`` parameter sets drawn at random from the priors (seeded: the same seed gives the same sets)."""
    prior = priors(names)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x5EED]))
    u = rng.random((int(n), len(prior)))
    return [valid_params(dict(zip(prior, row)), base, prior) for row in unit_to_values(u, prior)]


def unit_to_values(U, prior: dict) -> np.ndarray:
    """Rows of quantiles (one column per prior, in the prior's order) to parameter values, column by column."""
    U = np.atleast_2d(np.asarray(U, dtype=float))
    return np.column_stack([p.ppf(U[:, j]) for j, p in enumerate(prior.values())]) if prior else U
