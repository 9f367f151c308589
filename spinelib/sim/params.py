"""Every parameter of the adherence and progression simulator, in one place.

Each parameter has a unit, a default, an allowed range (the range of the notebook
sliders) and the evidence ids it rests on (rows of ``data/evidence.csv``, where each row says
how sure we are of its figure; ``assumption`` marks a teaching assumption with no direct source).
Defaults marked *fitted* come from ``scripts/calibrate.py`` (see ``docs/model.md``).

>>> p = Params(flare_hazard=0.02)
>>> p.flare_hazard
0.02
>>> Params(flare_hazard=-1)
Traceback (most recent call last):
...
spinelib.errors.InputError: flare_hazard: must be a number from 0.001 to 0.2 (per day) (got -1)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError, kind

__all__ = ["Param", "PARAMS", "Params", "MECHANISMS", "param_table"]


@dataclass(frozen=True)
class Param:
    """One model parameter: name, default, allowed range, unit, evidence ids, meaning."""

    name: str
    default: float
    lo: float
    hi: float
    unit: str
    evidence: str
    meaning: str
    symbol: str = ""
    kind: str = "float"  # "float", "int" or "bool"
    fitted: bool = False


def _p(name, default, lo, hi, unit, evidence, meaning, symbol="", kind="float", fitted=False):
    return Param(name, default, lo, hi, unit, evidence, meaning, symbol, kind, fitted)


# The mechanism switches: one per insight (1-5).
MECHANISMS = {
    "use_load_control": 1,
    "use_sensitivity": 2,
    "use_transitions": 3,
    "use_acwr": 4,
    "use_adherence": 5,
}

PARAMS: tuple[Param, ...] = (
    # --- mechanism switches ----------------------------------------------------------------
    _p("use_load_control", True, 0, 1, "switch", "I1-1;I1-2;I4-5",
       "insight 1: stimulus depends on load relative to capacity and on control; overload adds fatigue and flare risk",
       kind="bool"),
    _p("use_sensitivity", True, 0, 1, "switch", "I2-1;I2-2;I2-4",
       "insight 2: sensitivity scales the stimulus and raises pain; calming lowers it; flares raise it", kind="bool"),
    _p("use_transitions", True, 0, 1, "switch", "I3-3;I3-4;I3-5",
       "insight 3: daily-life flare hazard lowered by practised transitions, raised by unbroken sitting", kind="bool"),
    _p("use_acwr", True, 0, 1, "switch", "I4-8;I4-9;I4-10;I4-11;I4-13",
       "insight 4: flare hazard rises with the acute:chronic load ratio above the threshold", kind="bool"),
    _p("use_adherence", True, 0, 1, "switch", "I5-1;I5-5;I5-6;I5-7",
       "insight 5: session probability grows with habit, falls with length, pain, flares and decline "
       "(off: each person's baseline probability every time)", kind="bool"),
    # --- pain and natural course -------------------------------------------------------------
    _p("pain0_mean", 55.0, 30.0, 80.0, "points (0-100)", "G1;G9", "mean baseline pain", r"\mu_{P}"),
    _p("pain0_sd", 18.2198, 0.0, 25.0, "points (0-100)", "G1;M1", "between-person SD of baseline pain (truncated to 20-95)",
       r"\sigma_{P}", fitted=True),
    _p("natural_plateau", 0.7684, 0.2, 1.0, "fraction of baseline pain", "M3;M4;M8",
       "mean long-run share of baseline pain left by the natural course of chronic LBP (no treatment)", r"\bar f",
       fitted=True),
    _p("natural_tau", 34.4901, 5.0, 120.0, "days", "M3", "time constant of the natural-course improvement",
       r"\tau_N", fitted=True),
    _p("natural_conc", 2.0908, 0.5, 200.0, "beta concentration", "M1;M7",
       "between-person spread of the natural plateau (higher = less spread; low = improvers and non-improvers)",
       r"\nu_f", fitted=True),
    _p("flare_pain", 25.0, 10.0, 40.0, "points (0-100)", "F1;F2", "extra pain on a flare day", "J"),
    _p("pain_benefit_capacity", 0.2, 0.0, 1.0, "fraction of baseline pain", "G1;M9;assumption",
       "largest pain reduction from capacity gained (saturating); set so that capacity carries about a quarter "
       "of the 12-week effect (gains in pain hardly track physical gains, M9)", r"\eta_K"),
    _p("capacity_half", 0.5, 0.05, 3.0, "load levels", "assumption",
       "capacity gain that gives half of the largest pain reduction", r"K_{1/2}"),
    _p("pain_benefit_sensitivity", 0.4, 0.0, 1.5, "fraction of baseline pain per unit sensitivity", "I2-4;I2-3",
       "pain change per unit change of sensitivity from the person's own baseline", r"\eta_\Sigma"),
    # --- capacity and fatigue (Banister impulse-response) ------------------------------------
    _p("capacity0_median", 2.0, 1.0, 4.0, "load levels (1-5)", "assumption",
       "median baseline capacity: the load level the back tolerates", r"K_0"),
    _p("capacity0_sd", 0.3, 0.0, 0.8, "log units", "assumption", "between-person SD of log baseline capacity",
       r"\sigma_K"),
    _p("tau_capacity", 42.0, 30.0, 60.0, "days", "I4-3;I4-4;I4-6;I4-14", "capacity (fitness) time constant", r"\tau_F"),
    _p("tau_fatigue", 10.0, 7.0, 19.0, "days", "I4-3;I4-4;I4-6;I4-5", "fatigue time constant", r"\tau_G"),
    _p("k_capacity", 0.08, 0.01, 0.3, "load levels per stimulus unit", "assumption;I4-7",
       "capacity gained per unit of stimulus", r"k_F"),
    _p("fatigue_ratio", 2.0, 1.5, 3.0, "ratio", "I4-6", "fatigue gain relative to capacity gain (k_G/k_F)", r"k_G/k_F"),
    _p("control_weight", 0.3, 0.0, 1.0, "fraction", "I1-1;I1-2;I1-4",
       "stimulus lost at the lowest control demand (kept small: motor control is not clearly better)", r"w_c"),
    _p("overload_fatigue", 2.0, 0.0, 5.0, "fatigue units per overload unit", "I4-7",
       "extra fatigue from load above readiness", r"\omega"),
    _p("overload_flare", 1.0, 0.0, 2.0, "log hazard per overload unit", "I4-10;Z4",
       "extra flare hazard from load above readiness on the day", r"\beta_o"),
    _p("readiness_floor", 0.5, 0.1, 1.0, "fraction of baseline capacity", "assumption",
       "lowest readiness, as a share of the person's baseline capacity (fatigue cannot push it lower)",
       r"r_{\min}"),
    # --- sensitivity --------------------------------------------------------------------------
    _p("sens0_mean", 0.5, 0.1, 0.9, "0-1", "assumption", "mean baseline sensitivity (protective guarding)",
       r"\bar\Sigma_0"),
    _p("sens0_conc", 8.0, 2.0, 200.0, "beta concentration", "assumption", "between-person spread of baseline sensitivity",
       r"\nu_\Sigma"),
    _p("sens_tau", 28.0, 7.0, 120.0, "days", "assumption", "time constant of the drift back to own baseline",
       r"\tau_\Sigma"),
    _p("downreg_effect", 0.008, 0.0, 0.05, "per day", "I2-1;I2-2;I2-3",
       "daily fractional drop of sensitivity with a full calming dose (small: low confidence)", r"d_\Sigma"),
    _p("downreg_minutes", 10.0, 3.0, 30.0, "minutes", "assumption", "calming minutes that count as a full daily dose",
       r"m_D"),
    _p("calm_first_effect", 0.3, 0.0, 0.6, "fraction", "I2-1;I2-4",
       "share of sensitivity set aside during strengthening when calming came first that day", r"\zeta"),
    _p("sens_stimulus", 0.5, 0.0, 0.9, "fraction per unit sensitivity", "I2-4",
       "share of the stimulus lost per unit of sensitivity", r"\lambda_S"),
    _p("flare_sens", 0.1, 0.0, 0.5, "fraction", "I2-7;F1", "rise of sensitivity towards 1 at a flare onset", r"f_\Sigma"),
    _p("sens_flare_hazard", 0.5, 0.0, 2.0, "log hazard per unit sensitivity", "I2-7;I3-3",
       "flare hazard change per unit of sensitivity above own baseline", r"\beta_\Sigma"),
    # --- flares ---------------------------------------------------------------------------------
    _p("flare_hazard", 0.0261, 0.001, 0.2, "per day", "F1;F2;F3;I3-4",
       "median baseline daily flare-onset hazard (no exercise, reference sitting)", r"h_0", fitted=True),
    _p("flare_hazard_sd", 0.6, 0.0, 1.5, "log units", "I3-4;F3", "between-person SD of the log baseline hazard",
       r"\sigma_h"),
    _p("flare_end", 0.747, 0.3, 1.0, "per day", "F1", "daily probability that a flare ends (75% last one day)", "q",
       fitted=True),
    _p("sitting_hours", 6.0, 0.0, 16.0, "hours per day", "I3-3", "sitting per day when the plan does not say",
       r"S"),
    _p("sitting_ref", 6.0, 0.0, 16.0, "hours per day", "I3-3", "sitting at which the baseline hazard applies",
       r"S_{\mathrm{ref}}"),
    _p("sitting_effect", 0.12, 0.0, 0.3, "log hazard per hour", "I3-3",
       "flare hazard per hour of unbroken sitting (OR 4.4 for >6 h came from acute LBP; kept lower)", r"\beta_S"),
    _p("break_effect", 0.3, 0.0, 1.0, "fraction", "I3-3", "share of sitting broken up by a session with transitions "
       "or mobility resets", r"b"),
    _p("transition_effect", 0.3, 0.0, 0.6, "fraction", "I3-3;I3-4;I3-5",
       "largest cut in daily-life flare hazard from practised transitions (no trial: an assumption)", r"\rho_T"),
    _p("transition_rate", 0.05, 0.0, 0.3, "per day", "assumption", "transition skill learnt per day of full practice",
       r"k_X"),
    _p("transition_minutes", 5.0, 1.0, 20.0, "minutes", "assumption", "transition minutes that count as full practice",
       r"m_X"),
    _p("transition_tau", 90.0, 14.0, 365.0, "days", "assumption", "time constant of forgetting a transition skill",
       r"\tau_X"),
    # --- load averages and the acute:chronic ratio ------------------------------------------
    _p("life_load", 20.0, 5.0, 100.0, "load units per day", "assumption",
       "daily load of ordinary life (a minute at load level 1 is one unit)", r"L_{\mathrm{life}}"),
    _p("light_intensity", 0.5, 0.0, 2.0, "load units per minute", "assumption",
       "load of a minute of transition or mobility practice", r"\ell_{\mathrm{light}}"),
    _p("acute_days", 7.0, 3.0, 14.0, "days", "I4-9;I4-12", "span of the acute load average", r"n_a"),
    _p("chronic_days", 28.0, 14.0, 42.0, "days", "I4-9;I4-12", "span of the chronic load average", r"n_c"),
    _p("acwr_threshold", 1.3, 1.0, 1.6, "ratio", "I4-8", "upper end of the 'sweet spot'", r"\theta"),
    _p("acwr_beta", 2.042, 0.0, 3.0, "log hazard per ratio unit", "I4-10;I4-11;I4-9;I4-13",
       "rise of log flare hazard per unit of acute:chronic ratio above the threshold", r"\beta_A", fitted=True),
    # --- adherence and habit ------------------------------------------------------------------
    _p("adherence0", 0.767, 0.05, 0.95, "probability", "I5-4;I5-5;I5-9",
       "median probability of doing a planned 15-minute session with no habit yet", r"p_0", fitted=True),
    _p("adherence0_sd", 1.0, 0.0, 2.5, "logit units", "I5-5;I5-9", "between-person SD of the baseline logit",
       r"\sigma_p"),
    _p("habit_gain", 1.5, 0.0, 4.0, "logit units", "I5-1;I5-2", "logit added at full habit strength", r"\beta_H"),
    _p("length_penalty", 0.25, 0.0, 2.0, "logit units per 15 min", "I5-5;I5-7",
       "logit lost per 15 minutes of session beyond 15 minutes", r"\beta_M"),
    _p("pain_penalty", 1.0, 0.0, 4.0, "logit units per 100 points", "I5-7;I5-9", "logit lost per 100 points of "
       "yesterday's pain", r"\beta_P"),
    _p("flare_penalty", 1.0, 0.0, 4.0, "logit units", "I5-7", "logit lost when in a flare yesterday", r"\beta_J"),
    _p("decliner_share", 0.122, 0.0, 0.5, "fraction of people", "I5-6",
       "share of people in the declining-adherence group (fitted so that 12% are seen declining)", r"\phi",
       fitted=True),
    _p("decline_logit", 4.0, 0.0, 8.0, "logit units", "I5-6;assumption",
       "logit a decliner loses, spread evenly over weeks 5-8 of the plan", r"\gamma"),
    _p("habit_t95_median", 67.2, 18.0, 254.0, "days", "I5-1;I5-2",
       "median days of daily practice to reach 95% of the habit asymptote", r"T_{95}", fitted=True),
    _p("habit_t95_sd", 0.676, 0.0, 1.5, "log units", "I5-1;I5-2", "between-person SD of log T95 (18-254 d spread)",
       r"\sigma_T", fitted=True),
    _p("habit_decay", 0.01, 0.0, 0.05, "per missed day", "I5-1", "habit lost on a missed planned session", r"\delta_H"),
    _p("supervised_adherence", 0.95, 0.5, 1.0, "probability", "I5-4;S6;M5",
       "probability of attending a supervised session with no pain and no flare (pain and flares lower it, "
       "through the same penalties as at home)", r"p_{\mathrm{sup}}"),
    _p("habit_tau", 180.0, 30.0, 1000.0, "days", "assumption",
       "time constant of habit fading with calendar time on every day without a session done", r"\tau_H"),
    # --- between-person differences (issue 9) ---------------------------------------------------
    _p("response_shape", 2.0, 0.5, 50.0, "gamma shape", "assumption;M1",
       "spread of each person's response to exercise (gamma, mean 1; lower = more non-responders)", r"k_r"),
    _p("fluct_sd", 5.6199, 0.0, 25.0, "points (0-100)", "M1;M2;M7",
       "median size (SD) of a person's week-to-week pain fluctuation", r"\sigma_\varepsilon", fitted=True),
    _p("fluct_spread", 0.8, 0.0, 1.5, "log units", "M1;assumption",
       "between-person SD of the log fluctuation size (a few people fluctuate a lot)", r"\sigma_a"),
    _p("fluct_tau", 7.0, 1.0, 60.0, "days", "assumption;M1",
       "time constant of the fluctuation (autocorrelation): swings last about a week", r"\tau_\varepsilon"),
    # --- drop-out (issue 9) ---------------------------------------------------------------------
    _p("dropout_hazard", 0.00236, 0.0, 0.05, "per planned day", "M6;M5",
       "baseline daily hazard of leaving a home programme for good (no pain, no flare, responding)",
       r"\lambda_D", fitted=True),
    _p("dropout_supervised", 1.813, 0.1, 10.0, "hazard ratio", "M5;M6",
       "drop-out hazard of a supervised programme relative to a home programme", r"m_{\mathrm{sup}}", fitted=True),
    _p("dropout_pain", 1.0, 0.0, 4.0, "log hazard per 100 points", "I5-7;assumption",
       "rise of the log drop-out hazard per 100 points of yesterday's pain", r"\beta_{DP}"),
    _p("dropout_flare", 1.0, 0.0, 4.0, "log hazard", "I5-7;F1;assumption",
       "rise of the log drop-out hazard when in a flare yesterday", r"\beta_{DJ}"),
    _p("dropout_nonresponse", 1.5, 0.0, 4.0, "log hazard", "I5-7;assumption",
       "rise of the log drop-out hazard with early non-response (no 30% relief after weeks 2-6)", r"\beta_{DN}"),
    _p("relief_target", 0.3, 0.05, 0.9, "fraction of baseline pain", "assumption",
       "relief a person expects; less relief than this after weeks 2-6 counts as non-response", r"\rho^*"),
    # --- lasting and non-specific components (issue 9) -------------------------------------------
    _p("confidence_rate", 0.03, 0.0, 0.3, "per session", "assumption",
       "share of the gap to full confidence closed by a session done", r"k_Q"),
    _p("confidence_tau", 2000.0, 30.0, 2000.0, "days", "assumption;M9",
       "time constant of confidence fading once practice stops (slow: the lasting part)", r"\tau_Q", fitted=True),
    _p("confidence_flare", 0.05, 0.0, 1.0, "fraction", "assumption",
       "share of confidence lost at a flare onset (repeated flares erode the lasting benefit)", r"f_Q"),
    _p("pain_benefit_confidence", 0.1585, 0.0, 1.0, "fraction of baseline pain", "M9;assumption",
       "pain reduction at full confidence (beliefs, less fear of movement)", r"\eta_Q", fitted=True),
    _p("attention_rate", 0.1, 0.0, 0.5, "per session", "assumption",
       "share of the gap to full attention effect closed by a supervised session", r"k_E"),
    _p("attention_home", 0.3, 0.0, 1.0, "fraction", "assumption",
       "attention effect of a home session relative to a supervised one", r"w_E"),
    _p("attention_tau", 21.0, 3.0, 120.0, "days", "assumption",
       "time constant of the non-specific (attention, expectation) effect fading after contact stops",
       r"\tau_E"),
    _p("pain_benefit_attention", 0.1969, 0.0, 0.6, "fraction of baseline pain", "M4;M9",
       "pain reduction at full non-specific effect (attention, expectation), independent of capacity",
       r"\eta_E", fitted=True),
    # --- dose ceiling and overload (issue 9) -----------------------------------------------------
    _p("dose_saturation", 20.0, 5.0, 200.0, "minutes", "I5-10;I5-11;assumption",
       "strengthening minutes at which the dose-response bends: dose = (m/15)(1 + 15/m_s)/(1 + m/m_s)",
       r"m_s"),
    _p("overload_stimulus", 1.0, 0.0, 5.0, "per overload unit", "I4-7;Z4;assumption",
       "stimulus lost to overload: the stimulus is divided by 1 + this x overload", r"\kappa_o"),
    _p("overload_sens", 0.05, 0.0, 0.5, "fraction per overload unit", "Z4;assumption",
       "rise of sensitivity towards 1 per unit of overload on the day (at most one unit counts)", r"f_o"),
)

_BY_NAME = {p.name: p for p in PARAMS}


def _fmt(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _check(spec: Param, value):
    """Validated value for one parameter, or an InputError naming it."""
    if spec.kind == "bool":
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        raise InputError(spec.name, "True or False", value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InputError(spec.name, f"a number from {_fmt(spec.lo)} to {_fmt(spec.hi)} ({spec.unit})",
                         value if isinstance(value, str) else kind(value))
    v = float(value)
    if not math.isfinite(v) or not spec.lo <= v <= spec.hi:
        raise InputError(spec.name, f"a number from {_fmt(spec.lo)} to {_fmt(spec.hi)} ({spec.unit})", value)
    return v


class Params:
    """A validated, immutable set of simulator parameters.

    ``Params()`` gives the defaults; keyword arguments override them, and each value is
    checked against its range (an :class:`~spinelib.errors.InputError` names the parameter).
    ``p.replace(**changes)`` returns a new set; ``p.to_dict()`` a plain dict.
    """

    def __init__(self, **values):
        self._set({spec.name: spec.default for spec in PARAMS}, values)  # PARAMS read now, in its order

    def _set(self, start: dict, changes: dict) -> None:
        """``start`` (values already checked) with ``changes`` checked and applied, as this set's values."""
        unknown = sorted(changes.keys() - _BY_NAME.keys())
        if unknown:
            raise InputError("params", "names from spinelib.sim.PARAMS", unknown[0])
        vals = dict(start)
        for name, value in changes.items():
            vals[name] = _check(_BY_NAME[name], value)
        if vals["acute_days"] >= vals["chronic_days"]:
            raise InputError("acute_days", "shorter than chronic_days", vals["acute_days"])
        if vals["tau_fatigue"] >= vals["tau_capacity"]:
            raise InputError("tau_fatigue", "shorter than tau_capacity", vals["tau_fatigue"])
        # plain instance attributes: reading p.flare_hazard in a loop is an ordinary lookup
        object.__setattr__(self, "__dict__", vals)

    @classmethod
    def coerce(cls, params) -> "Params":
        """Params from None (defaults), a Params, or a dict of overrides."""
        if params is None:
            return cls()
        if isinstance(params, Params):
            return params
        if isinstance(params, dict):
            return cls(**params)
        raise InputError("params", "None, a Params or a dict of parameter values", kind(params))

    @property
    def _values(self) -> dict:
        return self.__dict__

    def __setattr__(self, name, value):
        raise AttributeError("Params is immutable: use .replace(...)")

    def __delattr__(self, name):
        raise AttributeError("Params is immutable")

    def replace(self, **changes) -> "Params":
        # only the changed values are checked again: the others were checked when this set was made
        out = object.__new__(Params)
        out._set(self._values, changes)
        return out

    def to_dict(self) -> dict:
        return dict(self._values)

    def __eq__(self, other):
        return isinstance(other, Params) and self._values == other._values

    def __hash__(self):
        return hash(tuple(sorted(self._values.items())))

    def __repr__(self):
        changed = {k: v for k, v in self._values.items() if v != _BY_NAME[k].default}
        return "Params(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"


def param_table() -> pd.DataFrame:
    """One row per parameter: name, symbol, default, lo, hi, unit, evidence, fitted, meaning.

    >>> t = param_table()
    >>> bool(t["name"].is_unique) and {"default", "unit", "evidence"} <= set(t.columns)
    True
    """
    return pd.DataFrame([{
        "name": p.name, "symbol": p.symbol, "default": p.default, "lo": p.lo, "hi": p.hi, "unit": p.unit,
        "evidence": p.evidence, "fitted": p.fitted, "meaning": p.meaning,
    } for p in PARAMS])
