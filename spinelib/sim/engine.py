"""The adherence and progression simulator: a daily-step teaching model, vectorized over people.

``simulate(what, people=..., days=..., seed=...)`` runs a cohort through a plan and returns
a :class:`~spinelib.sim.results.SimulationResult` with ``.daily`` (per-day cohort mean and
2.5/97.5 percentiles of each state), ``.people`` (one row per person: pain change on 0-100,
adherence, flares, habit, capacity, ...) and, with ``full=True``, ``.trajectories`` (one row
per person-day). ``what`` is a scenario name (see :func:`~spinelib.sim.scenarios.scenarios`),
a routine (anything with a ``daily_plan(days)`` method) or a plan DataFrame with the columns
of ``Routine.daily_plan``.

This is a teaching model, not a clinical prediction: every equation and parameter is
listed in ``docs/model.md``. Nothing here is medical advice.

>>> r = simulate("gentle_daily", people=200, days=28, seed=1)
>>> sorted(r.people.columns)[:3], len(r.daily)
(['adherence', 'adherence_early', 'adherence_late'], 28)
>>> bool((r.daily["habit_mean"].diff().dropna() >= -0.01).all())
True

How the work is laid out: the random numbers are drawn once per run (per-person
parameters with ``scipy.stats``, then one uniform number per person-day, in blocks of days);
:func:`run_model` takes them as arrays, so the same draws can be fed to the plain-Python
reference in :mod:`spinelib.sim.scalar` and the two compared. People are split into chunks
of :data:`CHUNK` (each with its own random stream, run on up to two threads); within a
chunk, :class:`_Cohort` steps all its people through the days with a few numpy operations
per equation, writing into preallocated buffers.
"""
from __future__ import annotations

import functools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from ..errors import InputError, Shown, kind, whole_number
from .curves import RELIEF_DAYS, daily_decay, ewma_rate, habit_rate, habit_step
from .params import Params
from .plan import check_days, day_constants, plan_arrays
from .results import STATE_INDEX, STATES, SimulationResult
from .scalar import logit_or_inf, run_reference
from .scenarios import SCENARIOS, get_scenario

__all__ = ["simulate", "Draws", "draw_people", "make_draws", "generators", "run_model", "PERSON_FIELDS",
           "MAX_PEOPLE", "PERCENTILE_PEOPLE", "MAX_FULL_PERSON_DAYS", "SCALAR_PEOPLE", "CHUNK", "BLOCK_CELLS"]

MAX_PEOPLE = 1_000_000
# above this cohort size, the daily percentiles come from a fixed sample of PERCENTILE_PEOPLE people
# (the first people of each chunk: a random sample, as people are drawn independently);
# at or below it they are exact
PERCENTILE_PEOPLE = 2_000
MAX_FULL_PERSON_DAYS = 5_000_000
# up to this many people a plain-Python loop beats numpy's per-call overhead (same equations)
SCALAR_PEOPLE = 4
PERSON_FIELDS = ("pain0", "plateau", "sens0", "capacity0", "log_hazard0", "habit_rate", "logit0", "decliner",
                 "response", "fluct_sd", "fluct0", "dropout_e")
CHUNK = 32_768  # people per chunk: each chunk has its own random stream
BLOCK_CELLS = 2_000_000  # person-days per block of the day loop

# the rows of a day's (states, people) array, by name
(CAPACITY, FATIGUE, SENSITIVITY, HABIT, PAIN, FLARE, SESSION, ACUTE, CHRONIC, ACWR, SKILL, STIMULUS, DROPPED,
 CONFIDENCE, ATTENTION) = (
    STATE_INDEX[s] for s in ("capacity", "fatigue", "sensitivity", "habit", "pain", "flare", "session", "acute",
                             "chronic", "acwr", "transition_skill", "stimulus", "dropped", "confidence", "attention"))
BINARY = (FLARE, SESSION, DROPPED)  # the 0/1 states


# --- input checks ----------------------------------------------------------------------------
def _check_people(people):
    return whole_number(people, "people", 1, MAX_PEOPLE)


def _check_seed(seed):
    if seed is None:
        return None
    return whole_number(seed, "seed", 0, 2**63 - 1)


# --- random draws ----------------------------------------------------------------------------
def _lognormal(median, sd, n, rng):
    if sd == 0:
        return np.full(n, median)
    return rng.lognormal(math.log(median), sd, n)


def _beta(mean, conc, n, rng):
    if mean >= 0.999 or conc >= 199.999:
        return np.full(n, mean)
    return rng.beta(mean * conc, (1 - mean) * conc, n)


def draw_people(rng: np.random.Generator, n: int, params: Params, dtype=np.float32) -> dict:
    """Per-person parameters, drawn with numpy's Generator in a fixed order (see docs/model.md).

    (Generator methods rather than ``scipy.stats`` objects: the same laws without the per-call
    overhead that a one-person slider run would pay eleven times.)
    """
    p = params
    if p.pain0_sd < 1e-6:  # (a vanishing spread is no spread)
        pain0 = np.full(n, p.pain0_mean)
    else:
        # truncated normal on [20, 95] by inverting the normal CDF (the law of scipy.stats.truncnorm)
        lo, hi = special.ndtr((np.array([20.0, 95.0]) - p.pain0_mean) / p.pain0_sd)
        pain0 = p.pain0_mean + p.pain0_sd * special.ndtri(lo + (hi - lo) * rng.random(n))
    plateau = _beta(p.natural_plateau, p.natural_conc, n, rng)
    sens0 = _beta(p.sens0_mean, p.sens0_conc, n, rng)
    capacity0 = _lognormal(p.capacity0_median, p.capacity0_sd, n, rng)
    hazard0 = _lognormal(p.flare_hazard, p.flare_hazard_sd, n, rng)
    t95 = _lognormal(p.habit_t95_median, p.habit_t95_sd, n, rng)
    logit0 = math.log(p.adherence0 / (1 - p.adherence0))
    logit = np.full(n, logit0) if p.adherence0_sd == 0 else rng.normal(logit0, p.adherence0_sd, n)
    decliner = rng.random(n) < p.decliner_share
    # issue 9: response to exercise (gamma, mean 1), fluctuation size and start, drop-out budget (Exp(1))
    response = rng.gamma(p.response_shape, 1.0 / p.response_shape, n)
    fluct_sd = _lognormal(p.fluct_sd, p.fluct_spread, n, rng) if p.fluct_sd > 0 else np.zeros(n)
    fluct0 = rng.standard_normal(n)
    dropout_e = rng.standard_exponential(n)
    out = {
        "pain0": pain0, "plateau": plateau, "sens0": sens0, "capacity0": capacity0,
        "log_hazard0": np.log(hazard0),
        # habit after n sessions in a row is 1 - exp(-c n), c = ln(20)/T95: a session closes 1 - exp(-c) of the gap
        "habit_rate": habit_step(habit_rate(t95)),
        "logit0": logit, "decliner": decliner.astype(float),
        "response": response, "fluct_sd": fluct_sd, "fluct0": fluct0, "dropout_e": dropout_e,
    }
    return {k: np.ascontiguousarray(np.asarray(v, dtype=dtype).reshape(n)) for k, v in out.items()}


@dataclass
class Draws:
    """All the randomness of one run: per-person parameters and one uniform per person-day.

    ``uniforms`` has shape (days, people). Feed the same Draws to :func:`run_model` and to
    :func:`spinelib.sim.scalar.run_reference` to compare the two implementations.
    """

    persons: dict
    uniforms: np.ndarray


def _chunks(n: int) -> list[tuple[int, int]]:
    return [(c, min(n, c + CHUNK)) for c in range(0, n, CHUNK)]


def generators(seed, people: int):
    """One Generator for the per-person draws, then one per chunk of people for the daily uniforms.

    Streams come from ``SeedSequence(seed).spawn``: the same seed gives the same numbers in
    any process, whatever the number of threads.
    """
    children = np.random.SeedSequence(seed).spawn(1 + len(_chunks(people)))
    return np.random.Generator(np.random.PCG64(children[0])), [np.random.Generator(np.random.PCG64(c))
                                                                for c in children[1:]]


def make_draws(people: int, days: int, seed: int | None = 0, params=None, dtype=np.float32) -> Draws:
    """Draw everything a run needs at once: the same numbers :func:`simulate` draws in blocks."""
    people, days = _check_people(people), check_days(days)
    params = Params.coerce(params)
    root, gens = generators(_check_seed(seed), people)
    persons = draw_people(root, people, params, dtype)
    uniforms = np.concatenate([g.random((days, c1 - c0), dtype=dtype) for g, (c0, c1) in zip(gens, _chunks(people))],
                              axis=1)
    return Draws(persons, uniforms)


# --- the model: one chunk of people, day by day -------------------------------------------------
class _Cohort:
    """One chunk of people stepping through the days, a few vectorized numpy operations per equation.

    Holds the per-person constants, the running values that are not reported states (the
    capacity gained ``k_F F``, the flare flag, the counters), and scratch buffers. A day's
    states are a list of one array (people,) per state, views into that day's row of the
    caller's buffer, addressed by name (``row[HABIT]``) and always written in place; yesterday's
    list is only read. Every operation writes into a preallocated buffer (``out=``), so a day
    allocates nothing. The step numbers are those of docs/model.md and of the scalar reference.
    """

    def __init__(self, cst: dict, per: dict, p: Params, dtype):
        self.cst, self.p = cst, p
        self.days = days = len(cst["planned"])
        self.n = n = len(per["pain0"])
        self.dtype, self.T = dtype, dtype.type
        self.use_load_control, self.use_sensitivity, self.use_transitions, self.use_acwr, self.use_adherence = (
            bool(getattr(p, k)) for k in ("use_load_control", "use_sensitivity", "use_transitions", "use_acwr",
                                          "use_adherence"))
        self.P0, self.plateau, self.S0, self.K0, logh0, self.cH, self.mu = (
            per[k] for k in ("pain0", "plateau", "sens0", "capacity0", "log_hazard0", "habit_rate", "logit0"))
        self.resp, self.amp, self.budget = per["response"], per["fluct_sd"], per["dropout_e"]
        self._coefficients(per, logh0)
        # running values that are not reported states
        self.F = np.zeros(n, dtype)  # capacity gained, k_F F (the capacity state is K0 + F)
        self.eps = per["fluct0"].copy()  # the fluctuation (unit variance)
        self.slow = self.P0.copy()  # slow pain average (relief is judged by it)
        self.hazard_sum = np.zeros(n, dtype)  # cumulative drop-out hazard
        self.dropout_day = np.full(n, np.nan)
        self.any_dropped = False
        self.ons = np.zeros(n, dtype)  # flare onset today (0/1)
        self.in_flare = np.zeros(n, bool)
        self.done_count, self.early, self.late, self.flares, self.flare_days = (np.zeros(n, dtype) for _ in range(5))
        self.pain_tail = np.zeros(n, np.float64)
        self.tail = min(7, days)
        self.window = min(28, days)
        # scratch
        self.t1, self.t2, self.t3, self.t4, self.prob, self.U2, self.V, self.pr_eff = (np.empty(n, dtype)
                                                                                      for _ in range(8))
        self.b1, self.b2, self.onset = (np.zeros(n, bool) for _ in range(3))

    def _coefficients(self, per: dict, logh0):
        """The day loop's constants, in the loop's dtype (computed once per chunk)."""
        p, T = self.p, self.T
        self.one = one = T(1)
        self.omp = one - self.plateau
        self.decl = per["decliner"] * T(p.decline_logit)
        self.p0 = (1.0 / (1.0 + np.exp(-self.mu.astype(np.float64)))).astype(self.dtype)
        self.Rfl = self.K0 * T(p.readiness_floor)
        self.aS_S0 = self.S0 * T(1.0 / p.sens_tau)
        self.keep_S = T(1.0 - 1.0 / p.sens_tau)
        self.eF, self.eG, self.eX = (T(daily_decay(v)) for v in (p.tau_capacity, p.tau_fatigue, p.transition_tau))
        self.a_a, self.a_c = ewma_rate(p.acute_days), ewma_rate(p.chronic_days)
        self.keep_A, self.keep_C = T(1 - self.a_a), T(1 - self.a_c)
        self.life_A, self.life_C = T(self.a_a * p.life_load), T(self.a_c * p.life_load)
        self.q_end = T(p.flare_end)
        self.bH, self.bP, self.bJ = T(p.habit_gain), T(p.pain_penalty / 100.0), T(p.flare_penalty)
        self.psup = T(p.supervised_adherence)
        self.logit_sup = T(logit_or_inf(p.supervised_adherence))
        e_h = daily_decay(p.habit_tau)
        self.c_minus_delta = self.cH - T(p.habit_decay + (1 - e_h))
        self.keep_H = T(1.0 - p.habit_decay - (1 - e_h))
        self.keep_H_calendar = T(e_h)
        self.eQ, self.eE = T(daily_decay(p.confidence_tau)), T(daily_decay(p.attention_tau))
        self.phi = T(daily_decay(p.fluct_tau))
        self.shock = T(math.sqrt(12.0 * (1.0 - daily_decay(p.fluct_tau) ** 2)))
        self.a_pi = T(ewma_rate(RELIEF_DAYS))
        self.inv_relief = (1.0 / (T(p.relief_target) * self.P0)).astype(self.dtype)
        self.bDP, self.bDJ = T(p.dropout_pain / 100.0), T(p.dropout_flare)
        self.neg_base = -self.mu  # decl * g - mu, for the adherence logit
        self.g_now = 0.0
        self.kG_over_kF = T(p.fatigue_ratio)
        self.kG_omega = T(p.k_capacity * p.fatigue_ratio * p.overload_fatigue)
        # flare log hazard: the sensitivity term beta (S - S0) is split into beta S and -beta S0 (per person)
        self.logh_base = ((logh0 - T(p.sens_flare_hazard) * self.S0).astype(self.dtype) if self.use_sensitivity
                          else logh0)

    def first_row(self) -> list:
        """The states before day 0 (what day 0 reads as "yesterday")."""
        row = np.zeros((len(STATES), self.n), self.dtype)
        row[CAPACITY] = self.K0
        row[SENSITIVITY] = self.S0
        row[PAIN] = self.P0
        row[ACUTE] = self.p.life_load
        row[CHRONIC] = self.p.life_load
        row[ACWR] = 1
        return list(row)

    def step(self, t: int, U, prev: list, row: list) -> None:
        """Day ``t``: read yesterday's states from ``prev``, write today's into ``row``; ``U`` is today's uniform."""
        planned = self.cst["planned"][t]
        U = self.adherence(t, planned, U, prev, row)
        self.transition_skill(t, planned, prev, row)
        self.confidence_attention(t, planned, prev, row)
        self.load_averages(t, planned, prev, row)
        over = self.stimulus(t, planned, prev, row)
        self.sensitivity(t, planned, prev, row, over)
        self.flare(t, planned, U, row, over)
        self.pain(t, row)

    # ---- steps 1-2, insight 5: does today's session happen? habit ----------------------------------
    def adherence(self, t, planned, U, prev, row):
        """Write today's session (0/1) and habit; return a fresh uniform for the flare step."""
        done = row[SESSION]
        if not planned:
            done.fill(0)
            np.multiply(prev[HABIT], self.keep_H_calendar, out=row[HABIT])
            row[DROPPED][:] = prev[DROPPED]
            return U
        self._dropout(t, prev, row)
        if self.cst["supervised"][t]:
            pr = self._supervised_probability(prev) if self.use_adherence else self.psup
        elif self.use_adherence:
            pr = self._session_probability(t, prev)
        else:
            pr = self.p0
        if self.any_dropped:  # nobody who has dropped out does a session
            np.subtract(self.one, row[DROPPED], out=self.pr_eff)
            self.pr_eff *= pr
            pr = self.pr_eff
        np.less(U, pr, out=self.b1)
        done[:] = self.b1
        U = self._reuse_uniform(U, pr, done)
        self._habit(prev[HABIT], done, row)
        self.done_count += done
        if t < self.window:
            self.early += done
        if t >= self.days - self.window:
            self.late += done
        return U

    def _dropout(self, t, prev, row):
        """Add today's drop-out hazard (planned days only) and write the absorbing drop-out state."""
        p, T, t1, t2 = self.p, self.T, self.t1, self.t2
        dropped = row[DROPPED]
        if p.dropout_hazard == 0:
            dropped[:] = prev[DROPPED]
            return
        # log hazard: bP pain + bJ flare + bN g max(0, 1 - (P0 - slow) / (rho* P0))
        np.multiply(prev[PAIN], self.bDP, out=t1)
        np.multiply(prev[FLARE], self.bDJ, out=t2)
        t1 += t2
        g = self.cst["nonresp_time"][t]
        if g > 0:
            np.subtract(self.P0, self.slow, out=t2)
            t2 *= self.inv_relief
            np.subtract(self.one, t2, out=t2)
            np.maximum(t2, 0, out=t2)
            t2 *= T(g * p.dropout_nonresponse)
            t1 += t2
        np.exp(t1, out=t1)
        t1 *= T(p.dropout_hazard * (p.dropout_supervised if self.cst["supervised"][t] else 1.0))
        self.hazard_sum += t1
        np.greater_equal(self.hazard_sum, self.budget, out=self.b1)
        np.greater(self.b1, prev[DROPPED], out=self.b2)  # dropped out today
        if self.b2.any():
            self.dropout_day[self.b2] = t
            self.any_dropped = True
        dropped[:] = self.b1

    def _supervised_probability(self, prev):
        """sigmoid(logit p_sup - bP pain - bJ flare): attendance falls with pain and flares."""
        t1, t2 = self.t1, self.t2
        np.multiply(prev[PAIN], self.bP, out=t1)
        np.multiply(prev[FLARE], self.bJ, out=t2)
        t1 += t2
        t1 -= self.logit_sup  # -z
        np.exp(t1, out=t1)
        t1 += self.one
        np.reciprocal(t1, out=self.prob)
        return self.prob

    def _session_probability(self, t, prev):
        """sigmoid(mu + bH H - bP pain - bJ flare - decline - length), from yesterday's states."""
        T, t1, t2 = self.T, self.t1, self.t2
        g = self.cst["decline_time"][t]
        if g != self.g_now:  # -mu + decline, recomputed only while the decline is under way
            np.multiply(self.decl, T(g), out=self.neg_base)
            self.neg_base -= self.mu
            self.g_now = g
        # -z = bP pain - bH H + bJ flare + decl g - mu + length
        np.multiply(prev[PAIN], self.bP, out=t1)
        np.multiply(prev[HABIT], self.bH, out=t2)
        t1 -= t2
        np.multiply(prev[FLARE], self.bJ, out=t2)
        t1 += t2
        t1 += self.neg_base
        if self.cst["length"][t] > 0:
            t1 += T(self.cst["length"][t])
        np.exp(t1, out=t1)
        t1 += self.one
        np.reciprocal(t1, out=self.prob)
        return self.prob

    def _reuse_uniform(self, U, pr, done):
        """U' = U/p if done else (U-p)/(1-p): again uniform, independent of "done"."""
        one, t2, t3, U2 = self.one, self.t2, self.t3, self.U2
        np.subtract(one, done, out=t2)
        t2 *= pr
        np.subtract(U, t2, out=U2)
        np.multiply(pr, self.T(2), out=t3)
        t3 -= one
        t3 *= done
        t3 += one
        t3 -= pr
        U2 /= t3
        return U2

    def _habit(self, H, done, row):
        """Habit grows on a done session, decays a little on a missed one.

        H + d c (1 - H) - (1 - d) delta H  ==  H (1 - delta) + d (c - (c - delta) H)
        """
        t2, habit = self.t2, row[HABIT]
        np.multiply(H, self.c_minus_delta, out=t2)
        np.subtract(self.cH, t2, out=t2)
        t2 *= done
        np.multiply(H, self.keep_H, out=habit)
        habit += t2

    # ---- step 3, insight 3: transition skill ----------------------------------------------------
    def transition_skill(self, t, planned, prev, row):
        X, skill = prev[SKILL], row[SKILL]
        if not self.use_transitions:
            skill[:] = X
            return
        practice = self.cst["practice"][t]
        if planned and practice > 0:
            t2 = self.t2
            np.subtract(self.one, X, out=t2)
            t2 *= row[SESSION]
            t2 *= self.T(self.p.transition_rate * practice)
            np.multiply(X, self.eX, out=skill)
            skill += t2
        else:
            np.multiply(X, self.eX, out=skill)

    # ---- step 3, issue 9: confidence (the lasting part) and attention (the non-specific part) ---
    def confidence_attention(self, t, planned, prev, row):
        # (yesterday's row may be today's buffer: read it before writing)
        Q, E, t2, t4 = row[CONFIDENCE], row[ATTENTION], self.t2, self.t4
        a = self.cst["attention"][t] if planned else 0.0
        if planned:
            done = row[SESSION]
            np.subtract(self.one, prev[CONFIDENCE], out=t2)
            t2 *= done
            t2 *= self.T(self.p.confidence_rate)
            if a > 0:
                np.subtract(self.one, prev[ATTENTION], out=t4)
                t4 *= done
                t4 *= self.T(a)
        np.multiply(prev[CONFIDENCE], self.eQ, out=Q)
        np.multiply(prev[ATTENTION], self.eE, out=E)
        if planned:
            Q += t2
            if a > 0:
                E += t4

    # ---- step 4, insight 4: acute and chronic load averages -------------------------------------
    def load_averages(self, t, planned, prev, row):
        A, C = row[ACUTE], row[CHRONIC]
        np.multiply(prev[ACUTE], self.keep_A, out=A)
        A += self.life_A
        np.multiply(prev[CHRONIC], self.keep_C, out=C)
        C += self.life_C
        train = self.cst["train_load"][t]
        if planned and train > 0:
            t2, done = self.t2, row[SESSION]
            np.multiply(done, self.T(self.a_a * train), out=t2)
            A += t2
            np.multiply(done, self.T(self.a_c * train), out=t2)
            C += t2
        np.divide(A, C, out=row[ACWR])

    # ---- step 5, insights 1 and 2: stimulus, capacity and fatigue -------------------------------
    def stimulus(self, t, planned, prev, row) -> bool:
        """Write today's fatigue and effective stimulus, add to the capacity gained.

        Returns True when today's overload (left in ``t3`` for the flare step) applies.
        """
        cst, p, T, one = self.cst, self.p, self.T, self.one
        t1, t2, t3, t4 = self.t1, self.t2, self.t3, self.t4
        F, G = self.F, prev[FATIGUE]  # F and G are kept scaled: k_F F and k_G G
        over = False
        dose = cst["dose"][t]
        stim_today = planned and dose > 0
        if stim_today:
            done = row[SESSION]
            if self.use_load_control:
                lvl = cst["level"][t]
                np.subtract(F, G, out=t1)
                t1 += self.K0
                np.maximum(t1, self.Rfl, out=t1)  # readiness R
                np.divide(T(lvl), t1, out=t2)
                np.minimum(t2, one, out=t2)
                t2 *= done
                t2 *= T(dose * cst["quality"][t] * p.k_capacity)  # stimulus (times k_F)
                np.multiply(t1, T(-1.0 / lvl), out=t3)
                t3 += one
                np.maximum(t3, 0, out=t3)
                t3 *= done
                t3 *= T(cst["over_dose"][t])  # overload
                np.multiply(t3, T(p.overload_stimulus), out=t4)
                t4 += one
                t2 /= t4  # overload spoils the stimulus
                over = True
            else:
                np.multiply(done, T(dose * p.k_capacity), out=t2)
            if self.use_sensitivity:
                S = prev[SENSITIVITY]
                if cst["calm_first"][t] and cst["calm"][t] > 0:
                    np.multiply(done, T(-p.calm_first_effect * cst["calm"][t]), out=t4)
                    t4 += one
                    t4 *= S
                else:
                    t4[:] = S
                t4 *= T(-p.sens_stimulus)
                t4 += one
                t2 *= t4
        F *= self.eF
        G = row[FATIGUE]
        np.multiply(prev[FATIGUE], self.eG, out=G)
        row[STIMULUS][:] = t2 if stim_today else 0  # effective stimulus today, in capacity units
        if stim_today:
            F += t2
            np.multiply(t2, self.kG_over_kF, out=t4)
            G += t4
            if over:
                np.multiply(t3, self.kG_omega, out=t4)
                G += t4
        return over

    # ---- step 6, insight 2: sensitivity drifts back to baseline; calming lowers it -------------
    def sensitivity(self, t, planned, prev, row, over: bool):
        S = row[SENSITIVITY]
        if not self.use_sensitivity:
            S[:] = prev[SENSITIVITY]
            return
        np.multiply(prev[SENSITIVITY], self.keep_S, out=S)
        S += self.aS_S0
        calm = self.cst["calm"][t]
        if planned and calm > 0:
            t4 = self.t4
            np.multiply(row[SESSION], self.T(self.p.downreg_effect * calm), out=t4)
            t4 *= S
            S -= t4
        if over:  # overload raises sensitivity (overload is in t3)
            t2, t4 = self.t2, self.t4
            np.minimum(self.t3, self.one, out=t2)
            t2 *= self.T(self.p.overload_sens)
            np.subtract(self.one, S, out=t4)
            t2 *= t4
            S += t2

    # ---- steps 7-8, insights 3, 4, 1, 2: flare hazard, flare state, onset raises sensitivity ------
    def flare(self, t, planned, U, row, over: bool):
        cst, p, T = self.cst, self.p, self.T
        t1, t2, t3 = self.t1, self.t2, self.t3
        S = row[SENSITIVITY]
        base = 0.0
        if self.use_transitions:
            base += p.sitting_effect * (cst["sitting"][t] - p.sitting_ref)
        if self.use_acwr:
            base -= p.acwr_beta * p.acwr_threshold  # beta max(0, r - theta) = beta max(r, theta) - beta theta
        np.add(self.logh_base, T(base), out=t1)
        if self.use_transitions and planned and cst["breaks"][t] > 0:
            np.multiply(row[SESSION], T(-p.sitting_effect * cst["sitting"][t] * cst["breaks"][t]), out=t2)
            t1 += t2
        if self.use_acwr:
            np.maximum(row[ACWR], T(p.acwr_threshold), out=t2)
            t2 *= T(p.acwr_beta)
            t1 += t2
        if over:
            t3 *= T(p.overload_flare)
            t1 += t3
        if self.use_sensitivity:
            np.multiply(S, T(p.sens_flare_hazard), out=t2)
            t1 += t2
        np.exp(t1, out=t1)
        if self.use_transitions:
            np.multiply(row[SKILL], T(-p.transition_effect), out=t2)
            t2 += self.one
            t1 *= t2  # hazard h
        in_flare, onset, b1, b2 = self.in_flare, self.onset, self.b1, self.b2
        np.minimum(t1, self.one, out=t1)  # a hazard above 1 is a certain onset
        np.copyto(t1, self.q_end, where=in_flare)  # the threshold: q in a flare, h otherwise
        np.less(U, t1, out=b1)
        # the uniform once more, for the fluctuation: U/thr below the threshold, (U - thr)/(1 - thr) above
        t3, t4 = self.t3, self.t4
        np.subtract(self.one, t1, out=t3)
        np.copyto(t3, t1, where=b1)
        np.subtract(U, t1, out=t4)
        np.copyto(t4, U, where=b1)
        np.divide(t4, t3, out=self.V)
        np.greater(b1, in_flare, out=onset)  # onset: not in a flare yesterday, U' < h
        np.greater(in_flare, b1, out=b2)  # a flare carries on: in a flare yesterday, U' >= q
        np.logical_or(onset, b2, out=in_flare)
        fl = row[FLARE]
        fl[:] = in_flare
        self.ons[:] = onset
        self.flares += self.ons
        self.flare_days += fl
        if self.use_sensitivity:
            np.subtract(self.one, S, out=t2)
            t2 *= self.ons
            t2 *= T(p.flare_sens)
            S += t2
        np.multiply(self.ons, T(-p.confidence_flare), out=t2)  # an onset dents confidence
        t2 += self.one
        row[CONFIDENCE] *= t2

    # ---- step 9: pain = natural course - benefit + flare; capacity --------------------------------
    def pain(self, t, row):
        p, T = self.p, self.T
        t2, t3, F = self.t2, self.t3, self.F
        np.add(F, T(p.capacity_half), out=t2)  # F is the capacity gained, k_F F
        np.divide(F, t2, out=t2)
        t2 *= T(p.pain_benefit_capacity)
        np.multiply(row[CONFIDENCE], T(p.pain_benefit_confidence), out=t3)
        t2 += t3
        t2 *= self.resp  # the person's response to exercise
        np.multiply(row[ATTENTION], T(p.pain_benefit_attention), out=t3)
        t2 += t3
        if self.use_sensitivity:
            np.subtract(self.S0, row[SENSITIVITY], out=t3)
            t3 *= T(p.pain_benefit_sensitivity)
            t2 += t3
        np.multiply(self.omp, T(self.cst["natural"][t]), out=t3)
        t3 += self.plateau
        t3 -= t2
        np.maximum(t3, 0, out=t3)
        t3 *= self.P0
        np.multiply(row[FLARE], T(p.flare_pain), out=t2)
        t3 += t2
        eps = self.eps  # fluctuation: eps <- phi eps + shock (V - 1/2)
        np.subtract(self.V, T(0.5), out=t2)
        t2 *= self.shock
        eps *= self.phi
        eps += t2
        np.multiply(self.amp, eps, out=t2)
        t3 += t2
        np.maximum(t3, 0, out=t3)
        pain = row[PAIN]
        np.minimum(t3, T(100), out=pain)
        np.subtract(pain, self.slow, out=t2)  # the slow pain average relief is judged by
        t2 *= self.a_pi
        self.slow += t2
        if t >= self.days - self.tail:
            self.pain_tail += pain
        np.add(self.K0, F, out=row[CAPACITY])

    def end_values(self, last: list) -> dict:
        """Per-person values at the end of the run (``last``: the last day's states)."""
        return {
            "pain_tail": self.pain_tail / self.tail, "sessions": self.done_count, "early": self.early,
            "late": self.late, "flares": self.flares, "flare_days": self.flare_days, "habit": last[HABIT].copy(),
            "capacity_gain": self.F, "sensitivity": last[SENSITIVITY].copy(), "dropout_day": self.dropout_day,
        }


def _run_chunk(cst: dict, per: dict, uniforms, p: Params, dtype, nsub: int, full: bool):
    """The day loop for one chunk of people, in blocks of days.

    ``uniforms`` is an array (days, people) or a Generator to draw blocks of days from. Returns
    ``(sums, sub, end, traj)``: per-day sums over people of each state, the states of the
    first ``nsub`` people (for percentiles), the end values and, with ``full``, every state.
    """
    cohort = _Cohort(cst, per, p, dtype)
    days, n, ns = cohort.days, cohort.n, len(STATES)
    block = max(1, min(days, BLOCK_CELLS // (n * ns)))
    buf = np.empty((block, ns, n), dtype)
    rows = [list(buf[i]) for i in range(block)]  # each day's states by name: views made once, written in place
    sums = np.empty((days, ns))
    sub = np.empty((days, ns, nsub), dtype)
    traj = np.empty((days, ns, n), dtype) if full else None
    gen = uniforms if isinstance(uniforms, np.random.Generator) else None
    prev = cohort.first_row()
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for b0 in range(0, days, block):
            b1 = min(days, b0 + block)
            Ub = gen.random((b1 - b0, n), dtype=dtype) if gen is not None else uniforms[b0:b1]
            for t in range(b0, b1):
                # today's states go straight into today's row of the block buffer; yesterday's row is intact
                row = rows[t - b0]
                cohort.step(t, Ub[t - b0], prev, row)
                prev = row
            nb = b1 - b0
            sums[b0:b1] = buf[:nb].sum(axis=-1)
            sub[b0:b1] = buf[:nb, :, :nsub]
            if full:
                traj[b0:b1] = buf[:nb]
    return sums, sub, cohort.end_values(prev), traj


# --- all chunks, and the summaries --------------------------------------------------------------
def _sources(uniforms, chunks, days: int, n: int, dtype) -> list:
    """One source of daily uniforms per chunk: a Generator, or that chunk's columns of an array."""
    if isinstance(uniforms, (list, tuple)):
        if len(uniforms) != len(chunks):
            raise InputError("uniforms", f"{len(chunks)} generators, one per chunk", len(uniforms))
        return list(uniforms)
    arr = np.asarray(uniforms)
    if arr.shape != (days, n):
        raise InputError("uniforms", f"an array of shape ({days}, {n})", Shown(str(arr.shape)))
    arr = arr.astype(dtype, copy=False)
    return [np.ascontiguousarray(arr[:, c0:c1]) for c0, c1 in chunks]


def _run_vector(cst, per, sources, chunks, p, dtype, n, nsub_total, nthreads, full):
    """Every chunk through :func:`_run_chunk` (on up to ``nthreads`` threads), the parts joined."""
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
    traj = None
    if full:
        parts = [r[3] for r in results]
        traj = np.concatenate(parts, axis=-1) if len(parts) > 1 else parts[0]
    return sums, sub, end, traj


def _run_scalar(plan, cst, per, sources, p, dtype, n, nsub_total, full):
    """The plain-Python reference, shaped like :func:`_run_vector`'s output."""
    days = plan["days"]
    u = sources[0].random((days, n), dtype=dtype) if isinstance(sources[0], np.random.Generator) else sources[0]
    full_traj, end = run_reference(plan, per, u, p, constants=cst)
    return full_traj.sum(axis=-1), full_traj[:, :, :nsub_total], end, (full_traj if full else None)


def _people_columns(persons: dict, end: dict, planned: np.ndarray, n: int) -> dict:
    """One value per person (the ``.people`` table): end values and adherence shares."""
    days = len(planned)
    window = min(28, days)
    n_planned = int(planned.sum())
    n_early, n_late = int(planned[:window].sum()), int(planned[days - window:].sum())
    nan = np.full(n, np.nan)
    P0 = persons["pain0"].astype(float)
    K0 = persons["capacity0"].astype(float)
    S0 = persons["sens0"].astype(float)
    return {
        "sessions": end["sessions"].astype(int), "planned": np.full(n, n_planned),
        "flares": end["flares"].astype(int), "flare_days": end["flare_days"].astype(int),
        "decliner": persons["decliner"] > 0, "dropped_out": ~np.isnan(end["dropout_day"]),
        "pain0": P0, "pain_end": end["pain_tail"], "pain_change": end["pain_tail"] - P0,
        "adherence": end["sessions"] / n_planned if n_planned else nan,
        "adherence_early": end["early"] / n_early if n_early else nan,
        "adherence_late": end["late"] / n_late if n_late else nan,
        "habit": end["habit"].astype(float), "capacity": K0 + end["capacity_gain"],
        "capacity_gain": end["capacity_gain"].astype(float), "sensitivity": end["sensitivity"].astype(float),
        "sensitivity_change": end["sensitivity"] - S0,
        "dropout_day": end["dropout_day"].astype(float), "response": persons["response"].astype(float),
    }


def run_model(plan: dict, persons: dict, uniforms, params: Params, *, full: bool = False, dtype=np.float32,
              percentile_people: int = PERCENTILE_PEOPLE, threads: int | None = None, engine: str = "auto",
              bands: bool = True):
    """Run the model for all people at once (vectorized over people, chunk by chunk).

    ``plan``: output of :func:`~spinelib.sim.plan.plan_arrays`; ``persons``: output of
    :func:`draw_people`; ``uniforms``: an array (days, people), or a list of one Generator per
    chunk of :data:`CHUNK` people (what :func:`simulate` passes). Returns ``(daily, people,
    trajectories)``: dicts of numpy arrays (``trajectories`` is None unless ``full``).
    ``engine``: "vector" (numpy over people), "scalar" (the plain-Python loop of
    :mod:`spinelib.sim.scalar`, quicker for a handful of people) or "auto" (scalar for at most
    :data:`SCALAR_PEOPLE` people). ``bands``: False skips the daily percentile bands (``daily`` then has no
    ``<state>_p2.5`` / ``<state>_p97.5``; everything else is the same, to the bit).
    """
    p = params
    dtype = np.dtype(dtype)
    days = plan["days"]
    n = len(persons["pain0"])
    cst = day_constants(plan, p)
    chunks = _chunks(n)
    nsub_total = min(n, percentile_people) if bands else 0
    per = {k: np.ascontiguousarray(v, dtype=dtype) for k, v in persons.items()}
    sources = _sources(uniforms, chunks, days, n, dtype)
    nthreads = threads if threads is not None else min(2, os.cpu_count() or 1)
    if engine not in ("auto", "vector", "scalar"):
        raise InputError("engine", "one of auto, vector, scalar", engine)
    if engine == "auto":
        engine = "scalar" if n <= SCALAR_PEOPLE else "vector"
    if engine == "scalar":
        sums, sub, end, traj = _run_scalar(plan, cst, per, sources, p, dtype, n, nsub_total, full)
    else:
        sums, sub, end, traj = _run_vector(cst, per, sources, chunks, p, dtype, n, nsub_total, nthreads, full)
    q = _percentiles(sub, nthreads) if bands else None

    planned = np.asarray(cst["planned"], dtype=bool)
    people = _people_columns(persons, end, planned, n)
    daily = {"day": np.arange(days), "planned": planned}
    means = sums / n
    for k, s in enumerate(STATES):
        daily[f"{s}_mean"] = means[:, k]
        if bands:
            daily[f"{s}_p2.5"] = q[0][:, k]
            daily[f"{s}_p97.5"] = q[1][:, k]
    trajectories = None
    if full:
        trajectories = {"person": np.tile(np.arange(n), days), "day": np.repeat(np.arange(days), n),
                        "planned": np.repeat(planned, n)}
        for k, s in enumerate(STATES):
            trajectories[s] = traj[:, k, :].reshape(-1)
    return daily, people, trajectories


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
        sc = get_scenario(what)
        p = params.replace(**sc.params) if sc.params else params
        d = 84 if days is None else check_days(days)
        return _cached_arrays(what, d, p.sitting_hours), p, what
    if isinstance(what, pd.DataFrame):
        d = None if days is None else check_days(days)
        return plan_arrays(what, d, params), params, "plan"
    if getattr(what, "is_referral", False) is True:
        raise InputError("what", "a routine, not a red-flag referral (see a clinician before any programme)",
                         Shown("a referral"))
    if hasattr(what, "daily_plan") and callable(what.daily_plan):
        d = 84 if days is None else check_days(days)
        return plan_arrays(what.daily_plan(d), d, params), params, "routine"
    raise InputError("what", "a scenario name, a routine (with .daily_plan) or a plan DataFrame", kind(what))


def _frame(columns: dict, index_name: str | None = None) -> pd.DataFrame:
    """A DataFrame from equal-length arrays, float columns as float64, the others as they are.

    One dict constructor: for the one-person runs behind a slider this is several times quicker
    than inserting the non-float columns one by one into a float block.
    """
    df = pd.DataFrame({k: (np.asarray(v, dtype=float) if np.asarray(v).dtype.kind == "f" else v)
                       for k, v in columns.items()})
    if index_name:
        df.index.name = index_name
    return df


def simulate(what="gentle_daily", people: int = 1000, days: int | None = None, seed: int | None = 0,
             full: bool = False, params=None, threads: int | None = None, bands: bool = True) -> SimulationResult:
    """Simulate a cohort following a plan.

    ``what``: a scenario name (:func:`~spinelib.sim.scenarios.scenarios`), a routine (anything
    with ``.daily_plan(days)``) or a plan DataFrame with the columns of ``Routine.daily_plan``
    (optional ``supervised`` and ``sitting_hours`` columns are read too). ``people``: 1 to
    1,000,000. ``days``: 1 to 3650 (default 84, or the plan's length). ``seed``: a whole
    number (the same seed gives identical results) or None. ``full``: also return
    ``.trajectories`` (one row per person-day; at most 5,000,000 person-days).
    ``params``: None, a :class:`~spinelib.sim.params.Params` or a dict of overrides.
    ``threads``: at most this many threads (default: up to 2); results do not depend on it. Work
    that is already spread over processes (a study's cells) runs each simulation on one.
    ``bands``: False skips the daily 2.5th/97.5th percentile bands, for callers that read only
    means and per-person values (about a sixth of a year-long run): ``.daily`` then has no
    ``<state>_p2.5`` / ``<state>_p97.5`` columns, and everything else is identical to the bit.

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
    root, gens = generators(seed, people)
    persons = draw_people(root, people, params)
    if threads is not None:
        threads = whole_number(threads, "threads", 1, 64)
    if not isinstance(bands, (bool, np.bool_)):
        raise InputError("bands", "True or False", bands)
    daily, ppl, traj = run_model(plan, persons, gens, params, full=bool(full), threads=threads, bands=bool(bands))
    return SimulationResult(
        what=label, people_n=people, days=days, seed=seed, params=params,
        daily=_frame(daily), people=_frame(ppl, index_name="person"),
        trajectories=pd.DataFrame(traj) if traj is not None else None, plan=plan,
    )
