"""Self-checks of notebook 02 (insight 2, calm first): breath timing, the calm-first order,
why calming first helps in the model, and how sure the evidence is."""
from __future__ import annotations

from ..catalogue import CATEGORIES, load_catalogue
from ..insights import first_strength, is_calm_first
from ..practice import breath_timing
from .core import expect_number, expect_sealed_choice, plain, register


def _exhale() -> float:
    return float(breath_timing(6, "1:2")["exhale_s"])


register("02-exhale", "02", "At 6 breaths per minute and an in:out ratio of 1:2, how many seconds does each "
         "out-breath last? answer = a number",
         hint="find the length of one whole breath first, then the out-breath's share of it")(
    expect_number(_exhale, 0.1, lambda v: f"About {v:.1f} s: the out-breath takes 2 of every 3 parts of the breath.",
                  near=lambda: {_exhale() / 2: "s is the in-breath. The out-breath is the longer part.",
                                _exhale() * 1.5: "s is the whole breath (in and out together).",
                                _exhale() * 0.75: "s would be an even 1:1 split."}))


def _calm_first_checker(answer):
    items = [answer] if isinstance(answer, str) else list(answer)
    table = None if set(items) <= set(CATEGORIES) else load_catalogue().set_index("id")
    cat = {} if table is None else table["category"].to_dict()
    cats = [x if x in CATEGORIES else cat.get(x) for x in items]
    unknown = [i for i, c in zip(items, cats) if c is None]
    if unknown:
        return False, f"Not a category or an exercise id: {', '.join(map(str, unknown))}."
    if "down_regulation" not in cats:
        return False, "There is no calming step at all: calm-first starts with one."
    if not is_calm_first(cats):
        first = items[first_strength(cats)]
        name = plain(first) if first in CATEGORIES else table.at[first, "name"]  # plain words, never an id
        return False, (f"{name} (strengthening) comes before the first calming step; "
                       "what should open the session?")
    return True, "Calming comes before any strengthening, which is the order the idea asks for."


register("02-order", "02", "Order a session calm-first: answer = a list of categories or exercise ids, "
         "e.g. ['micro_strength', 'down_regulation', 'transition'] in the order you would do them",
         hint="which of the three lowers the guard, and which needs the guard lowered?")(_calm_first_checker)

register("02-why", "02", "Explain why: in the model, why does capacity grow faster when calming comes first? "
         "answer = 'a', 'b' or 'c'",
         hint="follow the three panels of the comparison from top to bottom")(
    expect_sealed_choice("02-why", ["36fcc0be9cb06e19"],
                  "Lower sensitivity leaves more of each day's training as effective stimulus, and capacity grows "
                  "from the effective stimulus, not from the minutes done.",
                  wrong={"a93019b9ba0af99e": "Calming adds no load in the model; look at what sensitivity does to the "
                                        "training that follows.",
                         "4b5d57210f16c0da": "Compare the minutes of strengthening in the two plans: they are the same."},
                  choices="abc"))

register("02-sure", "02", "How sure is the evidence that slow breathing reduces chronic back pain? "
         "answer = 'strong', 'moderate' or 'weak'", hint="who took part in the breathing studies, and what pain did they have?")(
    expect_sealed_choice("02-sure", ["a23c60641debdccb"],
                  "Weak and indirect: the breathing studies used healthy volunteers and laboratory pain (I2-1, I2-3), "
                  "and the pooled autonomic effects are small (I2-2). Education that calms threat helps mainly when "
                  "it is added to exercise (I2-4).",
                  wrong={"6e45c57000293005": "Did any of the trials measure breathing in people with chronic back "
                                              "pain? Reread I2-1.",
                         "47593679dea7911a": "Look at who was studied (I2-1, I2-3): was it people with chronic "
                                                "back pain?"},
                  choices=["strong", "moderate", "weak"]))
