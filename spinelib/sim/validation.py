"""Validation: the model against published figures it was **not** fitted to.

Calibration (:mod:`~spinelib.sim.calibration`) sets parameters so that the model reproduces a
few published figures (:data:`~spinelib.sim.calibration.TARGETS`); agreeing with those proves
little, because the fit was made to agree. Validation asks the model questions whose answers
it never saw: effects at other time points, supervised against home exercise, dose, prevention,
recurrence, an education add-on, motor control against other exercise, exercise into pain.

The published side of each check is a row of ``data/validation.csv`` (source, value, interval,
certainty and how it was verified). The model side is a small function in :data:`MODEL_RUNS`
that answers the same question with the public simulator (:func:`~spinelib.sim.engine.simulate`,
the named scenarios and plans), run over several seeds. :func:`validation_table` puts them side
by side with a verdict (:func:`verdict`): ``within`` the published interval, ``direction right``
(same side of "no effect", outside the interval) or ``wrong``. Wrong verdicts stay in the table.

Nothing is hard-coded on the model side: every model value is computed when the table is built,
so the table follows the model as it changes. Nothing here is medical advice.

>>> verdict(-8.0, -7.8, -10.95, -4.65, 0.0)
'within'
>>> verdict(-2.0, -7.8, -10.95, -4.65, 0.0)
'direction right'
>>> verdict(1.5, -7.8, -10.95, -4.65, 0.0)
'wrong'
>>> verdict(1.2, 0.65, 0.50, 0.86, 1.0)
'wrong'
"""
from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ..errors import InputError, Shown, whole_number
from ..evidence import CERTAINTY
from ..resources import data_path
from .calibration import TARGETS
from .engine import simulate
from .params import PARAMS, Params
from .plan import CATEGORY_COLUMNS, plan_frame
from .scenarios import scenario_plan

__all__ = ["VALIDATION_COLUMNS", "VERDICTS", "MEASURES", "ModelRun", "MODEL_RUNS", "SEEDS_RANGE", "PEOPLE_RANGE",
           "load_validation", "verdict", "validation_table", "calibration_overlap", "parameter_links",
           "published_markdown", "how_markdown", "validation_markdown", "verdict_counts", "smd"]

VALIDATION_COLUMNS = ("id", "topic", "question", "measure", "published", "lo", "hi", "null", "unit", "population",
                      "citation", "doi_url", "evidence", "certainty", "verified", "note")
VERDICTS = ("within", "direction right", "wrong")
MEASURES = ("mean difference", "standardised mean difference", "risk ratio")
SEEDS_RANGE = (1, 20)
PEOPLE_RANGE = (200, 20000)


# --- the published side ------------------------------------------------------------------------
@functools.lru_cache(maxsize=2)
def _read(path: str) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    if tuple(raw.columns) != VALIDATION_COLUMNS:
        raise InputError("validation.csv columns", ", ".join(VALIDATION_COLUMNS), ", ".join(raw.columns))
    out = raw.copy()
    for col in ("published", "lo", "hi", "null"):
        out[col] = pd.to_numeric(raw[col], errors="coerce")
    for r in out.itertuples():
        where = f"validation.csv row {r.id!r}"
        if any(math.isnan(v) for v in (r.published, r.lo, r.hi, r.null)):
            raise InputError("published, lo, hi, null", "numbers", Shown(f"{r.published}, {r.lo}, {r.hi}, {r.null}"), where=where)
        if not r.lo <= r.published <= r.hi:
            raise InputError("published", f"inside its interval {r.lo:g} to {r.hi:g}", r.published, where=where)
        if r.measure not in MEASURES:
            raise InputError("measure", "one of " + ", ".join(MEASURES), r.measure, where=where)
        if r.certainty not in CERTAINTY:
            raise InputError("certainty", "one of " + ", ".join(CERTAINTY), r.certainty, where=where)
        for col in ("question", "citation", "verified"):
            if not getattr(r, col).strip():
                raise InputError(col, "a non-empty text", "", where=where)
    if out["id"].duplicated().any():
        raise InputError("id", "unique", out.loc[out["id"].duplicated(), "id"].iloc[0], where="validation.csv")
    return out


def load_validation(path=None) -> pd.DataFrame:
    """The published side of the validation table (``data/validation.csv``), checked.

    Columns: :data:`VALIDATION_COLUMNS`; ``published``, ``lo``, ``hi`` and ``null`` (the value
    meaning "no effect": 0 for a difference, 1 for a ratio) are floats.

    >>> v = load_validation()
    >>> len(v) >= 8, set(v["certainty"]) <= {"verbatim", "secondary", "memory"}
    (True, True)
    """
    p = data_path("validation.csv") if path is None else path
    return _read(str(p)).copy()


# --- the verdict ---------------------------------------------------------------------------------
def verdict(model: float, published: float, lo: float, hi: float, null: float) -> str:
    """``within`` when ``lo <= model <= hi``; else ``direction right`` when the model is on the same side of
    ``null`` (no effect) as the published value; else ``wrong`` (also for a missing model value, or a
    model value exactly at ``null`` outside the interval)."""
    if model is None or not math.isfinite(model):
        return "wrong"
    if lo <= model <= hi:
        return "within"
    side_model = np.sign(model - null)
    side_pub = np.sign(published - null)
    if side_model != 0 and side_model == side_pub:
        return "direction right"
    return "wrong"


# --- the model side: plans and readings ------------------------------------------------------------
def _stopped(plan: pd.DataFrame, stop: int) -> pd.DataFrame:
    """The plan with nothing planned from day ``stop`` on (a programme that ends)."""
    out = plan.copy()
    after = out["day"] >= stop
    out.loc[after, "planned"] = False
    for col in (*CATEGORY_COLUMNS, "load_level", "control"):
        out.loc[after, col] = 0.0
    out.loc[after, "calm_first"] = False
    if "supervised" in out.columns:
        out.loc[after, "supervised"] = False
    return out


def _joined(first: pd.DataFrame, second: pd.DataFrame, switch: int) -> pd.DataFrame:
    """Days before ``switch`` from ``first``, the rest from ``second`` (both as long as the run)."""
    cols = [c for c in first.columns if c in second.columns]
    out = pd.concat([first.loc[first["day"] < switch, cols], second.loc[second["day"] >= switch, cols]])
    return out.reset_index(drop=True)


# The rows' fixed day plans are built once (kept by functools' cache): simulate only reads a plan, and
# _stopped and _joined make new frames, so a kept plan is never changed.
@functools.lru_cache(maxsize=16)
def _gentle(days: int, scale: float = 1.0, days_per_week: int = 7) -> pd.DataFrame:
    """The gentle home session (4 min calming, 6 micro-strength, 2 transitions, 3 mobility; load 1.5,
    control 4), every minute times ``scale``, on ``days_per_week`` days."""
    return plan_frame(days, down_regulation=4 * scale, micro_strength=6 * scale, transition=2 * scale,
                      mobility_reset=3 * scale, load_level=1.5, control=4, days_per_week=days_per_week)


@functools.lru_cache(maxsize=8)
def _motor_control(days: int) -> pd.DataFrame:
    return plan_frame(days, down_regulation=3, micro_strength=12, load_level=1.5, control=5)


@functools.lru_cache(maxsize=8)
def _general(days: int) -> pd.DataFrame:
    return plan_frame(days, down_regulation=3, micro_strength=12, load_level=3.0, control=3)


def _change(r) -> float:
    return float(r.people["pain_change"].mean())


def smd(a, b) -> float:
    """Standardised mean difference of end pain (``people["pain_end"]``), ``a`` minus ``b``, over the pooled SD;
    ``a`` and ``b`` are simulation results or their ``people`` frames.

    >>> smd(pd.DataFrame({"pain_end": [1.0, 3.0]}), pd.DataFrame({"pain_end": [3.0, 5.0]}))
    -1.414...
    """
    x = np.asarray(getattr(a, "people", a)["pain_end"], dtype=float)
    y = np.asarray(getattr(b, "people", b)["pain_end"], dtype=float)
    pooled = math.sqrt(((x.size - 1) * x.var(ddof=1) + (y.size - 1) * y.var(ddof=1)) / (x.size + y.size - 2))
    return float((x.mean() - y.mean()) / pooled) if pooled > 0 else math.nan


def _onsets(r, start: int, stop: int) -> float:
    """Flare onsets per person from day ``start`` to ``stop - 1`` (needs a ``full=True`` run)."""
    t = r.trajectories
    flags = np.zeros((r.days, r.people_n), dtype=np.int8)
    flags[t["day"].to_numpy(int), t["person"].to_numpy(int)] = t["flare"].to_numpy() > 0.5
    onset = np.diff(np.vstack([np.zeros((1, r.people_n), dtype=np.int8), flags]), axis=0) == 1
    return float(onset[start:stop].sum() / r.people_n)


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


@dataclass(frozen=True)
class ModelRun:
    """How the model answers one validation question: a plain description and the function
    ``(seed, people, params) -> value`` (the value on the published row's scale)."""

    id: str
    how: str
    run: Callable[[int, int, Params], float]


_RUNS = threading.local()  # .memo: the named-scenario runs of the validation_table call under way (see _sim)


def _sim(what, seed, people, params, days=84, full=False):
    """One run for a row. No row reads the daily percentile bands: not computed (the rest of the result is the
    same to the bit). Inside :func:`validation_table` a named scenario's run is made once and shared by the rows
    that ask the same question of it (gentle daily at 84 days for V1 and V6; no exercise over a year for V7 and
    V8): the same run, so the same numbers (runs with ``full`` are not kept)."""
    memo = getattr(_RUNS, "memo", None)
    # (not the runs with every person-day: no two rows share one, and they are large)
    key = (what, seed, people, params, days) if memo is not None and isinstance(what, str) and not full else None
    if key is not None and key in memo:
        return memo[key]
    r = simulate(what, people=people, days=days, seed=seed, params=params, full=full, bands=False)
    if key is not None:
        memo[key] = r
    return r


@functools.lru_cache(maxsize=4)
def _supervised_then_nothing(days: int) -> pd.DataFrame:
    """The supervised scenario for 84 days, then nothing."""
    return _stopped(scenario_plan("supervised", days), 84)


@functools.lru_cache(maxsize=4)
def _supervised_then_home(days: int) -> pd.DataFrame:
    """The supervised scenario for 84 days, then the gentle programme at home."""
    return _joined(_supervised_then_nothing(days), _gentle(days), 84)


def _v1(seed, people, p):
    return _change(_sim("gentle_daily", seed, people, p)) - _change(_sim("supervised", seed, people, p))


def _v2(seed, people, p):
    low = _sim(_gentle(84, 1.0, 3), seed, people, p)
    high = _sim(_gentle(84, 2.0, 7), seed, people, p)
    return _change(low) - _change(high)


def _v3(seed, people, p):
    return _change(_sim(_motor_control(84), seed, people, p)) - _change(_sim(_general(84), seed, people, p))


def _v4(seed, people, p):
    mce = _sim(_stopped(_motor_control(365), 84), seed, people, p, days=365)
    gen = _sim(_stopped(_general(365), 84), seed, people, p, days=365)
    return _change(mce) - _change(gen)


def _v5(seed, people, p):
    return smd(_sim("max_effort", seed, people, p), _sim("micro_strength", seed, people, p))


def _v6(seed, people, p):
    return smd(_sim("gentle_daily", seed, people, p), _sim("no_exercise", seed, people, p))


def _v7(seed, people, p):
    done = _sim(_stopped(_gentle(365), 84), seed, people, p, days=365)
    return smd(done, _sim("no_exercise", seed, people, p, days=365))


def _v8(seed, people, p):
    ex = _sim("gentle_daily", seed, people, p, days=365)
    none = _sim("no_exercise", seed, people, p, days=365)
    return _ratio(float(ex.people["flares"].mean()), float(none.people["flares"].mean()))


def _v9(seed, people, p):
    ex = _sim(_stopped(_gentle(730), 84), seed, people, p, days=730, full=True)
    none = _sim("no_exercise", seed, people, p, days=730, full=True)
    return _ratio(_onsets(ex, 365, 730), _onsets(none, 365, 730))


def _v10(seed, people, p):
    a = _sim(_supervised_then_home(365), seed, people, p, days=365, full=True)
    b = _sim(_supervised_then_nothing(365), seed, people, p, days=365, full=True)
    return _ratio(_onsets(a, 84, 365), _onsets(b, 84, 365))


def _v11(seed, people, p):
    return _change(_sim("calm_first", seed, people, p)) - _change(_sim("strength_only", seed, people, p))


MODEL_RUNS: dict[str, ModelRun] = {m.id: m for m in (
    ModelRun("V1", "pain change at 84 days, gentle daily (home) minus supervised (the same sessions, supervised)",
             _v1),
    ModelRun("V2", "pain change at 84 days, the gentle session 3 days a week (about 9 hours) minus twice its minutes "
                   "every day (about 42 hours), both at home", _v2),
    ModelRun("V3", "pain change at 84 days, motor control (12 min strengthening at load 1.5, control 5, after 3 min "
                   "calming) minus general exercise (the same minutes at load 3, control 3), daily at home", _v3),
    ModelRun("V4", "as V3 for 84 days, then no programme; pain change at day 365, motor control minus general", _v4),
    ModelRun("V5", "SMD of end pain at 84 days, max effort (load above capacity) against micro-strength (light), "
                   "the same minutes", _v5),
    ModelRun("V6", "SMD of end pain at 84 days, gentle daily (home programme) against no exercise", _v6),
    ModelRun("V7", "SMD of end pain at day 365, the gentle home programme for the first 84 days only, against "
                   "no exercise", _v7),
    ModelRun("V8", "flare onsets per person over 365 days, gentle daily against no exercise (onsets stand in for "
                   "new episodes)", _v8),
    ModelRun("V9", "flare onsets in days 365-729, the gentle programme for the first 84 days only, against "
                   "no exercise", _v9),
    ModelRun("V10", "both arms supervised for 84 days; flare onsets in days 84-364 when the gentle programme goes on "
                    "at home, against stopping", _v10),
    ModelRun("V11", "pain change at 84 days, calm first (8 min calming, then 10 min strengthening) minus "
                    "strength only (the same strengthening, no calming)", _v11),
)}


# --- the table --------------------------------------------------------------------------------------
def _short_source(citation: str) -> str:
    """'Hayden JA, van Tulder ... Ann Intern Med 2005;...' -> 'Hayden 2005'."""
    first = citation.split(",")[0].split(" ")[0].strip()
    years = [w for w in citation.replace(";", " ").replace("(", " ").replace(".", " ").split()
             if w[:4].isdigit() and len(w) >= 4 and w[:2] in ("19", "20")]
    return f"{first} {years[0][:4]}" if years else first


def validation_table(seeds=5, people=1000, params=None, ids=None) -> pd.DataFrame:
    """Each published figure next to the model's answer over ``seeds`` seeds (0, 1, ...) of
    ``people`` simulated people, with a verdict.

    Columns: id, topic, question, source, published, lo, hi, unit, measure, certainty, how,
    model (mean over the seeds), model_min, model_max, seeds, people, verdict.
    ``seeds``: 1-20; ``people``: 200-20,000 (bad values raise an InputError naming the option).
    ``ids``: only these rows (default all).
    """
    seeds = whole_number(seeds, "seeds", *SEEDS_RANGE)
    people = whole_number(people, "people", *PEOPLE_RANGE)
    p = Params.coerce(params)
    table = load_validation()
    if ids is not None:
        wanted = [ids] if isinstance(ids, str) else list(ids)
        unknown = [i for i in wanted if i not in set(table["id"])]
        if unknown:
            raise InputError("id", "one of " + ", ".join(table["id"]), unknown[0])
        table = table[table["id"].isin(wanted)]
    rows = []
    outer, _RUNS.memo = getattr(_RUNS, "memo", None), {}
    try:
        values_by_id = {r.id: np.array([MODEL_RUNS[r.id].run(s, people, p) for s in range(seeds)], dtype=float)
                        for r in table.itertuples()}
    finally:
        _RUNS.memo = outer
    for r in table.itertuples():
        mr = MODEL_RUNS[r.id]
        values = values_by_id[r.id]
        mean = float(np.nanmean(values)) if np.isfinite(values).any() else math.nan
        rows.append({
            "id": r.id, "topic": r.topic, "question": r.question, "source": _short_source(r.citation),
            "published": r.published, "lo": r.lo, "hi": r.hi, "unit": r.unit, "measure": r.measure,
            "certainty": r.certainty, "how": mr.how, "model": mean,
            "model_min": float(np.nanmin(values)) if np.isfinite(values).any() else math.nan,
            "model_max": float(np.nanmax(values)) if np.isfinite(values).any() else math.nan,
            "seeds": seeds, "people": people, "verdict": verdict(mean, r.published, r.lo, r.hi, r.null),
        })
    return pd.DataFrame(rows)


def verdict_counts(table: pd.DataFrame) -> dict:
    """How many rows of a :func:`validation_table` have each verdict (every verdict listed, 0 included).

    >>> verdict_counts(pd.DataFrame({"verdict": ["within", "wrong", "wrong"]}))
    {'within': 1, 'direction right': 0, 'wrong': 2}
    """
    counts = table["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in VERDICTS}


def _target_evidence(targets) -> set[str]:
    ids = set()
    for t in targets:
        ids |= {i.strip() for i in str(t[3]).replace(",", ";").split(";") if i.strip()}
    return ids


def calibration_overlap(targets=TARGETS, table=None) -> dict:
    """What the validation table shares with the calibration targets: ``evidence`` (evidence ids cited by
    both), ``sources`` (validation rows whose citation names a target's source DOI) and ``names`` (a
    validation id that is also a target name). All empty means validation is separate from calibration.

    >>> calibration_overlap()["names"]
    set()
    """
    v = load_validation() if table is None else table
    fitted = _target_evidence(targets)
    cited = {i.strip() for e in v["evidence"] for i in str(e).split(";") if i.strip()}
    names = {t[0] for t in targets}
    text = " ".join(str(t[4]) for t in targets)
    sources = {r.id for r in v.itertuples() if r.doi_url and r.doi_url.split("doi.org/")[-1] in text}
    return {"evidence": cited & fitted, "sources": sources, "names": set(v["id"]) & names}


def parameter_links(table=None) -> dict:
    """Validation ids whose evidence rows also back a parameter's default (not fitted to it, but not
    independent of the model either): id -> list of parameter names."""
    v = load_validation() if table is None else table
    out = {}
    for r in v.itertuples():
        ids = {i.strip() for i in str(r.evidence).split(";") if i.strip()}
        names = [p.name for p in PARAMS if ids & {e.strip() for e in p.evidence.split(";")}]
        if names:
            out[r.id] = names
    return out


# --- Markdown -------------------------------------------------------------------------------------------
def _num(x: float) -> str:
    return "nan" if x is None or not math.isfinite(x) else f"{x:.3g}" if abs(x) < 10 else f"{x:.1f}"


def published_markdown(table=None) -> str:
    """The published side as a Markdown table (what ``docs/validation.md`` holds between its markers)."""
    v = load_validation() if table is None else table
    lines = ["| id | topic | question | published (interval) | unit | source | how sure | verified by |",
             "|---|---|---|---|---|---|---|---|"]
    for r in v.itertuples():
        lines.append(f"| {r.id} | {r.topic} | {r.question} | {r.published:g} ({r.lo:g} to {r.hi:g}) | {r.unit} | "
                     f"{r.citation}. {r.doi_url} | {r.certainty} | {r.verified} |")
    return "\n".join(lines)


def how_markdown(table=None) -> str:
    """How each question is put to the model, one Markdown list item per row (from :data:`MODEL_RUNS`)."""
    v = load_validation() if table is None else table
    return "\n".join(f"- **{r.id}** ({r.topic}): {MODEL_RUNS[r.id].how}. *Published measure: {r.measure}; "
                     f"note: {r.note.rstrip('.')}.*" if r.note else
                     f"- **{r.id}** ({r.topic}): {MODEL_RUNS[r.id].how}. *Published measure: {r.measure}.*"
                     for r in v.itertuples())


def validation_markdown(table: pd.DataFrame) -> str:
    """A :func:`validation_table` as a Markdown table (what ``spinelib validate --markdown`` prints)."""
    lines = ["| id | question | source | published (interval) | model: mean (range over seeds) | verdict |",
             "|---|---|---|---|---|---|"]
    for r in table.itertuples():
        lines.append(f"| {r.id} | {r.question} | {r.source} | {r.published:g} ({r.lo:g} to {r.hi:g}) {r.unit} | "
                     f"{_num(r.model)} ({_num(r.model_min)} to {_num(r.model_max)}) | **{r.verdict}** |")
    return "\n".join(lines)
