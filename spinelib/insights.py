"""The five insights, the organising idea of the workbook, as one table.

Each :class:`Insight` names where the idea lives everywhere else: the catalogue category
that trains it, the simulator's mechanism switch (a parameter in :mod:`spinelib.sim.params`),
the named scenario pair whose difference is the idea, the audit rule, the evidence ids the
audit cites, and the notebook that teaches it. ``docs/insights.md`` is the same map for a
reader.

>>> [i.category for i in INSIGHTS]
['micro_strength', 'down_regulation', 'transition', 'structured_load', 'mobility_reset']
>>> INSIGHT_TITLES[2]
'Calm the nervous system first'
>>> is_calm_first(["down_regulation", "micro_strength"]), is_calm_first(["micro_strength", "down_regulation"])
(True, False)
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Insight", "INSIGHTS", "INSIGHT_TITLES", "INSIGHT_EVIDENCE", "CATEGORY_INSIGHT", "STRENGTH", "CALMING",
           "insight", "is_calm_first", "first_strength"]


@dataclass(frozen=True)
class Insight:
    """One of the five ideas and where it lives in the package."""

    number: int
    title: str
    category: str          # the catalogue category that trains it
    mechanism: str         # the simulator's switch for its model step (spinelib.sim.params)
    scenarios: tuple       # (recommended, comparison) named scenarios (spinelib.sim.scenarios)
    audit_rule: str        # the function in spinelib.audit that judges a routine on it
    evidence: tuple        # evidence ids the audit cites (data/evidence.csv)
    notebook: str          # the notebook that teaches it


INSIGHTS: tuple[Insight, ...] = (
    Insight(1, "Micro-strength, not max effort", "micro_strength", "use_load_control",
            ("micro_strength", "max_effort"), "micro_strength_rule", ("I1-1", "I1-2", "I1-4"),
            "01_micro_strength.ipynb"),
    Insight(2, "Calm the nervous system first", "down_regulation", "use_sensitivity",
            ("calm_first", "strength_only"), "calm_first_rule", ("I2-1", "I2-2", "I2-4"), "02_calm_first.ipynb"),
    Insight(3, "Transitions are exercises", "transition", "use_transitions",
            ("transitions_practised", "transitions_untrained"), "transitions_rule", ("I3-3", "I3-4", "I3-5"),
            "03_transitions.ipynb"),
    Insight(4, "Structured load, not no load", "structured_load", "use_acwr",
            ("structured_load", "unstructured_spikes"), "structured_load_rule", ("I4-8", "I4-9", "I4-13"),
            "04_structured_load.ipynb"),
    Insight(5, "Gentle consistency beats sporadic intensity", "mobility_reset", "use_adherence",
            ("gentle_daily", "weekend_warrior"), "consistency_rule", ("I5-1", "I5-5", "I5-10"),
            "05_consistency.ipynb"),
)

INSIGHT_TITLES = {i.number: i.title for i in INSIGHTS}
INSIGHT_EVIDENCE = {i.number: list(i.evidence) for i in INSIGHTS}
CATEGORY_INSIGHT = {i.category: i.number for i in INSIGHTS}

# the strengthening categories (insights 1 and 4) and the calming one (insight 2)
STRENGTH = ("micro_strength", "structured_load")
CALMING = "down_regulation"


def insight(number: int) -> Insight:
    """The insight with this number (1-5)."""
    return INSIGHTS[int(number) - 1]


def first_strength(categories) -> int | None:
    """Index of the first strengthening category in a day's order, or None."""
    return next((i for i, c in enumerate(categories) if c in STRENGTH), None)


def is_calm_first(categories) -> bool:
    """True when calming comes before the first strengthening drill of the day (insight 2).

    A day with no strengthening counts as calm first; a day whose first strengthening drill
    comes before any calming drill does not.
    """
    for c in categories:
        if c == CALMING:
            return True
        if c in STRENGTH:
            return False
    return True
