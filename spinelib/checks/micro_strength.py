"""Self-checks of notebook 01 (insight 1, micro-strength): filter the catalogue, read the
simulation, weigh the trials."""
from __future__ import annotations

from ..catalogue import load_catalogue
from .core import expect_ids, expect_sealed_bool, expect_winner, plain, register


def _micro_lying_low() -> set:
    c = load_catalogue()
    return set(c[(c["category"] == "micro_strength") & (c["position"] == "lying") & (c["load_level"] <= 2)]["id"])


def _describe_exercise(ex_id: str) -> str:
    cat = load_catalogue().set_index("id")
    if ex_id not in cat.index:
        return "not an id in the catalogue"
    r = cat.loc[ex_id]
    return f"{plain(r['category'])}, {r['position']}, load {r['load_level']}"


register("01-filter", "01", "The ids of the micro_strength exercises done lying down with a load level of 1 or 2: "
         "answer = a list of ids or the filtered DataFrame",
         hint="three conditions, one on each of the category, position and load_level columns, joined with &")(
    expect_ids(_micro_lying_low, _describe_exercise))


# the truth is read from the model at check time, so the exercise follows the simulator
_flares_checker = expect_winner(
    ("micro_strength", "max_effort"), lambda r: r.people["flares"].mean(), best="min",
    synonyms={"micro": "micro_strength"},
    right=lambda detail: (f"Flares per person over 12 weeks in the model: {detail}. In the model, load far above what "
                          "the back tolerates adds fatigue and flare risk faster than it adds stimulus. This is the "
                          "model's assumption, not a trial result: see the caveat that follows."),
    wrong="Look again at the flares panel, at week 12, and compare the two means.")


register("01-flares", "01", "In the simulation, which scenario has fewer flares per person over 12 weeks: "
         "'micro_strength' or 'max_effort'?", hint="read the flares panel at the last week")(_flares_checker)

register("01-caveat", "01", "True or False: trials show that motor-control (deep stabilizer) exercise is clearly "
         "better than other kinds of exercise for chronic low back pain.")(
    expect_sealed_bool("01-caveat", "ba9738c1090ab3da",
                "Pooled trials found motor-control exercise about 8 points better on 0-100 than general "
                "exercise in the short term, shrinking to no clear difference after about a year (I1-1), and the "
                "Cochrane review judged it not clinically better than other exercise (I1-2). Changes in deep "
                "muscle activation also do not track who improves (I1-4).",
                wrong="Reread rows I1-1 and I1-2: what did they compare motor-control exercise with?"))
