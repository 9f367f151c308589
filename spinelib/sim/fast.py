"""The simulator compiled (numba), many parameter sets at once: for sensitivity analyses and ensembles.

The same equations as :func:`spinelib.sim.scalar.run_person` (the step numbers of
``docs/model.md``), in one compiled kernel that runs *rows* x people x days in one call, where
every row has its own parameter set and day plan. A row reads

* its coefficients from a 2-D float64 array ``coef[row, k]`` (:data:`COEFS`, built from the
  :class:`~spinelib.sim.params.Params` fields by :func:`coefficients`);
* its day constants from ``day_c[row, k, t]`` (:data:`DAY_FIELDS`): the output of
  :func:`~spinelib.sim.plan.day_constants` itself, computed once per distinct set of the
  parameters it reads (:data:`DAY_PARAMS`);
* its people from ``persons[draw[row], k, i]`` (:data:`~spinelib.sim.engine.PERSON_FIELDS`):
  rows whose parameters give the same per-person laws (:data:`DRAW_PARAMS`) share one set of draws;
* the daily uniforms ``uniforms[i, t]``, shared by every row: common random numbers.

:func:`simulate_many` is the public door: one plan or scenario, a list of parameter sets,
one seed. Its people and daily chances are those :func:`~spinelib.sim.simulate` draws with
that seed (the same streams: :func:`~spinelib.sim.engine.generators`,
:func:`~spinelib.sim.engine.draw_people` and :func:`~spinelib.sim.engine.make_draws`, in
float32), so row ``r`` is ``simulate(what, people, days, seed, params=params[r])`` up to
arithmetic: the kernel computes in float64 where :func:`simulate` computes in float32 (a
person whose uniform falls within float32 rounding of a probability can take the other branch).
:func:`run_rows` is the lower door, on draws the caller supplies (the tests feed it the draws
of :func:`~spinelib.sim.scalar.run_reference`).

Cost (benchmarks/experiments.py --only-sobol, 2-core VM): about 50-60 ns of CPU per person-day
(75-105 ns on a slower VM instance), against 600-800 ns for :func:`~spinelib.sim.simulate` at 500
people (one call per set).
Rows whose inputs equal another row's (a parameter the plan never reads) are run once.

numba is imported, and the kernel compiled (or loaded from numba's cache), on first use, so
``import spinelib.sim`` does not pay for it.

>>> from spinelib.sim import Params
>>> m = simulate_many("gentle_daily", [Params(), Params(flare_hazard=0.05)], people=50, days=28, seed=1)
>>> list(m.columns)
['pain_change', 'adherence', 'flares', 'habit', 'capacity_gain', 'capacity', 'sensitivity']
>>> bool(m["flares"].iloc[1] > m["flares"].iloc[0])
True
"""
from __future__ import annotations

import math
import os
import warnings

import numpy as np
import pandas as pd

from ..errors import InputError, kind, whole_number
from .curves import RELIEF_DAYS
from .engine import PERSON_FIELDS, draw_people, generators, make_draws
from .params import Params
from .plan import check_days, day_constants, plan_arrays
from .results import OUTCOMES
from .scenarios import get_scenario

__all__ = ["simulate_many", "run_rows", "coefficients", "day_matrix", "outcome_columns", "COEFS", "DAY_FIELDS",
           "END_FIELDS", "DRAW_PARAMS", "DAY_PARAMS", "FAST_OUTCOMES", "ROW_BATCH", "kernel"]

# the switches, then values derived from parameters, then parameters read as they are: the columns of coef
SWITCHES = ("use_load_control", "use_sensitivity", "use_transitions", "use_acwr", "use_adherence")
DERIVED = ("e_f", "e_g", "e_x", "e_q", "e_e", "e_h", "phi", "shock", "k_f", "k_g", "a_a", "a_c", "a_pi", "logit_sup")
RAW = ("supervised_adherence", "relief_target", "dropout_hazard", "dropout_pain", "dropout_flare",
       "dropout_nonresponse", "dropout_supervised", "pain_penalty", "flare_penalty", "habit_gain", "decline_logit",
       "habit_decay", "transition_rate", "confidence_rate", "life_load", "readiness_floor", "overload_stimulus",
       "calm_first_effect", "sens_stimulus", "overload_fatigue", "sens_tau", "downreg_effect", "overload_sens",
       "sitting_effect", "sitting_ref", "acwr_beta", "acwr_threshold", "overload_flare", "sens_flare_hazard",
       "transition_effect", "flare_end", "flare_sens", "confidence_flare", "pain_benefit_capacity", "capacity_half",
       "pain_benefit_confidence", "pain_benefit_attention", "pain_benefit_sensitivity", "flare_pain")
COEFS = SWITCHES + DERIVED + RAW
# the rows of a row's day constants (the keys of plan.day_constants)
DAY_FIELDS = ("planned", "supervised", "length", "dose", "over_dose", "attention", "nonresp_time", "quality",
              "level", "calm", "calm_first", "practice", "breaks", "train_load", "sitting", "natural",
              "decline_time")
# the parameters day_constants reads (sitting_hours through the plan: the days the plan leaves it open),
# and those draw_people reads; tests/sim/test_fast.py checks that no other parameter changes either
DAY_PARAMS = ("length_penalty", "dose_saturation", "attention_rate", "attention_home", "control_weight",
              "downreg_minutes", "transition_minutes", "break_effect", "light_intensity", "natural_tau",
              "sitting_hours")
DRAW_PARAMS = ("pain0_mean", "pain0_sd", "natural_plateau", "natural_conc", "sens0_mean", "sens0_conc",
               "capacity0_median", "capacity0_sd", "flare_hazard", "flare_hazard_sd", "habit_t95_median",
               "habit_t95_sd", "adherence0", "adherence0_sd", "decliner_share", "response_shape", "fluct_sd",
               "fluct_spread")
# the per-person end values of the kernel, as in scalar.run_person's end dict
END_FIELDS = ("pain_tail", "sessions", "early", "late", "flares", "flare_days", "habit", "capacity_gain",
              "sensitivity", "dropout_day")
FAST_OUTCOMES = tuple(OUTCOMES)  # pain_change, adherence, flares, habit, capacity_gain, capacity, sensitivity
_OUTCOME_COLUMNS = ("pain_change", "adherence", "flares", "habit", "capacity_gain", "capacity", "sensitivity")
ROW_BATCH = 512  # rows per kernel call (memory: ~ROW_BATCH x people x 80 bytes)
_SITTING_PROBE = (0.0, 16.0)  # two sitting_hours values: the plan's days that differ take the parameter


# --- the kernel (plain Python, compiled by numba on first use) ---------------------------------------
def _sigmoid(z):
    if z < -700.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def _kernel_body(coef, day_c, persons, draw, uniforms, out):  # pragma: no cover (runs compiled)
    """``out[row, END_FIELDS, person]`` for every row (in parallel) and person: run_person's equations."""
    rows = coef.shape[0]
    n, days = uniforms.shape
    window, tail = min(28, days), min(7, days)
    for r in _prange(rows):
        q = coef[r]
        c = day_c[r]
        per = persons[draw[r]]
        m1, m2, m3, m4, m5 = q[0] > 0.5, q[1] > 0.5, q[2] > 0.5, q[3] > 0.5, q[4] > 0.5
        e_f, e_g, e_x, e_q, e_e, e_h, phi, shock = q[5], q[6], q[7], q[8], q[9], q[10], q[11], q[12]
        k_f, k_g, a_a, a_c, a_pi, logit_sup = q[13], q[14], q[15], q[16], q[17], q[18]
        (sup_adh, relief_target, dropout_hazard, dropout_pain, dropout_flare, dropout_nonresponse,
         dropout_supervised, pain_penalty, flare_penalty, habit_gain, decline_logit) = (
            q[19], q[20], q[21], q[22], q[23], q[24], q[25], q[26], q[27], q[28], q[29])
        (habit_decay, transition_rate, confidence_rate, life_load, readiness_floor, overload_stimulus,
         calm_first_effect, sens_stimulus, overload_fatigue, sens_tau, downreg_effect, overload_sens) = (
            q[30], q[31], q[32], q[33], q[34], q[35], q[36], q[37], q[38], q[39], q[40], q[41])
        (sitting_effect, sitting_ref, acwr_beta, acwr_threshold, overload_flare, sens_flare_hazard,
         transition_effect, flare_end, flare_sens, confidence_flare, pain_benefit_capacity, capacity_half) = (
            q[42], q[43], q[44], q[45], q[46], q[47], q[48], q[49], q[50], q[51], q[52], q[53])
        pain_benefit_confidence, pain_benefit_attention, pain_benefit_sensitivity, flare_pain = (
            q[54], q[55], q[56], q[57])
        pp100, dp100 = pain_penalty / 100.0, dropout_pain / 100.0
        keep_h_missed = 1.0 - habit_decay - (1.0 - e_h)
        for i in range(n):
            P0, plateau, S0, K0 = per[0, i], per[1, i], per[2, i], per[3, i]
            logh0, c_h, mu, decliner = per[4, i], per[5, i], per[6, i], per[7, i]
            resp, amp, eps, budget = per[8, i], per[9, i], per[10, i], per[11, i]
            F = 0.0
            G = 0.0
            H = 0.0
            X = 0.0
            Q = 0.0
            E = 0.0
            S = S0
            A = life_load
            C = life_load
            flare = False
            dropped = False
            pain = P0
            slow = P0
            hazard_sum = 0.0
            dropout_day = np.nan
            sessions = 0.0
            early = 0.0
            late = 0.0
            flares = 0.0
            flare_days = 0.0
            pain_tail = 0.0
            inv_relief = 1.0 / (relief_target * P0)
            for t in range(days):
                U = uniforms[i, t]
                planned = c[0, t] > 0.5
                sup = c[1, t] > 0.5
                fl = 1.0 if flare else 0.0
                # step 1: drop-out (absorbing) and adherence
                done = False
                if planned:
                    if not dropped:
                        nonresp = c[6, t] * max(0.0, 1.0 - (P0 - slow) * inv_relief)
                        lam = dropout_hazard * math.exp(dp100 * pain + dropout_flare * fl
                                                        + dropout_nonresponse * nonresp)
                        if sup:
                            lam *= dropout_supervised
                        hazard_sum += lam
                        if hazard_sum >= budget:
                            dropped = True
                            dropout_day = float(t)
                    if dropped:  # (a drop-out's chance is 0: nothing else to compute)
                        prob = 0.0
                    elif sup:
                        if m5:
                            prob = _sigmoid(logit_sup - pp100 * pain - flare_penalty * fl)
                        else:
                            prob = sup_adh
                    elif m5:
                        z = (mu + habit_gain * H - c[2, t] - pp100 * pain - flare_penalty * fl
                             - decliner * decline_logit * c[16, t])
                        prob = _sigmoid(z)
                    else:
                        prob = _sigmoid(mu)
                    done = U < prob
                    if done:
                        U = U / prob
                        H = H + c_h * (1.0 - H)
                        sessions += 1.0
                        if t < window:
                            early += 1.0
                        if t >= days - window:
                            late += 1.0
                    else:
                        U = (U - prob) / (1.0 - prob)
                        H = H * keep_h_missed
                else:
                    H = H * e_h
                d = 1.0 if done else 0.0
                # step 3: transition skill, confidence, attention
                if m3:
                    X = X * e_x + d * transition_rate * c[11, t] * (1.0 - X)
                Q = Q * e_q + d * confidence_rate * (1.0 - Q)
                E = E * e_e + d * c[5, t] * (1.0 - E)
                # step 4: load averages
                L = life_load + d * c[13, t]
                A = A + a_a * (L - A)
                C = C + a_c * (L - C)
                acwr = A / C
                # step 5: stimulus, capacity, fatigue
                stim = 0.0
                overload = 0.0
                dose = c[3, t]
                if planned and dose > 0:
                    if m1:
                        R = max(readiness_floor * K0, K0 + k_f * F - k_g * G)
                        level = c[8, t]
                        stim = d * dose * c[7, t] * min(level / R, 1.0)
                        overload = d * c[4, t] * max(0.0, 1.0 - R / level)
                        stim = stim / (1.0 + overload_stimulus * overload)
                    else:
                        stim = d * dose
                    if m2:
                        calm_now = calm_first_effect * c[9, t] if c[10, t] > 0.5 else 0.0
                        stim = stim * (1.0 - sens_stimulus * S * (1.0 - calm_now * d))
                F = F * e_f + stim
                G = G * e_g + stim + overload_fatigue * overload
                # step 6: sensitivity
                if m2:
                    S = S + (S0 - S) / sens_tau
                    S = S - downreg_effect * c[9, t] * d * S
                    if overload > 0:
                        S = S + overload_sens * min(1.0, overload) * (1.0 - S)
                # step 7: flare hazard and flare state (the hazard only matters out of a flare)
                if flare:
                    threshold = flare_end
                else:
                    logh = logh0
                    if m3:
                        logh += sitting_effect * (c[14, t] * (1.0 - c[12, t] * d) - sitting_ref)
                    if m4:
                        logh += acwr_beta * max(0.0, acwr - acwr_threshold)
                    if m1:
                        logh += overload_flare * overload
                    if m2:
                        logh += sens_flare_hazard * (S - S0)
                    h = math.exp(logh)
                    if m3:
                        h *= 1.0 - transition_effect * X
                    threshold = min(h, 1.0)
                below = U < threshold
                V = U / threshold if below else (U - threshold) / (1.0 - threshold)
                onset = False
                if flare:
                    flare = not below
                else:
                    onset = below
                    flare = onset
                if onset:
                    flares += 1.0
                    # step 8: a flare onset raises sensitivity and dents confidence
                    if m2:
                        S = S + flare_sens * (1.0 - S)
                    Q = Q * (1.0 - confidence_flare)
                if flare:
                    flare_days += 1.0
                # step 9: pain
                eps = phi * eps + shock * (V - 0.5)
                gain = k_f * F
                benefit = resp * (pain_benefit_capacity * gain / (gain + capacity_half)
                                  + pain_benefit_confidence * Q)
                benefit += pain_benefit_attention * E
                if m2:
                    benefit += pain_benefit_sensitivity * (S0 - S)
                natural = plateau + (1.0 - plateau) * c[15, t]
                pain = min(100.0, max(0.0, P0 * max(0.0, natural - benefit) + flare_pain * (1.0 if flare else 0.0)
                                      + amp * eps))
                slow = slow + a_pi * (pain - slow)
                if t >= days - tail:
                    pain_tail += pain
            o = out[r]
            o[0, i] = pain_tail / tail
            o[1, i] = sessions
            o[2, i] = early
            o[3, i] = late
            o[4, i] = flares
            o[5, i] = flare_days
            o[6, i] = H
            o[7, i] = k_f * F
            o[8, i] = S
            o[9, i] = dropout_day


_prange = range  # numba.prange once compiled
_KERNEL = None


def kernel():
    """The compiled kernel (numba, ``parallel=True``, cached on disk): compiled on the first call."""
    global _KERNEL, _prange, _sigmoid
    if _KERNEL is None:
        import numba

        _prange = numba.prange
        _sigmoid = numba.njit(cache=True, error_model="numpy", inline="always")(_sigmoid.py_func
                                                                                  if hasattr(_sigmoid, "py_func")
                                                                                  else _sigmoid)
        _KERNEL = numba.njit(cache=True, parallel=True, error_model="numpy", boundscheck=False)(_kernel_body)
    return _KERNEL


def _threads(threads) -> int:
    if threads is None:
        return min(2, os.cpu_count() or 1)
    return whole_number(threads, "threads", 1, 256)


# --- inputs of the kernel ----------------------------------------------------------------------------
def coefficients(params: list) -> np.ndarray:
    """``coef[row, k]`` (float64, the columns of :data:`COEFS`) for a list of :class:`Params`."""
    names = SWITCHES + RAW + ("tau_capacity", "tau_fatigue", "transition_tau", "confidence_tau", "attention_tau",
                              "habit_tau", "fluct_tau", "k_capacity", "fatigue_ratio", "acute_days", "chronic_days")
    vals = np.array([[float(getattr(p, f)) for f in names] for p in params], dtype=float).reshape(len(params),
                                                                                                   len(names))
    col = dict(zip(names, vals.T))

    def decay(x):  # curves.daily_decay: exp(-1 / days)
        return np.exp(-1.0 / x)

    phi = decay(col["fluct_tau"])
    sup = col["supervised_adherence"]
    with np.errstate(divide="ignore"):
        logit_sup = np.where(sup >= 1.0, np.inf, np.log(sup / np.maximum(1.0 - sup, 1e-300)))
    derived = {
        "e_f": decay(col["tau_capacity"]), "e_g": decay(col["tau_fatigue"]), "e_x": decay(col["transition_tau"]),
        "e_q": decay(col["confidence_tau"]), "e_e": decay(col["attention_tau"]), "e_h": decay(col["habit_tau"]),
        "phi": phi, "shock": np.sqrt(12.0 * (1.0 - phi * phi)),
        "k_f": col["k_capacity"], "k_g": col["k_capacity"] * col["fatigue_ratio"],
        "a_a": 1.0 - decay(col["acute_days"]), "a_c": 1.0 - decay(col["chronic_days"]),
        "a_pi": np.full(len(params), 1.0 - math.exp(-1.0 / RELIEF_DAYS)), "logit_sup": logit_sup,
    }
    out = np.empty((len(params), len(COEFS)))
    for k, name in enumerate(COEFS):
        out[:, k] = derived[name] if name in derived else col[name]
    return out


def _sitting_probe(plan_df, days):
    """(the plan's sitting hours, a mask of the days that take ``params.sitting_hours``)."""
    a, b = (plan_arrays(plan_df, days, Params(sitting_hours=s))["sitting_hours"] for s in _SITTING_PROBE)
    return a, a != b


def day_matrix(plan: dict, open_days, params: list, cache: dict | None = None) -> np.ndarray:
    """``day_c[row, DAY_FIELDS, day]`` from :func:`~spinelib.sim.plan.day_constants`, once per distinct
    set of :data:`DAY_PARAMS`. ``open_days``: mask of the days whose sitting is ``params.sitting_hours``."""
    cache = {} if cache is None else cache
    days = plan["days"]
    out = np.empty((len(params), len(DAY_FIELDS), days))
    for r, p in enumerate(params):
        key = tuple(getattr(p, f) for f in DAY_PARAMS)
        m = cache.get(key)
        if m is None:
            pl = plan
            if open_days.any():
                pl = dict(plan, sitting_hours=np.where(open_days, p.sitting_hours, plan["sitting_hours"]))
            cst = day_constants(pl, p)
            m = cache[key] = np.array([cst[f] for f in DAY_FIELDS], dtype=float)
        out[r] = m
    return out


def run_rows(coef, day_c, persons, draw, uniforms, *, threads=None) -> np.ndarray:
    """The kernel on arrays: ``out[row, END_FIELDS, person]`` (float64).

    ``coef`` (rows, COEFS); ``day_c`` (rows, DAY_FIELDS, days); ``persons``: a dict of the
    :data:`~spinelib.sim.engine.PERSON_FIELDS` (one set of people) or an array (sets, fields,
    people); ``draw``: each row's set (default: all 0); ``uniforms`` (days, people).
    """
    if isinstance(persons, dict):
        persons = np.array([np.asarray(persons[k], dtype=float) for k in PERSON_FIELDS])[None]
    persons = np.ascontiguousarray(persons, dtype=np.float64)
    coef = np.ascontiguousarray(np.atleast_2d(coef), dtype=np.float64)
    rows = coef.shape[0]
    draw = np.zeros(rows, np.int64) if draw is None else np.ascontiguousarray(draw, dtype=np.int64)
    U = np.ascontiguousarray(np.asarray(uniforms, dtype=np.float64).T)  # (people, days): one person's days together
    day_c = np.ascontiguousarray(day_c, dtype=np.float64)
    if day_c.shape != (rows, len(DAY_FIELDS), U.shape[1]) or persons.shape[1:] != (len(PERSON_FIELDS), U.shape[0]):
        raise InputError("run_rows", "coef, day constants, persons and uniforms of matching shapes",
                         f"{coef.shape}, {day_c.shape}, {persons.shape}, {U.shape[::-1]}")
    if len(draw) != rows or (rows and (draw.min() < 0 or draw.max() >= len(persons))):
        raise InputError("draw", f"{rows} indices into {len(persons)} sets of people", len(draw))
    out = np.empty((rows, len(END_FIELDS), U.shape[0]))
    if rows == 0:
        return out
    k = kernel()
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(min(_threads(threads), numba.config.NUMBA_NUM_THREADS))
    # rows handed out a few at a time (not one half per thread): a thread on a busier core does fewer
    chunk = numba.set_parallel_chunksize(4)
    try:
        k(coef, day_c, persons, draw, U, out)
    finally:
        numba.set_parallel_chunksize(chunk)
        numba.set_num_threads(before)
    return out


def outcome_columns(end: np.ndarray, persons: np.ndarray, draw: np.ndarray, planned: np.ndarray) -> dict:
    """Per-person outcomes ``(rows, people)`` of :data:`FAST_OUTCOMES` from the kernel's output, as
    :func:`~spinelib.sim.simulate` puts them in ``.people``."""
    e = dict(zip(END_FIELDS, np.moveaxis(end, 1, 0)))
    missing = [o for o in FAST_OUTCOMES if o not in _OUTCOME_COLUMNS]
    if missing:  # an outcome added to OUTCOMES needs a line here
        raise InputError("outcome", "one the fast kernel computes", missing[0])
    P0 = persons[draw, PERSON_FIELDS.index("pain0")]
    K0 = persons[draw, PERSON_FIELDS.index("capacity0")]
    n_planned = int(np.asarray(planned, dtype=bool).sum())
    return {
        "pain_change": e["pain_tail"] - P0,
        "adherence": e["sessions"] / n_planned if n_planned else np.full_like(P0, np.nan),
        "flares": e["flares"], "habit": e["habit"], "capacity_gain": e["capacity_gain"],
        "capacity": K0 + e["capacity_gain"], "sensitivity": e["sensitivity"],
    }


# coefficients read only on a supervised day, and only on a calm-first day
_SUPERVISED_ONLY = tuple(COEFS.index(k) for k in ("logit_sup", "supervised_adherence", "dropout_supervised"))
_CALM_FIRST_ONLY = (COEFS.index("calm_first_effect"),)


def _distinct_rows(coef, day_c, draw, plan):
    """(rows to run, and for every row the position of its twin among them): rows with the same
    coefficients, day constants and people give the same result, so each is run once.

    A parameter the plan never reads (the attention of home sessions in an all-supervised plan,
    the minutes of a practice the plan does not contain, ...) leaves a row's inputs unchanged, so
    in Saltelli's scheme, where a point differs from its base point in one parameter, such points
    are not run again. The coefficients read only on supervised or calm-first days are set to 0
    in a plan without such days (``coef`` is changed in place; the kernel never reads them there).
    """
    planned = np.asarray(plan["planned"]) > 0
    if not (planned & (np.asarray(plan["supervised"]) > 0)).any():
        coef[:, _SUPERVISED_ONLY] = 0.0
    if not (planned & (np.asarray(plan["calm_first"]) > 0)).any():
        coef[:, _CALM_FIRST_ONLY] = 0.0
    seen, uniq = {}, []
    inverse = np.empty(len(coef), np.int64)
    for r in range(len(coef)):
        key = (coef[r].tobytes(), day_c[r].tobytes(), int(draw[r]))
        k = seen.get(key)
        if k is None:
            k = seen[key] = len(uniq)
            uniq.append(r)
        inverse[r] = k
    return np.array(uniq, np.int64), inverse


# --- the public door --------------------------------------------------------------------------------
def _plan_of(what, days):
    """(plan DataFrame, parameter overrides, days) for a scenario name, a routine or a plan DataFrame."""
    if isinstance(what, str):
        sc = get_scenario(what)
        d = 84 if days is None else check_days(days)
        return sc.plan(d), dict(sc.params), d
    if isinstance(what, pd.DataFrame):
        return what, {}, check_days(len(what) if days is None else days)
    if hasattr(what, "daily_plan") and callable(what.daily_plan) and getattr(what, "is_referral", False) is not True:
        d = 84 if days is None else check_days(days)
        return what.daily_plan(d), {}, d
    raise InputError("what", "a scenario name, a routine (with .daily_plan) or a plan DataFrame", kind(what))


def simulate_many(what, params, people: int = 500, days: int | None = None, seed: int | None = 0, *,
                  per_person: bool = False, threads: int | None = None, batch: int = ROW_BATCH):
    """Cohort means of :data:`FAST_OUTCOMES` for each parameter set in ``params`` (a DataFrame, one row per set).

    Every set sees the same people and daily chances (those :func:`~spinelib.sim.simulate`
    draws with ``seed``), so row ``r`` agrees with ``simulate(what, people, days, seed,
    params=params[r]).people[outcome]`` averaged (NaN-aware), up to float32 arithmetic there.
    A scenario's own parameter overrides win, as in :func:`simulate`.

    ``what``: a scenario name, a routine or a plan DataFrame; or a list of them, which run on
    the same people (drawn once per batch for all of them) and give a frame indexed by
    ``(what, set)`` (a position for a routine or plan). ``per_person``: also return a dict of
    ``(sets, people)`` arrays per outcome (one such dict per ``what`` for a list).
    ``threads``: numba threads (default: up to 2). ``batch``: parameter sets per kernel call.
    """
    people = whole_number(people, "people", 1, 1_000_000)
    if seed is not None:
        seed = whole_number(seed, "seed", 0, 2**63 - 1)
    batch = whole_number(batch, "batch", 1, 1 << 20)
    many = isinstance(what, (list, tuple))
    whats = list(what) if many else [what]
    if not whats:
        raise InputError("what", "at least one scenario, routine or plan", "an empty list")
    plist = [Params.coerce(p) for p in params]
    sides = []
    for w in whats:
        plan_df, overrides, d = _plan_of(w, days)
        base = plan_arrays(plan_df, d, Params())
        base["sitting_hours"], open_days = _sitting_probe(plan_df, d)
        sides.append((base, open_days, overrides, {}))
    if len({b["days"] for b, *_ in sides}) > 1:
        raise InputError("days", "the same number of days for every plan", sorted({b["days"] for b, *_ in sides}))
    days = sides[0][0]["days"]
    uniforms = make_draws(people, days, seed, dtype=np.float32).uniforms
    root = generators(seed, people)[0]
    start = root.bit_generator.state
    means = np.empty((len(sides), len(plist), len(FAST_OUTCOMES)))
    each = [{o: np.empty((len(plist), people)) for o in FAST_OUTCOMES} for _ in sides] if per_person else None
    for b0 in range(0, len(plist), batch):
        part = plist[b0:b0 + batch]
        keys, sets = {}, []  # the batch's distinct sets of people, shared by every side
        for s, (base, open_days, overrides, day_cache) in enumerate(sides):
            rows = [p.replace(**overrides) for p in part] if overrides else part
            draw = np.empty(len(rows), np.int64)
            for r, p in enumerate(rows):
                key = tuple(getattr(p, f) for f in DRAW_PARAMS)
                if key not in keys:
                    root.bit_generator.state = start  # the stream simulate() draws its people from, from its start
                    per = draw_people(root, people, p, np.float32)
                    keys[key] = len(sets)
                    sets.append(np.array([per[k] for k in PERSON_FIELDS], dtype=np.float64))
                draw[r] = keys[key]
            persons = np.stack(sets)
            coef, day_c = coefficients(rows), day_matrix(base, open_days, rows, day_cache)
            uniq, inverse = _distinct_rows(coef, day_c, draw, base)
            end = run_rows(coef[uniq], day_c[uniq], persons, draw[uniq], uniforms, threads=threads)[inverse]
            cols = outcome_columns(end, persons, draw, base["planned"])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # an outcome with no value (no planned day): NaN
                for k, o in enumerate(FAST_OUTCOMES):
                    means[s, b0:b0 + len(part), k] = np.nanmean(cols[o], axis=1)
            if per_person:
                for o in FAST_OUTCOMES:
                    each[s][o][b0:b0 + len(part)] = cols[o]
    if many:
        labels = [w if isinstance(w, str) else i for i, w in enumerate(whats)]
        idx = pd.MultiIndex.from_product([labels, range(len(plist))], names=["what", "set"])
        out = pd.DataFrame(means.reshape(-1, len(FAST_OUTCOMES)), index=idx, columns=list(FAST_OUTCOMES))
        return (out, each) if per_person else out
    out = pd.DataFrame(means[0], columns=list(FAST_OUTCOMES))
    out.index.name = "set"
    return (out, each[0]) if per_person else out
