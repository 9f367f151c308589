"""Lessons: every number a lesson states about the model is read from the model when it runs.

- the findings of each insight (``spinelib.lessons.findings``): every number in the text is a
  value of its frames, and the frames are what ``spinelib.simulate`` and ``compare_people`` give;
- the prose of notebooks 01-05 types no model result as a number (a lint with an allowlist for
  cited evidence figures and for numbers that define something rather than report a result);
- each of those notebooks shows the findings next to a comparison that includes doing nothing;
- the direction claims the notebooks keep in words are the ones the model gives;
- a changed parameter changes the words (the numbers are not typed in).
"""
from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

import spinelib
import spinelib.sim.params as sim_params
from spinelib import lessons
from spinelib.errors import InputError
from spinelib.insights import INSIGHTS
from spinelib.lessons import ARM_NAMES, BASELINE, LESSON_OUTCOMES, findings
from spinelib.sim import OUTCOMES, SCENARIOS, Params, compare_people, simulate

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
NUMBERS = [i.number for i in INSIGHTS]

# a citation id of the evidence or validation table: I1-1, G1, V5, F1 ...
CITATION = r"\b[A-Z]\d+(?:-\d+)?\b"
NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?")


# ------------------------------------------------------------------------------------------ the findings
def _tokens(text: str) -> list[str]:
    return NUMBER.findall(text)


def _decimals(token: str) -> int:
    return len(token.split(".")[1]) if "." in token else 0


def _candidates(f) -> list[float]:
    """Every value a number in the text may be formatted from: means, differences, published and model values."""
    vals = []
    for frame, cols in ((f.frame, ("mean",)), (f.differences, ("difference",))):
        for r in frame.itertuples():
            for c in cols:
                v = getattr(r, c)
                if np.isfinite(v):
                    vals += [v, v * 100] if r.outcome == "adherence" else [v]
    for r in f.evidence.itertuples():
        vals += [r.published, r.lo, r.hi, r.model]
    return vals


def _strip_non_results(f, text: str) -> str:
    """Remove what is not a model result: the evidence rows' own words (question, unit), citation ids and the
    run's set-up (people, length, seed, the interval level)."""
    for r in f.evidence.itertuples():
        text = text.replace(r.question, " ").replace(r.unit, " ")
    text = re.sub(CITATION, " ", text)
    span = f"{f.days // 7} weeks" if f.days % 7 == 0 else f"{f.days} days"
    for setup in (f"{f.people:,} simulated people", span, f"seed {f.seed}", "95% interval"):
        assert setup in text, f"the set-up {setup!r} is missing from the findings"
        text = text.replace(setup, " ")
    return text


@pytest.mark.parametrize("number", NUMBERS)
def test_every_number_in_the_findings_is_read_from_its_frames(number):
    "lessons: each number in the findings text is a frame value (within its rounding), none is typed in"
    f = findings(number)
    text = _strip_non_results(f, f.markdown)
    tokens = _tokens(text)
    assert len(tokens) >= 8, tokens
    values = _candidates(f)
    for tok in tokens:
        v = abs(float(tok.replace(",", "")))
        half = 0.5 * 10 ** -_decimals(tok) + 1e-9
        assert any(abs(abs(c) - v) <= half for c in values), f"insight {number}: {tok} is in no frame"
    # and the other way round: each arm's pain change is quoted
    for r in f.frame[f.frame["outcome"] == "pain_change"].itertuples():
        assert f"pain {'falls' if r.mean <= 0 else 'rises'} by {abs(r.mean):.1f} points" in f.markdown


@pytest.mark.parametrize("number", NUMBERS)
def test_findings_frame_is_what_the_simulator_gives(number):
    "lessons: the frame equals spinelib.simulate + compare_people for the same seed; differences are paired"
    f = findings(number)
    ins = INSIGHTS[number - 1]
    names = [*ins.scenarios, BASELINE]
    results = {n: simulate(n, people=1000, days=84, seed=1) for n in names}
    outcomes = LESSON_OUTCOMES[number]
    table = compare_people(results, outcomes)
    assert list(f.frame["scenario"].unique()) == names
    assert list(f.frame["arm"].unique()) == [ARM_NAMES[n] for n in names]
    assert not f.frame["arm"].str.contains("_").any()
    for r in f.frame.itertuples():
        people = results[r.scenario].people[r.outcome]
        if people.isna().all():
            assert math.isnan(r.mean)
            continue
        assert r.mean == pytest.approx(float(people.mean()), rel=1e-12, abs=1e-12)
        shown = table.loc[OUTCOMES[r.outcome].label, r.scenario]
        m, lo, hi = (float(x) for x in re.findall(r"-?\d+\.\d+", shown))
        # compare_people rounds to 3 decimals, then shows 2
        assert (r.mean, r.lo, r.hi) == pytest.approx((m, lo, hi), abs=0.0056)
    for r in f.differences.itertuples():
        a = results[next(n for n in names if ARM_NAMES[n] == r.arm)].people[r.outcome]
        b = results[next(n for n in names if ARM_NAMES[n] == r.versus)].people[r.outcome]
        if (a - b).isna().all():  # sessions done: no exercise has no planned session
            assert math.isnan(r.difference) and not r.clear and r.outcome in ("adherence", "habit")
            continue
        assert r.difference == pytest.approx(float((a - b).mean()), abs=1e-9)
        assert r.lo <= r.difference <= r.hi
        if r.clear:
            better = (r.difference < 0) == OUTCOMES[r.outcome].lower_is_better
            assert r.favours == (r.arm if better else r.versus)
        else:
            assert r.favours == ""


def test_findings_say_where_the_verdict_is_mixed_and_where_the_evidence_disagrees():
    "lessons: a pair favoured on one outcome and disfavoured on another is called mixed; a 'wrong' verdict is a disagreement"
    for number in NUMBERS:
        f = findings(number)
        pair = f.differences[f.differences["comparison"] == "between the plans"]
        sides = set(pair.loc[pair["clear"], "favours"])
        assert ("verdict is **mixed**" in f.markdown) == (len(sides) == 2), number
        for r in f.evidence.itertuples():
            assert r.verdict in ("within", "direction right", "wrong")
        assert ("disagree" in f.markdown) == ("wrong" in set(f.evidence["verdict"])), number
        assert "**Model and evidence**" in f.markdown
        # a lesson without a published contrast says so
        if len(f.evidence) == 1:
            assert re.search(r"No (published figure|trial)", f.markdown), number


def test_findings_model_side_of_the_evidence_matches_the_frames():
    "lessons: where the validation row is the lesson's own pair (V11: calm first minus strength only), the model value is the frame's difference"
    f = findings(2)
    v11 = f.evidence.set_index("id").loc["V11", "model"]
    d = f.differences
    pain = d[(d["comparison"] == "between the plans") & (d["outcome"] == "pain_change")]["difference"].iloc[0]
    assert v11 == pytest.approx(pain, abs=1e-9)


def test_findings_arguments_cache_and_errors():
    "lessons: a number or a category names the insight; the cache hands out copies; bad input is an InputError"
    a = findings(1, people=200, days=28, seed=3)
    b = findings("micro_strength", people=200, days=28, seed=3)
    assert a.markdown == b.markdown and a.frame.equals(b.frame)
    a.frame.loc[0, "mean"] = 999.0
    assert findings(1, people=200, days=28, seed=3).frame.loc[0, "mean"] != 999.0
    assert "4 weeks" in a.markdown and "200 simulated people" in a.markdown
    assert list(a.table.columns) == ["micro-strength", "max effort", "no exercise"]
    for bad in (0, 6, "nope", True, 1.5):
        with pytest.raises(InputError):
            findings(bad)
    with pytest.raises(InputError):
        findings(1, people=10)
    assert spinelib.lessons is lessons


def test_every_scenario_has_a_plain_name():
    "lessons: every named scenario has a plain name for readers (no snake_case ids in the text)"
    assert set(ARM_NAMES) == set(SCENARIOS)
    assert all("_" not in name for name in ARM_NAMES.values())


# ---------------------------------------------------------------------------------------------- drift
def _patched_params(name: str, value: float):
    return tuple(dataclasses.replace(p, default=value) if p.name == name else p for p in sim_params.PARAMS)


def test_a_changed_parameter_changes_the_words(monkeypatch):
    "lessons: change a simulator parameter's default and the findings text changes with it (nothing is typed in)"
    before = findings(1, people=300, days=42, seed=2)
    spec = next(p for p in sim_params.PARAMS if p.name == "overload_flare")
    monkeypatch.setattr(sim_params, "PARAMS", _patched_params("overload_flare", spec.hi))
    assert Params().overload_flare == spec.hi
    after = findings(1, people=300, days=42, seed=2)
    assert after.markdown != before.markdown
    flares = lambda f: f.frame.set_index(["scenario", "outcome"]).loc[("max_effort", "flares"), "mean"]
    assert flares(after) > flares(before)
    assert f"{flares(after):.2f} per person" in after.markdown
    monkeypatch.undo()
    assert findings(1, people=300, days=42, seed=2).markdown == before.markdown


def test_params_argument_changes_the_words():
    "lessons: findings(..., params=...) runs the model with those parameters"
    base = findings(3, people=300, days=42, seed=2)
    off = findings(3, people=300, days=42, seed=2, params={"use_transitions": False})
    assert off.markdown != base.markdown


# ------------------------------------------------------------------------------------ the notebooks' prose
LESSON_NOTEBOOKS = {i.number: NB_DIR / i.notebook for i in INSIGHTS}

# words that make a sentence speak about the model
MODEL_WORDS = re.compile(r"\b(?:model|models|model's|simulat\w*|scenarios?|cohorts?)\b", re.IGNORECASE)
# a sentence citing an evidence or validation row (I1-1, G1, V5) quotes evidence: allowed as a whole.
# Numbers that are never a model result: link targets, code, scales, step and section numbers, the interval
# level, notebook numbers
NON_RESULT = [r"\]\([^)]*\)", r"`[^`]*`", r"\b0\s*(?:-|to)\s*(?:1|100)\b", r"\b1\s*-\s*5\b",
              r"\b(?:steps?|sections?)\**\s+\d+(?:\s*(?:,|and)\s*\d+)*", r"\b95\s*%", r"\bnotebooks?\s+\d\d\b"]
# (notebook, a fragment of the sentence, why its numbers are not model results)
ALLOWED = [
    ("01_micro_strength", "for 12 weeks", "the length of the simulated run"),
    ("01_micro_strength", "(1 = very light, 5 = heavy)", "the scale of a slider"),
    ("01_micro_strength", "per person over 12 weeks", "the length of the run, in an exercise's question"),
    ("04_structured_load", "the acute one forgets over about 7 days", "the definition of the two load averages"),
    ("04_structured_load", "a 7-day (acute) and a 28-day (chronic) one", "the definition of the two load averages"),
    ("04_structured_load", "a ratio above 1.3 multiplies", "a parameter's definition (acwr_threshold)"),
    ("05_consistency", "ends 12 weeks with the", "the length of the run, in an exercise's question"),
]


def _sentences(md: str):
    for block in re.split(r"\n\s*\n|\n(?=\s*[-*] )|\n(?=#)", md):
        text = " ".join(block.split())
        for s in re.split(r"(?<=[.!?])\s+(?=[A-Z*(\[])", text):
            if s.strip():
                yield s.strip()


def model_numbers(md: str, notebook: str = "") -> list[str]:
    """Sentences of a Markdown text that speak about the model and hold a number that is not allowed."""
    bad = []
    for s in _sentences(md):
        if not MODEL_WORDS.search(s) or re.search(CITATION, s) \
                or any(nb == notebook and frag in s for nb, frag, _ in ALLOWED):
            continue
        rest = s
        for p in NON_RESULT:
            rest = re.sub(p, " ", rest, flags=re.IGNORECASE)
        if re.search(r"\d", rest):
            bad.append(s)
    return bad


def _cells(path: Path, kind: str) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [{"id": c.get("id"), "source": "".join(c["source"])} for c in nb["cells"] if c["cell_type"] == kind]


def test_the_lint_sees_a_typed_model_result():
    "lessons: the prose lint flags a model result typed as a number, not a cited figure or a definition"
    assert model_numbers("In the model, practice lowers flares by 21%. The rest is fine.")
    assert model_numbers("The simulated cohort ends with 2.66 flares per person.")
    assert not model_numbers("The model's effect is an assumption (I3-5).")
    assert not model_numbers("Trials found about 8 points on a 0-100 scale (I1-1), more than the model.")
    assert not model_numbers("In **step 7** of the model ([docs/model.md, section 3](../docs/model.md#3-x)).")
    assert not model_numbers("Pain fell by 15 points in trials.")  # no word about the model: not a model result
    assert not model_numbers("The simulator follows a cohort for 12 weeks.", "01_micro_strength")


@pytest.mark.parametrize("number", NUMBERS)
def test_lesson_prose_types_no_model_result(number):
    "lessons: no markdown sentence of notebooks 01-05 states a model result as a number (they come from findings)"
    path = LESSON_NOTEBOOKS[number]
    bad = [f"{c['id']}: {s}" for c in _cells(path, "markdown") for s in model_numbers(c["source"], path.stem)]
    assert bad == [], f"{path.name}: a model result typed into prose (read it from spinelib.lessons.findings):\n" + \
        "\n".join(bad)


def test_allowlist_entries_are_still_needed():
    "lessons: every allowlist entry matches a sentence of its notebook (stale entries go)"
    for nb, frag, _why in ALLOWED:
        text = " ".join(" ".join(c["source"].split()) for c in _cells(NB_DIR / f"{nb}.ipynb", "markdown"))
        assert frag in text, f"{nb}: allowlist entry {frag!r} matches nothing"


@pytest.mark.parametrize("number", NUMBERS)
def test_lesson_shows_findings_next_to_a_comparison_with_doing_nothing(number):
    "lessons: each notebook 01-05 simulates its pair with no_exercise, draws it, and shows findings(n) after it"
    path = LESSON_NOTEBOOKS[number]
    code = _cells(path, "code")
    ins = INSIGHTS[number - 1]
    sims = [k for k, c in enumerate(code) if "spinelib.simulate(" in c["source"]
            and all(f'"{n}"' in c["source"] for n in (*ins.scenarios, BASELINE))]
    assert sims, f"{path.name}: no comparison cell simulating {ins.scenarios} and {BASELINE!r}"
    assert "plots.cohort_bands(results" in code[sims[0]]["source"]
    found = [k for k, c in enumerate(code) if re.search(rf"spinelib\.lessons\.findings\({number}\b", c["source"])]
    assert found, f"{path.name}: no spinelib.lessons.findings({number}) cell"
    assert found[0] > sims[0], f"{path.name}: the findings come before the comparison"
    md = " ".join(c["source"] for c in _cells(path, "markdown"))
    assert "What the model shows" in md


# the direction claims the notebooks keep in words: (insight, the sentence fragment, outcome, the arm the model
# must favour between the two plans)
CLAIMS = [
    (1, "controlled programme has fewer flares than maximal training", "flares", "micro-strength"),
    (2, "calming first lowers sensitivity and nudges capacity up", "sensitivity", "calm first"),
    (2, "calming first lowers sensitivity and nudges capacity up", "capacity", "calm first"),
    (3, "in the model it has fewer flares but builds a little less capacity", "flares", "transitions practised"),
    (3, "in the model it has fewer flares but builds a little less capacity", "capacity", "transitions not practised"),
    (4, "ends with fewer flares than done in bursts", "flares", "structured steps"),
    (5, "short daily sessions build habit and keep sessions going better", "habit", "gentle daily"),
    (5, "short daily sessions build habit and keep sessions going better", "adherence", "gentle daily"),
]


@pytest.mark.parametrize("number, fragment, outcome, favoured", CLAIMS)
def test_direction_claims_in_prose_are_what_the_model_gives(number, fragment, outcome, favoured):
    "lessons: each direction the notebooks still state in words is the one the model's findings give"
    text = " ".join(" ".join(c["source"].split()) for c in _cells(LESSON_NOTEBOOKS[number], "markdown"))
    assert fragment in text, f"claim no longer in the notebook (update CLAIMS): {fragment!r}"
    d = findings(number).differences
    row = d[(d["comparison"] == "between the plans") & (d["outcome"] == outcome)].iloc[0]
    assert row["clear"] and row["favours"] == favoured, \
        f"the notebook says {fragment!r}, but on {outcome} the model favours {row['favours'] or 'neither'}"


def test_calming_effect_is_smaller_than_exercising_at_all():
    "lessons: notebook 02 says calm first changes capacity by much less than exercising does; the model agrees"
    d = findings(2).differences.set_index(["comparison", "arm", "outcome"])["difference"]
    pair = abs(d[("between the plans", "calm first", "capacity")])
    vs_none = abs(d[("against no exercise", "calm first", "capacity")])
    assert pair < vs_none / 3
