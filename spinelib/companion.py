"""You against the model: a person's log beside the simulated cohort that follows the same routine.

A top-layer module: it joins the practice log (:mod:`spinelib.journal`), the simulator's public
API (:func:`spinelib.sim.simulate`, :func:`spinelib.sim.band_frame`) and the plots' theme. The
simulator speaks of pain on a 0-100 scale and the log on 0-10, so the cohort's band is shown
divided by ten; the cohort starts at the person's own first-week pain (the model's
``pain0_mean``, kept within its range of 30-80 points).

The cohort is a teaching model, not a prediction for one person: a log inside the band means
"like many simulated people", not "on track", and outside it means nothing alarming by itself.
Nothing here is medical advice.
"""
from __future__ import annotations

import base64
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .errors import InputError
from .journal import PersonalForecast, adherence, personal_forecast, progress_summary
from .plots import color_for, figure_png
from .render import esc
from .sim import PARAMS, band_frame, simulate

__all__ = ["cohort_band", "log_days", "where_in_cohort", "you_vs_model", "you_vs_model_plot", "COHORT_PEOPLE",
           "progress_view", "progress_html"]

COHORT_PEOPLE = 300


def _baseline(sessions: pd.DataFrame) -> float | None:
    if not len(sessions):
        return None
    first = sessions["date"].min()
    week = sessions[sessions["date"] < first + pd.Timedelta(days=7)]
    return float(week["pain_before"].mean())


def cohort_band(routine, days: int, *, baseline_pain: float | None = None, people: int = COHORT_PEOPLE,
                seed: int = 0):
    """Simulate ``people`` following ``routine`` for ``days``; return ``(band, result)`` where
    ``band`` has ``day``, ``mean``, ``lo``, ``hi`` of pain on the 0-10 scale."""
    params = {}
    if baseline_pain is not None and not math.isnan(baseline_pain):
        p = next(q for q in PARAMS if q.name == "pain0_mean")
        params["pain0_mean"] = float(np.clip(baseline_pain * 10, p.lo, p.hi))
    res = simulate(routine, people=people, days=int(days), seed=seed, params=params or None)
    band = band_frame(res, "pain")
    band[["mean", "lo", "hi"]] = band[["mean", "lo", "hi"]] / 10
    return band, res


def log_days(sessions: pd.DataFrame, start) -> pd.DataFrame:
    """The log as model days: ``day`` (0 = ``start``), ``pain`` (mean pain before sessions that day)."""
    start = pd.Timestamp(start)
    daily = sessions.groupby("date")["pain_before"].mean().astype(float)
    return pd.DataFrame({"day": (daily.index - start).days.to_numpy(), "pain": daily.to_numpy(),
                         "date": daily.index})


def where_in_cohort(value: float, cohort_values) -> float:
    """The share of the simulated cohort below ``value`` (0-1; NaN without a value)."""
    v = np.asarray(cohort_values, dtype=float)
    v = v[~np.isnan(v)]
    if value is None or math.isnan(value) or not v.size:
        return float("nan")
    return float((v < value).mean())


def you_vs_model(sessions: pd.DataFrame, routine, plan: dict | None, today, *, days: int | None = None,
                 people: int = COHORT_PEOPLE, seed: int = 0) -> dict:
    """The log beside its cohort: ``band``, ``log`` (model days), ``start``, ``adherence`` (yours),
    ``adherence_percentile`` (share of the cohort with lower adherence), ``inside`` (share of your
    logged days inside the cohort's 95% band) and ``result`` (the simulation)."""
    if routine is None or not hasattr(routine, "daily_plan"):
        raise InputError("routine", "a routine (build one first)", type(routine).__name__)
    today = pd.Timestamp(today).normalize()
    start = pd.Timestamp(plan["start"]) if plan else (sessions["date"].min() if len(sessions) else today)
    span = int((today - start).days) + 1
    days = int(days or max(84, span + 28))
    band, res = cohort_band(routine, days, baseline_pain=_baseline(sessions), people=people, seed=seed)
    log = log_days(sessions, start)
    log = log[(log["day"] >= 0) & (log["day"] < days)]
    merged = log.merge(band, on="day", how="left")
    inside = float(((merged["pain"] >= merged["lo"]) & (merged["pain"] <= merged["hi"])).mean()) if len(merged) else math.nan
    mine = adherence(sessions, plan, today.date())["share"] if plan else math.nan
    return {"band": band, "log": log, "start": start, "adherence": mine,
            "adherence_percentile": where_in_cohort(mine, res.people["adherence"]), "inside": inside, "result": res}


def you_vs_model_plot(view: dict, forecast: PersonalForecast | None = None, *, title: str | None = None,
                      figsize=(7.5, 3.6)) -> Figure:
    """Your daily pain (dots) and its trailing weekly mean over the cohort's band for your routine;
    with a forecast, your own projected trend and its widening 95% range."""
    band, log, start = view["band"], view["log"], view["start"]
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    c_model, c_you, c_fc = color_for("model", 0), color_for("you", 1), color_for("forecast", 2)
    weeks = band["day"] / 7
    ax.fill_between(weeks, band["lo"], band["hi"], color=c_model, alpha=0.18, lw=0,
                    label="simulated people on your routine (95% of them)")
    ax.plot(weeks, band["mean"], color=c_model, lw=1.5, label="their average")
    if len(log):
        ax.scatter(log["day"] / 7, log["pain"], s=10, color=c_you, alpha=0.55, label="you (pain before a session)")
        roll = log.set_index("date")["pain"].rolling("7D", min_periods=3).mean()
        ax.plot(log["day"] / 7, roll.to_numpy(), color=c_you, lw=2, label="you, 7-day average")
    if forecast is not None:
        fr = forecast.frame
        fw = (pd.to_datetime(fr["date"]) - start).dt.days / 7
        ax.fill_between(fw, fr["lo"], fr["hi"], color=c_fc, alpha=0.25, lw=0, label="your trend ahead (95% range)")
        ax.plot(fw, fr["mean"], color=c_fc, lw=1.5, ls="--")
    ax.set_xlabel("weeks since you started")
    ax.set_ylabel("pain (0-10)")
    ax.set_ylim(0, 10)
    ax.set_title(title or "You and simulated people following your routine")
    fig.legend(loc="outside lower center", ncols=3, fontsize=7, frameon=False)
    return fig


def progress_view(journal, routine, today=None, *, weeks: int = 8, people: int = COHORT_PEOPLE) -> dict:
    """Everything a progress page shows for one person: ``summary`` (see
    :func:`spinelib.journal.progress_summary`), ``forecast``, ``model`` (:func:`you_vs_model`,
    None without a routine or a log) and ``figure`` (None likewise)."""
    today = pd.Timestamp(today or journal.today).normalize()
    sessions, measures, plan = journal.sessions(), journal.measures(), journal.plan()
    summary = progress_summary(sessions, measures, plan, today.date())
    fc = personal_forecast(sessions, plan, today, weeks=weeks)
    model = fig = None
    if routine is not None and len(sessions):
        model = you_vs_model(sessions, routine, plan, today, people=people)
        fig = you_vs_model_plot(model, fc)
        plt.close(fig)  # the page embeds it (progress_html); pyplot must not show it a second time at cell end
    return {"summary": summary, "forecast": fc, "model": model, "figure": fig, "sessions": sessions,
            "today": today}


def _table(frame: pd.DataFrame, columns: dict) -> str:
    head = "".join(f"<th>{esc(v)}</th>" for v in columns.values())
    rows = []
    for rec in frame[list(columns)].itertuples(index=False):
        cells = []
        for v in rec:
            if isinstance(v, pd.Timestamp):
                v = v.date().isoformat()
            elif isinstance(v, float):
                v = "" if math.isnan(v) else f"{v:.2f}".rstrip("0").rstrip(".")
            cells.append(f"<td>{esc(str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table class='spl-table'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def progress_html(view: dict, *, title: str = "Your practice so far", standalone: bool = False) -> str:
    """The progress page as HTML (escaped; the figure inline as a PNG), for the app, notebook 09
    and the downloadable report. ``standalone``: a whole HTML document that works offline."""
    s, fc = view["summary"], view["forecast"]
    a, st = s["adherence"], s["streaks"]
    parts = [f"<h2>{esc(title)}</h2>", f"<p class='spl-streak'><b>{esc(st['message'])}</b></p>"]
    if a["planned"]:
        parts.append(f"<p>Planned sessions so far: {a['planned']}; done: {a['done']} ({a['share']:.0%})"
                     + (f"; extra sessions: {a['extra']}" if a["extra"] else "") + ".</p>")
    else:
        parts.append("<p>No plan recorded yet: adherence appears once you build a plan.</p>")
    wm = s["weekly_minutes"].tail(8)
    if len(wm):
        parts.append("<h3>Weekly minutes (last 8 weeks)</h3>" + _table(wm, {"week_start": "week of", "minutes": "minutes",
                                                                               "sessions": "sessions",
                                                                               "flare_days": "flare days"}))
    m = s["measures"]
    if len(m):
        parts.append("<h3>Weekly measures against their minimal important difference (MID)</h3>" + _table(
            m, {"label": "measure", "first": "first", "latest": "latest", "change": "change", "mid": "MID",
                "meaning": "what it means"}))
    if view.get("figure") is not None:
        png = base64.b64encode(figure_png(view["figure"], dpi=90)).decode()
        mv = view["model"]
        parts.append("<h3>You and the model</h3>"
                     f"<img alt='your pain over the simulated cohort band' style='max-width:100%' "
                     f"src='data:image/png;base64,{png}'>")
        if not math.isnan(mv["inside"]):
            parts.append(f"<p>{mv['inside']:.0%} of your logged days sit inside the band of simulated people on "
                         "your routine. The cohort is a teaching model, not a prediction for you.</p>")
    parts.append("<h3>Your forecast</h3><ul>" + "".join(f"<li>{esc(n)}</li>" for n in fc.notes) + "</ul>")
    parts.append("<p style='color:#555'>Nothing here is medical advice. If pain is severe, spreading or comes "
                 "with new symptoms, see a clinician.</p>")
    body = "\n".join(parts)
    if not standalone:
        return f"<div class='spl-progress'>{body}</div>"
    style = ("body{font-family:sans-serif;max-width:52em;margin:2em auto;padding:0 1em}"
             ".spl-table{border-collapse:collapse}.spl-table td,.spl-table th{border:1px solid #ccc;padding:3px 8px}")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{esc(title)}</title>"
            f"<style>{style}</style></head><body>{body}</body></html>")
