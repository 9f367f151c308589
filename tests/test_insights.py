"""Insights: the five ideas as one table, and the one calming-before-strengthening rule."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinelib.audit import RULES
from spinelib.catalogue import CATEGORIES
from spinelib.evidence import load_evidence
from spinelib.insights import (CATEGORY_INSIGHT, INSIGHT_EVIDENCE, INSIGHT_TITLES, INSIGHTS, STRENGTH, first_strength,
                               insight, is_calm_first)
from spinelib.sim import MECHANISMS, SCENARIOS

ROOT = Path(__file__).resolve().parents[1]


def test_one_row_per_insight_pointing_at_real_things():
    "insights: every insight names a catalogue category, a model switch, a scenario pair, an audit rule, a notebook"
    assert [i.number for i in INSIGHTS] == [1, 2, 3, 4, 5]
    assert sorted(i.category for i in INSIGHTS) == sorted(CATEGORIES)
    ids = set(load_evidence()["id"])
    for i in INSIGHTS:
        assert MECHANISMS[i.mechanism] == i.number
        rec, cmp = i.scenarios
        assert SCENARIOS[rec].insight == SCENARIOS[cmp].insight == i.number
        assert SCENARIOS[rec].side == "recommended" and SCENARIOS[cmp].side == "comparison"
        assert callable(RULES[i.audit_rule])
        assert set(i.evidence) <= ids
        nb = json.loads((ROOT / "notebooks" / i.notebook).read_text())
        titles = [c["source"][0] for c in nb["cells"] if c["cell_type"] == "markdown" and c["source"]
                  and c["source"][0].startswith("# ")]
        assert titles[0].startswith(f"# 0{i.number}")
        assert insight(i.number) is i
    assert INSIGHT_TITLES[4] == "Structured load, not no load"
    assert INSIGHT_EVIDENCE[1] == ["I1-1", "I1-2", "I1-4"]
    assert CATEGORY_INSIGHT["transition"] == 3


def test_docs_map_every_insight():
    "insights: docs/insights.md has a row per insight naming its notebook, scenarios and audit rule"
    text = (ROOT / "docs" / "insights.md").read_text()
    for i in INSIGHTS:
        assert i.notebook in text and i.scenarios[0] in text and i.scenarios[1] in text
        assert i.audit_rule in text


@pytest.mark.parametrize("order, calm_first, first", [
    (["down_regulation", "micro_strength"], True, 1),
    (["transition", "down_regulation", "structured_load"], True, 2),
    (["micro_strength", "down_regulation"], False, 0),
    (["transition", "structured_load"], False, 1),
    (["transition", "mobility_reset"], True, None),
    ([], True, None),
])
def test_calm_first_rule(order, calm_first, first):
    "insights: calming counts as first only when it comes before the first strengthening drill"
    assert is_calm_first(order) is calm_first
    assert first_strength(order) == first
    assert set(STRENGTH) == {"micro_strength", "structured_load"}


def test_each_insight_notebook_says_how_the_model_does_it():
    "insights: each insight notebook has a 'How the model does it' section naming its model step, switch and scenarios"
    for i in INSIGHTS:
        nb = json.loads((ROOT / "notebooks" / i.notebook).read_text())
        text = next(("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
                     and "".join(c["source"]).startswith("## How the model does it")), "")
        assert "docs/model.md" in text and "spinelib/sim/" in text, i.notebook
        assert i.mechanism in text and i.scenarios[0] in text and i.scenarios[1] in text, i.notebook
