"""The adherence and progression simulator: a daily-step teaching model, vectorized over people.

``simulate(what, people=..., days=..., seed=...)`` runs a cohort through a plan and returns
a :class:`SimulationResult` with ``.daily`` (per-day cohort mean and 2.5/97.5 percentiles
of each state), ``.people`` (one row per person: pain change on 0-100, adherence, flares,
habit, capacity, ...) and, with ``full=True``, ``.trajectories`` (one row per person-day).
``what`` is a scenario name (see :func:`scenarios`), a routine (anything with a
``daily_plan(days)`` method) or a plan DataFrame with the columns of ``Routine.daily_plan``.

This is a teaching model, not a clinical prediction: every equation and parameter is
listed in ``docs/model.md``. Nothing here is medical advice.

>>> r = simulate("gentle_daily", people=200, days=28, seed=1)
>>> sorted(r.people.columns)[:3], len(r.daily)
(['adherence', 'adherence_early', 'adherence_late'], 28)
>>> bool((r.daily["habit_mean"].diff().dropna() >= -0.01).all())
True

How the work is laid out: the random numbers are drawn once per run (per-person
parameters with ``scipy.stats``, then one uniform number per person-day, in blocks of days);
:func:`run_model` takes them as arrays, so the same draws can be fed to the slow
reference in :mod:`spinelib._reference` and the two compared.
"""
from __future__ import annotations

import functools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .errors import InputError, Shown, kind, whole_number
from .params import Params
from .scenarios import CATEGORY_COLUMNS, PLAN_COLUMNS, SCENARIOS, _scenario, scenarios

__all__ = ["simulate", "scenarios", "SimulationResult", "Draws", "draw_people", "make_draws", "run_model",
           "plan_arrays", "STATES", "PERSON_FIELDS", "MAX_PEOPLE", "MAX_DAYS", "PERCENTILE_PEOPLE",
           "MAX_FULL_PERSON_DAYS", "SCALAR_PEOPLE", "CHUNK", "ci95", "TARGETS", "G9_COURSE",
           "calibration_report", "habit_t95", "acwr_multiplier"]

MAX_PEOPLE = 1_000_000
MAX_DAYS = 3650
# above this cohort size, the daily percentiles come from a fixed sample of PERCENTILE_PEOPLE people
# (the first people of each chunk: a random sample, as people are drawn independently);
# at or below it they are exact
PERCENTILE_PEOPLE = 2_000
MAX_FULL_PERSON_DAYS = 5_000_000
# up to this many people a plain-Python loop beats numpy's per-call overhead (same equations)
SCALAR_PEOPLE = 4
STATES = ("capacity", "fatigue", "sensitivity", "habit", "pain", "flare", "session", "acute", "chronic", "acwr",
          "transition_skill", "stimulus")
PERSON_FIELDS = ("pain0", "plateau", "sens0", "capacity0", "log_hazard0", "habit_rate", "logit0", "decliner")
_BLOCK_CELLS = 2_000_000  # person-days per block of the day loop


# --- input checks ----------------------------------------------------------------------------
def _check_people(people):
    return whole_number(people, "people", 1, MAX_PEOPLE)


def _check_days(days):
    return whole_number(days, "days", 1, MAX_DAYS)


def _check_seed(seed):
    if seed is None:
        return None
    return whole_number(seed, "seed", 0, 2**63 - 1)


# --- plans -----------------------------------------------------------------------------------
def plan_arrays(plan: pd.DataFrame, days: int | None, params: Params) -> dict:
    """Validated per-day arrays (float64) from a plan DataFrame; ``days`` rows are used."""
    if not isinstance(plan, pd.DataFrame):
        raise InputError("plan", "a DataFrame with the columns of Routine.daily_plan", kind(plan))
    missing = [c for c in PLAN_COLUMNS if c not in plan.columns]
    if missing:
        raise InputError("plan", "a DataFrame with columns " + ", ".join(PLAN_COLUMNS), Shown("missing " + missing[0]))
    if days is None:
        days = _check_days(len(plan))
    if len(plan) < days:
        raise InputError("plan", f"at least {days} rows, one per day", len(plan))
    plan = plan.iloc[:days]
    out = {}
    for col, lo, hi in ([(c, 0.0, 600.0) for c in CATEGORY_COLUMNS] + [("load_level", 0.0, 5.0), ("control", 0.0, 5.0)]):
        try:
            v = pd.to_numeric(plan[col], errors="raise").to_numpy(dtype=float)
        except (ValueError, TypeError):
            raise InputError(f"plan.{col}", f"numbers from {lo:g} to {hi:g}", Shown("a non-number")) from None
        bad = ~np.isfinite(v) | (v < lo) | (v > hi)
        if bad.any():
            raise InputError(f"plan.{col}", f"numbers from {lo:g} to {hi:g}", v[bad][0])
        out[col] = v
    for col in ("planned", "calm_first") + (("supervised",) if "supervised" in plan.columns else ()):
        v = plan[col].to_numpy()
        if v.dtype != bool and not np.isin(v, (0, 1, True, False)).all():
            raise InputError(f"plan.{col}", "True or False on every day", v[~np.isin(v, (0, 1, True, False))][0])
        out[col] = v.astype(bool).astype(float)
    if "supervised" not in out:
        out["supervised"] = np.zeros(days)
    sit = np.full(days, params.sitting_hours)
    if "sitting_hours" in plan.columns:
        s = pd.to_numeric(plan["sitting_hours"], errors="coerce").to_numpy(dtype=float)
        s = np.where(np.isnan(s), params.sitting_hours, s)
        if (~np.isfinite(s) | (s < 0) | (s > 16)).any():
            raise InputError("plan.sitting_hours", "numbers from 0 to 16", s[~np.isfinite(s) | (s < 0) | (s > 16)][0])
        sit = s
    out["sitting_hours"] = sit
    minutes = sum(out[c] for c in CATEGORY_COLUMNS)
    # a day counts as planned only when it is marked planned and has some minutes
    out["planned"] = out["planned"] * (minutes > 0)
    out["supervised"] = out["supervised"] * out["planned"]
    out["days"] = days
    return out


@functools.lru_cache(maxsize=64)
def _cached_plan(name: str, days: int) -> pd.DataFrame:
    return SCENARIOS[name].plan(days)


@functools.lru_cache(maxsize=64)
def _cached_arrays(name: str, days: int, sitting_hours: float) -> dict:
    # plan_arrays reads only sitting_hours from the parameters; the arrays are never modified
    return plan_arrays(_cached_plan(name, days), days, Params(sitting_hours=sitting_hours))


def _resolve(what, days, params):
    """(plan arrays, params, label) for a scenario name, a routine or a plan DataFrame."""
    if isinstance(what, str):
        sc = _scenario(what)
        p = params.replace(**sc.params) if sc.params else params
        d = 84 if days is None else _check_days(days)
        return _cached_arrays(what, d, p.sitting_hours), p, what
    if isinstance(what, pd.DataFrame):
        d = None if days is None else _check_days(days)
        return plan_arrays(what, d, params), params, "plan"
    if getattr(what, "is_referral", False) is True:
        raise InputError("what", "a routine, not a red-flag referral (see a clinician before any programme)",
                         Shown("a referral"))
    if hasattr(what, "daily_plan") and callable(what.daily_plan):
        d = 84 if days is None else _check_days(days)
        return plan_arrays(what.daily_plan(d), d, params), params, "routine"
    raise InputError("what", "a scenario name, a routine (with .daily_plan) or a plan DataFrame", kind(what))


# --- random draws ----------------------------------------------------------------------------
def _lognormal(median, sd, n, rng):
    if sd == 0:
        return np.full(n, median)
    return stats.lognorm.rvs(sd, scale=median, size=n, random_state=rng)


def _beta(mean, conc, n, rng):
    if mean >= 0.999 or conc >= 199.999:
        return np.full(n, mean)
    return stats.beta.rvs(mean * conc, (1 - mean) * conc, size=n, random_state=rng)


def draw_people(rng: np.random.Generator, n: int, params: Params, dtype=np.float32) -> dict:
    """Per-person parameters, drawn with scipy.stats in a fixed order (see docs/model.md)."""
    p = params
    if p.pain0_sd < 1e-6:  # (a vanishing spread is no spread)
        pain0 = np.full(n, p.pain0_mean)
    else:
        # truncated normal on [20, 95] by inverting the normal CDF (same law as scipy.stats.truncnorm, faster)
        lo, hi = stats.norm.cdf([20.0, 95.0], loc=p.pain0_mean, scale=p.pain0_sd)
        pain0 = stats.norm.ppf(lo + (hi - lo) * rng.random(n), loc=p.pain0_mean, scale=p.pain0_sd)
    plateau = _beta(p.natural_plateau, p.natural_conc, n, rng)
    sens0 = _beta(p.sens0_mean, p.sens0_conc, n, rng)
    capacity0 = _lognormal(p.capacity0_median, p.capacity0_sd, n, rng)
    hazard0 = _lognormal(p.flare_hazard, p.flare_hazard_sd, n, rng)
    t95 = _lognormal(p.habit_t95_median, p.habit_t95_sd, n, rng)
    logit0 = math.log(p.adherence0 / (1 - p.adherence0))
    logit = (np.full(n, logit0) if p.adherence0_sd == 0
             else stats.norm.rvs(loc=logit0, scale=p.adherence0_sd, size=n, random_state=rng))
    decliner = stats.bernoulli.rvs(p.decliner_share, size=n, random_state=rng) if p.decliner_share > 0 else np.zeros(n)
    out = {
        "pain0": pain0, "plateau": plateau, "sens0": sens0, "capacity0": capacity0,
        "log_hazard0": np.log(hazard0),
        # habit after n sessions is 1 - exp(-c n); 95% is reached after ln(20)/c = T95 sessions
        "habit_rate": -np.expm1(-math.log(20.0) / t95),
        "logit0": logit, "decliner": decliner.astype(float),
    }
    return {k: np.ascontiguousarray(np.asarray(v, dtype=dtype).reshape(n)) for k, v in out.items()}


@dataclass
class Draws:
    """All the randomness of one run: per-person parameters and one uniform per person-day.

    ``uniforms`` has shape (days, people). Feed the same Draws to :func:`run_model` and to
    :func:`spinelib._reference.run_reference` to compare the two implementations.
    """

    persons: dict
    uniforms: np.ndarray


def _generators(seed, people: int):
    """One Generator for the per-person draws, then one per chunk of people for the daily uniforms.

    Streams come from ``SeedSequence(seed).spawn``: the same seed gives the same numbers in
    any process, whatever the number of threads.
    """
    children = np.random.SeedSequence(seed).spawn(1 + len(_chunks(people)))
    return np.random.Generator(np.random.PCG64(children[0])), [np.random.Generator(np.random.PCG64(c))
                                                                for c in children[1:]]


def make_draws(people: int, days: int, seed: int | None = 0, params=None, dtype=np.float32) -> Draws:
    """Draw everything a run needs at once: the same numbers :func:`simulate` draws in blocks."""
    people, days = _check_people(people), _check_days(days)
    params = Params.coerce(params)
    root, gens = _generators(_check_seed(seed), people)
    persons = draw_people(root, people, params, dtype)
    uniforms = np.concatenate([g.random((days, c1 - c0), dtype=dtype) for g, (c0, c1) in zip(gens, _chunks(people))],
                              axis=1)
    return Draws(persons, uniforms)


# --- the model -------------------------------------------------------------------------------
def acwr_multiplier(acwr, params=None):
    """Flare-hazard multiplier for an acute:chronic ratio: ``exp(beta * max(0, acwr - threshold))``.

    >>> [round(float(x), 2) for x in acwr_multiplier([1.0, 1.5, 2.0])]
    [1.0, 1.5, 4.18]
    """
    p = Params.coerce(params)
    a = np.asarray(acwr, dtype=float)
    return np.exp(p.acwr_beta * np.maximum(0.0, a - p.acwr_threshold))


def _day_constants(plan: dict, p: Params) -> dict:
    """Per-day scalars derived from the plan (plain Python lists, cheap to index in the loop)."""
    days = plan["days"]
    ms, sl, dr, tr, mob = (plan[c] for c in ("min_micro_strength", "min_structured_load", "min_down_regulation",
                                              "min_transition", "min_mobility_reset"))
    minutes = ms + sl + dr + tr + mob
    t = np.arange(days, dtype=float)
    c = {
        "planned": plan["planned"] > 0,
        "supervised": plan["supervised"] > 0,
        "length": p.length_penalty * np.maximum(0.0, minutes - 15.0) / 15.0,
        "dose": (ms + sl) / 15.0,
        "quality": 1.0 - p.control_weight * (1.0 - plan["control"] / 5.0),
        "level": np.where(ms + sl > 0, np.maximum(plan["load_level"], 1.0), plan["load_level"]),
        "calm": np.minimum(1.0, dr / p.downreg_minutes),
        "calm_first": plan["calm_first"] > 0,
        "practice": np.minimum(1.0, tr / p.transition_minutes),
        "breaks": p.break_effect * np.minimum(1.0, (tr + mob) / 10.0),
        "train_load": (ms + sl) * plan["load_level"] + p.light_intensity * (tr + mob),
        "sitting": plan["sitting_hours"],
        "natural": np.exp(-t / p.natural_tau),
        "decline_time": np.clip((t - 28.0) / 28.0, 0.0, 1.0),
    }
    return {k: v.tolist() for k, v in c.items()}


CHUNK = 32_768  # people per chunk: each chunk has its own random stream


def _chunks(n: int) -> list[tuple[int, int]]:
    return [(c, min(n, c + CHUNK)) for c in range(0, n, CHUNK)]


def _run_chunk(cst: dict, per: dict, uniforms, p: Params, dtype, nsub: int, full: bool):
    """The day loop for one chunk of people: a few vectorized numpy operations per day.

    Every operation writes into a preallocated buffer (``out=``), so a day allocates nothing.
    ``uniforms`` is an array (days, people) or a Generator to draw blocks of days from.
    """
    days = len(cst["planned"])
    n = len(per["pain0"])
    T = dtype.type
    m1, m2, m3, m4, m5 = (bool(getattr(p, k)) for k in ("use_load_control", "use_sensitivity", "use_transitions",
                                                       "use_acwr", "use_adherence"))
    P0, plateau, S0, K0, logh0, cH, mu = (per[k] for k in ("pain0", "plateau", "sens0", "capacity0", "log_hazard0",
                                                           "habit_rate", "logit0"))
    one = T(1)
    omp = one - plateau
    decl = per["decliner"] * T(p.decline_logit)
    p0 = (1.0 / (1.0 + np.exp(-mu.astype(np.float64)))).astype(dtype)
    Rfl = K0 * T(p.readiness_floor)
    aS = T(1.0 / p.sens_tau)
    aS_S0 = S0 * aS
    keep_S = T(1.0 - 1.0 / p.sens_tau)
    eF, eG, eX = (T(math.exp(-1.0 / v)) for v in (p.tau_capacity, p.tau_fatigue, p.transition_tau))
    a_a, a_c = -math.expm1(-1.0 / p.acute_days), -math.expm1(-1.0 / p.chronic_days)
    life = p.life_load
    q_end = T(p.flare_end)
    bH, bP, bJ = T(p.habit_gain), T(p.pain_penalty / 100.0), T(p.flare_penalty)
    psup = T(p.supervised_adherence)
    c_minus_delta = cH - T(p.habit_decay)
    keep_H = T(1.0 - p.habit_decay)
    neg_base = -mu  # decl * g - mu, for the adherence logit
    g_now = 0.0
    kG_over_kF = T(p.fatigue_ratio)
    kG_omega = T(p.k_capacity * p.fatigue_ratio * p.overload_fatigue)
    # flare log hazard: the sensitivity term beta (S - S0) is split into beta S and -beta S0 (per person)
    logh_base = (logh0 - T(p.sens_flare_hazard) * S0).astype(dtype) if m2 else logh0

    F, G, H, X, fl, done, ons = (np.zeros(n, dtype) for _ in range(7))
    S = S0.copy()
    A = np.full(n, life, dtype)
    C = np.full(n, life, dtype)
    acwr = np.ones(n, dtype)
    pain = P0.copy()
    t1, t2, t3, t4, prob, U2 = (np.empty(n, dtype) for _ in range(6))
    b1, b2, flb, onb = (np.zeros(n, bool) for _ in range(4))
    done_count, early, late, flares, flare_days = (np.zeros(n, dtype) for _ in range(5))
    pain_tail = np.zeros(n, np.float64)
    tail = min(7, days)
    window = min(28, days)

    ns = len(STATES)
    block = max(1, min(days, _BLOCK_CELLS // (n * ns)))
    buf = np.empty((block, ns, n), dtype)
    sums = np.empty((days, ns))
    sub = np.empty((days, ns, nsub), dtype)
    traj = np.empty((days, ns, n), dtype) if full else None
    gen = uniforms if isinstance(uniforms, np.random.Generator) else None

    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for b0 in range(0, days, block):
            b1_ = min(days, b0 + block)
            Ub = gen.random((b1_ - b0, n), dtype=dtype) if gen is not None else uniforms[b0:b1_]
            for t in range(b0, b1_):
                U = Ub[t - b0]
                # today's states are written straight into today's row of the summary buffer
                # and the state names rebound to it (no copies); yesterday's row is still intact
                row = buf[t - b0]
                planned = cst["planned"][t]
                # ---- insight 5: does today's session happen? ----------------------------------
                if planned:
                    if cst["supervised"][t]:
                        pr = psup
                    elif m5:
                        g = cst["decline_time"][t]
                        if g != g_now:  # -mu + decline, recomputed only while the decline is under way
                            np.multiply(decl, T(g), out=neg_base)
                            neg_base -= mu
                            g_now = g
                        # -z = bP pain - bH H + bJ flare + decl g - mu + length
                        np.multiply(pain, bP, out=t1)
                        np.multiply(H, bH, out=t2)
                        t1 -= t2
                        np.multiply(fl, bJ, out=t2)
                        t1 += t2
                        t1 += neg_base
                        if cst["length"][t] > 0:
                            t1 += T(cst["length"][t])
                        np.exp(t1, out=t1)
                        t1 += one
                        np.reciprocal(t1, out=prob)
                        pr = prob
                    else:
                        pr = p0
                    np.less(U, pr, out=b1)
                    done = row[6]
                    done[:] = b1
                    # U' = U/p if done else (U-p)/(1-p): again uniform, independent of "done"
                    np.subtract(one, done, out=t2)
                    t2 *= pr
                    np.subtract(U, t2, out=U2)
                    np.multiply(pr, T(2), out=t3)
                    t3 -= one
                    t3 *= done
                    t3 += one
                    t3 -= pr
                    U2 /= t3
                    Uf = U2
                    # habit: grows on a done session, decays a little on a missed one
                    # H + d c (1 - H) - (1 - d) delta H  ==  H (1 - delta) + d (c - (c - delta) H)
                    np.multiply(H, c_minus_delta, out=t2)
                    np.subtract(cH, t2, out=t2)
                    t2 *= done
                    np.multiply(H, keep_H, out=row[3])
                    row[3] += t2
                    H = row[3]
                    done_count += done
                    if t < window:
                        early += done
                    if t >= days - window:
                        late += done
                else:
                    done = row[6]
                    done.fill(0)
                    row[3] = H
                    H = row[3]
                    Uf = U
                # ---- insight 3: transition skill ------------------------------------------------
                if m3:
                    if planned and cst["practice"][t] > 0:
                        np.subtract(one, X, out=t2)
                        t2 *= done
                        t2 *= T(p.transition_rate * cst["practice"][t])
                        np.multiply(X, eX, out=row[10])
                        row[10] += t2
                    else:
                        np.multiply(X, eX, out=row[10])
                else:
                    row[10] = X
                X = row[10]
                # ---- insight 4: acute and chronic load averages --------------------------------
                np.multiply(A, T(1 - a_a), out=row[7])
                A = row[7]
                A += T(a_a * life)
                np.multiply(C, T(1 - a_c), out=row[8])
                C = row[8]
                C += T(a_c * life)
                if planned and cst["train_load"][t] > 0:
                    np.multiply(done, T(a_a * cst["train_load"][t]), out=t2)
                    A += t2
                    np.multiply(done, T(a_c * cst["train_load"][t]), out=t2)
                    C += t2
                acwr = row[9]
                np.divide(A, C, out=acwr)
                # ---- insights 1 and 2: stimulus, capacity and fatigue --------------------------
                over = False
                stim_today = False
                dose = cst["dose"][t]
                if planned and dose > 0:
                    if m1:
                        lvl = cst["level"][t]
                        np.subtract(F, G, out=t1)  # F and G are kept scaled: k_F F and k_G G
                        t1 += K0
                        np.maximum(t1, Rfl, out=t1)  # readiness R
                        np.divide(T(lvl), t1, out=t2)
                        np.minimum(t2, one, out=t2)
                        t2 *= done
                        t2 *= T(dose * cst["quality"][t] * p.k_capacity)  # stimulus (times k_F)
                        np.multiply(t1, T(-1.0 / lvl), out=t3)
                        t3 += one
                        np.maximum(t3, 0, out=t3)
                        t3 *= done
                        t3 *= T(dose)  # overload
                        over = True
                    else:
                        np.multiply(done, T(dose * p.k_capacity), out=t2)
                    if m2:
                        if cst["calm_first"][t] and cst["calm"][t] > 0:
                            np.multiply(done, T(-p.calm_first_effect * cst["calm"][t]), out=t4)
                            t4 += one
                            t4 *= S
                        else:
                            t4[:] = S
                        t4 *= T(-p.sens_stimulus)
                        t4 += one
                        t2 *= t4
                    stim_today = True
                F *= eF
                np.multiply(G, eG, out=row[1])
                G = row[1]
                row[11] = t2 if stim_today else 0  # effective stimulus today, in capacity units
                if stim_today:
                    F += t2
                    np.multiply(t2, kG_over_kF, out=t4)
                    G += t4
                    if over:
                        np.multiply(t3, kG_omega, out=t4)
                        G += t4
                # ---- insight 2: sensitivity drifts back to baseline; calming lowers it ----------
                if m2:
                    np.multiply(S, keep_S, out=row[2])
                    S = row[2]
                    S += aS_S0
                    if planned and cst["calm"][t] > 0:
                        np.multiply(done, T(p.downreg_effect * cst["calm"][t]), out=t4)
                        t4 *= S
                        S -= t4
                else:
                    row[2] = S
                    S = row[2]
                # ---- insights 3, 4, 1, 2: flare hazard and flare state ----------------------------
                base = 0.0
                if m3:
                    base += p.sitting_effect * (cst["sitting"][t] - p.sitting_ref)
                if m4:
                    base -= p.acwr_beta * p.acwr_threshold  # beta max(0, r - theta) = beta max(r, theta) - beta theta
                np.add(logh_base, T(base), out=t1)
                if m3 and planned and cst["breaks"][t] > 0:
                    np.multiply(done, T(-p.sitting_effect * cst["sitting"][t] * cst["breaks"][t]), out=t2)
                    t1 += t2
                if m4:
                    np.maximum(acwr, T(p.acwr_threshold), out=t2)
                    t2 *= T(p.acwr_beta)
                    t1 += t2
                if over:
                    t3 *= T(p.overload_flare)
                    t1 += t3
                if m2:
                    np.multiply(S, T(p.sens_flare_hazard), out=t2)
                    t1 += t2
                np.exp(t1, out=t1)
                if m3:
                    np.multiply(X, T(-p.transition_effect), out=t2)
                    t2 += one
                    t1 *= t2  # hazard h
                np.less(Uf, t1, out=b1)
                np.greater(b1, flb, out=onb)  # onset: not in a flare yesterday, U' < h
                np.greater_equal(Uf, q_end, out=b2)
                b2 &= flb  # a flare carries on: in a flare yesterday, U' >= q
                np.logical_or(onb, b2, out=flb)
                fl = row[5]
                fl[:] = flb
                ons[:] = onb
                flares += ons
                flare_days += fl
                if m2:
                    np.subtract(one, S, out=t2)
                    t2 *= ons
                    t2 *= T(p.flare_sens)
                    S += t2
                # ---- pain: natural course - benefit + flare --------------------------------------
                np.add(F, T(p.capacity_half), out=t2)  # F is the capacity gained, k_F F
                np.divide(F, t2, out=t2)
                t2 *= T(p.pain_benefit_capacity)
                if m2:
                    np.subtract(S0, S, out=t3)
                    t3 *= T(p.pain_benefit_sensitivity)
                    t2 += t3
                np.multiply(omp, T(cst["natural"][t]), out=t3)
                t3 += plateau
                t3 -= t2
                np.maximum(t3, 0, out=t3)
                t3 *= P0
                np.multiply(fl, T(p.flare_pain), out=t2)
                t3 += t2
                pain = row[4]
                np.minimum(t3, T(100), out=pain)
                if t >= days - tail:
                    pain_tail += pain
                np.add(K0, F, out=row[0])
            nb = b1_ - b0
            sums[b0:b1_] = buf[:nb].sum(axis=-1)
            sub[b0:b1_] = buf[:nb, :, :nsub]
            if full:
                traj[b0:b1_] = buf[:nb]

    end = {
        "pain_tail": pain_tail / tail, "sessions": done_count, "early": early, "late": late,
        "flares": flares, "flare_days": flare_days, "habit": H.copy(), "capacity_gain": F, "sensitivity": S.copy(),
    }
    return sums, sub, end, traj


def run_model(plan: dict, persons: dict, uniforms, params: Params, *, full: bool = False, dtype=np.float32,
              percentile_people: int = PERCENTILE_PEOPLE, threads: int | None = None, engine: str = "auto"):
    """Run the model for all people at once (vectorized over people, chunk by chunk).

    ``plan``: output of :func:`plan_arrays`; ``persons``: output of :func:`draw_people`;
    ``uniforms``: an array (days, people), or a list of one Generator per chunk of
    :data:`CHUNK` people (what :func:`simulate` passes). Returns ``(daily, people,
    trajectories)``: dicts of numpy arrays (``trajectories`` is None unless ``full``).
    ``engine``: "vector" (numpy over people), "scalar" (the plain-Python loop of
    :mod:`spinelib._reference`, quicker for a handful of people) or "auto" (scalar for at most
    :data:`SCALAR_PEOPLE` people).
    """
    p = params
    dtype = np.dtype(dtype)
    days = plan["days"]
    n = len(persons["pain0"])
    cst = _day_constants(plan, p)
    chunks = _chunks(n)
    nsub_total = min(n, percentile_people)
    per = {k: np.ascontiguousarray(v, dtype=dtype) for k, v in persons.items()}
    if isinstance(uniforms, (list, tuple)):
        if len(uniforms) != len(chunks):
            raise InputError("uniforms", f"{len(chunks)} generators, one per chunk", len(uniforms))
        sources = list(uniforms)
    else:
        arr = np.asarray(uniforms)
        if arr.shape != (days, n):
            raise InputError("uniforms", f"an array of shape ({days}, {n})", Shown(str(arr.shape)))
        arr = arr.astype(dtype, copy=False)
        sources = [np.ascontiguousarray(arr[:, c0:c1]) for c0, c1 in chunks]
    nthreads = threads if threads is not None else min(2, os.cpu_count() or 1)
    if engine not in ("auto", "vector", "scalar"):
        raise InputError("engine", "one of auto, vector, scalar", engine)
    if engine == "auto":
        engine = "scalar" if n <= SCALAR_PEOPLE else "vector"
    if engine == "scalar":
        from ._reference import run_reference
        u = sources[0].random((days, n), dtype=dtype) if isinstance(sources[0], np.random.Generator) else sources[0]
        full_traj, end = run_reference(plan, per, u, p)
        sums = full_traj.sum(axis=-1)
        sub = full_traj[:, :, :nsub_total]
        traj_parts = [full_traj] if full else None
    else:
        # the percentile sample: the first people of each chunk, in proportion to its size
        nsubs = [int(round(nsub_total * (c1 - c0) / n)) for c0, c1 in chunks]
        nsubs[0] += nsub_total - sum(nsubs)

        def work(k):
            c0, c1 = chunks[k]
            return _run_chunk(cst, {key: v[c0:c1] for key, v in per.items()}, sources[k], p, dtype, nsubs[k], full)

        if len(chunks) > 1 and nthreads > 1:
            with ThreadPoolExecutor(max_workers=nthreads) as ex:
                results = list(ex.map(work, range(len(chunks))))
        else:
            results = [work(k) for k in range(len(chunks))]
        sums = sum(r[0] for r in results)
        sub = np.concatenate([r[1] for r in results], axis=-1) if len(results) > 1 else results[0][1]
        end = {k: np.concatenate([r[2][k] for r in results]) for k in results[0][2]}
        traj_parts = [r[3] for r in results] if full else None
    q = _percentiles(sub, nthreads)

    planned = np.asarray(cst["planned"], dtype=bool)
    window = min(28, days)
    n_planned = int(planned.sum())
    n_early, n_late = int(planned[:window].sum()), int(planned[days - window:].sum())
    nan = np.full(n, np.nan)
    P0 = persons["pain0"].astype(float)
    K0 = persons["capacity0"].astype(float)
    S0 = persons["sens0"].astype(float)
    people = {
        "sessions": end["sessions"].astype(int), "planned": np.full(n, n_planned),
        "flares": end["flares"].astype(int), "flare_days": end["flare_days"].astype(int),
        "decliner": persons["decliner"] > 0,
        "pain0": P0, "pain_end": end["pain_tail"], "pain_change": end["pain_tail"] - P0,
        "adherence": end["sessions"] / n_planned if n_planned else nan,
        "adherence_early": end["early"] / n_early if n_early else nan,
        "adherence_late": end["late"] / n_late if n_late else nan,
        "habit": end["habit"].astype(float), "capacity": K0 + end["capacity_gain"],
        "capacity_gain": end["capacity_gain"].astype(float), "sensitivity": end["sensitivity"].astype(float),
        "sensitivity_change": end["sensitivity"] - S0,
    }
    daily = {"day": np.arange(days), "planned": planned}
    means = sums / n
    for k, s in enumerate(STATES):
        daily[f"{s}_mean"] = means[:, k]
        daily[f"{s}_p2.5"] = q[0][:, k]
        daily[f"{s}_p97.5"] = q[1][:, k]
    trajectories = None
    if full:
        traj = np.concatenate(traj_parts, axis=-1) if len(traj_parts) > 1 else traj_parts[0]
        trajectories = {"person": np.tile(np.arange(n), days), "day": np.repeat(np.arange(days), n),
                        "planned": np.repeat(planned, n)}
        for k, s in enumerate(STATES):
            trajectories[s] = traj[:, k, :].reshape(-1)
    return daily, people, trajectories


BINARY = tuple(k for k, s in enumerate(STATES) if s in ("flare", "session"))


def _binary_percentile(ones: np.ndarray, n: int, q: float) -> np.ndarray:
    """numpy's linear-interpolation percentile of n values that are 0 or 1, from the count of ones."""
    pos = q / 100.0 * (n - 1)
    i = int(math.floor(pos))
    frac = pos - i
    first_one = n - ones  # sorted: zeros first, then ones
    lo = (i >= first_one).astype(float)
    hi = (min(i + 1, n - 1) >= first_one).astype(float)
    return lo + frac * (hi - lo)


def _percentiles(sub: np.ndarray, nthreads: int = 1):
    """2.5th and 97.5th percentiles along the last axis (linear interpolation, as numpy).

    The 0/1 states (flare, session) are done exactly from their counts; the others by
    numpy's partition-based percentile, split over two threads for long runs.
    """
    days, ns, n = sub.shape
    cont = [k for k in range(ns) if k not in BINARY]
    out = np.empty((2, days, ns))
    part = sub[:, cont, :]
    if nthreads > 1 and days >= 64 and n > 256:
        half = days // 2
        with ThreadPoolExecutor(max_workers=2) as ex:
            a, b = ex.map(lambda s: np.percentile(s, [2.5, 97.5], axis=-1), (part[:half], part[half:]))
        out[:, :, cont] = np.concatenate([a, b], axis=1)
    else:
        out[:, :, cont] = np.percentile(part, [2.5, 97.5], axis=-1)
    for k in BINARY:
        ones = np.rint(sub[:, k, :].sum(axis=-1, dtype=np.float64)).astype(np.int64)
        out[0, :, k] = _binary_percentile(ones, n, 2.5)
        out[1, :, k] = _binary_percentile(ones, n, 97.5)
    return out


# --- public surface --------------------------------------------------------------------------
@dataclass
class SimulationResult:
    """What :func:`simulate` returns.

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


def _frame(columns: dict, index_name: str | None = None) -> pd.DataFrame:
    """A DataFrame from equal-length arrays: the leading non-float columns, then one float block.

    Building the float columns as a single 2-D block is several times quicker than a dict of
    columns, which matters for the one-person runs behind a slider.
    """
    names = list(columns)
    lead = []
    for k in names:
        if np.asarray(columns[k]).dtype.kind == "f":
            break
        lead.append(k)
    rest = names[len(lead):]
    df = pd.DataFrame(np.column_stack([np.asarray(columns[k], dtype=float) for k in rest]), columns=rest)
    for i, k in enumerate(lead):
        df.insert(i, k, columns[k])
    if index_name:
        df.index.name = index_name
    return df


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


def simulate(what="gentle_daily", people: int = 1000, days: int | None = None, seed: int | None = 0,
             full: bool = False, params=None) -> SimulationResult:
    """Simulate a cohort following a plan.

    ``what``: a scenario name (:func:`scenarios`), a routine (anything with
    ``.daily_plan(days)``) or a plan DataFrame with the columns of ``Routine.daily_plan``
    (optional ``supervised`` and ``sitting_hours`` columns are read too). ``people``: 1 to
    1,000,000. ``days``: 1 to 3650 (default 84, or the plan's length). ``seed``: a whole
    number (the same seed gives identical results) or None. ``full``: also return
    ``.trajectories`` (one row per person-day; at most 5,000,000 person-days).
    ``params``: None, a :class:`~spinelib.params.Params` or a dict of overrides.

    >>> r = simulate("no_exercise", people=50, days=14, seed=3)
    >>> int(r.people["sessions"].sum()), bool(r.people["adherence"].isna().all())
    (0, True)
    """
    people = _check_people(people)
    seed = _check_seed(seed)
    if not isinstance(full, (bool, np.bool_)):
        raise InputError("full", "True or False", full)
    params = Params.coerce(params)
    plan, params, label = _resolve(what, days, params)
    days = plan["days"]
    if full and people * days > MAX_FULL_PERSON_DAYS:
        raise InputError("full", f"used with at most {MAX_FULL_PERSON_DAYS:,} person-days (use full=False for "
                         "summaries)", f"{people * days:,}")
    root, gens = _generators(seed, people)
    persons = draw_people(root, people, params)
    daily, ppl, traj = run_model(plan, persons, gens, params, full=bool(full))
    return SimulationResult(
        what=label, people_n=people, days=days, seed=seed, params=params,
        daily=_frame(daily), people=_frame(ppl, index_name="person"),
        trajectories=pd.DataFrame(traj) if traj is not None else None, plan=plan,
    )


# --- calibration targets ---------------------------------------------------------------------
# (name, target, tolerance used by the tests, evidence ids, what is measured)
TARGETS = (
    ("pain_diff_supervised_vs_none", -15.0, 1.5, "G1",
     "mean pain_change, supervised minus no_exercise, 84 days (0-100; G1: -15, 95% CI -18 to -12)"),
    ("adherence_gentle_daily", 0.60, 0.02, "I5-5", "mean share of planned sessions done, gentle_daily, 84 days"),
    ("declining_share_gentle_daily", 0.12, 0.02, "I5-6",
     "share of people whose adherence in the last 28 days is >= 0.25 below the first 28 days"),
    ("habit_t95_median", 66.0, 4.0, "I5-1;I5-2", "median days of daily practice to 95% of the habit asymptote"),
    ("habit_t95_p2.5", 18.0, 5.0, "I5-1", "2.5th percentile of those days (Lally: 18-254 days)"),
    ("habit_t95_p97.5", 254.0, 30.0, "I5-1", "97.5th percentile of those days"),
    ("flare_onsets_per_day", 0.03, 0.002, "F1;F2;F3", "flare onsets per person-day, no_exercise, 84 days"),
    ("flare_one_day_share", 0.75, 0.03, "F1", "share of flares that last a single day (F1: about 75% < 1 day)"),
    ("flare_mean_days", 1.33, 0.2, "F1;F2", "mean flare length in days (mostly shorter than a day or two)"),
    ("acwr_rr_at_1.5", 1.75, 0.25, "I4-11;I4-8", "flare hazard multiplier at an acute:chronic ratio of 1.5 (1.5-2x)"),
    ("acwr_rr_at_2.0", 4.0, 0.5, "I4-10", "flare hazard multiplier at an acute:chronic ratio of 2.0 (about 4x)"),
)
G9_COURSE = ((42, 33 / 51), (182, 26 / 51), (364, 23 / 51))  # share of baseline pain left (persistent LBP)


def _run_lengths(flag: np.ndarray) -> np.ndarray:
    """Lengths of runs of 1s along axis 0 of a (days, people) 0/1 array (runs cut by the end kept)."""
    f = np.vstack([np.zeros((1, flag.shape[1])), flag, np.zeros((1, flag.shape[1]))]).astype(np.int8)
    d = np.diff(f, axis=0)
    starts = np.argwhere(d.T == 1)
    ends = np.argwhere(d.T == -1)
    return ends[:, 1] - starts[:, 1]


def habit_t95(params=None, people: int = 2000, seed: int = 0, days: int = 365) -> np.ndarray:
    """Days of daily practice (every session done) until habit first reaches 0.95, per person."""
    p = Params.coerce(params).replace(supervised_adherence=1.0)
    r = simulate("supervised", people=people, days=days, seed=seed, full=True, params=p)
    h = r.trajectories["habit"].to_numpy().reshape(days, people)
    reached = h >= 0.95
    return np.where(reached.any(axis=0), reached.argmax(axis=0) + 1.0, np.nan)


def calibration_report(params=None, people: int = 4000, seed: int = 0) -> pd.DataFrame:
    """Each calibration target next to the model's value at ``params`` (defaults: the fitted set).

    Columns: target, evidence, wanted, model, tolerance, within (bool), measured.
    """
    p = Params.coerce(params)
    sup = simulate("supervised", people=people, days=84, seed=seed, params=p).people
    none = simulate("no_exercise", people=people, days=84, seed=seed, params=p, full=True)
    gentle = simulate("gentle_daily", people=people, days=84, seed=seed, params=p).people
    t95 = habit_t95(p, people=min(people, 4000), seed=seed)
    flags = none.trajectories["flare"].to_numpy().reshape(84, people)
    runs = _run_lengths(flags)
    decline = (gentle["adherence_late"] - gentle["adherence_early"]) <= -0.25
    rr = acwr_multiplier([1.5, 2.0], p)
    model = {
        "pain_diff_supervised_vs_none": float(sup["pain_change"].mean() - none.people["pain_change"].mean()),
        "adherence_gentle_daily": float(gentle["adherence"].mean()),
        "declining_share_gentle_daily": float(decline.mean()),
        "habit_t95_median": float(np.nanmedian(t95)),
        "habit_t95_p2.5": float(np.nanpercentile(t95, 2.5)),
        "habit_t95_p97.5": float(np.nanpercentile(t95, 97.5)),
        "flare_onsets_per_day": float(none.people["flares"].sum() / (people * 84)),
        "flare_one_day_share": float((runs == 1).mean()),
        "flare_mean_days": float(runs.mean()),
        "acwr_rr_at_1.5": float(rr[0]),
        "acwr_rr_at_2.0": float(rr[1]),
    }
    rows = [{"target": name, "evidence": ev, "wanted": want, "model": model[name], "tolerance": tol,
             "within": abs(model[name] - want) <= tol, "measured": what}
            for name, want, tol, ev, what in TARGETS]
    return pd.DataFrame(rows)
