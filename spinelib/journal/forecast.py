"""A personal forecast from a person's own log: a Bayesian update, then a projection with intervals.

Two small conjugate models (scipy.stats), each starting from a deliberately vague assumption
that the log then updates:

- **adherence**: each planned session is done with probability ``p``; prior Beta(1, 1)
  (no opinion), posterior Beta(1 + done, 1 + missed). Sessions done over the coming weeks
  follow the Beta-Binomial predictive distribution.
- **pain**: daily pain (the mean of that day's "pain before" entries) = level + slope x weeks
  + noise, a Normal linear model with a Normal-Inverse-Gamma prior: level about 5 (sd about
  3), slope about 0 (sd about 0.7 points a week), noise sd about 1.4. The posterior gives the
  slope with its interval and a Student-t band for the trend ahead, which widens the further
  it looks and the fewer days there are.

With few entries the prior dominates and the intervals are wide; :func:`personal_forecast`
says so in words. A straight line through one's own log knows nothing of flares to come or
of the natural course of back pain: it is a summary of the log, not a prediction of health,
and nothing here is medical advice.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .progress import adherence as adherence_so_far, planned_sessions

__all__ = ["PRIOR", "adherence_posterior", "sessions_ahead", "pain_posterior", "pain_ahead", "session_response",
           "PersonalForecast", "personal_forecast", "FEW_DAYS"]

PRIOR = {"adherence": (1.0, 1.0), "pain_level": 5.0, "pain_slope": 0.0, "level_scale": 4.0, "slope_scale": 0.25,
         "noise_shape": 2.0, "noise_rate": 2.0}
FEW_DAYS = 21  # fewer logged days than this: the forecast leans on the prior, and says so


def adherence_posterior(done: int, planned: int, prior=PRIOR["adherence"]) -> dict:
    """Posterior of the share of planned sessions done: ``a``, ``b``, ``mean``, ``lo``, ``hi`` (95%).

    >>> r = adherence_posterior(21, 30)
    >>> round(r["mean"], 3), r["lo"] < 0.7 < r["hi"]
    (0.688, True)
    """
    a, b = prior[0] + done, prior[1] + max(planned - done, 0)
    dist = stats.beta(a, b)
    return {"a": a, "b": b, "mean": float(dist.mean()), "lo": float(dist.ppf(0.025)), "hi": float(dist.ppf(0.975)),
            "done": int(done), "planned": int(planned)}


def sessions_ahead(post: dict, upcoming: int) -> dict:
    """Sessions done out of ``upcoming`` planned ones: Beta-Binomial ``mean``, ``lo``, ``hi`` (95%)."""
    if upcoming <= 0:
        return {"mean": 0.0, "lo": 0.0, "hi": 0.0}
    d = stats.betabinom(int(upcoming), post["a"], post["b"])
    return {"mean": float(d.mean()), "lo": float(d.ppf(0.025)), "hi": float(d.ppf(0.975))}


@dataclass
class PainPosterior:
    """Normal-Inverse-Gamma posterior of (level, slope per week) and noise variance."""

    mean: np.ndarray
    cov_unit: np.ndarray  # V_n: the covariance per unit of noise variance
    shape: float
    rate: float
    origin: pd.Timestamp
    days: int

    @property
    def dof(self) -> float:
        return 2 * self.shape

    @property
    def scale2(self) -> float:
        return self.rate / self.shape

    def slope(self) -> dict:
        sd = float(np.sqrt(self.scale2 * self.cov_unit[1, 1]))
        t = stats.t(self.dof, loc=self.mean[1], scale=sd)
        return {"mean": float(self.mean[1]), "lo": float(t.ppf(0.025)), "hi": float(t.ppf(0.975)), "sd": sd}

    def noise_sd(self) -> float:
        return float(np.sqrt(self.rate / (self.shape - 1))) if self.shape > 1 else float("nan")


def _daily_pain(sessions: pd.DataFrame) -> pd.Series:
    return sessions.groupby("date")["pain_before"].mean().astype(float).sort_index()


def pain_posterior(sessions: pd.DataFrame, prior: dict = PRIOR) -> PainPosterior:
    """Update the pain model with the log's daily pain; time 0 is the first logged day."""
    y = _daily_pain(sessions)
    origin = y.index.min() if len(y) else pd.Timestamp(dt.date.today())
    t = ((y.index - origin).days.to_numpy() / 7.0) if len(y) else np.zeros(0)
    X = np.column_stack([np.ones_like(t), t])
    mu0 = np.array([prior["pain_level"], prior["pain_slope"]])
    V0inv = np.diag([1 / prior["level_scale"], 1 / prior["slope_scale"]])
    Vn = np.linalg.inv(V0inv + X.T @ X)
    yv = y.to_numpy()
    mun = Vn @ (V0inv @ mu0 + X.T @ yv)
    an = prior["noise_shape"] + len(yv) / 2
    bn = prior["noise_rate"] + 0.5 * float(yv @ yv + mu0 @ V0inv @ mu0 - mun @ np.linalg.inv(Vn) @ mun)
    return PainPosterior(mun, Vn, an, max(bn, 1e-9), origin, len(yv))


def pain_ahead(post: PainPosterior, dates) -> pd.DataFrame:
    """The pain trend at ``dates``: ``mean``, ``lo``/``hi`` (95% for the trend), ``day_lo``/``day_hi``
    (95% for one day's pain), all clipped to 0-10."""
    dates = pd.to_datetime(pd.Index(dates))
    t = (dates - post.origin).days.to_numpy() / 7.0
    X = np.column_stack([np.ones_like(t), t])
    mean = X @ post.mean
    q = np.einsum("ij,jk,ik->i", X, post.cov_unit, X)
    tq = stats.t.ppf(0.975, post.dof)
    half = tq * np.sqrt(post.scale2 * q)
    half_day = tq * np.sqrt(post.scale2 * (1 + q))
    clip = lambda v: np.clip(v, 0, 10)  # noqa: E731
    return pd.DataFrame({"date": dates, "mean": clip(mean), "lo": clip(mean - half), "hi": clip(mean + half),
                         "day_lo": clip(mean - half_day), "day_hi": clip(mean + half_day)})


def session_response(sessions: pd.DataFrame) -> dict:
    """The change of pain over a session (after minus before): posterior ``mean``, ``lo``, ``hi``
    (95%, Student-t with a reference prior), ``n``; NaNs with fewer than 2 sessions."""
    d = (sessions["pain_after"] - sessions["pain_before"]).astype(float).to_numpy()
    n = len(d)
    if n < 2:
        return {"mean": float(d.mean()) if n else float("nan"), "lo": float("nan"), "hi": float("nan"), "n": n}
    m, s = float(d.mean()), float(d.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1) * s / np.sqrt(n)) if s > 0 else 0.0
    return {"mean": m, "lo": m - half, "hi": m + half, "n": n}


@dataclass
class PersonalForecast:
    """What :func:`personal_forecast` returns: the posteriors, the projection and plain words."""

    adherence: dict
    slope: dict
    response: dict
    frame: pd.DataFrame
    days_logged: int
    notes: list = field(default_factory=list)
    posterior: PainPosterior | None = field(default=None, repr=False)

    @property
    def few_data(self) -> bool:
        return self.days_logged < FEW_DAYS


def personal_forecast(sessions: pd.DataFrame, plan: dict | None, today, weeks: int = 8) -> PersonalForecast:
    """Estimate adherence and the pain trend from the log and project ``weeks`` weeks ahead.

    ``frame``: one row per week ahead (``week`` 0 = today): ``date``, the pain trend (``mean``,
    ``lo``, ``hi``, ``day_lo``, ``day_hi``) and, with a plan, sessions done so far plus ahead
    (``sessions_mean``, ``sessions_lo``, ``sessions_hi``, cumulative from today).
    """
    today = pd.Timestamp(today).normalize()
    so_far = adherence_so_far(sessions, plan, today.date())
    post_a = adherence_posterior(so_far["done"], so_far["planned"])
    post_p = pain_posterior(sessions)
    dates = [today + pd.Timedelta(days=7 * k) for k in range(weeks + 1)]
    frame = pain_ahead(post_p, dates)
    frame.insert(0, "week", range(weeks + 1))
    if plan:
        upcoming = planned_sessions(plan, today + pd.Timedelta(days=1), dates[-1])["date"].to_numpy()
        ahead = np.searchsorted(upcoming, np.array(dates, dtype="datetime64[ns]"), side="right").tolist()
        n = np.asarray(ahead)
        d = stats.betabinom(n, post_a["a"], post_a["b"])  # all horizons at once
        frame["planned_ahead"] = ahead
        frame["sessions_mean"] = d.mean()
        frame["sessions_lo"] = np.where(n > 0, d.ppf(0.025), 0.0)
        frame["sessions_hi"] = np.where(n > 0, d.ppf(0.975), 0.0)
    days = post_p.days
    slope = post_p.slope()
    notes = []
    if days < FEW_DAYS:
        notes.append(f"Only {days} day{'s' if days != 1 else ''} logged: this forecast still leans on its starting "
                     "assumptions (pain about 5, no trend), so its ranges are wide. They narrow as you log.")
    else:
        notes.append(f"Based on {days} logged days.")
    if so_far["planned"]:
        notes.append(f"You did {so_far['done']} of {so_far['planned']} planned sessions; your usual share is "
                     f"estimated at {post_a['mean']:.0%} (95% range {post_a['lo']:.0%} to {post_a['hi']:.0%}).")
    if slope["hi"] < 0:
        trend = "falling"
    elif slope["lo"] > 0:
        trend = "rising"
    else:
        trend = "not clearly rising or falling yet"
    notes.append(f"Pain trend: {trend} ({slope['mean']:+.2f} points a week, 95% range {slope['lo']:+.2f} to "
                 f"{slope['hi']:+.2f}). The range ahead widens the further it looks.")
    notes.append("A straight line through your own log cannot foresee flares or life events; "
                 "it is a summary, not medical advice.")
    return PersonalForecast(post_a, slope, session_response(sessions), frame, days, notes, post_p)
