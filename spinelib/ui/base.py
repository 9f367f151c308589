"""What every workbook widget shares: controls as attributes, one ``Output``, ``.result``,
one-line errors, and one way to draw a figure.

Each builder in :mod:`spinelib.ui` returns an object whose controls are attributes and whose
last result is ``.result``, so code (and tests) can drive it without a browser::

    w = ui.breathing_pacer()
    w.minutes.value = 12        # the callback runs, as if a person had typed 12
    w.result["timing"]          # what the widget now shows

Widgets hold no models: they collect control values, call a model from the package
(:mod:`spinelib.practice`, :mod:`spinelib.sim`, ...) and draw the result. Writing a widget::

    class MyWidget(SpineWidget):           # or SimulationWidget for cohort simulations
        def __init__(self):
            super().__init__()
            self.minutes = widgets.IntSlider(value=15, min=0, max=60, continuous_update=False)
            self.setup(["minutes"])        # observe the controls, build .ui, draw once

        def compute(self, minutes):        # pure: raise InputError for bad values
            ...
            return result

        def show(self, result):            # draw into the Output
            self.show_figure(some_plot(result))

Drawing a figure has one path, :meth:`SpineWidget.show_figure`: one PNG draw
(:func:`spinelib.plots.figure_png`, the constrained layout already fits it), sent to the
Output, the figure then closed. A widget that redraws the same figure on every change keeps
it (:meth:`SpineWidget.show_kept`, :class:`KeptFigure`; the cohort bands of
:meth:`SimulationWidget.show_bands`) and redraws its data in place before that same PNG draw; a kept
figure keeps a bitmap of what does not change (titles, x axes, a figure legend) and draws only the rest
on top of it (:meth:`KeptFigure.png`, the same pixels as a full draw).

Errors raised by ``compute`` or ``show`` never reach the person as a traceback: the widget
shows a one-line message (``.error`` / ``.message``) and sets ``.result`` to ``None``.
After every update the Output ends with a short text marker (``rendered: minutes=12``, or
``error: ...``) that tests and browser tests can wait for; the learner never sees it (a hidden
HTML element, :func:`marker_output`).

How an update reaches the Output: everything an update shows (text, tables, the PNG, the
marker) is collected as nbformat outputs (:func:`display_output`, :func:`stream_output`) and
set on the Output in one step (``self.out.outputs = ...``: one comm message from the kernel,
which replaces the old render at once). Nothing is ``display()``-ed or printed inside a
``with out:`` block. That block routes each output through the front end, and headless
runners (stock nbclient, hence papermill, ``jupyter nbconvert --execute``, nbmake, Jupyter
Book) mimic the front end by sending the Output's new state back to the kernel on the shell
channel, once per output, while they wait on that channel for the cell's reply.
jupyter_client sends it synchronously through a shadow of the asyncio socket, which can
swallow the socket's wake-up for a reply that has just arrived: the run then waits out the
whole cell timeout (jupyter/nbclient#312). With the outputs set as widget state, the runner
never writes to the shell channel during a cell.
"""
from __future__ import annotations

import contextlib
import functools
import html
import io
import time
from collections.abc import Iterable

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from PIL import Image as PILImage
from IPython.core.formatters import DisplayFormatter
from IPython.display import HTML, Image
from matplotlib.backends.backend_agg import FigureCanvasAgg

from .. import plots
from ..errors import InputError
from ..sim import simulate
from ..sim.results import band_frame

__all__ = [
    "SpineWidget",
    "SimulationWidget",
    "KeptFigure",
    "one_line",
    "in_kernel",
    "display_output",
    "stream_output",
    "marker_output",
    "fmt_value",
    "available_states",
    "summary_table",
    "left_align",
    "WIDE",
]

# slider style: the description in full, never cut off
WIDE = {"description_width": "initial"}


def _typed(control):
    v = control.value
    if isinstance(control, widgets.FloatText) and isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message, for showing to a person.

    >>> one_line(InputError("minutes", "from 1 to 30", 0))
    'minutes: must be from 1 to 30 (got 0)'
    >>> one_line(ValueError("first\\nsecond"))
    'first'
    """
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if not isinstance(exc, (InputError, ValueError, KeyError, TypeError)):
        text = f"{type(exc).__name__}: {text}"
    return text.strip().strip("'\"") if isinstance(exc, KeyError) else text


def in_kernel() -> bool:
    """True inside a Jupyter kernel (where displaying a figure means sending a PNG)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


@functools.lru_cache(maxsize=1)
def _formatter() -> DisplayFormatter:
    return DisplayFormatter()


def display_output(obj) -> dict:
    """``obj`` as one nbformat ``display_data`` output: the same mime bundle ``display(obj)`` would send
    (the kernel's display formatter; a plain one outside a kernel).

    >>> display_output(HTML("<b>hi</b>"))["data"]["text/html"]
    '<b>hi</b>'
    """
    from IPython import get_ipython

    fmt = getattr(get_ipython(), "display_formatter", None) or _formatter()
    data, metadata = fmt.format(obj)
    return {"output_type": "display_data", "data": data, "metadata": metadata}


def stream_output(text: str, name: str = "stdout") -> dict:
    """A line of printed text as one nbformat ``stream`` output.

    >>> stream_output("rendered: minutes=12")
    {'output_type': 'stream', 'name': 'stdout', 'text': 'rendered: minutes=12\\n'}
    """
    return {"output_type": "stream", "name": name, "text": text if text.endswith("\n") else text + "\n"}


def marker_output(text: str) -> dict:
    """A widget's text marker as one nbformat ``display_data`` output that a browser does not show.

    >>> o = marker_output("rendered: minutes=12")
    >>> o["data"]["text/plain"], o["metadata"]["spinelib"]["marker"], "hidden" in o["data"]["text/html"]
    ('rendered: minutes=12', 'rendered: minutes=12', True)
    """
    text = text.rstrip("\n")
    return {"output_type": "display_data",
            "data": {"text/plain": text,
                     "text/html": f"<div class='spinelib-marker' hidden style='display:none'>{html.escape(text)}</div>"},
            "metadata": {"spinelib": {"marker": text}}}


def fmt_value(v) -> str:
    """A control value as one word of a text marker.

    >>> fmt_value(2.5), fmt_value((1, 5)), fmt_value("1:2"), fmt_value("two words"), fmt_value("")
    ('2.5', '1-5', '1:2', 'two_words', "''")
    """
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (tuple, list)):
        return "-".join(fmt_value(x) for x in v)
    return str(v).replace(" ", "_") if v != "" else "''"


def available_states(results, wanted) -> tuple:
    """The states of ``wanted`` that a result's per-day summary holds, in the order asked."""
    first = next(iter(results.values())) if isinstance(results, dict) else results
    cols = getattr(getattr(first, "daily", first), "columns", ())
    found = []
    for st in wanted:
        if f"{st}_mean" not in cols:  # the simulator's own columns, else any shape band_frame reads
            try:
                band_frame(first, st)
            except KeyError:
                continue
        found.append(st)
    return tuple(found)


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """A ``compare_people`` table for display: the outcome as a column, a dash where an outcome does not apply.

    >>> t = pd.DataFrame({"a": ["1.00 (0.90 to 1.10)", "nan (nan to nan)"]}, index=pd.Index(["x", "y"], name="outcome"))
    >>> summary_table(t)["a"].tolist()
    ['1.00 (0.90 to 1.10)', '-']
    >>> list(summary_table(pd.DataFrame({"no_exercise": ["1"]}, index=pd.Index(["x"], name="outcome"))).columns)
    ['outcome', 'no exercise']
    """
    t = summary.reset_index() if summary.index.name else summary
    t = t.rename(columns={c: plots.scenario_label(c) for c in t.columns})  # plain names, never an id (issue 11)
    return t.replace({"nan (nan to nan)": "-"})


def left_align(html_text: str) -> str:
    """Left-align the cells of an HTML table (JupyterLab right-aligns them, which scatters lists of cues).

    >>> left_align("<tr><th>a</th><td>b</td></tr>")
    "<tr><th style='text-align:left'>a</th><td style='text-align:left;vertical-align:top'>b</td></tr>"
    """
    return (html_text.replace("<td>", "<td style='text-align:left;vertical-align:top'>")
            .replace("<th>", "<th style='text-align:left'>"))


class SpineWidget:
    """Base class: controls as attributes, an ``Output``, ``.result``, one-line errors.

    Subclasses create their controls, call :meth:`setup` with the control names, and
    implement :meth:`compute` (pure) and :meth:`show` (drawing). Useful attributes:

    - ``ui``: the ipywidgets container (displaying the object displays it);
    - ``out``: the ``Output`` each update's render is set on (``out.outputs``, nbformat outputs);
    - ``result``: the last result (``None`` after an error);
    - ``error``: the last one-line error message or ``None``; ``message`` the last text shown;
    - ``figures``: the matplotlib figures drawn by the last update (already closed);
    - ``seconds``: wall time of the last update; ``updates``: how many updates ran;
    - ``draw_seconds``: the part of ``seconds`` spent making, redrawing and rendering figures to PNG.
    """

    marker = "rendered"
    title = ""
    help = ""

    def __init__(self):
        self.out = widgets.Output()
        self.status = widgets.HTML(value="")
        self.result = None
        self.error: str | None = None
        self.message = ""
        self.figures: list = []
        self.seconds: float | None = None
        self.draw_seconds = 0.0
        self.updates = 0
        self._names: tuple[str, ...] = ()
        self._held = False
        self._pending: list[dict] = []  # the outputs of the update under way (see publish)
        self.kept = KeptFigure()
        self.ui = None

    # -- wiring ------------------------------------------------------------------
    def setup(self, names: Iterable[str], *, layout=None, run: bool = True):
        """Observe the named controls, build ``self.ui`` and (by default) draw once."""
        self._names = tuple(names)
        for n in self._names:
            getattr(self, n).observe(self.changed, names="value")
        header = []
        if self.title:
            header.append(widgets.HTML(f"<b>{html.escape(self.title)}</b>"))
        if self.help:
            header.append(widgets.HTML(f"<span style='color:#555'>{html.escape(self.help)}</span>"))
        controls = layout if layout is not None else widgets.VBox([getattr(self, n) for n in self._names])
        self.ui = widgets.VBox([*header, controls, self.status, self.out])
        if run:
            self.update()
        return self

    @property
    def controls(self) -> dict:
        """The controls by name."""
        return {n: getattr(self, n) for n in self._names}

    @property
    def values(self) -> dict:
        """The current control values by name; a typed number box (``FloatText``) gives a whole number as an int,
        so 25 reads as 25, not 25.0, and 2.5 stays 2.5 (the check that follows names it)."""
        return {n: _typed(getattr(self, n)) for n in self._names}

    def set(self, **values):
        """Set several controls at once and update once; returns the new result."""
        with self.hold():
            for k, v in values.items():
                if k not in self._names:
                    raise InputError(k, "one of the controls " + ", ".join(self._names), k)
                getattr(self, k).value = v
        return self.update()

    @contextlib.contextmanager
    def hold(self):
        """Context manager: change controls without one update per change."""
        self._held = True
        try:
            yield self
        finally:
            self._held = False

    def changed(self, change=None):
        """A control changed (the observer of every control): update, unless held."""
        if self._held:
            return
        self.update()

    # -- the update cycle --------------------------------------------------------
    def compute(self, **values):  # pragma: no cover - abstract
        raise NotImplementedError

    def show(self, result):  # pragma: no cover - default: show nothing
        pass

    def marker_text(self, values: dict) -> str:
        """The text marker printed after a successful update."""
        return f"{self.marker}: " + " ".join(f"{k}={fmt_value(v)}" for k, v in values.items())

    def forget(self, *, runs: bool = True) -> None:
        """Forget what the widget remembered, so its next update does all of its work (benchmarks use this).

        ``runs``: also forget the simulation runs kept for comparisons (simulation widgets)."""

    def update(self, change=None):
        """Read the controls, compute, draw; errors become a one-line message.

        What the update shows replaces the Output's old render in one step (:meth:`publish`)."""
        t0 = time.perf_counter()
        values = self.values
        self.figures = []
        self.draw_seconds = 0.0
        self.updates += 1
        self.message = ""  # what this update says; nothing left over from the last one
        outer, self._pending = self._pending, []  # an update started from inside another keeps its own list
        try:
            try:
                result = self.compute(**values)
                self.result = result
                self.error = None
                self.show(result)
            except Exception as exc:  # shown to the person, never a traceback
                self.result = None
                self.error = one_line(exc)
                self.message = self.error
                self.show_error(self.error)
                self.show_marker(f"error: {self.error}")
            else:
                self.show_marker(self.marker_text(values))
        finally:
            self.publish()
            self._pending = outer
        self.seconds = time.perf_counter() - t0
        return self.result

    def publish(self):
        """Set what this update showed on the Output, all at once (in a kernel: one comm message)."""
        pending, self._pending = self._pending, []
        if in_kernel():
            self.out.outputs = tuple(pending)

    # -- drawing (use inside show) -------------------------------------------------
    def show_object(self, obj):
        """Show any displayable object (HTML, an Image, a DataFrame ...) in the Output, after what this
        update has shown so far. Outside a kernel nothing is shown."""
        if in_kernel():
            self._pending.append(display_output(obj))

    def show_marker(self, text: str):
        """The update's closing text marker, for tests and runners, never for the learner: at the end of the
        Output, a hidden HTML element (``text/plain`` holds the same line for headless readers and
        ``metadata.spinelib.marker`` the text); printed outside a kernel."""
        if in_kernel():
            self._pending.append(marker_output(text))
        else:
            print(text)

    def show_text(self, text: str, *, kind: str = "info"):
        """A short paragraph; ``kind`` is info, ok, warn or stop (colours the box)."""
        colours = {"info": ("#f4f6f8", "#333"), "ok": ("#e8f5e9", "#1b5e20"),
                   "warn": ("#fff8e1", "#6d4c00"), "stop": ("#fdecea", "#8a1c13")}
        bg, fg = colours.get(kind, colours["info"])
        self.message = text
        self.show_html(f"<div class='spinelib-{kind}' style='background:{bg};color:{fg};"
                       f"padding:6px 10px;border-radius:4px;margin:4px 0'>{html.escape(text)}</div>")

    def show_error(self, text: str):
        self.show_text("Please check: " + text, kind="warn")
        self.message = text

    def show_figure(self, fig):
        """The one way a widget shows a figure: one PNG draw (:func:`spinelib.plots.figure_png`), sent to
        the Output; the figure is then closed, so the inline backend does not show it again at cell end."""
        t0 = time.perf_counter()
        self.figures.append(fig)
        if in_kernel():
            png = self.kept.png() if fig is self.kept.fig else plots.figure_png(fig)
            self.show_object(Image(png))
        plt.close(fig)
        self.draw_seconds += time.perf_counter() - t0

    def show_kept(self, key, make, redraw, *, layout_key=None, titles_change=()):
        """Show the widget's kept figure (:class:`KeptFigure`): ``make()`` makes it (again when ``key``
        changes); later updates ``redraw(fig)`` it in place (its layout settled again when ``layout_key``
        changes, e.g. new axis labels). ``titles_change``: the axes titles (``"center"``, ``"left"``,
        ``"right"``; True: all three) that change with the data (a verdict in the title), drawn on every
        update rather than kept in the bitmap (:meth:`KeptFigure.png`).
        Drawn and sent by :meth:`show_figure`."""
        t0 = time.perf_counter()
        fig = self.kept.draw(key, make, redraw, layout_key=layout_key)
        self.kept.titles_change = _TITLES if titles_change is True else tuple(titles_change or ())
        self.draw_seconds += time.perf_counter() - t0
        self.show_figure(fig)

    def show_frame(self, frame: pd.DataFrame, **to_html):
        """Display a DataFrame as a compact HTML table (no index)."""
        opts = {"index": False, "escape": True, "border": 0}
        opts.update(to_html)
        self.show_html(frame.to_html(**opts))

    def show_html(self, text: str):
        """Display a piece of HTML (already escaped where it holds a person's text)."""
        self.show_object(HTML(text))

    # -- display the object itself ---------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        return self.ui._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        state = f"error={self.error!r}" if self.error else f"updates={self.updates}"
        return f"<{type(self).__name__} {state} values={self.values}>"


class KeptFigure:
    """A widget's figure, made once and then redrawn in place while its key stays the same.

    The first draw settles the figure's constrained layout, which is then kept fixed (settled again
    only when the ``layout_key`` changes), so each later draw is one plain PNG draw of the new data
    (:meth:`png`); axes, ticks and layout are kept, which is faster than a new figure on every
    slider move. The draw that settles the layout renders the figure, and is the PNG sent right after.
    """

    def __init__(self):
        self.fig = None
        self.key = None
        self.layout_key = None
        self._background = None  # the bitmap of what stays the same (see png), and what it shows
        self._signature = None
        self.titles_change = ()  # the axes titles drawn with what changes, not kept in the bitmap (see png)
        self._drawn = False  # the canvas holds the picture of the figure as it is (made and drawn, not changed)

    def draw(self, key, make, redraw, *, layout_key=None):
        """The figure for ``key``: ``make()`` a new one when the key changed, else ``redraw(fig)`` in place."""
        if self.fig is None or self.key != key:
            if self.fig is not None:
                plt.close(self.fig)
            fig = make()
            plt.close(fig)                 # not shown again by the inline backend at cell end ...
            FigureCanvasAgg(fig)           # ... and its own canvas, kept: every later PNG draws on it
            self._settle(fig)
            self.fig, self.key, self.layout_key = fig, key, layout_key
            self._background = None
            self._drawn = True
        else:
            self._drawn = False
            redraw(self.fig)
            if layout_key != self.layout_key:  # new axis labels: settle the layout again only if they do not fit
                if not _fits(self.fig):
                    self.fig.set_layout_engine("constrained")
                    self._settle(self.fig)
                    self._drawn = True
                self.layout_key = layout_key
        return self.fig

    @staticmethod
    def _settle(fig):
        # settle the constrained layout once, in a full draw on the figure's canvas, which is also the picture
        # the next PNG sends (see png: no second draw) ...
        fig.canvas.draw()
        fig.set_layout_engine(None)    # ... then keep it fixed ("none" would leave a placeholder that draws twice)

    def png(self) -> bytes:
        """The kept figure as PNG bytes, drawn on its own Agg canvas.

        What stays the same between updates is drawn once and kept as a bitmap (the figure's background,
        titles, x axes with their tick labels and grid, a figure legend); each update restores that bitmap and
        draws only what can change on top of it, in matplotlib's own order (z-order): the y axes (ticks, grid,
        label), the bands, lines and shadings, the frame, texts and legends inside the axes. The kept bitmap
        is drawn again when anything it shows changes (an x range, a title, an x label), in the draw of that
        update (what stays first, then the rest on top: about the cost of one full draw); the first PNG of a
        new figure is the draw that settled its layout. The result is the picture one full draw gives, at
        about half the cost (most of a small figure's drawing is its text). With
        ``titles_change`` (title locations) those axes titles are drawn with what changes (a title that
        changes on most updates would otherwise make every update a full draw).
        """
        fig = self.fig
        canvas = fig.canvas
        drawn, self._drawn = self._drawn, False
        if not isinstance(canvas, FigureCanvasAgg) or _overlapping(fig):
            return plots.figure_png(fig)  # (axes drawn over one another: only a full draw keeps their order)
        changing = _changing_artists(fig, titles=self.titles_change)
        signature = (_static_signature(fig, changing=self.titles_change), canvas.get_width_height())
        if drawn:
            # just made: the draw that settled its layout is this picture (the bitmap is made on the next update)
            self._background, self._signature = None, signature
        else:
            if signature != self._signature:
                # what the bitmap would hold has changed (e.g. the x range follows a weeks slider): made again
                # now, in the same draw (what stays drawn first, the rest on top: about one full draw)
                self._background, self._signature = None, signature
            if self._background is None:
                # what changes is hidden for this draw; a changing title is blanked instead (a hidden title would
                # move the axes' other titles out of place, an empty one is left out as a full draw leaves it)
                titles = {id(t) for ax in fig.axes for t in _titles(ax).values() if t is not None}
                shown = [a for a in changing if a.get_visible() and id(a) not in titles]
                blanked = [(a, a.get_text()) for a in changing if id(a) in titles and a.get_text()]
                for a in shown:
                    a.set_visible(False)
                for a, _ in blanked:
                    a.set_text("")
                try:
                    canvas.draw()
                finally:
                    for a in shown:
                        a.set_visible(True)
                    for a, text in blanked:
                        a.set_text(text)
                self._background = canvas.copy_from_bbox(fig.bbox)
            else:
                canvas.restore_region(self._background)
            renderer = canvas.get_renderer()
            if self.titles_change:  # place the titles as a full draw does (Axes.draw), then draw them with the rest
                for ax in fig.axes:
                    place = getattr(ax, "_update_title_position", None)  # (matplotlib's own step of Axes.draw)
                    if place is not None:
                        place(renderer)
            for a in changing:
                if a.get_visible():
                    a.draw(renderer)
        buf = io.BytesIO()
        PILImage.fromarray(np.asarray(canvas.buffer_rgba())).save(buf, format="png", compress_level=1)
        return buf.getvalue()


def _overlapping(fig) -> bool:
    """True when two axes of ``fig`` overlap (a twin or an inset), or an axes holds axes of its own."""
    boxes = [ax.get_position() for ax in fig.axes]
    if any(ax.child_axes for ax in fig.axes):
        return True
    return any(a.overlaps(b) and a.intersection(a, b).width * a.intersection(a, b).height > 0
               for i, a in enumerate(boxes) for b in boxes[i + 1:])


def _fits(fig) -> bool:
    """True when every y axis (tick labels and label) lies inside the figure as it is laid out now."""
    renderer = fig.canvas.get_renderer()
    width = fig.bbox.width
    for ax in fig.axes:
        box = ax.yaxis.get_tightbbox(renderer)
        if box is not None and (box.x0 < 1 or box.x1 > width - 1):
            return False
    return True


_TITLES = ("center", "left", "right")


def _titles(ax) -> dict:
    return {"center": ax.title, "left": getattr(ax, "_left_title", None), "right": getattr(ax, "_right_title", None)}


def _changing_artists(fig, titles=()) -> list:
    """The artists of ``fig`` that an update may change, in drawing order: per axes, everything except its
    background patch, its x axis and its titles (which the kept bitmap holds), but the titles at the locations
    ``titles`` (those change)."""
    out = []
    for ax in fig.axes:
        kept_titles = [t for loc, t in _titles(ax).items() if loc not in titles]
        static = {id(ax.patch), id(ax.xaxis), *(id(t) for t in kept_titles if t is not None)}
        arts = [a for a in ax.get_children() if id(a) not in static]
        out.extend(sorted(arts, key=lambda a: a.get_zorder()))
    return out


def _static_signature(fig, changing=()) -> tuple:
    """What the kept bitmap shows, to know when it must be drawn again (the titles but those at ``changing``)."""
    sig = []
    for ax in fig.axes:
        xlim = tuple(round(float(v), 9) for v in ax.get_xlim())  # (a rounding difference is no change)
        shown = tuple(ax.get_title(loc) for loc in _TITLES if loc not in changing)
        sig.append((xlim, ax.get_xlabel(), *shown, tuple(ax.get_position().bounds), ax.xaxis.get_visible()))
    for leg in fig.legends:
        sig.append(tuple(t.get_text() for t in leg.get_texts()))
    suptitle = getattr(fig, "_suptitle", None)
    sig.append(suptitle.get_text() if suptitle is not None else None)
    return tuple(sig)


class SimulationWidget(SpineWidget):
    """Base for widgets that run the cohort simulator on each change.

    Keeps each update fast (a small cohort: ``people`` x ``days``, fixed ``seed``) and caches
    runs that do not depend on the controls (a comparison scenario) in ``self._cache``.
    ``self.sim_seconds`` is the time the last update spent simulating.
    """

    def __init__(self, people: int = 300, days: int = 84, seed: int = 1):
        super().__init__()
        self.people, self.days, self.seed = int(people), int(days), int(seed)
        self._cache: dict = {}
        self.sim_seconds = 0.0

    def simulate(self, what, *, cache_key=None, **kwargs):
        """Run :func:`spinelib.sim.simulate` with this widget's cohort size and seed.

        ``cache_key``: when given, the run is kept and reused (for runs that do not
        depend on the controls).
        """
        if cache_key is not None and cache_key in self._cache:
            return self._cache[cache_key]
        t0 = time.perf_counter()
        kwargs.setdefault("people", self.people)
        kwargs.setdefault("days", self.days)
        kwargs.setdefault("seed", self.seed)
        res = simulate(what, **kwargs)
        self.sim_seconds += time.perf_counter() - t0
        if cache_key is not None:
            self._cache[cache_key] = res
        return res

    def forget(self, *, runs: bool = True) -> None:
        if runs:
            self._cache.clear()

    def update(self, change=None):
        self.sim_seconds = 0.0
        return super().update(change)

    def show_bands(self, results: dict, states, figsize=None):
        """Cohort bands of ``results`` for ``states`` (weeks on the x axis), redrawn in place while the
        states and the scenarios stay the same."""
        states = tuple(states)
        self.show_kept((states, tuple(results)),
                       lambda: plots.cohort_bands(results, states=states, weeks=True,
                                                  figsize=figsize or (3.3 * len(states), 2.9)),
                       lambda fig: plots.update_cohort_bands(fig, results, states, weeks=True))

    def show_summary(self, summary: pd.DataFrame):
        """A ``compare_people`` table (see :func:`summary_table`)."""
        self.show_frame(summary_table(summary))
