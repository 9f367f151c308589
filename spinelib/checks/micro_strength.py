"""Self-checks of notebook 01 (insight 1, micro-strength): filter the catalogue, read the
simulation, weigh the trials."""
from __future__ import annotations

from ..catalogue import load_catalogue
from .core import expect_bool, expect_choice, expect_ids, register


def _micro_lying_low() -> set:
    c = load_catalogue()
    return set(c[(c["category"] == "micro_strength") & (c["position"] == "lying") & (c["load_level"] <= 2)]["id"])


def _describe_exercise(ex_id: str) -> str:
    cat = load_catalogue().set_index("id")
    if ex_id not in cat.index:
        return "not an id in the catalogue"
    r = cat.loc[ex_id]
    return f"{r['category']}, {r['position']}, load {r['load_level']}"


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
