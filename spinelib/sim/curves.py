"""The model's sub-equations, each written once: load averages, the load-ratio hazard, the habit curve.

The vectorized engine (:mod:`spinelib.sim.engine`), the plain-Python reference
(:mod:`spinelib.sim.scalar`) and the planner widgets all take their coefficients from here:

* :func:`daily_decay` and :func:`ewma_rate`: a quantity with time constant ``n`` days keeps
  ``exp(-1/n)`` of itself each day; an exponentially weighted daily average with span ``n``
  moves ``a_n = 1 - exp(-1/n)`` of the way to today's value (docs/model.md, step 4);
* :func:`acwr`: the acute (7-day) and chronic (28-day) averages of a load series and their ratio;
* :func:`acwr_multiplier`: the flare-hazard multiplier ``exp(beta max(0, ratio - threshold))``
  (step 7);
* :func:`habit_rate`, :func:`days_to_95`, :func:`habit_step` and :func:`habit_curve`: the
  Lally curve ``H = 1 - exp(-c n)`` after ``n`` practised days, with ``c = ln(20) / T95``
  (step 2).

>>> round(ewma_rate(7), 4), round(days_to_95(habit_rate(66.0)), 6)
(0.1331, 66.0)
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import InputError, number
from .params import Params

__all__ = ["ACWR_BAND", "LN20", "RELIEF_DAYS", "daily_decay", "ewma_rate", "acwr", "acwr_multiplier", "habit_rate", "days_to_95",
           "habit_step", "habit_curve"]

ACWR_BAND = (0.8, 1.3)  # the "sweet spot" of Gabbett 2016 (I4-8); athletes, and contested (I4-13)
RELIEF_DAYS = 14  # span of the slow pain average a person judges their relief by (drop-out, step 1)
LN20 = math.log(20.0)  # 95% of the plateau is reached when exp(-c n) = 1/20

# the simulator's defaults: the same averaging spans and habit decay as the model
_DEFAULTS = Params()


# --- exponential averages ------------------------------------------------------------------------
def daily_decay(days: float) -> float:
    """Share of itself a quantity with time constant ``days`` keeps from one day to the next: ``exp(-1/days)``.

    >>> round(daily_decay(42), 4)
    0.9765
    """
    return math.exp(-1 / days)


def ewma_rate(days: float) -> float:
    """Weight of today's value in an exponentially weighted daily average of span ``days``: ``1 - exp(-1/days)``.

    ``A_t = A_{t-1} + a (L_t - A_{t-1})`` with ``a = ewma_rate(days)``.

    >>> round(ewma_rate(28), 4)
    0.0351
    """
    return 1 - daily_decay(days)


def acwr(load, acute: float | None = None, chronic: float | None = None, start: float | None = None) -> pd.DataFrame:
    """Acute and chronic load and their ratio, as exponentially weighted daily averages.

    ``A_t = A_{t-1} + a_7 (L_t - A_{t-1})`` and the same for ``C_t`` with ``a_28``, where
    ``a_n = 1 - exp(-1/n)`` (:func:`ewma_rate`; the spans default to the simulator's
    ``acute_days`` and ``chronic_days``); the ratio ``A_t / C_t`` is 1 at a steady load. Both
    averages start at ``start`` (default: the mean daily load of the first week, as if the
    person had already been doing it). Columns: ``acute, chronic, acwr``.

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
    a7, a28 = ewma_rate(acute), ewma_rate(chronic)
    a = c = float(x[:7].mean()) if start is None else float(start)
    ac, ch = np.empty_like(x), np.empty_like(x)
    for i, v in enumerate(x):
        a += a7 * (v - a)
        c += a28 * (v - c)
        ac[i], ch[i] = a, c
    ratio = np.divide(ac, ch, out=np.full_like(ac, np.nan), where=ch > 1e-12)
    return pd.DataFrame({"acute": ac, "chronic": ch, "acwr": ratio})


def acwr_multiplier(acwr, params=None):
    """Flare-hazard multiplier for an acute:chronic ratio: ``exp(beta * max(0, acwr - threshold))``.

    The engine and the reference add its logarithm to the day's log hazard (step 7).

    >>> [round(float(x), 2) for x in acwr_multiplier([1.0, 1.5, 2.0])]
    [1.0, 1.5, 4.18]
    """
    p = Params.coerce(params)
    a = np.asarray(acwr, dtype=float)
    return np.exp(p.acwr_beta * np.maximum(0.0, a - p.acwr_threshold))


# --- habit -----------------------------------------------------------------------------------------
def habit_rate(t95_days):
    """Rate ``c`` of the Lally curve ``1 - exp(-c n)`` that reaches 95% after ``t95_days`` practised days: ``ln(20) / T95``.

    Works on a number or an array (one T95 per person).

    >>> round(habit_rate(66), 4)
    0.0454
    """
    return LN20 / t95_days


def days_to_95(rate: float) -> float:
    """Days for the Lally curve ``1 - exp(-rate n)`` to reach 95% of its plateau: ln(20)/rate.

    >>> round(days_to_95(0.0454))
    66
    """
    return LN20 / rate


def habit_step(rate):
    """Share of the gap to full habit a session closes, ``1 - exp(-rate)``, so that ``n`` sessions
    in a row give ``1 - exp(-rate n)`` (the per-person ``habit_rate`` draw of the simulator).

    >>> round(float(habit_step(habit_rate(66))), 4)
    0.0444
    """
    return -np.expm1(-rate)


def habit_curve(days=84, days_to_plateau=66, miss_every: int = 0) -> pd.DataFrame:
    """Habit strength (0-1) on the Lally curve ``H = 1 - exp(-c n)`` over practised days.

    ``c = ln(20) / days_to_plateau`` (:func:`habit_rate`; so ``days_to_plateau`` is the time
    to 95% of the plateau; Lally 2010 found 18-254 days, median 66, I5-1). ``n`` counts days
    actually practised; with ``miss_every = k`` every k-th day is skipped and habit dips by the
    simulator's ``habit_decay`` (1%) on it (our assumption: one miss barely matters, I5-1).
    Columns: ``day, practised, habit``.

    >>> h = habit_curve(200, 66)
    >>> round(float(h.loc[h["day"] == 66, "habit"].iloc[0]), 2)
    0.95
    """
    n_days = int(number(days, "days", 1, 3650, whole=True))
    d95 = number(days_to_plateau, "days to plateau", 5, 400)
    miss = int(number(miss_every, "miss every", 0, 30, whole=True))
    c = habit_rate(d95)
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
