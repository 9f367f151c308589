"""The guided session: today's slot, exercise by exercise, with cues, dosage, a countdown, rest,
the moving breathing pacer for calming drills, and a one-click log at the end.

The countdown is an ipywidgets ``Play`` linked in the browser (``jslink``) to a progress bar:
it ticks with no kernel round trip. Steps come from :func:`spinelib.practice.session_steps`;
the entry is checked and written by :class:`spinelib.journal.Journal`.
"""
from __future__ import annotations

import datetime as dt

import ipywidgets as widgets

from ..drawing import thumbnail
from ..errors import InputError
from ..journal import Journal
from ..practice import session_steps
from ..render import esc
from ..week import SLOT_TITLES, SLOTS
from .base import SpineWidget
from .breathing import animated_pacer

__all__ = ["GuidedSession", "guided_session", "step_card_html", "slot_now"]


def slot_now(slots=SLOTS, hour: int | None = None) -> str:
    """Today's slot by the clock: morning before 11:00, midday before 17:00, evening after; the
    nearest slot the routine has.

    >>> slot_now(hour=8), slot_now(hour=13), slot_now(("morning", "evening"), hour=13)
    ('morning', 'midday', 'evening')
    """
    hour = dt.datetime.now().hour if hour is None else hour
    want = 0 if hour < 11 else 1 if hour < 17 else 2
    order = sorted(slots, key=lambda s: (abs(SLOTS.index(s) - want), -SLOTS.index(s)))
    return order[0]


def step_card_html(row, n_steps: int) -> str:
    """The card of one step: number, name, the exercise's drawing, dosage, cues and cautions (HTML, escaped)."""
    e = esc
    cues = "".join(f"<li>{e(str(c))}</li>" for c in row["cues"])
    caution = (f"<p style='color:#8a4b00'><b>Careful:</b> {e(row['cautions'])}</p>" if row["cautions"] else "")
    kind = "Rest" if row["kind"] == "rest" else "Exercise"
    picture = ""
    if row["kind"] != "rest" and row.get("exercise_id"):
        picture = f"<div class='spl-drawing' style='margin:4px 0'>{thumbnail(str(row['exercise_id']), 120)}</div>"
    return (f"<div class='spl-step'><div style='color:#555'>Step {int(row['step'])} of {n_steps} &middot; {kind}</div>"
            f"<h3 style='margin:4px 0'>{e(row['name'])}</h3>{picture}"
            f"<div><b>Dose:</b> {e(row['dosage'])} &middot; about {row['seconds'] / 60:.1f} min</div>"
            f"<ul style='margin:4px 0'>{cues}</ul>{caution}"
            "<p style='color:#555;font-size:0.9em'>Stop if pain rises sharply or spreads; this is not medical advice.</p>"
            "</div>")


class GuidedSession(SpineWidget):
    """Today's slot, one step at a time, then a one-click log.

    Controls: ``slot`` (dropdown; by default the slot of the time of day, :func:`slot_now`), ``step`` (0-based step index; ``next_button`` and
    ``back_button`` move it), ``pain_before``, ``pain_after`` (0-10), ``flare`` (checkbox),
    ``note``. ``log_button`` writes the session (the slot's exercises and minutes) to
    ``journal``; ``.logged`` is the last row written. ``.result``: ``steps`` (DataFrame), ``row``
    (the current step), ``done`` (past the last step).
    """

    marker = "session"
    title = "Guided session"
    help = "Follow each step at your own pace; press start for the timer, next when you are ready."

    def __init__(self, routine, journal: Journal | None = None, slot: str | None = None, *, rest_s: float = 30,
                 today=None):
        super().__init__()
        if routine is None or not hasattr(routine, "slots"):
            raise InputError("routine", "a routine (build one first)", type(routine).__name__)
        self.routine, self.journal, self.rest_s = routine, journal, rest_s
        self.today = today
        slots = [s for s in SLOTS if routine.slots.get(s)]
        if not slots:
            raise InputError("routine", "a routine with at least one exercise")
        self.slot = widgets.Dropdown(options=[(SLOT_TITLES[s], s) for s in slots],
                                     value=slot if slot in slots else slot_now(slots), description="slot")
        self.step = widgets.BoundedIntText(value=0, min=0, max=99, description="step",
                                           layout=widgets.Layout(display="none"))
        self.back_button = widgets.Button(description="back", icon="arrow-left")
        self.next_button = widgets.Button(description="next", icon="arrow-right", button_style="primary")
        self.back_button.on_click(lambda _: self.move(-1))
        self.next_button.on_click(lambda _: self.move(+1))
        self.timer = widgets.Play(value=0, min=0, max=60, step=1, interval=1000, description="start",
                                  show_repeat=False)
        self.countdown = widgets.IntProgress(value=0, min=0, max=60, description="time",
                                             layout=widgets.Layout(width="320px"))
        self.elapsed = widgets.IntText(value=0, description="seconds", disabled=True,
                                       layout=widgets.Layout(width="160px"))
        widgets.jslink((self.timer, "value"), (self.countdown, "value"))
        widgets.jslink((self.timer, "value"), (self.elapsed, "value"))
        self.card = widgets.HTML()
        self.pacer_box = widgets.VBox()
        self.pain_before = widgets.IntSlider(value=3, min=0, max=10, description="pain before", style={"description_width": "initial"})
        self.pain_after = widgets.IntSlider(value=3, min=0, max=10, description="pain after", style={"description_width": "initial"})
        self.flare = widgets.Checkbox(value=False, description="flare today")
        self.note = widgets.Text(value="", description="note", placeholder="optional")
        self.log_button = widgets.Button(description="log this session", icon="check", button_style="success")
        self.log_button.on_click(lambda _: self.log())
        self.log_status = widgets.HTML()
        self.logged = None
        self.slot.observe(lambda _: setattr(self.step, "value", 0), names="value")
        layout = widgets.VBox([
            self.slot, self.pain_before, self.card, self.pacer_box,
            widgets.HBox([self.timer, self.countdown, self.elapsed]),
            widgets.HBox([self.back_button, self.next_button]), self.step,
            widgets.HTML("<b>After the session</b>"), self.pain_after, self.flare, self.note,
            widgets.HBox([self.log_button, self.log_status]),
        ])
        self.setup(["slot", "step"], layout=layout)

    # --- model --------------------------------------------------------------------------------
    def compute(self, slot, step):
        steps = session_steps(self.routine.slots[slot], self.rest_s)
        done = step >= len(steps)
        row = None if done else steps.iloc[step]
        return {"steps": steps, "row": row, "done": done, "slot": slot, "step": step}

    def show(self, r):
        n = len(r["steps"])
        self.step.max = n
        self.back_button.disabled = r["step"] == 0
        self.next_button.disabled = r["done"]
        if r["done"]:
            self.card.value = ("<div class='spl-step'><h3>Well done: that was the last step.</h3>"
                               "<p>How is your back now? Set 'pain after' and log the session below.</p></div>")
            self.pacer_box.children = ()
            self.timer.max = self.countdown.max = 1
        else:
            row = r["row"]
            self.card.value = step_card_html(row, n)
            secs = max(int(round(row["seconds"])), 1)
            self.timer.playing = False
            self.timer.value = 0
            self.timer.max = self.countdown.max = secs
            self.pacer_box.children = (animated_pacer(6, "1:2", row["seconds"] / 60).ui,) if row["breathing"] else ()
        self.show_text(f"{SLOT_TITLES[r['slot']]}: step {min(r['step'] + 1, n)} of {n}.")

    def move(self, by: int):
        """Go ``by`` steps forward (or back), within the session."""
        n = len(self.result["steps"]) if self.result else 0
        self.step.value = max(0, min(self.step.value + by, n))

    # --- logging ------------------------------------------------------------------------------
    def log(self, date=None) -> dict | None:
        """Write this session to the journal (the slot's exercises and planned minutes); one click."""
        if self.journal is None:
            self.log_status.value = "<span style='color:#8a4b00'>No log is open: nothing was saved.</span>"
            return None
        items = self.routine.slots[self.slot.value]
        when = date or self.today or dt.date.today()
        try:
            row = self.journal.log_session(when, self.slot.value, [i.exercise_id for i in items],
                                           round(sum(i.minutes for i in items), 1), self.pain_before.value,
                                           self.pain_after.value, self.flare.value, self.note.value)
        except InputError as e:
            self.log_status.value = f"<span style='color:#b00020'>{esc(str(e))}</span>"
            return None
        self.logged = row
        self.log_status.value = (f"<span style='color:#1b7f3b'>logged: {row['date']} {row['slot']}, "
                                 f"{row['minutes']:g} min</span>")
        return row


def guided_session(routine, journal: Journal | None = None, slot: str | None = None, **kw) -> GuidedSession:
    """The guided session widget (notebook 09 and the app)."""
    return GuidedSession(routine, journal, slot, **kw)
