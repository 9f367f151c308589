"""The breathing pacer: one minute of paced breathing drawn, and a timed evening routine."""
from __future__ import annotations

import html as _html

import ipywidgets as widgets

from ..catalogue import load_catalogue
from ..plots import breathing_plot
from ..practice import breath_timing, breathing_pattern, evening_routine
from .base import WIDE, SpineWidget

__all__ = ["BreathingPacer", "breathing_pacer", "pacer_html", "AnimatedPacer", "animated_pacer"]


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
        self.minutes = widgets.FloatText(value=minutes, description="minutes")  # IntText read "2.5" as 25
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


def pacer_html(breaths_per_min: float = 6, ratio: str = "1:2", *, uid: str = "p") -> str:
    """A breathing circle that grows over the in-breath and shrinks over the out-breath, as HTML
    with a CSS animation: it runs in the browser on its own (no kernel, no network).

    >>> "animation" in pacer_html(6, "1:2") and "10s" in pacer_html(6, "1:2")
    True
    """
    t = breath_timing(breaths_per_min, ratio)
    cyc, ins = t["cycle_s"], t["inhale_s"]
    pct = round(100 * ins / cyc, 1)
    name = "spl-breathe-" + "".join(ch for ch in uid if ch.isalnum())
    label = _html.escape(f"in {t['inhale_s']:g} s, out {t['exhale_s']:g} s")
    return (
        f"<style>@keyframes {name} {{0% {{transform:scale(0.45)}} {pct}% {{transform:scale(1)}} "
        f"100% {{transform:scale(0.45)}}}}"
        f"@keyframes {name}-in {{0%,{pct - 0.1}% {{opacity:1}} {pct}%,100% {{opacity:0}}}}"
        f"@keyframes {name}-out {{0%,{pct - 0.1}% {{opacity:0}} {pct}%,100% {{opacity:1}}}}</style>"
        f"<div class='spl-pacer' style='display:flex;align-items:center;gap:16px'>"
        f"<div style='width:110px;height:110px;border-radius:50%;background:#56b4e9;"
        f"animation:{name} {cyc:g}s ease-in-out infinite'></div>"
        f"<div style='position:relative;width:150px;height:2em;font-size:1.3em'>"
        f"<span style='position:absolute;animation:{name}-in {cyc:g}s step-end infinite'>breathe in</span>"
        f"<span style='position:absolute;animation:{name}-out {cyc:g}s step-end infinite'>breathe out</span>"
        f"</div><div style='color:#555'>{label}</div></div>")


class AnimatedPacer:
    """The breathing pacer that moves: a CSS-animated circle plus a ``Play`` timer linked in the
    browser (``jslink``) to a progress bar of the breathing minutes, so no tick needs the kernel.

    Attributes: ``timing``, ``play`` (``Play``, one step a second), ``progress`` (``IntProgress``),
    ``seconds`` (``IntText`` readout), ``circle`` (``HTML``), ``ui``.
    """

    def __init__(self, breaths_per_min: float = 6, ratio: str = "1:2", minutes: float = 2):
        self.timing = breath_timing(breaths_per_min, ratio)
        total = int(round(float(minutes) * 60))
        self.circle = widgets.HTML(pacer_html(breaths_per_min, ratio, uid=f"p{id(self)}"))
        self.play = widgets.Play(value=0, min=0, max=total, step=1, interval=1000, description="start",
                                 show_repeat=False)
        self.progress = widgets.IntProgress(value=0, min=0, max=total, description="breathing",
                                            layout=widgets.Layout(width="320px"))
        self.seconds = widgets.IntText(value=0, description="seconds", disabled=True,
                                       layout=widgets.Layout(width="160px"))
        self.links = [widgets.jslink((self.play, "value"), (self.progress, "value")),
                      widgets.jslink((self.play, "value"), (self.seconds, "value"))]
        self.ui = widgets.VBox([self.circle, widgets.HBox([self.play, self.progress, self.seconds])])

    def _repr_mimebundle_(self, **kw):
        return self.ui._repr_mimebundle_(**kw)


def animated_pacer(breaths_per_min: float = 6, ratio: str = "1:2", minutes: float = 2) -> AnimatedPacer:
    """The moving breathing pacer (guided sessions, notebook 02)."""
    return AnimatedPacer(breaths_per_min, ratio, minutes)
