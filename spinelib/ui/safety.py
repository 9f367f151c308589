"""The red-flag screen: nine yes/no questions before any exercise (notebook 00, and the safety
box of the routine builder)."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..redflags import RED_FLAG_QUESTIONS, screen_red_flags
from .base import SpineWidget

__all__ = ["RedFlagScreen", "red_flag_screen"]


class RedFlagScreen(SpineWidget):
    """Nine yes/no questions. A yes shows the referral message and nothing else.

    Controls: one ``ToggleButtons`` per question id (``w.fever_unwell.value = "yes"``);
    ``.result`` is the :class:`~spinelib.redflags.RedFlagResult`.
    """

    marker = "screened"
    title = "Safety first: red-flag screen"
    help = "Answer each question. Any yes means: see a clinician before you start."

    def __init__(self):
        super().__init__()
        self.questions = RED_FLAG_QUESTIONS
        rows = []
        for qid, text in RED_FLAG_QUESTIONS.items():
            tb = widgets.ToggleButtons(options=[("not yet", ""), ("no", "no"), ("yes", "yes")], value="",
                                       style={"button_width": "90px"}, layout=widgets.Layout(width="auto"))
            setattr(self, qid, tb)
            rows.append(widgets.VBox([widgets.HTML(f"<span>{html.escape(text)}</span>"), tb],
                                     layout=widgets.Layout(margin="0 0 6px 0")))
        self.setup(list(RED_FLAG_QUESTIONS), layout=widgets.VBox(rows))

    def compute(self, **answers):
        return screen_red_flags(answers)

    def marker_text(self, values):
        r = self.result
        state = "referral" if r.referral else "clear" if r.clear else "incomplete"
        return f"{self.marker}: {state} yes={len(r.positives)} unanswered={len(r.unanswered)}"

    def show(self, result):
        if result.referral:  # the message and nothing else
            self.show_text(result.message, kind="stop")
        elif result.clear:
            self.show_text(result.message + " Go on to notebook 01.", kind="ok")
        else:
            self.show_text(result.message, kind="info")


def red_flag_screen() -> RedFlagScreen:
    """The red-flag screen widget (notebook 00)."""
    return RedFlagScreen()
