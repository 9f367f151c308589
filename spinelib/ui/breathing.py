"""The breathing pacer: one minute of paced breathing drawn, and a timed evening routine."""
from __future__ import annotations

import ipywidgets as widgets

from ..catalogue import load_catalogue
from ..plots import breathing_plot
from ..practice import breath_timing, breathing_pattern, evening_routine
from .base import WIDE, SpineWidget

__all__ = ["BreathingPacer", "breathing_pacer"]


class BreathingPacer(SpineWidget):
    """Breathing pacer: draws one minute of the breathing pattern and times an evening routine.

    Controls: ``breaths_per_min`` (slider 3-12), ``ratio`` (text such as ``1:2``),
    ``minutes`` (typed, 1-30). ``.result`` is a dict with ``timing``, ``pattern`` and
    ``routine`` (a DataFrame with start and end times).
    """

    marker = "paced"
    title = "Breathing pacer and evening routine"
    help = "Slow breathing with a longer out-breath; the routine below fills the minutes you choose."

    def __init__(self, breaths_per_min: float = 6, ratio: str = "1:2", minutes: int = 10):
        super().__init__()
        self.catalogue = load_catalogue()
        self.breaths_per_min = widgets.FloatSlider(style=WIDE, value=breaths_per_min, min=3, max=12, step=0.5,
                                                   description="breaths/min", continuous_update=False)
        self.ratio = widgets.Text(value=ratio, description="in:out ratio", placeholder="e.g. 1:2",
                                  continuous_update=False)
        self.minutes = widgets.IntText(value=minutes, description="minutes")
        self.setup(["breaths_per_min", "ratio", "minutes"])

    def compute(self, breaths_per_min, ratio, minutes):
        timing = breath_timing(breaths_per_min, ratio)
        return {"timing": timing, "pattern": breathing_pattern(breaths_per_min, ratio, seconds=60),
                "routine": evening_routine(minutes, breaths_per_min, ratio, self.catalogue)}

    def show(self, r):
        t = r["timing"]
        self.show_text(f"Each breath lasts {t['cycle_s']:g} s: breathe in for {t['inhale_s']:g} s "
                       f"and out for {t['exhale_s']:g} s.")
        title = f"one minute at {t['breaths_per_min']:g} breaths per minute"
        self.show_figure(breathing_plot(r["pattern"], title=title))
        self.show_frame(r["routine"][["step", "start", "end", "name", "position", "how"]])


def breathing_pacer(breaths_per_min: float = 6, ratio: str = "1:2", minutes: int = 10) -> BreathingPacer:
    """The breathing pacer widget (notebook 02)."""
    return BreathingPacer(breaths_per_min, ratio, minutes)
