"""The routine builder (profile in; plan, week, audit, edits and export out) and the cohort
projection that follows it (notebook 06).

The builder is put together from small parts: :func:`profile_controls` (the profile inputs),
a :class:`~spinelib.ui.safety.RedFlagScreen` (the safety questions), :class:`PlanEditor`
(progress or regress one exercise) and :class:`ExportControls` (save the plan as CSV or JSON);
the pure pieces are :func:`profile_fields`, :func:`report_command_line` and
:func:`export_routine`.
"""
from __future__ import annotations

import html
import shlex
from pathlib import Path

import ipywidgets as widgets

from ..audit import audit, passes
from ..builder import cached_routine
from ..catalogue import EQUIPMENT, POSITIONS
from ..drawing import thumbnail
from ..errors import InputError, number
from ..insights import STRENGTH
from ..profile import GOALS, Profile
from ..redflags import screen_red_flags
from ..render import audit_html, routine_html, week_display
from ..sim.results import compare_people
from .base import SimulationWidget, SpineWidget, available_states, left_align, one_line
from .safety import RedFlagScreen

__all__ = [
    "RoutineBuilder",
    "CohortProjection",
    "PlanEditor",
    "ExportControls",
    "profile_controls",
    "profile_fields",
    "report_command_line",
    "export_routine",
    "routine_builder",
    "cohort_projection",
]


# ====================================================================== profile
def profile_controls(minutes=15, days_per_week=7, equipment=("mat",), positions=None, irritability="moderate",
                     load_stage=1, goals=()) -> dict:
    """The profile inputs by name: ``minutes`` (typed), ``days_per_week``, ``irritability``, ``load_stage``,
    ``equipment``, ``positions`` and ``goals`` (``positions=None``: every position)."""
    wide = {"description_width": "130px"}
    return {
        # a FloatText, not an IntText: the browser's IntText drops the point, so a typed "2.5" became 25
        "minutes": widgets.FloatText(value=minutes, description="minutes per day", style=wide,
                                   layout=widgets.Layout(width="250px")),
        "days_per_week": widgets.IntSlider(value=days_per_week, min=1, max=7, description="days per week",
                                           continuous_update=False, style=wide),
        "irritability": widgets.ToggleButtons(options=["low", "moderate", "high"], value=irritability,
                                              description="irritability", style={**wide, "button_width": "92px"}),
        "load_stage": widgets.IntSlider(value=load_stage, min=1, max=5, description="load stage",
                                        continuous_update=False, style=wide),
        "equipment": widgets.SelectMultiple(options=[e for e in EQUIPMENT if e != "none"], value=tuple(equipment),
                                            rows=4, description="equipment", style=wide),
        "positions": widgets.SelectMultiple(options=list(POSITIONS),
                                            value=tuple(positions) if positions is not None else tuple(POSITIONS),
                                            rows=5, description="positions", style=wide),
        "goals": widgets.SelectMultiple(options=list(GOALS), value=tuple(goals), rows=4, description="goals",
                                        style=wide),
    }


def profile_fields(values: dict, questions) -> dict:
    """The :class:`~spinelib.profile.Profile` fields from the builder's control values (red-flag answers
    are ``rf_<question id>``); an empty minutes box or no position at all is a one-line InputError."""
    minutes = values["minutes"]
    if minutes is None or (isinstance(minutes, str) and not minutes.strip()):
        raise InputError("minutes per day", "a whole number of minutes from 5 to 60", "nothing")
    if isinstance(minutes, float) and minutes.is_integer():
        minutes = int(minutes)
    minutes = number(minutes, "minutes per day", 5, 60, whole=True)  # a typed 2.5 is named, never read as 25
    if not values["positions"]:
        raise InputError("positions", "at least one position you can get into and out of", "none selected")
    return {"minutes_per_day": minutes, "days_per_week": values["days_per_week"],
            "equipment": list(values["equipment"]), "positions": list(values["positions"]),
            "irritability": values["irritability"], "load_stage": values["load_stage"], "goals": list(values["goals"]),
            "red_flags": {q: values[f"rf_{q}"] for q in questions if values.get(f"rf_{q}")}}


def report_command_line(profile: dict, output: str = "reports/out/me.html", name: str | None = None) -> str:
    """The command line that turns profile fields (as from :func:`profile_fields`) into a personal-plan report.

    Every value is quoted for a POSIX shell, so a name or path with spaces or quotes pastes safely;
    ``name`` (whom the report is for) is passed when given, else the report asks for none.

    >>> report_command_line({"minutes_per_day": 20, "goals": ["walking"], "red_flags": {"night_pain": "no"}}, "me.html")
    'spinelib report personal-plan -p minutes_per_day 20 -r goals walking -p red_flags.night_pain no -o me.html'
    >>> print(report_command_line({"minutes_per_day": 15}, "my plan.html", name="Ana Test"))
    spinelib report personal-plan -r name 'Ana Test' -p minutes_per_day 15 -o 'my plan.html'
    """
    q = shlex.quote
    parts = ["spinelib report personal-plan"]
    if name is not None and str(name).strip():
        parts.append(f"-r name {q(str(name).strip())}")
    for k in ("minutes_per_day", "days_per_week", "load_stage"):
        if k in profile:
            parts.append(f"-p {k} {q(str(profile[k]))}")
    if "irritability" in profile:
        parts.append(f"-r irritability {q(str(profile['irritability']))}")
    for k in ("equipment", "positions", "goals"):
        if profile.get(k):
            parts.append(f"-r {k} {q(','.join(profile[k]))}")
    for qid, a in profile.get("red_flags", {}).items():
        parts.append(f"-p red_flags.{qid} {q(str(a))}")
    parts.append(f"-o {q(str(output))}")
    return " ".join(parts)


def warning(text: str) -> str:
    """A one-line warning as HTML (escaped)."""
    return f"<span style='color:#8a5a00'>{html.escape(text)}</span>"


# ====================================================================== editing
class PlanEditor:
    """Progress or regress one exercise of the plan: the exercise chooser, two buttons, a status line,
    and the edits made since the profile last changed (replayed on every rebuild of the plan)."""

    def __init__(self):
        wide_button = widgets.Layout(width="180px")
        self.exercise = widgets.Dropdown(options=[], description="exercise", layout=widgets.Layout(width="420px"))
        self.progress_button = widgets.Button(description="progress one rung", icon="arrow-up", layout=wide_button)
        self.regress_button = widgets.Button(description="regress one rung", icon="arrow-down", layout=wide_button)
        self.status = widgets.HTML("")
        self.edits: list[tuple[str, str]] = []
        self.select: str | None = None  # the exercise to choose after the next refresh
        self.box = widgets.VBox([widgets.HTML("<b>Edit the plan</b>"),
                                 widgets.HBox([self.exercise, self.progress_button, self.regress_button]),
                                 self.status])

    def reset(self):
        """Forget the edits (a new profile starts from a freshly built plan)."""
        self.edits = []
        self.status.value = ""

    def apply(self, routine):
        """``routine`` with the recorded edits made again."""
        for op, ex in self.edits:
            routine = getattr(routine, op)(ex)
        return routine

    def edit(self, routine, op: str, exercise_id: str | None) -> bool:
        """Record ``op`` (progress or regress) of one exercise of ``routine``; True when it was recorded.

        No plan, no exercise chosen, or an exercise at the end of its ladder gives a one-line
        message in ``status`` instead.
        """
        if routine is None:
            self.status.value = warning("There is no plan to edit yet.")
            return False
        if not exercise_id:
            self.status.value = warning("Choose an exercise first.")
            return False
        try:
            new = getattr(routine, op)(exercise_id)
        except InputError as exc:
            self.status.value = warning(one_line(exc))
            return False
        self.edits.append((op, exercise_id))
        self.status.value = html.escape(new.notes[-1]) if new.notes else ""
        # choose the new rung after the update
        self.select = next((it.exercise_id for it in new.items if it.exercise_id not in routine.ids), exercise_id)
        return True

    def refresh(self, routine):
        """The chooser's options from ``routine`` (None: no plan); keeps the choice, else the first strength item."""
        opts = [] if routine is None else [(f"{it.slot}: {it.name}", it.exercise_id) for it in routine.items]
        keep = self.select or self.exercise.value
        self.exercise.options = opts
        ids = [o[1] for o in opts]
        if keep in ids:
            self.exercise.value = keep
        else:
            strength = [it.exercise_id for it in (routine.items if routine else []) if it.category in STRENGTH]
            self.exercise.value = strength[0] if strength else (ids[0] if ids else None)
        self.select = None


# ====================================================================== export
def export_routine(routine, kind: str, name, folder: Path) -> Path:
    """Write ``routine`` as ``csv`` or ``json`` (atomically) to ``name`` (the extension is added when missing;
    a relative name goes into ``folder``) and return the full path."""
    if kind not in ("csv", "json"):
        raise InputError("export", "csv or json", kind)
    if routine is None:
        raise InputError("export", "a plan to export (answer the safety questions and fix any input first)")
    if name is None or not str(name).strip():
        raise InputError("file name", "a file name such as my_routine", "nothing")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in str(name)):
        raise InputError("file name", "a file name without control characters (NUL, tab, line breaks)", str(name))
    p = Path(str(name).strip()).expanduser()
    if p.suffix.lower() != f".{kind}":
        p = p.with_name(p.name + f".{kind}")
    if not p.is_absolute():
        p = Path(folder) / p
    if p.exists() and p.is_dir():
        raise InputError("file name", "a file name, not a folder", str(name))
    try:
        (routine.to_csv if kind == "csv" else routine.to_json)(p)
    except OSError as exc:  # a missing or unwritable folder, a name too long for the file system
        raise InputError("file name", "a file in a folder that exists and can be written",
                         f"{name} ({exc.strerror or type(exc).__name__})") from None
    return p.resolve()


class ExportControls:
    """The file name box, the two save buttons and the line that says where the plan went."""

    def __init__(self, filename: str = "my_routine"):
        self.filename = widgets.Text(value=filename, description="file name", placeholder="e.g. my_routine")
        self.save_csv = widgets.Button(description="save CSV", icon="download")
        self.save_json = widgets.Button(description="save JSON", icon="download")
        self.saved = widgets.HTML("")
        self.box = widgets.VBox([widgets.HTML("<b>Export</b>"),
                                 widgets.HBox([self.filename, self.save_csv, self.save_json]), self.saved])

    def on_save(self, save):
        """Call ``save(kind)`` (csv or json) on a click; show the path it returns, or why nothing was saved."""
        def click(kind):
            try:
                path = save(kind)
            except (InputError, OSError) as exc:
                self.saved.value = warning(f"Not saved: {one_line(exc)}")
            else:
                self.saved.value = f"Saved {kind.upper()} to <code>{html.escape(str(path))}</code>"

        self.save_csv.on_click(lambda _b: click("csv"))
        self.save_json.on_click(lambda _b: click("json"))


# ====================================================================== the builder
class RoutineBuilder(SpineWidget):
    """The full routine builder: profile in, plan in three slots, week view, live audit, edits, export.

    Controls (attributes): ``minutes`` (typed, 5-60), ``days_per_week`` (1-7), ``equipment``,
    ``positions``, ``goals`` (multi-selects), ``irritability``, ``load_stage`` (1-5) and one
    yes/no control per red-flag question, ``rf_<question id>`` (the same controls as the
    notebook 00 screen, shown in the "Safety questions" box).

    Buttons: ``progress_button`` / ``regress_button`` move the exercise chosen in ``exercise``
    one rung; ``save_csv`` / ``save_json`` write the plan atomically to ``filename`` (relative
    names go into ``folder``); the path is shown in ``saved``.

    ``.result`` is a dict: ``profile``, ``routine``, ``plan`` (tidy table), ``week`` (one row per
    weekday), ``audit`` (the five-insight table), ``passes``; or ``referral`` (the red-flag
    result) and ``routine`` None when a red-flag answer is yes.
    """

    title = "Build your routine"
    help = "Change any input: the plan, the week and the audit update at once."

    def __init__(self, minutes: int = 15, days_per_week: int = 7, equipment=("mat",), positions=None,
                 irritability: str = "moderate", load_stage: int = 1, goals=(), folder=None,
                 red_flags: dict | None = None, remember: bool = False):
        super().__init__()
        profile = profile_controls(minutes, days_per_week, equipment, positions, irritability, load_stage, goals)
        for name, control in profile.items():
            setattr(self, name, control)
        self.screen = RedFlagScreen(red_flags, remember=remember)
        self.questions = list(self.screen.questions)
        for q in self.questions:
            setattr(self, f"rf_{q}", getattr(self.screen, q))
        self.editor = PlanEditor()
        self.exercise, self.progress_button, self.regress_button, self.edit_status = (
            self.editor.exercise, self.editor.progress_button, self.editor.regress_button, self.editor.status)
        self.exports = ExportControls()
        self.filename, self.save_csv, self.save_json, self.saved = (
            self.exports.filename, self.exports.save_csv, self.exports.save_json, self.exports.saved)
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self.last_export: Path | None = None
        self._listeners: list = []
        self.progress_button.on_click(lambda _b: self.edit("progress"))
        self.regress_button.on_click(lambda _b: self.edit("regress"))
        self.exports.on_save(self.export)
        safety = widgets.Accordion(children=[self.screen.ui], selected_index=0)  # open: answered first
        safety.set_title(0, "Safety questions (answer these first)")
        self.safety = safety
        self.profile_box = widgets.HBox([
            widgets.VBox([self.minutes, self.days_per_week, self.load_stage, self.irritability]),
            widgets.VBox([self.equipment, self.positions, self.goals]),
        ])
        self.help_line = None  # the header's help line, found once the header exists (below)
        self.setup([*profile, *[f"rf_{q}" for q in self.questions]],
                   layout=widgets.VBox([self.profile_box, safety, self.editor.box, self.exports.box]))
        self.help_line = next((c for c in self.ui.children if isinstance(c, widgets.HTML)
                               and c.value and html.escape(self.help) in c.value), None)
        self.show_parts()

    # -- inputs -----------------------------------------------------------------------
    def profile_dict(self, values: dict | None = None) -> dict:
        """The profile fields of the current (or the given) control values."""
        return profile_fields(self.values if values is None else values, self.questions)

    def changed(self, change=None):
        if self._held:
            return
        self.editor.reset()  # a new profile starts from a freshly built plan
        self.update()

    # -- the update cycle ------------------------------------------------------------------
    def compute(self, **values):
        prof = Profile(**self.profile_dict(values))
        screen = screen_red_flags({q: values[f"rf_{q}"] for q in self.questions})
        if screen.unanswered and not screen.referral:  # the hard gate: no plan until the screen is answered
            return {"profile": prof, "referral": None, "routine": None, "screen": screen}
        built = cached_routine(prof)
        if built.is_referral:
            return {"profile": prof, "referral": built, "routine": None, "screen": screen}
        routine = self.editor.apply(built)
        table = audit(routine)
        return {"profile": prof, "routine": routine, "plan": routine.to_frame(), "week": routine.week_frame(),
                "audit": table, "passes": passes(table), "referral": None}

    def marker_text(self, values):
        r = self.result
        if r["routine"] is None:
            return f"{self.marker}: referral" if r["referral"] is not None else f"{self.marker}: screen incomplete"
        counts = r["audit"]["status"].value_counts()
        return (f"{self.marker}: minutes={values['minutes']} items={len(r['plan'])} "
                f"audit={counts.get('pass', 0)}pass/{counts.get('warn', 0)}warn/{counts.get('fail', 0)}fail")

    def show(self, r):
        routine = r["routine"]
        if routine is None and r["referral"] is None:  # the gate: the screen first, and nothing else
            self.safety.selected_index = 0
            n = len(r["screen"].unanswered)
            self.show_text(f"Answer the safety questions first: {n} of {len(self.questions)} are not answered yet; "
                           "your plan appears when all are answered.", kind="info")
        elif routine is None:  # the referral message and nothing else
            self.show_text(r["referral"].message, kind="stop")
        else:
            notes = [n for n in routine.notes if not n.startswith(("added", "removed"))]
            self.show_text(f"{routine.minutes:g} minutes a day on {routine.days_per_week} day(s) a week "
                           f"({routine.weekly_minutes:g} minutes a week)." + (" " + " ".join(notes) if notes else ""))
            self.show_html(left_align(routine_html(routine, figure=thumbnail)))
            self.show_html("<b>Week</b>")
            self.show_frame(week_display(routine))
            self.show_html("<b>Five-insight audit</b>" + left_align(audit_html(r["audit"])))
            self.show_html("<b>Make it a report</b>: <code>" + html.escape(self.report_command()) + "</code>")
        self.editor.refresh(routine)

    # -- what is on screen ------------------------------------------------------------------
    @property
    def gated(self) -> bool:
        """True while a safety question is unanswered or answered yes: then only the screen and one line show."""
        r = screen_red_flags({q: getattr(self, f"rf_{q}").value for q in self.questions})
        return bool(r.unanswered or r.referral)

    def parts(self) -> dict:
        """The builder's boxes by name (``profile``, ``safety``, ``edit``, ``export``, ``help``), as shown or hidden."""
        return {"profile": self.profile_box, "safety": self.safety, "edit": self.editor.box,
                "export": self.exports.box, "help": self.help_line}

    def show_parts(self):
        """Show only what applies now: while the screen is unanswered or has a yes, the safety questions and the
        one-line message below them, nothing else (no profile, no empty edit or export box); once it is clear,
        the profile, and the edit and export boxes only when there is a plan to edit or export."""
        gated = self.gated
        has_plan = bool(self.result) and self.result.get("routine") is not None
        visible = {"profile": not gated, "safety": True, "edit": has_plan, "export": has_plan, "help": not gated}
        for name, box in self.parts().items():
            if box is not None:
                box.layout.display = None if visible[name] else "none"

    def update(self, change=None):
        """Rebuild and redraw, then tell the followers (e.g. the cohort projection), also after an error.

        A "Saved ... to" line is about the plan that was saved: it goes when the plan changes."""
        if hasattr(self, "exports"):
            self.exports.saved.value = ""
        result = super().update(change)
        if hasattr(self, "help_line"):  # not before the boxes exist
            self.show_parts()
        for fn in list(self._listeners):
            try:
                fn(self)
            except Exception as exc:  # a follower's failure is its own business
                self.edit_status.value = html.escape(one_line(exc))
        return result

    def on_change(self, fn):
        """Call ``fn(builder)`` after every update (used by :class:`CohortProjection`)."""
        self._listeners.append(fn)
        return fn

    # -- edits, export, report ------------------------------------------------------------------
    def edit(self, op: str, exercise_id: str | None = None):
        """Progress or regress one exercise (default: the one chosen in ``exercise``); returns the result.

        An exercise already at the top (or bottom) of its ladder gives a one-line message in
        ``edit_status`` and leaves the plan as it was.
        """
        if op not in ("progress", "regress"):
            raise InputError("edit", "progress or regress", op)
        routine = self.result.get("routine") if self.result else None
        if self.editor.edit(routine, op, exercise_id or self.exercise.value):
            return self.update()
        return self.result

    def export(self, kind: str, name: str | None = None) -> Path:
        """Write the current plan as ``csv`` or ``json`` (atomically) and return the full path."""
        routine = self.result.get("routine") if self.result else None
        self.last_export = export_routine(routine, kind, self.filename.value if name is None else name, self.folder)
        return self.last_export

    @property
    def screened(self) -> bool:
        """True when every safety question is answered and none is yes (a plan may be shown)."""
        return bool(self.result) and self.result.get("routine") is not None

    def report_line(self, output: str = "reports/out/me.html", name: str | None = None) -> str:
        """What to show a person in place of the report command: the command once the screen is answered and
        clear, else what to do first (answer the questions, or see a clinician)."""
        if self.result and self.result.get("referral") is not None:
            return self.result["referral"].message
        if not self.screened:
            return "Answer all the safety questions in the builder first; the report command appears then."
        return self.report_command(output, name)

    def report_command(self, output: str = "reports/out/me.html", name: str | None = None) -> str:
        """The command line that turns this profile into a personal-plan report (for ``name``, when given)."""
        try:
            d = self.profile_dict()
        except InputError:
            d = {}
        return report_command_line(d, output, name)


def routine_builder(**kw) -> RoutineBuilder:
    """The routine-builder widget (notebook 06 uses ``remember=True``: it starts from the notebook 00 answers).

    No plan, week, audit or report command shows until every safety question is answered;
    ``red_flags`` gives start answers (``{question id: "yes"/"no"}``)."""
    return RoutineBuilder(**kw)


# ====================================================================== the projection
class CohortProjection(SimulationWidget):
    """Projects a cohort of people like you doing the builder's current plan, against no exercise.

    Controls: ``weeks`` (4-26). It follows a :class:`RoutineBuilder`: each change there
    re-runs the projection. ``.result`` is a dict with ``run`` (the simulation of the plan),
    ``baseline`` (the no-exercise scenario) and ``summary``.
    """

    title = "What might happen: a cohort of similar people"
    help = ("Each band is the middle 95% of simulated people who start from the same profile. A teaching "
            "model, not a prediction for you.")

    def __init__(self, builder: RoutineBuilder, weeks: int = 12, people: int = 200, seed: int = 1):
        super().__init__(people=people, days=weeks * 7, seed=seed)
        self.builder = builder
        self.weeks = widgets.IntSlider(value=weeks, min=4, max=26, description="weeks", continuous_update=False)
        self.setup(["weeks"])
        builder.on_change(lambda _b: self.update())

    def compute(self, weeks):
        days = number(weeks, "weeks", 1, 104, whole=True) * 7
        r = self.builder.result
        if r and r.get("routine") is None:  # the builder's gate or a referral: nothing to project
            return {"waiting": "The projection appears once the builder shows a plan (answer the safety "
                               "questions first)."}
        if not r:
            raise InputError("plan", "a plan from the builder above (fix the input it names)")
        mine = self.simulate(r["routine"], days=days)
        control = self.simulate("no_exercise", days=days, cache_key=("no_exercise", days))
        results = {"your plan": mine, "no_exercise": control}
        return {"results": results, "weeks": days // 7,
                "summary": compare_people(results, ("pain_change", "flares", "adherence", "habit"))}

    def marker_text(self, values):
        m = self.builder.values.get("minutes")
        if "waiting" in self.result:
            return f"{self.marker}: projection waiting"
        return f"{self.marker}: projection weeks={values['weeks']} minutes={m}"

    def show(self, r):
        self.weeks.layout.display = "none" if "waiting" in r else None  # no control for a projection not shown
        if "waiting" in r:
            self.show_text(r["waiting"], kind="info")
            return
        states = available_states(r["results"], ("pain", "habit", "capacity"))
        self.show_text(f"{self.people} simulated people like you over {r['weeks']} weeks: your plan against not "
                       "exercising.")
        self.show_bands(r["results"], states, figsize=(3.4 * len(states), 3.0))  # redrawn in place
        self.show_summary(r["summary"])


def cohort_projection(builder: RoutineBuilder, **kw) -> CohortProjection:
    """The cohort-projection widget (notebook 06; follows a routine builder)."""
    return CohortProjection(builder, **kw)
