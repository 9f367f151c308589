"""The catalogue explorer widget (spinelib.ui.catalogue), driven in-process."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from spinelib import ui


def test_catalogue_explorer_filters():
    """catalogue_explorer: each filter narrows the result; cues and dosage are in it."""
    w = ui.catalogue_explorer("micro_strength")
    n_all = len(w.result)
    assert n_all > 0 and set(w.result["category"]) == {"micro_strength"}
    w.position.value = "lying"
    w.load.value = (1, 2)
    df = w.result
    assert 0 < len(df) < n_all
    assert (df["position"] == "lying").all() and df["load_level"].between(1, 2).all()
    assert {"cues", "dosage"} <= set(df.columns)
    w.category.value = ""
    assert len(w.result) >= len(df)


def test_catalogue_explorer_target_equipment_and_search():
    """catalogue_explorer: target, equipment and free-text search filter too; no match is a message."""
    w = ui.catalogue_explorer("")
    target = w.target.options[1][1]
    w.target.value = target
    assert all(any(target in t for t in ts) for ts in w.result["targets"])
    w.target.value = ""
    w.equipment.value = "band"
    assert all("band" in e for e in w.result["equipment"])
    w.search.value = "zzzz no such word"
    assert w.result.empty and w.error is None and "No exercise matches" in w.message
    w.search.value = ""
    assert not w.result.empty
