"""The self-check machinery: the registry of "Try it" exercises, :func:`check`, and the
helpers that make a checker.

Every exercise is one entry in :data:`EXERCISES`, made with :func:`register`: an id
(``"NN-name"``, NN = the notebook number), the notebook, the question, a hint, and a checker
function ``answer -> (correct, message)``. The message explains, it does not only say pass or
fail. Answers are never stored as plain text: a choice, a True/False or an exact count is kept as
a salted digest (:func:`digest`), and a number is computed from the model or the library at check
time, so a learner cannot read the answer off this package and a quoted number follows the model.
The exercises themselves live in one module per notebook, named by its concept
(``calm_first.py`` holds notebook 02's); to add one, register it there, reusing
:func:`expect_number`, :func:`expect_sealed_choice`, :func:`expect_sealed_bool`, :func:`expect_ids`
and :func:`expect_winner` (which of two simulated scenarios comes out ahead). Messages name things in
plain words (:func:`plain`), never by an internal id such as ``max_effort``.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..errors import yes_no
from ..sim import simulate
from ..sim.scenarios import SCENARIOS, scenario_title

__all__ = ["CheckResult", "Exercise", "EXERCISES", "register", "check", "exercises", "digest",
           "expect_number", "expect_choice", "expect_bool", "expect_ids", "expect_exact",
           "expect_sealed_choice", "expect_sealed_bool", "expect_winner", "as_number", "normalise", "plain"]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a self-check: ``correct`` and a message that explains why.

    It is truthy when correct and shows as one short paragraph in a notebook.
    """

    exercise_id: str
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return ("Right. " if self.correct else "Not yet. ") + self.message

    __repr__ = __str__

    def _repr_markdown_(self) -> str:
        mark = "**Right.**" if self.correct else "**Not yet.**"
        return f"{mark} {self.message}"


@dataclass(frozen=True)
class Exercise:
    id: str
    notebook: str
    question: str
    checker: Callable
    hint: str = ""


EXERCISES: dict[str, Exercise] = {}


def register(exercise_id: str, notebook: str, question: str, hint: str = ""):
    """Decorator: add a checker ``answer -> (correct, message)`` to the registry."""

    def deco(func):
        if exercise_id in EXERCISES:
            raise ValueError(f"self-check id {exercise_id!r} is registered twice")
        EXERCISES[exercise_id] = Exercise(exercise_id, notebook, question, func, hint)
        return func

    return deco


def exercises(notebook: str | None = None) -> list[Exercise]:
    """The registered exercises, optionally only those of one notebook (e.g. ``"01"``)."""
    return [e for e in EXERCISES.values() if notebook is None or e.notebook.startswith(str(notebook))]


def check(exercise_id: str, answer) -> CheckResult:
    """Check an answer to a "Try it" exercise and explain what is right or wrong.

    >>> from spinelib.checks import check   # the registry, with every notebook's exercises
    >>> check("02-exhale", 6.67).correct
    True
    >>> print(check("03-count", 140))
    Not yet. 140 is the weekly total; the question asks for one day. Hint: add up the four kinds of transition.
    >>> check("99-nope", 1).correct
    False
    """
    ex = EXERCISES.get(str(exercise_id))
    if ex is None:
        known = ", ".join(sorted(EXERCISES))
        return CheckResult(str(exercise_id), False, f"There is no exercise {exercise_id!r}. Known ids: {known}.")
    if answer is Ellipsis or answer is None or (isinstance(answer, str) and not answer.strip()):
        hint = f" Hint: {ex.hint}" + ("" if ex.hint.endswith((".", "?", "!")) else ".") if ex.hint else ""
        return CheckResult(ex.id, False, "No answer yet: replace the ... with your answer and run the cell again." + hint)
    try:
        out = ex.checker(answer)
    except Exception as exc:  # a malformed answer is a message, not a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return CheckResult(ex.id, False, f"I could not read that answer ({first}). {ex.hint}".strip())
    correct, message = out if isinstance(out, tuple) else (bool(out), "")
    if not correct and ex.hint and "Hint:" not in message:
        hint = ex.hint if ex.hint.endswith((".", "?", "!")) else ex.hint + "."
        message = f"{message} Hint: {hint}".strip()
    return CheckResult(ex.id, bool(correct), message)


# ---------------------------------------------------------------- helpers for checkers
def digest(exercise_id: str, answer) -> str:
    """The salted digest an answer is stored as: the exercise id is the salt, the answer is
    normalised first (case, spaces, dashes; True/False as ``true``/``false``; whole numbers as ints).

    >>> digest("00-next", " 6 ") == digest("00-next", 6.0)
    True
    >>> len(digest("01-caveat", False))
    16
    """
    if isinstance(answer, bool):
        text = "true" if answer else "false"
    elif isinstance(answer, (int, float)) and float(answer).is_integer():
        text = str(int(answer))
    else:
        text = normalise(answer)
        try:
            x = float(text)
            text = str(int(x)) if x.is_integer() else text
        except ValueError:
            pass
    return hashlib.sha256(f"spinelib:{exercise_id}:{text}".encode()).hexdigest()[:16]


def as_number(answer) -> float:
    """A typed answer as a finite float: ``"6,7 s"`` reads as 6.7.

    >>> as_number(" 6,7s ")
    6.7
    """
    if isinstance(answer, str):
        answer = answer.strip().replace(",", ".").rstrip("s").strip()
    x = float(answer)
    if not math.isfinite(x):
        raise ValueError("a finite number is needed")
    return x


def normalise(text) -> str:
    """A text answer in the form choices are compared in: case, spaces, dashes and quotes do not matter.

    >>> normalise(" 'Micro-Strength' ")
    'micro_strength'
    """
    return str(text).strip().lower().replace("-", "_").replace(" ", "_").strip("'\"")


def plain(name) -> str:
    """An internal id as the words a message shows: a scenario's title (:func:`~spinelib.sim.scenarios.scenario_title`),
    any other id (a category) with spaces.

    >>> plain("max_effort"), plain("transitions_untrained"), plain("down_regulation")
    ('max effort', 'transitions not practised', 'down regulation')
    """
    return scenario_title(name) if name in SCENARIOS else str(name).replace("_", " ")


def expect_winner(scenarios: Sequence[str], outcome: Callable, *, best: str, right: Callable[[str], str],
                  wrong: str, synonyms: dict | None = None, people: int = 1000, days: int = 84,
                  seed: int = 1) -> Callable:
    """A checker for "in the simulation, which of these scenarios comes out ahead?".

    At check time it simulates each of ``scenarios`` (``people``, ``days``, ``seed``), measures it with
    ``outcome(result) -> float``, picks the winner (``best``: ``"min"`` or ``"max"``) and compares it with
    the answer (case, spaces and dashes do not matter; ``synonyms`` maps other accepted words to a
    scenario). So the exercise follows the simulator and no answer is stored. A right answer gets
    ``right(detail)``, where ``detail`` lists each scenario's value in plain words; a wrong one ``wrong``.
    """
    if best not in ("min", "max"):
        raise ValueError("best must be 'min' or 'max'")
    names = {normalise(s): s for s in scenarios}
    names.update({normalise(plain(s)): s for s in scenarios})  # the words the messages use count too
    names.update({normalise(k): v for k, v in (synonyms or {}).items()})

    def checker(answer):
        a = normalise(answer)
        if a not in names:
            raise ValueError("answer " + " or ".join(repr(plain(s)) for s in scenarios))
        values = {s: float(outcome(simulate(s, people=people, days=days, seed=seed))) for s in scenarios}
        winner = (min if best == "min" else max)(values, key=values.get)
        detail = ", ".join(f"{plain(s)} {v:.2f}" for s, v in values.items())
        if names[a] == winner:
            return True, right(detail)
        return False, wrong

    return checker


def expect_number(expected: Callable[[], float], tol: float, why, near: Callable[[], dict] | dict | None = None) -> Callable:
    """A checker for a number within ``tol`` of ``expected()``, computed at check time from the
    library (never typed here); ``near`` maps tempting wrong values to an explanation; ``why`` is a
    text or a function of the expected value."""

    def checker(answer):
        x = as_number(answer)
        want = float(expected() if callable(expected) else expected)
        if abs(x - want) <= tol:
            return True, why(want) if callable(why) else why
        for value, msg in ((near() if callable(near) else near) or {}).items():
            if abs(x - value) <= tol:
                return False, f"{x:g} {msg}"
        side = "high" if x > want else "low"
        return False, f"{x:g} is too {side}."

    return checker


def expect_exact(exercise_id: str, key: str, why: str, near: dict | None = None) -> Callable:
    """A checker for an exact answer (a whole number or a word) stored as its :func:`digest`;
    ``near`` maps the digests of tempting wrong answers to an explanation."""

    def checker(answer):
        d = digest(exercise_id, as_number(answer) if _numeric(answer) else answer)
        if d == key:
            return True, why
        if d in (near or {}):
            return False, f"{answer} {near[d]}"
        return False, f"{answer} is not it."

    return checker


def _numeric(answer) -> bool:
    try:
        as_number(answer)
        return True
    except (TypeError, ValueError):
        return False


def expect_sealed_choice(exercise_id: str, keys: Iterable[str], why: str, wrong: dict | None = None,
                  choices: Iterable[str] = ()) -> Callable:
    """A checker for one of several text choices (case and spacing do not matter). ``keys`` are the
    :func:`digest` of the right answer and its synonyms; ``wrong`` maps the digest of a wrong
    choice to what is wrong with it; ``choices`` (optional) lists every choice offered."""
    ok = set(keys)
    offered = {normalise(c) for c in choices}

    def checker(answer):
        d = digest(exercise_id, answer)
        if d in ok:
            return True, why
        if d in (wrong or {}):
            return False, wrong[d]
        if offered and normalise(answer) in offered:
            return False, f"{answer!r} is not the best choice; reread the question and the section above it."
        return False, f"{answer!r} is not one of the choices given in the question."

    return checker


def expect_sealed_bool(exercise_id: str, key: str, why: str, wrong: str = "") -> Callable:
    """A checker for True/False (also accepts "yes"/"no"); ``key`` is the :func:`digest` of the right
    one. A wrong answer gets ``wrong`` (a pointer to the evidence), never the explanation."""

    def checker(answer):
        a = yes_no(normalise(answer) if isinstance(answer, str) else answer)
        if a is None:
            raise ValueError("answer True or False")
        if digest(exercise_id, a) == key:
            return True, why
        return False, wrong or "Reread the caveat section and the evidence rows it cites, then try again."

    return checker


def expect_choice(expected: str, why: str, wrong: dict | None = None, synonyms: Iterable[str] = ()) -> Callable:
    """A checker for one of several text choices, with the answer in plain text (prefer
    :func:`expect_sealed_choice`, which keeps it as a digest)."""
    ok = {normalise(expected), *(normalise(s) for s in synonyms)}
    wrong_n = {normalise(k): v for k, v in (wrong or {}).items()}

    def checker(answer):
        a = normalise(answer)
        if a in ok:
            return True, why
        if a in wrong_n:
            return False, wrong_n[a]
        return False, f"{answer!r} is not one of the choices given in the question."

    return checker


def expect_bool(expected: bool, why: str) -> Callable:
    """A checker for True/False with the answer in plain text (prefer :func:`expect_sealed_bool`)."""

    def checker(answer):
        a = yes_no(normalise(answer) if isinstance(answer, str) else answer)
        if a is None:
            raise ValueError("answer True or False")
        if a == expected:
            return True, why
        return False, f"The evidence points the other way ({expected}). {why}"

    return checker


def expect_ids(truth: Callable[[], set], describe: Callable[[str], str] | None = None) -> Callable:
    """A checker for a set of exercise ids (a list, a DataFrame with an ``id`` column, or a
    Series); names what is missing and why each extra one does not belong."""

    def checker(answer):
        if hasattr(answer, "columns") and "id" in answer.columns:
            got = set(answer["id"])
        elif hasattr(answer, "tolist"):
            got = set(answer.tolist())
        elif isinstance(answer, str):
            got = {a.strip() for a in answer.replace(";", ",").split(",") if a.strip()}
        else:
            got = set(answer)
        want = set(truth())
        if got == want:
            return True, f"All {len(want)} exercises, and nothing else."
        parts = []
        missing, extra = sorted(want - got), sorted(got - want)
        if missing:
            parts.append(f"missing {len(missing)}: {', '.join(missing)}")
        if extra:
            why = [f"{e} ({describe(e)})" if describe else e for e in extra]
            parts.append(f"{len(extra)} should not be there: {', '.join(why)}")
        return False, f"You have {len(got & want)} of {len(want)} right; " + "; ".join(parts) + "."

    return checker
