"""Self-checks for the "Try it" exercises in the notebooks.

In a notebook::

    answer = 6.67
    check("02-exhale", answer)     # -> a CheckResult that says what is right or wrong

Every exercise is one entry in the registry :data:`EXERCISES`, made with :func:`register`:
an id (``"NN-name"``, NN = the notebook number), the notebook, the question, a hint, and a
checker function ``answer -> (correct, message)``. The message explains, it does not only
say pass or fail. To add exercises for a notebook, append them in the marked section at the
end of this file, reusing the helpers (:func:`expect_number`, :func:`expect_choice`,
:func:`expect_bool`, :func:`expect_ids`).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["CheckResult", "Exercise", "EXERCISES", "register", "check", "exercises",
           "expect_number", "expect_choice", "expect_bool", "expect_ids"]


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


_BLANK = (None, Ellipsis, "")


def check(exercise_id: str, answer) -> CheckResult:
    """Check an answer to a "Try it" exercise and explain what is right or wrong.

    >>> check("02-exhale", 6.67).correct
    True
    >>> print(check("03-count", 140))
    Not yet. 140 is the weekly total; the question asks for one day.
    >>> check("99-nope", 1).correct
    False
    """
    ex = EXERCISES.get(str(exercise_id))
    if ex is None:
        known = ", ".join(sorted(EXERCISES))
        return CheckResult(str(exercise_id), False, f"There is no exercise {exercise_id!r}. Known ids: {known}.")
    if answer is Ellipsis or answer is None or (isinstance(answer, str) and not answer.strip()):
        hint = f" Hint: {ex.hint}" if ex.hint else ""
        return CheckResult(ex.id, False, "No answer yet: replace the ... with your answer and run the cell again." + hint)
    try:
        out = ex.checker(answer)
    except Exception as exc:  # a malformed answer is a message, not a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return CheckResult(ex.id, False, f"I could not read that answer ({first}). {ex.hint}".strip())
    correct, message = out if isinstance(out, tuple) else (bool(out), "")
    if not correct and ex.hint and "Hint:" not in message:
        message = f"{message} Hint: {ex.hint}".strip()
    return CheckResult(ex.id, bool(correct), message)


# ---------------------------------------------------------------- helpers for checkers
def _as_float(answer) -> float:
    if isinstance(answer, str):
        answer = answer.strip().replace(",", ".").rstrip("s").strip()
    x = float(answer)
    if not math.isfinite(x):
        raise ValueError("a finite number is needed")
    return x


def expect_number(expected: float, tol: float, why: str, near: dict | None = None) -> Callable:
    """A checker for a number within ``tol`` of ``expected``; ``near`` maps tempting wrong
    values to an explanation."""

    def checker(answer):
        x = _as_float(answer)
        if abs(x - expected) <= tol:
            return True, why
        for value, msg in (near or {}).items():
            if abs(x - value) <= tol:
                return False, f"{x:g} {msg}"
        side = "high" if x > expected else "low"
        return False, f"{x:g} is too {side}."

    return checker


def _norm(s) -> str:
    return str(s).strip().lower().replace("-", "_").replace(" ", "_").strip("'\"")


def expect_choice(expected: str, why: str, wrong: dict | None = None, synonyms: Iterable[str] = ()) -> Callable:
    """A checker for one of several text choices (case and spacing do not matter)."""
    ok = {_norm(expected), *(_norm(s) for s in synonyms)}
    wrong_n = {_norm(k): v for k, v in (wrong or {}).items()}

    def checker(answer):
        a = _norm(answer)
        if a in ok:
            return True, why
        if a in wrong_n:
            return False, wrong_n[a]
        return False, f"{answer!r} is not one of the choices given in the question."

    return checker


_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def expect_bool(expected: bool, why: str) -> Callable:
    """A checker for True/False (also accepts "yes"/"no")."""

    def checker(answer):
        if isinstance(answer, bool):
            a = answer
        elif _norm(answer) in _TRUE:
            a = True
        elif _norm(answer) in _FALSE:
            a = False
        else:
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


def _catalogue():
    from .catalogue import load_catalogue

    return load_catalogue()


def _describe_exercise(ex_id: str) -> str:
    cat = _catalogue().set_index("id")
    if ex_id not in cat.index:
        return "not an id in the catalogue"
    r = cat.loc[ex_id]
    return f"{r['category']}, {r['position']}, load {r['load_level']}"


# =====================================================================================
# notebook 00: start here
# =====================================================================================
def _screen_checker(answer):
    from .redflags import RED_FLAG_QUESTIONS, RedFlagResult, screen_red_flags

    result = answer if isinstance(answer, RedFlagResult) else screen_red_flags(answer)
    if result.referral:
        return False, ("Your answers include a yes (" + "; ".join(result.reasons) + "). In real life that means: see a "
                       "clinician before starting. For this exercise, answer every question 'no'.")
    if result.unanswered:
        return False, (f"{len(result.unanswered)} of {len(RED_FLAG_QUESTIONS)} questions are still unanswered: "
                       + ", ".join(result.unanswered) + ". A screen with gaps is not clear yet.")
    return True, "All nine answered no, so the screen is clear. Unanswered questions would have kept it incomplete."


register("00-screen", "00", "Screen a dict that answers every red-flag question 'no': "
         "answer = screen_red_flags({...})", hint="use {q: 'no' for q in RED_FLAG_QUESTIONS}")(_screen_checker)

def _next_checker(answer):
    text = str(answer).strip()
    digits = "".join(ch for ch in text.split("_")[0] if ch.isdigit())
    if not digits:
        raise ValueError("give the notebook's number, e.g. 3")
    if int(digits) == 6:
        return True, "Notebook 06 (06_build_your_routine) puts the five ideas together into your own plan."
    return False, f"Notebook {int(digits):02d} teaches one idea or gets you started; the map names the one that builds a plan."


register("00-next", "00", "Which notebook builds your own routine? answer = its number, e.g. 3")(_next_checker)


# =====================================================================================
# notebook 01: micro-strength
# =====================================================================================
def _micro_lying_low():
    c = _catalogue()
    return set(c[(c["category"] == "micro_strength") & (c["position"] == "lying") & (c["load_level"] <= 2)]["id"])


register("01-filter", "01", "The ids of the micro_strength exercises done lying down with a load level of 1 or 2: "
         "answer = a list of ids or the filtered DataFrame",
         hint="cat[(cat.category == 'micro_strength') & (cat.position == 'lying') & (cat.load_level <= 2)]")(
    expect_ids(_micro_lying_low, _describe_exercise))

register("01-flares", "01", "In the simulation, which scenario has fewer flares per person over 12 weeks: "
         "'micro_strength' or 'max_effort'?")(
    expect_choice("micro_strength",
                  "In the model, load far above what the back tolerates adds fatigue and flare risk faster than it "
                  "adds stimulus, so the low-load, high-control programme has fewer flares. This is the model's "
                  "assumption, not a trial result: see the caveat that follows.",
                  wrong={"max_effort": "Look again at the flares panel: heavy loading above capacity raises the "
                                       "flare hazard in the model."},
                  synonyms=["micro", "micro strength"]))

register("01-caveat", "01", "True or False: trials show that motor-control (deep stabilizer) exercise is clearly "
         "better than other kinds of exercise for chronic low back pain.")(
    expect_bool(False, "Pooled trials found motor-control exercise about 8 points better on 0-100 than general "
                       "exercise in the short term, shrinking to no clear difference after about a year (I1-1), and the "
                       "Cochrane review judged it not clinically better than other exercise (I1-2). Changes in deep "
                       "muscle activation also do not track who improves (I1-4)."))

# =====================================================================================
# notebook 02: calm first
# =====================================================================================
register("02-exhale", "02", "At 6 breaths per minute and an in:out ratio of 1:2, how many seconds does each "
         "out-breath last? answer = a number", hint="60 / 6 seconds per breath, split 1 part in, 2 parts out")(
    expect_number(20 / 3, 0.1, "60 / 6 = 10 seconds per breath; 2 of every 3 parts are out-breath, so about 6.7 s.",
                  near={10 / 3: "s is the in-breath. The out-breath is the longer part: 2 of every 3 parts of a "
                                "10-second breath.",
                        10: "s is the whole breath (in and out together).",
                        5: "s would be an even 1:1 split."}))

_STRENGTH = {"micro_strength", "structured_load"}


def _calm_first_checker(answer):
    from .catalogue import CATEGORIES

    items = [answer] if isinstance(answer, str) else list(answer)
    cat = {} if set(items) <= set(CATEGORIES) else _catalogue().set_index("id")["category"].to_dict()
    cats = [x if x in CATEGORIES else cat.get(x) for x in items]
    unknown = [i for i, c in zip(items, cats) if c is None]
    if unknown:
        return False, f"Not a category or an exercise id: {', '.join(map(str, unknown))}."
    if "down_regulation" not in cats:
        return False, "There is no calming (down_regulation) step at all: calm-first starts with one."
    first_strength = next((i for i, c in enumerate(cats) if c in _STRENGTH), None)
    first_calm = cats.index("down_regulation")
    if first_strength is not None and first_strength < first_calm:
        return False, (f"{items[first_strength]} (strengthening) comes before the first calming step; "
                       "move a down_regulation drill to the front.")
    return True, "Calming comes before any strengthening, which is the order the idea asks for."


register("02-order", "02", "Order a session calm-first: answer = a list of categories or exercise ids, "
         "e.g. ['micro_strength', 'down_regulation', 'transition'] in the order you would do them")(_calm_first_checker)

register("02-sure", "02", "How sure is the evidence that slow breathing reduces chronic back pain? "
         "answer = 'strong', 'moderate' or 'weak'")(
    expect_choice("weak",
                  "Weak and indirect: the breathing studies used healthy volunteers and laboratory pain (I2-1, I2-3), "
                  "and the pooled autonomic effects are small (I2-2). Education that calms threat helps mainly when "
                  "it is added to exercise (I2-4).",
                  wrong={"strong": "No trial in people with chronic back pain measured it; the studies used healthy "
                                   "volunteers (I2-1).",
                         "moderate": "Closer, but no chronic back pain trial measured breathing alone; the data come "
                                     "from laboratory pain in healthy volunteers (I2-1, I2-3)."}))

# =====================================================================================
# notebook 03: transitions
# =====================================================================================
register("03-count", "03", "A day with 2 bed exits, 10 stand-ups from a chair, 2 car entries and 6 bends to pick "
         "something up: how many transitions is that? answer = a number")(
    expect_number(20, 0, "2 + 10 + 2 + 6 = 20 transitions a day, 140 a week: far more rehearsals than any session.",
                  near={140: "is the weekly total; the question asks for one day."}))

register("03-sitting", "03", "You sit 8 hours and stand up every 60 minutes. How many breaks is that? "
         "answer = a number", hint="transition_day(sitting_hours=8, break_every_min=60)['sitting_breaks']")(
    expect_number(7, 0, "8 hours in 60-minute blocks is 8 blocks with 7 breaks between them.",
                  near={8: "is the number of sitting blocks; the breaks sit between them."}))

register("03-caveat", "03", "True or False: a Cochrane review found that training workers in lifting technique "
         "prevents back pain.")(
    expect_bool(False, "Lifting-technique training did not lower back pain (OR 1.17, 95% CI 0.68 to 2.02; "
                       "I3-2), a rounded back while lifting is not a proven risk (I3-1), and no trial has tested "
                       "transition practice on its own (I3-5). Practise transitions for confidence and ease, not "
                       "because trials proved they prevent pain."))

# =====================================================================================
# notebooks 04-06: append their exercises below this line (one register(...) per exercise)
# =====================================================================================

# ----- notebook 04: structured load ---------------------------------------------------
register("04-steady", "04", "The acute:chronic ratio after eight weeks at the same load every day: answer = a number",
         hint="at a steady load the week's average equals the month's average")(
    expect_number(1.0, 0.02, "At a steady load the 7-day and the 28-day averages are equal, so the ratio is 1: "
                             "no jump, whatever the size of the load.",
                  near={0.0: "would mean no load this week at all; here every day is the same."}))

register("04-spike", "04", "Four weeks at 10 a day, then a week at 30 a day: the acute:chronic ratio at the end of "
         "that week? answer = a number", hint="pw.acwr([10.0] * 28 + [30.0] * 7)['acwr'].iloc[-1]")(
    expect_number(1.57, 0.03, "About 1.57: above the 1.5 line. The raw loads differ threefold, but both averages "
                              "smooth the jump, the 28-day one more slowly, so the ratio is about 1.6.",
                  near={3.0: "is the ratio of the raw daily loads (30 / 10); the ratio compares two smoothed "
                             "averages, and the 28-day one has already started to rise."}))


def _plan_checker(answer):
    res = getattr(answer, "result", answer)
    if not isinstance(res, dict) or "daily" not in res:
        raise ValueError("give planner.result (the planner's last result)")
    daily = res["daily"]
    weeks = int(daily["week"].max())
    if weeks < 8:
        return False, f"The plan covers {weeks} weeks; make it at least 8 so there is time to step up."
    if not res.get("step_weeks"):
        return False, "Nothing steps up in this plan; a plan that never progresses is not structured load."
    late = daily[daily["week"] >= 5]
    out = late[~late["acwr"].between(0.8, 1.3)]
    if len(out):
        first = out.iloc[0]
        return False, (f"On day {int(first['day'])} (week {int(first['week'])}) the ratio is "
                       f"{first['acwr']:.2f}, outside 0.8-1.3. Step up less often, and let an easier week now and "
                       "then give the month's average time to catch up.")
    return True, (f"From week 5 on every day stays inside 0.8-1.3 while the plan steps up in weeks "
                  f"{', '.join(map(str, res['step_weeks']))}: small, spaced steps are absorbed before the next one.")


register("04-plan", "04", "Planner settings whose ratio stays inside 0.8-1.3 on every day from week 5 on, over at "
         "least 8 weeks with at least one step up: answer = planner.result",
         hint="try stepping up every 3 weeks, with an easier week every 4th")(_plan_checker)

register("04-caveat", "04", "True or False: studies have shown that keeping the acute:chronic ratio inside 0.8-1.3 "
         "prevents back-pain flares.")(
    expect_bool(False, "The 0.8-1.3 band comes from team-sport injury data (I4-8 to I4-11), not from back pain, "
                       "and even there it is contested: a fixed or random 'chronic' load predicted about as well "
                       "(I4-13). It is a rough picture of 'too much, too soon', not a proven rule."))

# ----- notebook 05: consistency --------------------------------------------------------
register("05-habit-days", "05", "Days for habit = 1 - exp(-0.045 x days) to reach 95% of its plateau: "
         "answer = a number", hint="solve exp(-0.045 x days) = 0.05, i.e. days = ln(20) / 0.045")(
    expect_number(66.57, 1.5, "ln(20) / 0.045 is about 67 days, Lally's median of about 66 days.",
                  near={15.4: "is the halfway point (ln 2 / 0.045); 95% takes more than four times as long.",
                        22.2: "is 1 / 0.045, where habit is at 63% of its plateau, not 95%."}))

register("05-miss", "05", "True or False: in Lally's habit study, missing a single day seriously set back habit "
         "formation.")(
    expect_bool(False, "Missing one opportunity did not materially affect habit formation (I5-1). What builds a "
                       "habit is repeating it most days in the same situation, over weeks."))

register("05-daily", "05", "In the simulation, which scenario ends 12 weeks with the stronger habit: 'gentle_daily' "
         "or 'weekend_warrior'?")(
    expect_choice("gentle_daily",
                  "In the model habit grows with each practised day, not with minutes, so short daily sessions "
                  "build it faster than rare long ones. That follows Lally's daily-behaviour curve (I5-1); no trial "
                  "has compared the two schedules in back pain.",
                  wrong={"weekend_warrior": "Look again at the habit panel: one or two long sessions a week give "
                                            "the habit few days to grow on."},
                  synonyms=["gentle daily", "daily"]))

# ----- notebook 06: build your routine -------------------------------------------------
def _ten_checker(answer):
    from .audit import audit, passes

    routine = answer.get("routine") if isinstance(answer, dict) else answer
    if getattr(routine, "is_referral", False):
        return False, "That is a red-flag referral, not a plan: answer the safety questions 'no' for this exercise."
    if not hasattr(routine, "items") or not hasattr(routine, "profile"):
        raise ValueError("give the routine, e.g. spinelib.build_routine({...}) or builder.result")
    if routine.profile.minutes_per_day != 10:
        return False, f"The profile asks for {routine.profile.minutes_per_day} minutes a day; set it to 10."
    if routine.minutes > 10 + 1e-9:
        return False, f"The plan takes {routine.minutes:g} minutes, more than the 10 available."
    if routine.days_per_week != 7:
        return False, f"The plan has {routine.days_per_week} session days a week; make it every day."
    table = audit(routine)
    if not passes(table):
        bad = table[table["status"] == "fail"].iloc[0]
        return False, f"Insight {bad['insight']} fails: {bad['reason']}"
    warns = int((table["status"] == "warn").sum())
    return True, (f"{routine.minutes:g} minutes a day in {len(routine.items)} drills and no insight fails"
                  + (f" ({warns} warning(s) worth reading)." if warns else ".")
                  + " Ten minutes is enough for a calming drill, a transition and a stabilizer.")


register("06-ten", "06", "A plan with 10 minutes a day, every day, that passes the audit: answer = the routine",
         hint='spinelib.build_routine({"minutes_per_day": 10, "days_per_week": 7})')(_ten_checker)


def _irritable_checker(answer):
    from .routine import SLOTS, build_routine

    high = build_routine({"minutes_per_day": 15, "irritability": "high"})
    minutes = high.slot_minutes()
    best = max(minutes, key=minutes.get)
    a = _norm(answer).replace("mid_day", "midday")
    if a not in SLOTS:
        raise ValueError("answer 'morning', 'midday' or 'evening'")
    detail = ", ".join(f"{s} {m:g} min" for s, m in minutes.items())
    if a == best:
        return True, (f"With a highly irritable back the {best} slot gets the most time ({detail}): more calming, "
                      "and the strengthening share shrinks.")
    return False, f"Not the {a} slot: the builder gives {detail} when irritability is high."


register("06-irritable", "06", "With irritability 'high' (other settings default), which slot gets the most minutes: "
         "'morning', 'midday' or 'evening'?")(_irritable_checker)

register("06-referral", "06", "True or False: with a yes to one safety question, the builder still gives a gentler "
         "plan.")(
    expect_bool(False, "Any yes on the red-flag screen means: see a clinician first. The builder then shows the "
                       "referral message and no plan at all, however gentle (rows Z1-Z3)."))
