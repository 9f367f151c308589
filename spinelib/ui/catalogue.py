"""The exercise catalogue explorer: filter the catalogue, see each match's dosage and cues."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..catalogue import CATEGORIES, EQUIPMENT, POSITIONS, load_catalogue
from ..drawing import thumbnail
from ..practice import filter_catalogue
from .base import WIDE, SpineWidget, fmt_value

__all__ = ["CatalogueExplorer", "catalogue_explorer"]

ANY = ""  # a filter set to "any"


def exercise_card(r) -> str:
    """One catalogue row (a namedtuple from ``itertuples``) as an HTML card: drawing, name, dosage, targets, cues."""
    cues = "".join(f"<li>{html.escape(c)}</li>" for c in r.cues)
    caution = f"<br><i>Caution: {html.escape(r.cautions)}</i>" if isinstance(r.cautions, str) and r.cautions else ""
    return (f"<div style='border:1px solid #ddd;border-radius:4px;padding:6px 10px;margin:4px 0;overflow:hidden'>"
            f"<div style='float:right;margin-left:8px'>{thumbnail(r.id, max_height=96)}</div>"
            f"<b>{html.escape(r.name)}</b> <span style='color:#555'>({html.escape(r.category.replace('_', ' '))}; "
            f"{html.escape(r.position)}; load {r.load_level}/5, control {r.control_demand}/5; "
            f"equipment: {html.escape(', '.join(r.equipment))})</span><br>"
            f"Dosage: {html.escape(r.dosage)} (about {r.minutes:g} min). Targets: {html.escape(', '.join(r.targets))}"
            f"<ul style='margin:2px 0'>{cues}</ul>{caution}</div>")


class CatalogueExplorer(SpineWidget):
    """Filter the exercise catalogue; shows each match with its dosage and cues.

    Controls: ``category``, ``target``, ``position``, ``equipment`` (dropdowns, "" = any),
    ``load`` (a 1-5 range slider), ``search`` (free text) and ``page`` (which ``max_rows`` cards to show;
    back to 1 whenever a filter changes). ``.result`` is the filtered DataFrame (every match).
    """

    marker = "filtered"
    title = "Exercise catalogue explorer"
    help = "Narrow the list with the filters; each card shows the dosage and the cues."

    def __init__(self, category: str = "micro_strength", max_rows: int = 8):
        super().__init__()
        self.catalogue = load_catalogue()
        self.max_rows = max_rows
        targets = sorted({t for ts in self.catalogue["targets"] for t in ts})
        any_ = [("any", ANY)]
        self.category = widgets.Dropdown(options=any_ + [(c.replace("_", " "), c) for c in CATEGORIES],
                                         value=category, description="category")
        self.target = widgets.Dropdown(options=any_ + [(t, t) for t in targets], value=ANY, description="target")
        self.position = widgets.Dropdown(options=any_ + [(p, p) for p in POSITIONS], value=ANY, description="position")
        self.equipment = widgets.Dropdown(options=any_ + [(e, e) for e in EQUIPMENT], value=ANY,
                                          description="equipment")
        self.load = widgets.IntRangeSlider(style=WIDE, value=(1, 5), min=1, max=5, description="load level",
                                           continuous_update=False)
        self.search = widgets.Text(value="", placeholder="word in name or cues", description="search",
                                   continuous_update=False)
        self.page = widgets.IntSlider(value=1, min=1, max=1, description="page", continuous_update=False,
                                      style=WIDE)
        grid = widgets.VBox([widgets.HBox([widgets.VBox([self.category, self.target, self.position]),
                                           widgets.VBox([self.equipment, self.load, self.search])]), self.page])
        self.setup(["category", "target", "position", "equipment", "load", "search", "page"], layout=grid)

    def changed(self, change=None):
        if change is not None and change.get("owner") is not self.page and not self._held:
            with self.hold():
                self.page.value = 1  # a new filter starts at the first page
        super().changed(change)

    @property
    def pages(self) -> int:
        """How many pages the current matches fill."""
        n = 0 if self.result is None else len(self.result)
        return max(1, -(-n // self.max_rows))

    def compute(self, page=1, **f):
        return filter_catalogue(self.catalogue, **f)

    def marker_text(self, values):
        return f"{self.marker}: {len(self.result)} exercises " + " ".join(
            f"{k}={fmt_value(v)}" for k, v in values.items() if v not in ("", None) and k != "page") + \
            f" page={self.page.value}/{self.pages}"

    def show(self, df):
        if df.empty:
            self.show_text("No exercise matches all these filters. Set one of them back to 'any' "
                           "or widen the load range.", kind="info")
            return
        pages = self.pages
        with self.hold():
            self.page.max = pages
        page = min(max(1, int(self.page.value)), pages)
        start = (page - 1) * self.max_rows
        shown = df.iloc[start:start + self.max_rows]
        more = (f" Showing {start + 1}-{start + len(shown)} (page {page} of {pages}); move the page slider for the "
                "rest." if pages > 1 else "")
        self.show_text(f"{len(df)} exercise(s) match." + more)
        self.show_html("".join(exercise_card(r) for r in shown.itertuples()))


def catalogue_explorer(category: str = "micro_strength") -> CatalogueExplorer:
    """The catalogue explorer widget (notebook 01)."""
    return CatalogueExplorer(category=category)
