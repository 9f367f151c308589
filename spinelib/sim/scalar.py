"""The scalar reference implementation of the simulator: plain Python, one person at a time.

The same equations as the vectorized :func:`spinelib.sim.engine.run_model`, written the
plain way (``math`` on Python floats, one ``if`` per branch), so the two can be compared on
the same random draws (:func:`spinelib.sim.engine.make_draws`). The tests check that they
agree to floating-point tolerance. ``docs/model.md`` lists the equations with the same
step numbers as the comments below; the coefficients of the load averages and decays come
from :mod:`spinelib.sim.curves`, as the engine's do.

For a cohort of a few people this loop is also quicker than numpy (no per-call overhead),
so :func:`spinelib.sim.simulate` uses it when ``people <= SCALAR_PEOPLE``.

>>> from spinelib.sim import Params, make_draws, plan_arrays, scenario_plan
>>> d = make_draws(2, 7, seed=0, dtype="float64")
>>> plan = plan_arrays(scenario_plan("gentle_daily", 7), 7, Params())
>>> traj, end = run_reference(plan, d.persons, d.uniforms, Params())
>>> traj.shape
(7, 15, 2)
"""
from __future__ import annotations

import math

import numpy as np

from .curves import RELIEF_DAYS, daily_decay, ewma_rate
from .params import Params
from .plan import day_constants
from .results import STATES

__all__ = ["run_reference", "run_person", "logit_or_inf"]


def _sigmoid(z: float) -> float:
    if z < -700:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def logit_or_inf(prob: float) -> float:
    """log(p / (1 - p)), +inf at p = 1 (a certain event)."""
    return math.inf if prob >= 1.0 else math.log(prob / (1.0 - prob))


def run_person(c: dict, person: dict, u: list, p: Params):
    """Simulate one person. ``c``: per-day plan constants; ``person``: that person's draws
    (floats); ``u``: one uniform per day. Returns (list of per-day state tuples, end dict)."""
    days = len(u)
    P0, plateau, S0, K0 = person["pain0"], person["plateau"], person["sens0"], person["capacity0"]
    logh0, c_h, mu, decliner = person["log_hazard0"], person["habit_rate"], person["logit0"], person["decliner"]
    resp, amp, eps, budget = person["response"], person["fluct_sd"], person["fluct0"], person["dropout_e"]
    m1, m2, m3, m4, m5 = (p.use_load_control, p.use_sensitivity, p.use_transitions, p.use_acwr, p.use_adherence)
    e_f, e_g, e_x = daily_decay(p.tau_capacity), daily_decay(p.tau_fatigue), daily_decay(p.transition_tau)
    e_q, e_e, e_h = daily_decay(p.confidence_tau), daily_decay(p.attention_tau), daily_decay(p.habit_tau)
    phi = daily_decay(p.fluct_tau)
    shock = math.sqrt(12.0 * (1.0 - phi * phi))  # a uniform minus 1/2 times this has variance 1 - phi^2
    k_f, k_g = p.k_capacity, p.k_capacity * p.fatigue_ratio
    a_a, a_c, a_pi = ewma_rate(p.acute_days), ewma_rate(p.chronic_days), ewma_rate(RELIEF_DAYS)
    logit_sup = logit_or_inf(p.supervised_adherence)

    F = G = H = X = Q = E = 0.0
    S = S0
    A = C = p.life_load
    flare = dropped = False
    pain = slow = P0
    hazard_sum = 0.0
    dropout_day = math.nan
    window, tail = min(28, days), min(7, days)
    sessions = early = late = flares = flare_days = 0
    pain_tail = 0.0
    rows = []
    for t in range(days):
        U = u[t]
        planned = c["planned"][t]
        sup = c["supervised"][t]
        fl = 1.0 if flare else 0.0
        # step 1: drop-out (absorbing) and adherence
        done = False
        if planned:
            if not dropped:
                nonresp = c["nonresp_time"][t] * max(0.0, 1.0 - (P0 - slow) / (p.relief_target * P0))
                lam = p.dropout_hazard * math.exp(p.dropout_pain / 100 * pain + p.dropout_flare * fl
                                                  + p.dropout_nonresponse * nonresp)
                if sup:
                    lam *= p.dropout_supervised
                hazard_sum += lam
                if hazard_sum >= budget:
                    dropped = True
                    dropout_day = float(t)
            if sup:
                prob = (_sigmoid(logit_sup - p.pain_penalty / 100 * pain - p.flare_penalty * fl) if m5
                        else p.supervised_adherence)
            elif m5:
                z = (mu + p.habit_gain * H - c["length"][t] - p.pain_penalty / 100 * pain
                     - p.flare_penalty * fl - decliner * p.decline_logit * c["decline_time"][t])
                prob = _sigmoid(z)
            else:
                prob = _sigmoid(mu)
            if dropped:
                prob = 0.0
            done = U < prob
            U = U / prob if done else (U - prob) / (1 - prob)
            # step 2: habit (a missed planned session costs habit_decay, calendar time costs the rest)
            if done:
                H = H + c_h * (1 - H)
            else:
                H = H * (1 - p.habit_decay - (1 - e_h))
            sessions += done
            if t < window:
                early += done
            if t >= days - window:
                late += done
        else:
            H = H * e_h  # step 2: habit fades with calendar time
        d = 1.0 if done else 0.0
        # step 3: transition skill; confidence and attention grow with sessions done
        if m3:
            X = X * e_x + d * p.transition_rate * c["practice"][t] * (1 - X)
        Q = Q * e_q + d * p.confidence_rate * (1 - Q)
        E = E * e_e + d * c["attention"][t] * (1 - E)
        # step 4: load averages
        L = p.life_load + d * c["train_load"][t]
        A = A + a_a * (L - A)
        C = C + a_c * (L - C)
        acwr = A / C
        # step 5: stimulus, capacity, fatigue
        stim = overload = 0.0
        dose = c["dose"][t]
        if planned and dose > 0:
            if m1:
                R = max(p.readiness_floor * K0, K0 + k_f * F - k_g * G)
                level = c["level"][t]
                stim = d * dose * c["quality"][t] * min(level / R, 1.0)
                overload = d * c["over_dose"][t] * max(0.0, 1 - R / level)
                stim = stim / (1 + p.overload_stimulus * overload)
            else:
                stim = d * dose
            if m2:
                calm_now = p.calm_first_effect * c["calm"][t] if c["calm_first"][t] else 0.0
                stim = stim * (1 - p.sens_stimulus * S * (1 - calm_now * d))
        F = F * e_f + stim
        G = G * e_g + stim + p.overload_fatigue * overload
        # step 6: sensitivity drifts to baseline, calming lowers it, overload raises it
        if m2:
            S = S + (S0 - S) / p.sens_tau
            S = S - p.downreg_effect * c["calm"][t] * d * S
            if overload > 0:
                S = S + p.overload_sens * min(1.0, overload) * (1 - S)
        # step 7: flare hazard and flare state; the uniform is used once more for the fluctuation
        logh = logh0
        if m3:
            logh += p.sitting_effect * (c["sitting"][t] * (1 - c["breaks"][t] * d) - p.sitting_ref)
        if m4:
            logh += p.acwr_beta * max(0.0, acwr - p.acwr_threshold)
        if m1:
            logh += p.overload_flare * overload
        if m2:
            logh += p.sens_flare_hazard * (S - S0)
        h = math.exp(logh)
        if m3:
            h *= 1 - p.transition_effect * X
        threshold = p.flare_end if flare else min(h, 1.0)
        below = U < threshold
        V = U / threshold if below else (U - threshold) / (1 - threshold)
        if flare:
            onset = False
            flare = not below  # a flare ends with probability flare_end
        else:
            onset = below
            flare = onset
        flares += onset
        flare_days += flare
        # step 8: a flare onset raises sensitivity and dents confidence
        if onset:
            if m2:
                S = S + p.flare_sens * (1 - S)
            Q = Q * (1 - p.confidence_flare)
        # step 9: pain = natural course - benefit + flare + fluctuation
        eps = phi * eps + shock * (V - 0.5)
        gain = k_f * F
        benefit = resp * (p.pain_benefit_capacity * gain / (gain + p.capacity_half) + p.pain_benefit_confidence * Q)
        benefit += p.pain_benefit_attention * E
        if m2:
            benefit += p.pain_benefit_sensitivity * (S0 - S)
        natural = plateau + (1 - plateau) * c["natural"][t]
        pain = min(100.0, max(0.0, P0 * max(0.0, natural - benefit) + p.flare_pain * (1.0 if flare else 0.0)
                              + amp * eps))
        slow = slow + a_pi * (pain - slow)
        if t >= days - tail:
            pain_tail += pain
        # one value per state, in the order of STATES
        rows.append((K0 + gain, k_g * G, S, H, pain, 1.0 if flare else 0.0, d, A, C, acwr, X, k_f * stim,
                     1.0 if dropped else 0.0, Q, E))
    end = {"pain_tail": pain_tail / tail, "sessions": sessions, "early": early, "late": late, "flares": flares,
           "flare_days": flare_days, "habit": H, "capacity_gain": k_f * F, "sensitivity": S,
           "dropout_day": dropout_day}
    return rows, end


def run_reference(plan: dict, persons: dict, uniforms, params=None, constants=None):
    """Run every person through :func:`run_person`, one after the other.

    ``plan``: output of :func:`~spinelib.sim.plan.plan_arrays`; ``persons`` and ``uniforms``:
    the draws of :func:`~spinelib.sim.engine.make_draws`. Returns ``(trajectories, end)``: an
    array (days, states, people) in the order of :data:`~spinelib.sim.results.STATES`, and a
    dict of per-person end values (arrays). ``constants``: the plan's
    :func:`~spinelib.sim.plan.day_constants` when the caller has them already.
    """
    p = Params.coerce(params)
    c = day_constants(plan, p) if constants is None else constants
    u = np.asarray(uniforms, dtype=float)
    n = u.shape[1]
    cols = {k: np.asarray(v, dtype=float).tolist() for k, v in persons.items()}
    trajs, ends = [], []
    for i in range(n):
        person = {k: v[i] for k, v in cols.items()}
        rows, end = run_person(c, person, u[:, i].tolist(), p)
        trajs.append(rows)
        ends.append(end)
    traj = np.array(trajs, dtype=float).transpose(1, 2, 0) if n else np.empty((len(u), len(STATES), 0))
    end = {k: np.array([e[k] for e in ends], dtype=float) for k in ends[0]}
    return traj, end
