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


def test_catalogue_cards_show_each_exercise_drawing():
    """catalogue_explorer: every card shown carries its exercise's drawing with the alt text."""
    from spinelib.drawing import alt_text
    from spinelib.render import esc
    from spinelib.ui.catalogue import exercise_card

    w = ui.catalogue_explorer("transition")
    shown_html = []
    w.show_html = shown_html.append  # collect what the update shows (outside a kernel nothing is sent)
    w.update()
    html = "".join(shown_html)
    shown = list(w.result.head(w.max_rows)["id"])
    assert html.count("<svg") == len(shown) and shown
    for i in shown:
        assert f'aria-label="{esc(alt_text(i))}"' in html
    card = exercise_card(next(w.result.itertuples()))
    assert card.count("<svg") == 1 and "xmlns" not in card


def test_explorer_pages_through_every_match():
    """CatalogueExplorer: with more matches than one page holds, the page slider shows the rest; every match
    appears on exactly one page; a filter change goes back to page 1."""
    w = ui.catalogue_explorer("")
    n = len(w.result)
    assert n > w.max_rows and w.page.max == w.pages == -(-n // w.max_rows)
    seen = []
    for p in range(1, w.pages + 1):
        w.page.value = p
        assert f"page {p} of {w.pages}" in w.message
        seen.append(w.message)
    assert w.page.value == w.pages
    w.position.value = "lying"
    assert w.page.value == 1
