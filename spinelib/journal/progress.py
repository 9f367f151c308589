"""Progress from a person's log: adherence against the plan, streaks, weekly minutes, pain and
flare trends, and outcome-measure changes against their minimal important differences.

Plain functions of the DataFrames :class:`~spinelib.journal.db.Journal` returns and of its plan
dict (``start``, ``session_days``, ``slots``), so they run the same on a log read from a
database, a CSV file or made up in a test.

Honest smoothing: the pain trend is a *trailing* 7-day mean (it never looks ahead), shown with
how many entries it rests on; it is left blank when fewer than 3 entries fall in the window,
and its band is the window mean's 95% interval, wide when entries are few or scattered.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .instruments import INSTRUMENTS, peg_score, psfs_score

__all__ = ["planned_sessions", "adherence", "weekly_adherence", "streaks", "weekly_minutes", "pain_trend",
           "flare_trend", "measure_scores", "measure_changes", "progress_summary", "clinic_summary", "GAP_DAYS",
           "TREND_WINDOW", "TREND_MIN"]

GAP_DAYS = 7  # a break of this many days or more, then a session: "welcome back", not a broken streak
TREND_WINDOW = 7
TREND_MIN = 3


def _d(x) -> dt.date:
    return x.date() if isinstance(x, (dt.datetime, pd.Timestamp)) else x


_SLOT_CODE = {"morning": 0, "midday": 1, "evening": 2}


def _keys(dates, slots) -> np.ndarray:
    """(date, slot) pairs as one integer each (day number x 3 + slot), for fast set look-ups."""
    days = pd.DatetimeIndex(dates).to_numpy(dtype="datetime64[D]").astype(np.int64)
    codes = pd.Series(slots, dtype=object).map(_SLOT_CODE).fillna(3).to_numpy(dtype=np.int64)
    return days * 4 + codes


def planned_sessions(plan: dict | None, start, end) -> pd.DataFrame:
    """One row per planned session (``date``, ``slot``) from ``start`` (or the plan's start, if
    later) to ``end``, both included."""
    if not plan:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "slot": pd.Series(dtype=str)})
    start = max(_d(start), _d(plan["start"]))
    days = pd.date_range(start, _d(end), freq="D")
    days = days[days.weekday.isin(plan["session_days"])]
    return pd.DataFrame({"date": np.repeat(days.values, len(plan["slots"])),
                         "slot": np.tile(np.array(plan["slots"], dtype=object), len(days))})


def adherence(sessions: pd.DataFrame, plan: dict | None, today) -> dict:
    """Planned sessions so far, how many were done, the share, and extra (unplanned) sessions.

    Today's planned sessions count once done (the day is not over). ``share`` is NaN with no
    plan or nothing planned yet.
    """
    today = _d(today)
    first = sessions["date"].min() if len(sessions) else pd.Timestamp(today)
    start = _d(plan["start"]) if plan else _d(first)
    planned = planned_sessions(plan, start, today)
    logged = np.unique(_keys(sessions["date"], sessions["slot"]))
    is_done = np.isin(_keys(planned["date"], planned["slot"]), logged)
    # a session planned for today that is not done yet is not missed: the day is not over
    counts = is_done | (planned["date"] < pd.Timestamp(today)).to_numpy()
    hit, n = int(is_done.sum()), int(counts.sum())
    return {"planned": n, "done": int(hit), "share": hit / n if n else float("nan"),
            "extra": int(len(logged) - hit), "since": start}


def weekly_adherence(sessions: pd.DataFrame, plan: dict | None, today) -> pd.DataFrame:
    """Per week (``week_start``, Monday): ``planned``, ``done`` (of those planned), ``share``
    (today's planned sessions count once done, as in :func:`adherence`)."""
    today = _d(today)
    if not plan:
        return pd.DataFrame(columns=["week_start", "planned", "done", "share"])
    planned = planned_sessions(plan, plan["start"], today)
    planned["done"] = np.isin(_keys(planned["date"], planned["slot"]), _keys(sessions["date"], sessions["slot"]))
    planned = planned[planned["done"] | (planned["date"] < pd.Timestamp(today))]  # today counts once done
    planned["week_start"] = planned["date"] - pd.to_timedelta(planned["date"].dt.weekday, unit="D")
    g = planned.groupby("week_start")["done"]
    w = pd.DataFrame({"planned": g.size(), "done": g.sum()}).reset_index()
    w["share"] = w["done"] / w["planned"]
    return w


def streaks(sessions: pd.DataFrame, plan: dict | None, today) -> dict:
    """Streaks counted in session days (days with at least one session).

    With a plan, only planned days can break a run (a rest day never does) and a planned day that
    is still today does not break it either. Returns ``current``, ``longest``, ``gap_days``
    (the break before the current run, in days), ``status`` (``start``, ``going``,
    ``welcome back``, ``paused``) and a ``message`` that never speaks of a broken streak.
    """
    today = _d(today)
    days = sorted({_d(d) for d in pd.to_datetime(sessions["date"])}) if len(sessions) else []
    if not days:
        return {"current": 0, "longest": 0, "gap_days": 0, "status": "start",
                "message": "Your first session starts your log."}
    done = set(days)
    start = min(days[0], _d(plan["start"])) if plan else days[0]
    cal = pd.date_range(start, today, freq="D")
    if plan:
        counted = [d.date() for d in cal if d.weekday() in plan["session_days"] or d.date() in done]
    else:
        counted = [d.date() for d in cal if d.date() in done] + ([today] if today not in done else [])
    runs, run = [], 0
    for d in counted:
        if d in done:
            run += 1
        elif d == today:
            continue
        else:
            runs.append(run)
            run = 0
    runs.append(run)
    current, longest = run, max(runs)
    if not plan:  # without a plan, a run is consecutive calendar days
        current, longest = _calendar_runs(days, today)
    last = days[-1]
    if current == 0:
        gap = (today - last).days
        return {"current": 0, "longest": longest, "gap_days": gap, "status": "paused",
                "message": f"Your last session was {gap} days ago. Today is a good day to pick it up again: "
                           "a short session counts."}
    run_start = _run_start(days, current)
    before = [d for d in days if d < run_start]
    gap = (run_start - before[-1]).days - 1 if before else 0
    if gap >= GAP_DAYS:
        return {"current": current, "longest": longest, "gap_days": gap, "status": "welcome back",
                "message": f"Welcome back! {current} session day{'s' if current != 1 else ''} since your "
                           f"{gap}-day break. Your {len(days)} session days so far all still count."}
    return {"current": current, "longest": longest, "gap_days": gap, "status": "going",
            "message": f"{current} session day{'s' if current != 1 else ''} in a row "
                       f"(your longest run: {longest})."}


def _calendar_runs(days, today):
    runs, run, prev = [], 0, None
    for d in days:
        run = run + 1 if prev is not None and (d - prev).days == 1 else 1
        runs.append(run)
        prev = d
    current = run if (today - days[-1]).days <= 1 else 0
    return current, max(runs)


def _run_start(days, current):
    return days[-current] if current <= len(days) else days[0]


def weekly_minutes(sessions: pd.DataFrame) -> pd.DataFrame:
    """Per week (``week_start``): ``minutes``, ``sessions`` and ``flare_days``."""
    if not len(sessions):
        return pd.DataFrame(columns=["week_start", "minutes", "sessions", "flare_days"])
    wk = (sessions["date"] - pd.to_timedelta(sessions["date"].dt.weekday, unit="D")).rename("week_start")
    g = sessions["minutes"].groupby(wk)
    flare_days = sessions["date"][sessions["flare"].to_numpy()].groupby(wk[sessions["flare"].to_numpy()]).nunique()
    w = pd.DataFrame({"minutes": g.sum(), "sessions": g.size()})
    w["flare_days"] = flare_days.reindex(w.index).fillna(0).astype(int)
    return w.reset_index()


def pain_trend(sessions: pd.DataFrame, window: int = TREND_WINDOW, min_entries: int = TREND_MIN) -> pd.DataFrame:
    """Per logged day: ``pain`` (mean pain before sessions that day), and over the trailing
    ``window`` days: ``n`` (entries), ``smooth`` (their mean, blank with fewer than
    ``min_entries``), ``lo`` and ``hi`` (95% interval of that mean)."""
    if not len(sessions):
        return pd.DataFrame(columns=["date", "pain", "n", "smooth", "lo", "hi"])
    s = sessions.set_index("date").sort_index()["pain_before"].astype(float)
    roll = s.rolling(f"{window}D")
    n, mean, sd = roll.count(), roll.mean(), roll.std()
    se = (sd.fillna(0) / np.sqrt(n)).where(n >= 2, np.nan)
    df = pd.DataFrame({"pain": s, "n": n, "smooth": mean, "se": se})
    df = df.groupby(level=0).last()
    df["pain"] = s.groupby(level=0).mean()
    ok = df["n"] >= min_entries
    df["smooth"] = df["smooth"].where(ok)
    df["lo"] = (df["smooth"] - 1.96 * df["se"]).clip(0, 10)
    df["hi"] = (df["smooth"] + 1.96 * df["se"]).clip(0, 10)
    return df.drop(columns="se").reset_index().rename(columns={"index": "date"})


def flare_trend(sessions: pd.DataFrame, weeks: int = 4) -> pd.DataFrame:
    """Per week: ``flare_days``, ``logged_days`` and the trailing ``weeks``-week share of logged
    days with a flare (``share``), blank until ``weeks`` weeks are in."""
    if not len(sessions):
        return pd.DataFrame(columns=["week_start", "flare_days", "logged_days", "share"])
    days = sessions.groupby("date")["flare"].any()
    wk = days.index - pd.to_timedelta(days.index.weekday, unit="D")
    w = pd.DataFrame({"flare_days": days.groupby(wk).sum(), "logged_days": days.groupby(wk).size()})
    w = w.reindex(pd.date_range(w.index.min(), w.index.max(), freq="7D"), fill_value=0)
    roll_f = w["flare_days"].rolling(weeks, min_periods=weeks).sum()
    roll_l = w["logged_days"].rolling(weeks, min_periods=weeks).sum()
    w["share"] = roll_f / roll_l.replace(0, np.nan)
    return w.reset_index(names="week_start")[["week_start", "flare_days", "logged_days", "share"]]


def measure_scores(measures: pd.DataFrame) -> pd.DataFrame:
    """Per week: the score of each instrument (``nrs``, ``peg``, ``psfs``), NaN where not answered."""
    out = pd.DataFrame({"week_start": measures["week_start"]})
    out["nrs"] = measures["nrs"].astype(float)
    out["peg"] = [peg_score(p, e, g) if not any(pd.isna([p, e, g])) else np.nan
                  for p, e, g in zip(measures["peg_pain"], measures["peg_enjoyment"], measures["peg_activity"])]
    out["psfs"] = [psfs_score([a, b, c]) for a, b, c in zip(measures["psfs_1"], measures["psfs_2"], measures["psfs_3"])]
    return out


def measure_changes(measures: pd.DataFrame) -> pd.DataFrame:
    """Per instrument: first and latest score, the change, the MID and what the change means.

    ``meaning`` is one of ``improved`` (by at least the MID), ``worse`` (by at least the MID),
    ``within the MID`` or ``one measure so far``. For NRS pain a fall of 30% or more also
    counts as improved (Farrar 2001).
    """
    scores = measure_scores(measures)
    rows = []
    for key, ins in INSTRUMENTS.items():
        s = scores[["week_start", key]].dropna()
        if s.empty:
            continue
        first, latest = float(s[key].iloc[0]), float(s[key].iloc[-1])
        change = latest - first
        better = -change if ins.lower_is_better else change
        if len(s) < 2:
            meaning = "one measure so far"
        elif better >= ins.mid - 1e-9 or (key == "nrs" and first > 0 and -change / first >= 0.3):
            meaning = "improved"
        elif -better >= ins.mid - 1e-9:
            meaning = "worse"
        else:
            meaning = "within the MID"
        weeks = int((s["week_start"].iloc[-1] - s["week_start"].iloc[0]).days // 7)
        rows.append({"instrument": key, "label": ins.label, "first": first, "latest": latest, "change": change,
                     "mid": ins.mid, "weeks": weeks, "meaning": meaning, "evidence": ";".join(ins.evidence)})
    return pd.DataFrame(rows, columns=["instrument", "label", "first", "latest", "change", "mid", "weeks", "meaning",
                                       "evidence"])


def progress_summary(sessions: pd.DataFrame, measures: pd.DataFrame | None, plan: dict | None, today) -> dict:
    """Everything the progress view shows, in one dict: ``adherence``, ``weekly_adherence``,
    ``streaks``, ``weekly_minutes``, ``pain_trend``, ``flare_trend``, ``measures``."""
    return {
        "adherence": adherence(sessions, plan, today),
        "weekly_adherence": weekly_adherence(sessions, plan, today),
        "streaks": streaks(sessions, plan, today),
        "weekly_minutes": weekly_minutes(sessions),
        "pain_trend": pain_trend(sessions),
        "flare_trend": flare_trend(sessions),
        "measures": measure_changes(measures) if measures is not None and len(measures) else measure_changes(
            pd.DataFrame(columns=["week_start", "nrs", "peg_pain", "peg_enjoyment", "peg_activity", "psfs_1",
                                  "psfs_2", "psfs_3"])),
    }


def clinic_summary(sessions: pd.DataFrame, plans: dict, today) -> pd.DataFrame:
    """One row per person of a shared (clinic) log, vectorised for many people: ``sessions``,
    ``minutes``, ``planned`` and ``done`` (planned sessions so far and those done), ``adherence``,
    ``pain_first`` and ``pain_last`` (mean pain before sessions in the first and the last 28
    days), ``pain_change``, ``flare_days`` and ``last_session``.

    ``sessions`` as returned by :func:`~spinelib.journal.db.clinic_sessions`; ``plans`` by
    :func:`~spinelib.journal.db.clinic_plans`.
    """
    today = pd.Timestamp(_d(today))
    s = sessions
    g = s.groupby("person", sort=True)
    out = g.agg(sessions=("slot", "size"), minutes=("minutes", "sum"), first=("date", "min"),
                last_session=("date", "max"))
    first = s["person"].map(out["first"])
    pain = s["pain_before"].astype(float)
    out["pain_first"] = pain[s["date"] < first + pd.Timedelta(days=28)].groupby(s["person"]).mean()
    out["pain_last"] = pain[s["date"] > today - pd.Timedelta(days=28)].groupby(s["person"]).mean()
    out["pain_change"] = out["pain_last"] - out["pain_first"]
    out["flare_days"] = s[s["flare"]].groupby("person")["date"].nunique()
    out["flare_days"] = out["flare_days"].fillna(0).astype(int)
    # planned sessions so far, per person: session weekdays from the plan's start to yesterday, x slots
    people = out.index
    known = [p for p in people if p in plans]
    planned = pd.Series(0, index=people, dtype=int)
    done = pd.Series(0, index=people, dtype=int)
    if known:
        day_mask = pd.Series({p: sum(1 << d for d in plans[p]["session_days"]) for p in known})
        slot_bit = {s: 1 << k for k, s in enumerate(("morning", "midday", "evening"))}
        slot_mask = pd.Series({p: sum(slot_bit.get(s, 0) for s in plans[p]["slots"]) for p in known})
        starts = pd.Series({p: pd.Timestamp(plans[p]["start"]) for p in known})
        for p in known:
            n = max(int((today - starts[p]).days), 0)
            full, rest = divmod(n, 7)
            wd0 = starts[p].weekday()
            days = full * len(plans[p]["session_days"]) + sum(((wd0 + k) % 7) in plans[p]["session_days"]
                                                             for k in range(rest))
            planned[p] = days * len(plans[p]["slots"])
        codes, uniq = pd.factorize(s["person"])  # one plan lookup per person, then by integer code
        dm = day_mask.reindex(uniq).fillna(0).astype(np.int64).to_numpy()[codes]
        sm = slot_mask.reindex(uniq).fillna(0).astype(np.int64).to_numpy()[codes]
        st = starts.reindex(uniq).to_numpy(dtype="datetime64[ns]")[codes]
        wd = s["date"].dt.weekday.to_numpy()
        sc, su = pd.factorize(s["slot"])
        sb = np.array([slot_bit.get(x, 0) for x in su], dtype=np.int64)[sc]
        dates = s["date"].to_numpy()
        ok = ((dm >> wd) & 1).astype(bool) & ((sm & sb) > 0) & (dates >= st) & (dates <= today.to_datetime64())
        hit = s[ok]
        done = hit.groupby("person").size().reindex(people, fill_value=0)
        # as in adherence(): today's planned sessions count once done
        planned = planned + hit[hit["date"] == today].groupby("person").size().reindex(people, fill_value=0)
    out["planned"] = planned
    out["done"] = done
    out["adherence"] = (out["done"] / out["planned"].replace(0, np.nan))
    return out.drop(columns="first").reset_index()[["person", "sessions", "minutes", "planned", "done", "adherence",
                                                    "pain_first", "pain_last", "pain_change", "flare_days",
                                                    "last_session"]]
