"""What each lesson's simulation shows, in words whose every number is read from the model when it runs.

:func:`findings` simulates an insight's recommended scenario, its comparison and the
no-exercise control once (same people, same seed) and returns a :class:`Findings`:

- ``frame``: one row per arm and outcome (mean and 95% interval of the mean, as
  :func:`~spinelib.sim.results.compare_people` gives them), arms under plain names;
- ``differences``: each arm against no exercise and the recommended arm against its comparison,
  per outcome (a paired difference: the arms are the same simulated people), with the side the
  model favours, or none when the 95% interval of the difference includes no difference;
- ``evidence``: the model's answer next to the published figure, for the rows of the validation
  table (``data/validation.csv``) that speak to the lesson, with the verdict of
  :func:`~spinelib.sim.validation.verdict`;
- ``markdown``: the plain-words summary, every number formatted from those three frames; it says
  where the verdict is mixed and where the model and the evidence disagree, or that no published
  figure tests the contrast.

Nothing is typed in: change a parameter and the words change with it. Results are cached per
arguments, so a notebook can call :func:`findings` freely. Nothing here is medical advice.

>>> f = findings(1, people=200, days=28)
>>> list(f.frame["arm"].unique())
['micro-strength', 'max effort', 'no exercise']
>>> f.markdown.startswith("**What the model shows**")
True
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import InputError, whole_number
from .evidence import evidence_table
from .insights import CATEGORY_INSIGHT, INSIGHTS, Insight
from .sim.engine import simulate
from .sim.params import Params
from .sim.results import OUTCOMES, ci95
from .sim.scenarios import SCENARIOS, scenario_title
from .sim.validation import MODEL_RUNS, load_validation, smd, verdict

__all__ = ["ARM_NAMES", "BASELINE", "LESSON_OUTCOMES", "EVIDENCE_ROWS", "BASELINE_ROW", "Findings", "findings",
           "smd"]

BASELINE = "no_exercise"

# plain names of the scenarios, for readers (the ids stay in `scenario`): the simulator's own titles
ARM_NAMES = {name: sc.title for name, sc in SCENARIOS.items()}

# the outcomes each lesson reads (names of spinelib.sim.OUTCOMES)
LESSON_OUTCOMES = {
    1: ("pain_change", "flares", "capacity"),
    2: ("pain_change", "flares", "capacity", "sensitivity"),
    3: ("pain_change", "flares", "capacity"),
    4: ("pain_change", "flares", "capacity", "adherence"),
    5: ("pain_change", "flares", "adherence", "habit"),
}
# outcomes that only exist with a programme: not compared with doing nothing
_PROGRAMME_ONLY = {"adherence", "habit"}

# validation rows (data/validation.csv) that speak to each lesson's pair; the model's side is
# MODEL_RUNS[id] run with the lesson's people, seed and parameters
EVIDENCE_ROWS = {1: ("V5", "V3"), 2: ("V11",), 3: (), 4: (), 5: ()}
# the row for "exercise against nothing", applied to the lesson's recommended arm
BASELINE_ROW = "V6"

# what the evidence does not test, per lesson (no model numbers here)
_NO_TRIAL = {
    1: "",
    2: "V11 is the nearest published contrast, and it is pain education added to physiotherapy, not calming "
       "before strengthening; the breathing studies (I2-1, I2-3) are in healthy volunteers with laboratory pain.",
    3: "No published figure in the validation table tests transition practice against the same minutes of "
       "strengthening, so the model's effect here is an assumption, not a check against trials.",
    4: "No published figure compares stepped with spiked loading in back pain: the load-ratio rule behind the "
       "model comes from athletes' injuries (I4-10, I4-11) and is contested (I4-13).",
    5: "No trial compares short daily sessions with one long weekly session in back pain: a dose re-analysis "
       "found more sessions a week the most promising lever (I5-10), and the habit curve comes from a study of "
       "everyday behaviours (I5-1), not of back pain.",
}


@dataclass(frozen=True, eq=False)
class Findings:
    """What :func:`findings` returns (see the module's docstring)."""

    insight: Insight
    people: int
    days: int
    seed: int
    frame: pd.DataFrame
    differences: pd.DataFrame
    evidence: pd.DataFrame
    markdown: str
    results: dict = field(repr=False, default_factory=dict)

    @property
    def table(self) -> pd.DataFrame:
        """The frame's means as a small wide table: one row per outcome, one column per arm."""
        wide = self.frame.pivot(index="label", columns="arm", values="mean")
        return wide.reindex(index=list(dict.fromkeys(self.frame["label"])),
                            columns=list(dict.fromkeys(self.frame["arm"]))).rename_axis(index="outcome", columns=None)

    def _repr_markdown_(self) -> str:
        return self.markdown


# --- numbers as words ------------------------------------------------------------------------------------
_DECIMALS = {"pain_change": 1, "flares": 2, "capacity": 2, "capacity_gain": 2, "sensitivity": 2, "habit": 2,
             "adherence": 0}


def _fmt(outcome: str, value: float) -> str:
    """A value (or a difference) of ``outcome`` as shown in the text: shares as percentages."""
    v = abs(value) * (100 if outcome == "adherence" else 1)
    return f"{v:,.{_DECIMALS.get(outcome, 2)}f}"


def _level(outcome: str, value: float, short: bool = False) -> str:
    """One arm's value of an outcome in words: a clause, or (``short``) a few words for brackets."""
    x = _fmt(outcome, value)
    if outcome == "pain_change":
        return f"pain {'falls' if value <= 0 else 'rises'} by {x} points"
    if short:
        return {"flares": f"{x} per person", "adherence": f"{x}% done"}.get(outcome, f"ends at {x}")
    return {"flares": f"there are {x} flares per person", "capacity": f"capacity ends at {x}",
            "sensitivity": f"sensitivity ends at {x}", "adherence": f"{x}% of planned sessions are done",
            "habit": f"habit ends at {x}"}.get(outcome, f"{outcome.replace('_', ' ')} ends at {x}")


def _better(outcome: str, diff: float) -> bool:
    return (diff < 0) == OUTCOMES[outcome].lower_is_better


def _gap(outcome: str, diff: float) -> str:
    """A difference (arm minus the other) in words, from the arm's side."""
    x = _fmt(outcome, diff)
    up = diff > 0
    return {"pain_change": f"{x} points {'less' if up else 'more'} pain relief",
            "flares": f"{x} {'more' if up else 'fewer'} flares per person",
            "capacity": f"{x} load levels {'more' if up else 'less'} capacity",
            "sensitivity": f"sensitivity {x} {'higher' if up else 'lower'}",
            "adherence": f"{x} percentage points {'more' if up else 'fewer'} of the planned sessions done",
            "habit": f"habit {x} {'stronger' if up else 'weaker'}"}.get(
        outcome, f"{outcome.replace('_', ' ')} {x} {'higher' if up else 'lower'}")


_SHORT = {"pain_change": "pain", "flares": "flares", "capacity": "capacity", "sensitivity": "sensitivity",
          "adherence": "sessions done", "habit": "habit"}


def _join(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# --- the computation ---------------------------------------------------------------------------------------
def _resolve(which) -> Insight:
    if isinstance(which, Insight):
        return which
    if isinstance(which, str) and which in CATEGORY_INSIGHT:
        return INSIGHTS[CATEGORY_INSIGHT[which] - 1]
    if isinstance(which, (int, np.integer)) and not isinstance(which, bool) and 1 <= int(which) <= len(INSIGHTS):
        return INSIGHTS[int(which) - 1]
    raise InputError("insight", "a number from 1 to 5 or a category (" + ", ".join(CATEGORY_INSIGHT) + ")", which)


def _arm_rows(number, name, role, res, outcomes) -> list[dict]:
    rows = []
    for o in outcomes:
        m, lo, hi = ci95(res.people[o]) if o in res.people else (math.nan,) * 3
        rows.append({"insight": number, "arm": scenario_title(name), "scenario": name, "role": role, "outcome": o,
                     "label": OUTCOMES[o].label, "mean": m, "lo": lo, "hi": hi})
    return rows


def _diff_rows(number, a, b, ra, rb, outcomes, comparison: str) -> list[dict]:
    rows = []
    for o in outcomes:
        d = (ra.people[o] - rb.people[o]).to_numpy(float)  # the same people in both arms: a paired difference
        m, lo, hi = ci95(d)
        clear = bool(np.isfinite(m) and (lo > 0 or hi < 0) and float(_fmt(o, m).replace(",", "")) > 0)
        favours = (scenario_title(a) if _better(o, m) else scenario_title(b)) if clear else ""
        rows.append({"insight": number, "comparison": comparison, "arm": scenario_title(a), "versus": scenario_title(b),
                     "outcome": o, "label": OUTCOMES[o].label, "difference": m, "lo": lo, "hi": hi,
                     "clear": clear, "favours": favours})
    return rows


def _value_text(measure: str, x: float) -> str:
    return f"{x:.2f}" if measure != "mean difference" else f"{x:.1f}"


def _evidence_rows(ins, results, people, seed, params) -> pd.DataFrame:
    table = load_validation().set_index("id")
    rec, _cmp = ins.scenarios
    rows = []
    for vid in (BASELINE_ROW, *EVIDENCE_ROWS[ins.number]):
        r = table.loc[vid]
        if vid == BASELINE_ROW:
            model = smd(results[rec], results[BASELINE])
            model_side = f"The model, {scenario_title(rec)} against no exercise"
        else:
            model = float(MODEL_RUNS[vid].run(seed, people, params))
            model_side = "The model's answer to the same question"
        pub, lo, hi, null = (float(r[c]) for c in ("published", "lo", "hi", "null"))
        rows.append({"insight": ins.number, "id": vid, "question": r["question"], "measure": r["measure"],
                     "unit": r["unit"], "evidence": r["evidence"], "published": pub, "lo": lo, "hi": hi,
                     "null": null, "model": model, "model_side": model_side,
                     "verdict": verdict(model, pub, lo, hi, null)})
    return pd.DataFrame(rows)


# --- the words -------------------------------------------------------------------------------------------
def _baseline_sentence(frame, outcomes) -> str:
    base = frame[frame["scenario"] == BASELINE].set_index("outcome")["mean"]
    shown = [_level(o, base[o]) for o in outcomes if o not in _PROGRAMME_ONLY]
    return f"With **no exercise**, {_join(shown)}."


def _arm_sentence(frame, diffs, scenario, outcomes) -> str:
    mine = frame[frame["scenario"] == scenario].set_index("outcome")["mean"]
    d = diffs[(diffs["comparison"] == "against no exercise") & (diffs["arm"] == scenario_title(scenario))]
    d = d.set_index("outcome")
    parts, better, worse = [], [], []
    for o in outcomes:
        if o in _PROGRAMME_ONLY:
            continue
        row = d.loc[o]
        if row["clear"]:
            parts.append(f"{_gap(o, row['difference'])} ({_level(o, mine[o], short=True)})")
            (better if row["favours"] == scenario_title(scenario) else worse).append(_SHORT[o])
        else:
            parts.append(f"no clear difference in {_SHORT[o]} ({_level(o, mine[o], short=True)})")
    text = f"**{scenario_title(scenario).capitalize()}** against no exercise: {_join(parts)}."
    if better and worse:
        text += f" A mixed result: better than doing nothing on {_join(better)}, worse on {_join(worse)}."
    elif worse and not better:
        text += " On these outcomes the model does not put it ahead of doing nothing."
    return text


def _pair_sentence(diffs, rec, cmp_, outcomes) -> str:
    d = diffs[diffs["comparison"] == "between the plans"].set_index("outcome")
    head = f"**{scenario_title(rec).capitalize()} against {scenario_title(cmp_)}**"
    for_rec, for_cmp, unclear = [], [], []
    for o in outcomes:
        row = d.loc[o]
        if not row["clear"]:
            unclear.append(f"{_SHORT[o]} ({_fmt(o, row['difference'])} apart, within chance at this cohort size)")
        elif row["favours"] == scenario_title(rec):
            for_rec.append(f"{_SHORT[o]} ({_gap(o, row['difference'])})")
        else:
            for_cmp.append(f"{_SHORT[o]} ({_gap(o, -row['difference'])})")
    none = f"no clear difference in {_join(unclear)}" if unclear else ""
    if for_rec and for_cmp:
        text = (f"{head}: the model's verdict is **mixed**. It favours {scenario_title(rec)} on {_join(for_rec)}, but "
                f"{scenario_title(cmp_)} on {_join(for_cmp)}")
        return text + (f"; {none}." if none else ".")
    if for_rec or for_cmp:
        side, won = (scenario_title(rec), for_rec) if for_rec else (scenario_title(cmp_), for_cmp)
        text = f"{head}: the model favours {side} on {_join(won)}"
        text += f"; {none}." if none else "."
        if for_cmp and not for_rec:
            text += " In the model, this is the opposite of the lesson's idea."
        return text
    return f"{head}: {none}; the model does not tell the two plans apart." if none else f"{head}: nothing to compare."


def _evidence_sentence(r) -> str:
    pub = f"{r.published:g} ({r.lo:g} to {r.hi:g})"
    model = _value_text(r.measure, r.model)
    ids = f"{r.id}" + (f", {r.evidence}" if r.evidence else "")
    head = f"- {r.question} Published ({ids}): {pub}, {r.unit}. {r.model_side}: {model}."
    if r.verdict == "within":
        return head + " **They agree**: the model's value lies inside the published interval."
    if r.verdict == "direction right":
        bigger = abs(r.model - r.null) > abs(r.published - r.null)
        return head + (f" **Same direction, but the model's effect is {'larger' if bigger else 'smaller'}** than "
                       "the published interval.")
    if np.sign(r.model - r.null) == 0:
        return head + " **The model and the evidence disagree**: the model shows no effect where the trials found one."
    return head + (" **The model and the evidence disagree**: the published figure favours one side, the model "
                   "the other.")


def _gap_sentences(ins) -> list[str]:
    out = []
    ev = evidence_table(list(ins.evidence))
    for r in ev[ev["certainty"] == "gap"].itertuples():
        out.append(f"- The evidence table records a gap ({r.id}): {r.claim.rstrip('.')}.")
    if _NO_TRIAL[ins.number]:
        out.append(f"- {_NO_TRIAL[ins.number]}")
    return out


def _markdown(ins, people, days, seed, frame, diffs, evidence) -> str:
    rec, cmp_ = ins.scenarios
    outcomes = LESSON_OUTCOMES[ins.number]
    span = f"{days // 7} weeks" if days % 7 == 0 else f"{days} days"
    lines = [(f"**What the model shows** ({people:,} simulated people, {span}, seed {seed}; the same people in "
              "every arm; a difference counts as clear when its 95% interval excludes zero)."),
             "",
             f"- {_baseline_sentence(frame, outcomes)}",
             f"- {_arm_sentence(frame, diffs, rec, outcomes)}",
             f"- {_arm_sentence(frame, diffs, cmp_, outcomes)}",
             f"- {_pair_sentence(diffs, rec, cmp_, outcomes)}",
             "",
             "**Model and evidence**",
             ""]
    lines += [_evidence_sentence(r) for r in evidence.itertuples()]
    lines += _gap_sentences(ins)
    return "\n".join(lines)


@functools.lru_cache(maxsize=32)
def _compute(number: int, people: int, days: int, seed: int, params: Params) -> Findings:
    ins = INSIGHTS[number - 1]
    rec, cmp_ = ins.scenarios
    outcomes = LESSON_OUTCOMES[number]
    names = (rec, cmp_, BASELINE)
    results = {n: simulate(n, people=people, days=days, seed=seed, params=params) for n in names}
    roles = dict(zip(names, ("recommended", "comparison", "no exercise")))
    frame = pd.DataFrame([row for n in names for row in _arm_rows(number, n, roles[n], results[n], outcomes)])
    diffs = pd.DataFrame(
        _diff_rows(number, rec, BASELINE, results[rec], results[BASELINE], outcomes, "against no exercise")
        + _diff_rows(number, cmp_, BASELINE, results[cmp_], results[BASELINE], outcomes, "against no exercise")
        + _diff_rows(number, rec, cmp_, results[rec], results[cmp_], outcomes, "between the plans"))
    evidence = _evidence_rows(ins, results, people, seed, params)
    text = _markdown(ins, people, days, seed, frame, diffs, evidence)
    return Findings(ins, people, days, seed, frame, diffs, evidence, text, results)


def findings(insight, people: int = 1000, days: int = 84, seed: int = 1, params=None) -> Findings:
    """What the model shows for one insight: its recommended scenario, its comparison and no exercise.

    ``insight``: a number (1-5), a category (``"micro_strength"``...) or an :class:`~spinelib.insights.Insight`.
    ``people``: 50-20,000; ``days``: 14-730; ``seed``: a whole number; ``params``: None, a Params or a dict.
    The same arguments (and the same parameter values) give the cached result; its frames are copies.
    """
    ins = _resolve(insight)
    people = whole_number(people, "people", 50, 20000)
    days = whole_number(days, "days", 14, 730)
    seed = whole_number(seed, "seed", 0, 2**31 - 1)
    f = _compute(ins.number, people, days, seed, Params.coerce(params))
    return Findings(f.insight, f.people, f.days, f.seed, f.frame.copy(), f.differences.copy(), f.evidence.copy(),
                    f.markdown, dict(f.results))
