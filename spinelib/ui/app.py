"""The practice companion as one app for people who don't code (``make app``: Voila).

Six tabs, in order: safety screen -> your plan -> guided session -> log -> progress ->
downloads. A yes to any red-flag question leads to "see a clinician" and nothing else: no plan,
no session. Downloads are links the browser saves (data URIs): nothing is written on the server
but the person's own log, and no server path is ever shown.

Drive it from code like every widget: ``app = companion_app(); app.screen.fever_unwell.value = "no"``,
``app.build_button.click()``, ``app.routine``, ``app.progress.value``.
"""
from __future__ import annotations

import base64
import html

import ipywidgets as widgets
import matplotlib.pyplot as plt

from ..builder import build_routine
from ..companion import progress_html, progress_view
from ..errors import InputError
from ..journal import Journal
from ..redflags import RED_FLAG_QUESTIONS
from ..week import SLOTS
from .safety import red_flag_screen
from .session import guided_session

__all__ = ["CompanionApp", "companion_app", "download_link", "TABS"]

WIDE = {"description_width": "initial"}  # labels shown whole ("minutes a day", not "minutes a...")
TABS = ("1 Safety", "2 Your plan", "3 Guided session", "4 Log", "5 Progress", "6 Downloads")
DISCLAIMER = ("<p style='color:#555'>This companion helps you follow a home exercise routine for back pain and "
              "see your own progress. It is not medical advice.</p>")


def download_link(name: str, data, mime: str, label: str | None = None) -> str:
    """An ``<a download>`` link holding the file itself (a data URI): the browser saves it, offline.

    >>> download_link("a.csv", "x,y\\n", "text/csv").startswith("<a download='a.csv'")
    True
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    uri = f"data:{mime};base64,{base64.b64encode(raw).decode()}"
    return (f"<a download='{html.escape(name)}' href='{uri}' class='spl-download' "
            f"style='display:inline-block;margin:4px 8px 4px 0;padding:6px 10px;border:1px solid #0173b2;"
            f"border-radius:4px;text-decoration:none'>{html.escape(label or name)}</a>")


def _box(text: str, kind: str = "info") -> str:
    colours = {"info": ("#f4f6f8", "#333"), "ok": ("#e8f5e9", "#1b5e20"), "stop": ("#fdecea", "#8a1c13")}
    bg, fg = colours[kind]
    return f"<div class='spl-{kind}' style='background:{bg};color:{fg};padding:8px 12px;border-radius:4px'>{text}</div>"


def _quiet(widget):
    """The app shows people no test markers (``screened: ...``): the widget's marker line is dropped."""
    widget.show_marker = lambda text: None
    widget.update()
    return widget


class CompanionApp:
    """The app's widgets and state: ``screen``, ``routine`` (None until built), ``journal``,
    ``session`` (the guided session), ``tabs``, ``ui``; see the module docstring."""

    def __init__(self, data_dir=None, today=None):
        self.data_dir, self.today = data_dir, today
        self.routine = None
        self.journal: Journal | None = None
        self.session = None
        # 1 safety
        self.screen = _quiet(red_flag_screen())
        for qid in RED_FLAG_QUESTIONS:
            getattr(self.screen, qid).observe(lambda _: self._gate(), names="value")
        # 2 plan
        self.name = widgets.Text(value="me", description="your name", style=WIDE,
                                 placeholder="keeps your log apart from others on this computer")
        self.minutes = widgets.IntSlider(value=15, min=5, max=60, step=5, description="minutes a day", style=WIDE)
        self.days = widgets.IntSlider(value=5, min=1, max=7, description="days a week", style=WIDE)
        self.irritability = widgets.Dropdown(options=["low", "moderate", "high"], value="moderate",
                                             description="flares easily?", style=WIDE)
        self.build_button = widgets.Button(description="build my plan", button_style="primary", icon="cogs")
        self.build_button.on_click(lambda _: self.build())
        self.plan_view = widgets.HTML(_box("Answer the safety questions first (tab 1)."))
        plan_tab = widgets.VBox([self.name, self.minutes, self.days, self.irritability, self.build_button,
                                 self.plan_view])
        # 3 session
        self.session_box = widgets.VBox([widgets.HTML(_box("Build your plan first (tab 2)."))])
        # 4 log
        self.log_date = widgets.DatePicker(description="date")
        self.log_slot = widgets.Dropdown(options=list(SLOTS), description="slot")
        self.log_minutes = widgets.BoundedFloatText(value=10, min=1, max=240, description="minutes")
        self.log_before = widgets.IntSlider(value=3, min=0, max=10, description="pain before", style=WIDE)
        self.log_after = widgets.IntSlider(value=3, min=0, max=10, description="pain after", style=WIDE)
        self.log_flare = widgets.Checkbox(value=False, description="flare")
        self.log_note = widgets.Text(description="note", placeholder="optional")
        self.log_button = widgets.Button(description="add to my log", icon="plus")
        self.log_button.on_click(lambda _: self.add_session())
        self.nrs = widgets.IntSlider(value=5, min=0, max=10, description="pain, past week", style=WIDE)
        self.peg = [widgets.IntSlider(value=5, min=0, max=10, description=d, style=WIDE)
                    for d in ("average pain", "pain got in the way of enjoying life",
                              "pain got in the way of general activity")]
        self.psfs_activity = widgets.Text(description="hard activity", style=WIDE, placeholder="e.g. lifting a shopping bag")
        self.psfs_score = widgets.IntSlider(value=5, min=0, max=10, description="how able (0-10)", style=WIDE)
        self.measure_button = widgets.Button(description="save this week's check", icon="save")
        self.measure_button.on_click(lambda _: self.add_measures())
        self.log_status = widgets.HTML()
        log_tab = widgets.VBox([
            widgets.HTML("<b>Add a session you did</b>"), self.log_date, self.log_slot, self.log_minutes,
            self.log_before, self.log_after, self.log_flare, self.log_note, self.log_button,
            widgets.HTML("<b>Weekly check</b> (0-10; NRS, PEG-3 and the Patient-Specific Functional Scale)"),
            self.nrs, *self.peg, self.psfs_activity, self.psfs_score, self.measure_button, self.log_status])
        # 5 progress
        self.progress_button = widgets.Button(description="show my progress", icon="line-chart")
        self.progress_button.on_click(lambda _: self.show_progress())
        self.progress = widgets.HTML()
        # 6 downloads
        self.download_button = widgets.Button(description="prepare my files", icon="download")
        self.download_button.on_click(lambda _: self.prepare_downloads())
        self.downloads = widgets.HTML()
        self.tabs = widgets.Tab(children=[self.screen.ui, plan_tab, self.session_box, log_tab,
                                          widgets.VBox([self.progress_button, self.progress]),
                                          widgets.VBox([self.download_button, self.downloads])])
        for k, t in enumerate(TABS):
            self.tabs.set_title(k, t)
        self.ui = widgets.VBox([widgets.HTML("<h2>Back care practice companion</h2>" + DISCLAIMER), self.tabs])
        self._gate()

    def _repr_mimebundle_(self, **kw):
        return self.ui._repr_mimebundle_(**kw)

    # --- safety gate --------------------------------------------------------------------------
    @property
    def referral(self) -> bool:
        r = self.screen.result
        return bool(r is not None and r.referral)

    def _gate(self):
        r = self.screen.result
        if r is not None and r.referral:
            self.routine = None
            msg = _box(html.escape(r.message) + "<br><b>Please see a clinician before starting any routine.</b>",
                       "stop")
            self.plan_view.value = msg
            self.session_box.children = (widgets.HTML(msg),)
            self.build_button.disabled = True
        elif r is not None and r.clear:
            self.build_button.disabled = False
            if self.routine is None:
                self.plan_view.value = _box("Safety questions answered. Choose your time and build your plan.", "ok")
        else:
            self.build_button.disabled = True
            self.plan_view.value = _box("Answer every safety question first (tab 1).")

    # --- actions ------------------------------------------------------------------------------
    def _open_journal(self):
        if self.journal is None or self.journal.person != " ".join(self.name.value.split()):
            self.journal = Journal(self.data_dir, person=self.name.value, today=self.today)
        return self.journal

    def build(self):
        """Build the plan (only after a clear screen), record it in the log and open the guided session."""
        if self.referral or not (self.screen.result and self.screen.result.clear):
            self._gate()
            return None
        try:
            journal = self._open_journal()
            routine = build_routine({"minutes_per_day": self.minutes.value, "days_per_week": self.days.value,
                                     "irritability": self.irritability.value,
                                     "red_flags": {q: False for q in RED_FLAG_QUESTIONS}})
        except InputError as e:
            self.plan_view.value = _box(html.escape(str(e)), "stop")
            return None
        if routine.is_referral:  # never a routine after a yes
            self._gate()
            return None
        self.routine = routine
        journal.set_plan(routine)
        self.plan_view.value = _box("plan built: your routine is below, and tab 3 guides you through it.", "ok") + \
            routine.to_html()
        self.session = _quiet(guided_session(routine, journal, today=self.today))
        self.session_box.children = (self.session.ui,)
        return routine

    def add_session(self):
        """Add the session typed in the log tab."""
        try:
            j = self._open_journal()
            row = j.log_session(self.log_date.value or j.today, self.log_slot.value,
                                [], self.log_minutes.value, self.log_before.value, self.log_after.value,
                                self.log_flare.value, self.log_note.value)
        except InputError as e:
            self.log_status.value = _box(html.escape(str(e)), "stop")
            return None
        self.log_status.value = _box(f"added: {row['date']} {row['slot']}", "ok")
        return row

    def add_measures(self):
        """Save this week's NRS, PEG-3 and PSFS answers."""
        psfs = {self.psfs_activity.value: self.psfs_score.value} if self.psfs_activity.value.strip() else None
        try:
            row = self._open_journal().log_measures(self._open_journal().today, nrs=self.nrs.value,
                                                    peg=tuple(w.value for w in self.peg), psfs=psfs, replace=True)
        except InputError as e:
            self.log_status.value = _box(html.escape(str(e)), "stop")
            return None
        self.log_status.value = _box(f"weekly check saved for the week of {row['week_start']}", "ok")
        return row

    def show_progress(self):
        """Draw the progress page (streaks, adherence, minutes, measures, you vs the model, forecast)."""
        try:
            view = progress_view(self._open_journal(), self.routine)
        except InputError as e:
            self.progress.value = _box(html.escape(str(e)), "stop")
            return None
        self.progress.value = progress_html(view) + "<p class='spl-marker' style='color:#999'>progress shown</p>"
        if view["figure"] is not None:
            plt.close(view["figure"])
        return view

    def prepare_downloads(self):
        """Links for the plan (CSV, HTML), the log and the weekly checks (CSV) and the progress page (HTML)."""
        links = []
        if self.routine is not None:
            links.append(download_link("my_plan.csv", self.routine.to_csv(), "text/csv", "my plan (CSV)"))
            page = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>My plan</title></head><body>"
                    + self.routine.to_html() + DISCLAIMER + "</body></html>")
            links.append(download_link("my_plan.html", page, "text/html", "my plan (web page)"))
        try:
            j = self._open_journal()
            links.append(download_link("my_log.csv", j.export_csv(), "text/csv", "my log (CSV)"))
            links.append(download_link("my_weekly_checks.csv", j.export_csv(what="measures"), "text/csv",
                                       "my weekly checks (CSV)"))
            view = progress_view(j, self.routine)
            links.append(download_link("my_progress.html", progress_html(view, standalone=True), "text/html",
                                       "my progress (web page)"))
            if view["figure"] is not None:
                plt.close(view["figure"])
        except InputError as e:
            self.downloads.value = _box(html.escape(str(e)), "stop")
            return None
        self.downloads.value = "<p>Your files (saved by your browser):</p>" + "".join(links)
        return links


def companion_app(data_dir=None, today=None) -> CompanionApp:
    """The practice companion app (``make app``). ``data_dir``: where the log files live (default:
    the user's data folder, or ``SPINELIB_DATA_DIR``); ``today``: for tests."""
    return CompanionApp(data_dir, today)
