"""Self-checks of notebook 02 (insight 2, calm first): breath timing, the calm-first order,
and how sure the evidence is."""
from __future__ import annotations

from ..catalogue import CATEGORIES, load_catalogue
from ..insights import first_strength, is_calm_first
from .core import expect_choice, expect_number, register

register("02-exhale", "02", "At 6 breaths per minute and an in:out ratio of 1:2, how many seconds does each "
         "out-breath last? answer = a number", hint="60 / 6 seconds per breath, split 1 part in, 2 parts out")(
    expect_number(20 / 3, 0.1, "60 / 6 = 10 seconds per breath; 2 of every 3 parts are out-breath, so about 6.7 s.",
                  near={10 / 3: "s is the in-breath. The out-breath is the longer part: 2 of every 3 parts of a "
                                "10-second breath.",
                        10: "s is the whole breath (in and out together).",
                        5: "s would be an even 1:1 split."}))


def _calm_first_checker(answer):
    items = [answer] if isinstance(answer, str) else list(answer)
    cat = {} if set(items) <= set(CATEGORIES) else load_catalogue().set_index("id")["category"].to_dict()
    cats = [x if x in CATEGORIES else cat.get(x) for x in items]
    unknown = [i for i, c in zip(items, cats) if c is None]
    if unknown:
        return False, f"Not a category or an exercise id: {', '.join(map(str, unknown))}."
    if "down_regulation" not in cats:
        return False, "There is no calming (down_regulation) step at all: calm-first starts with one."
    if not is_calm_first(cats):
        return False, (f"{items[first_strength(cats)]} (strengthening) comes before the first calming step; "
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
