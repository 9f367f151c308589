"""The red-flag screen: nine yes/no questions before any exercise (notebook 00, and the safety
box of the routine builder).

Answers carry over from notebook 00 to notebook 06 within a session: a screen made with
``remember=True`` saves each answer to a small JSON file in the user's session folder
(``SPINELIB_DATA_DIR``, else the user's data folder) and starts from the answers saved there in
the last :data:`SESSION_HOURS` hours. Each notebook runs in its own kernel, so a module-level
store alone could not carry them; the file is the session's memory. Widgets made without
``remember`` (the default, and every test) never read or write it.
"""
from __future__ import annotations

import html
import json
import os
import time
from pathlib import Path

import ipywidgets as widgets

from ..atomic import atomic_write
from ..redflags import GROUPS, RED_FLAG_QUESTIONS, screen_red_flags
from .base import SpineWidget

__all__ = ["RedFlagScreen", "red_flag_screen", "session_file", "remembered_answers", "remember_answers",
           "forget_answers", "SESSION_HOURS"]

SESSION_HOURS = 12
_FILE = "screen-session.json"


def session_file() -> Path:
    """Where the screen's answers of this session are kept (``SPINELIB_DATA_DIR`` or the user's data folder)."""
    folder = os.environ.get("SPINELIB_DATA_DIR", "").strip()
    if not folder:
        import platformdirs

        folder = platformdirs.user_data_dir("spinelib", appauthor=False)
    return Path(folder) / _FILE


def remembered_answers(now: float | None = None) -> dict[str, str]:
    """The answers saved in this session (``{question id: "yes"/"no"}``); empty when none were saved, the
    file cannot be read, or they are older than :data:`SESSION_HOURS` hours."""
    try:
        data = json.loads(session_file().read_text())
        age = (time.time() if now is None else now) - float(data["saved_at"])
        answers = data["answers"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not 0 <= age <= SESSION_HOURS * 3600 or not isinstance(answers, dict):
        return {}
    return {q: a for q, a in answers.items() if q in RED_FLAG_QUESTIONS and a in ("yes", "no")}


def remember_answers(answers: dict) -> Path | None:
    """Save the answered questions of ``answers`` for the rest of the session (atomically); None if the
    folder cannot be written (the screen still works, it only forgets)."""
    keep = {q: a for q, a in answers.items() if q in RED_FLAG_QUESTIONS and a in ("yes", "no")}
    path = session_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return atomic_write(path, json.dumps({"saved_at": time.time(), "answers": keep}, indent=1))
    except OSError:
        return None


def forget_answers() -> None:
    """Remove the answers saved in this session."""
    session_file().unlink(missing_ok=True)


class RedFlagScreen(SpineWidget):
    """Nine yes/no questions, grouped by what a yes may point to. A yes shows the referral message
    and nothing else.

    Controls: one ``ToggleButtons`` per question id (``w.fever_unwell.value = "yes"``);
    ``.result`` is the :class:`~spinelib.redflags.RedFlagResult`. ``answers``: start values
    (``{question id: "yes"/"no"}``); ``remember``: carry answers across notebooks in this session
    (see the module docstring). ``carried`` is how many answers came from earlier in the session.
    """

    marker = "screened"
    title = "Safety first: red-flag screen"
    help = "Answer each question. Any yes means: see a clinician before you start."

    def __init__(self, answers: dict | None = None, remember: bool = False):
        super().__init__()
        self.questions = RED_FLAG_QUESTIONS
        self.remember = bool(remember)
        start = {**(remembered_answers() if self.remember else {}), **(answers or {})}
        self.carried = len(remembered_answers()) if self.remember else 0
        groups = []
        for heading, ids in GROUPS.items():
            rows = [widgets.HTML(f"<b>{html.escape(heading[0].upper() + heading[1:])}</b>")]
            for qid in ids:
                value = start.get(qid, "")
                tb = widgets.ToggleButtons(options=[("not yet", ""), ("no", "no"), ("yes", "yes")],
                                           value=value if value in ("", "no", "yes") else "",
                                           style={"button_width": "90px"}, layout=widgets.Layout(width="auto"))
                setattr(self, qid, tb)
                rows.append(widgets.VBox([widgets.HTML(f"<span>{html.escape(RED_FLAG_QUESTIONS[qid])}</span>"), tb],
                                         layout=widgets.Layout(margin="0 0 6px 0")))
            groups.append(widgets.VBox(rows, layout=widgets.Layout(margin="0 0 8px 0")))
        self.setup(list(RED_FLAG_QUESTIONS), layout=widgets.VBox(groups))

    def changed(self, change=None):
        if self.remember and not self._held:
            remember_answers(self.values)
        super().changed(change)

    def compute(self, **answers):
        return screen_red_flags(answers)

    def marker_text(self, values):
        r = self.result
        state = "referral" if r.referral else "clear" if r.clear else "incomplete"
        return f"{self.marker}: {state} yes={len(r.positives)} unanswered={len(r.unanswered)}"

    def show(self, result):
        carried = (f" ({self.carried} answer(s) carried over from earlier in this session.)"
                   if self.carried else "")
        if result.referral:  # the message and nothing else
            self.show_text(result.message, kind="stop")
        elif result.clear:
            self.show_text(result.message + " Go on to notebook 01." + carried, kind="ok")
        else:
            self.show_text(result.message + carried, kind="info")


def red_flag_screen(answers: dict | None = None, remember: bool = False) -> RedFlagScreen:
    """The red-flag screen widget (notebook 00 uses ``remember=True``, so notebook 06 starts from its answers)."""
    return RedFlagScreen(answers, remember)
