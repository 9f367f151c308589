"""The guided session widget and the moving breathing pacer (driven from code, no browser)."""
from __future__ import annotations

import datetime as dt
import html

import pytest

import spinelib as sl
from spinelib import ui
from spinelib.errors import InputError
from spinelib.journal import Journal
from spinelib.practice import session_steps
from spinelib.ui.breathing import pacer_html

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def routine():
    return sl.build_routine({"minutes_per_day": 20, "days_per_week": 3})


def test_session_steps_alternate_exercise_and_rest(routine):
    "session: one step per exercise with rests between; calming drills carry the breathing pacer"
    items = routine.slots["evening"]
    s = session_steps(items, rest_s=20)
    assert len(s) == 2 * len(items) - 1 and s["kind"].iloc[1] == "rest" and s["seconds"].iloc[1] == 20
    assert s.loc[s["kind"] == "exercise", "seconds"].sum() == pytest.approx(60 * sum(i.minutes for i in items))
    assert s["breathing"].any()  # the evening slot has down-regulation drills
    with pytest.raises(InputError, match="^rest_s"):
        session_steps(items, rest_s=-1)


def test_guided_session_walks_the_slot_and_logs_in_one_click(routine, tmp_path):
    "session: next/back walk the steps, the timer gets each step's seconds, one click logs the session"
    j = Journal(tmp_path, person="Ann", today=TODAY)
    w = ui.guided_session(routine, j, "morning", today=TODAY)
    n = len(w.result["steps"])
    assert w.result["step"] == 0 and w.back_button.disabled
    first = w.result["row"]
    assert html.escape(first["name"]) in w.card.value and "Step 1 of" in w.card.value
    assert w.timer.max == w.countdown.max == int(round(first["seconds"]))
    w.next_button.click()
    assert w.result["step"] == 1 and w.result["row"]["kind"] == "rest"
    w.back_button.click()
    assert w.result["step"] == 0
    for _ in range(n + 3):
        w.next_button.click()
    assert w.result["done"] and w.next_button.disabled and "last step" in w.card.value
    w.pain_before.value, w.pain_after.value, w.flare.value, w.note.value = 5, 3, False, "easier today"
    w.log_button.click()
    s = j.sessions()
    assert len(s) == 1 and s["pain_after"].iloc[0] == 3 and s["note"].iloc[0] == "easier today"
    assert s["exercises"].iloc[0].split(";") == [i.exercise_id for i in routine.slots["morning"]]
    assert "logged" in w.log_status.value
    w.log_button.click()  # twice: refused in one line, nothing lost
    assert "one entry per date and slot" in w.log_status.value and len(j.sessions()) == 1


def test_changing_slot_restarts_and_calming_steps_show_the_pacer(routine):
    "session: a new slot starts at step 1; a calming drill shows the moving pacer"
    w = ui.guided_session(routine, None, "morning")
    w.next_button.click()
    w.slot.value = "evening"
    assert w.result["step"] == 0 and w.result["slot"] == "evening"
    steps = w.result["steps"]
    k = int(steps.index[steps["breathing"]][0])
    w.step.value = k
    assert len(w.pacer_box.children) == 1
    assert w.log() is None and "nothing was saved" in w.log_status.value


def test_pacer_runs_in_the_browser():
    "pacer: a CSS animation with the breath's timing, and a Play timer jslinked to its progress bar"
    text = pacer_html(6, "1:2")
    assert "@keyframes" in text and "10s" in text and "breathe in" in text and "breathe out" in text
    assert "33.3%" in text  # the in-breath is a third of a 1:2 breath
    p = ui.animated_pacer(6, "1:2", minutes=2)
    assert p.play.max == 120 and p.play.interval == 1000
    links = [lk for lk in p.links if type(lk).__name__ == "Link"]
    assert len(links) == 2 and {lk.target[0] for lk in links} == {p.progress, p.seconds}
    assert all(lk.source[0] is p.play for lk in links)


def test_no_routine_is_one_line():
    "session: no routine gives a one-line error"
    with pytest.raises(InputError, match="^routine: must be a routine"):
        ui.guided_session(None)


def test_app_from_code_gates_on_the_screen(tmp_path):
    "app: no plan before a clear screen; a yes means a clinician, never a routine; downloads are data links"
    from spinelib.redflags import RED_FLAG_QUESTIONS
    from spinelib.ui.app import companion_app

    app = companion_app(tmp_path, today=TODAY)
    assert app.build_button.disabled and app.build() is None
    qs = list(RED_FLAG_QUESTIONS)
    for q in qs:
        getattr(app.screen, q).value = "no"
    assert not app.build_button.disabled
    getattr(app.screen, qs[0]).value = "yes"
    assert app.build_button.disabled and app.build() is None and app.routine is None
    assert "see a clinician" in app.plan_view.value
    getattr(app.screen, qs[0]).value = "no"
    assert app.build() is not None and "plan built" in app.plan_view.value
    assert app.journal.plan()["session_days"] == app.routine.session_days
    app.log_before.value, app.log_after.value = 4, 3
    assert app.add_session()["slot"] == "morning"
    assert app.add_session() is None and "one entry per date and slot" in app.log_status.value
    app.psfs_activity.value = "carrying shopping"
    assert app.add_measures()["psfs_1"] == 5
    app.show_progress()
    assert "progress shown" in app.progress.value and "<img" in app.progress.value
    links = app.prepare_downloads()
    assert len(links) == 5 and all("href='data:" in x for x in links)
    assert str(tmp_path) not in app.downloads.value


def test_step_card_shows_the_exercise_drawing_with_alt_text():
    "issue 14: the guided session shows each exercise's drawing (with its title as alt text); a rest step shows none"
    import pandas as pd

    from spinelib.drawing import alt_text
    from spinelib.render import esc
    from spinelib.ui.session import step_card_html

    row = pd.Series({"step": 1, "kind": "exercise", "exercise_id": "bird_dog", "name": "Bird-dog", "dosage": "2 x 6",
                     "cues": ["slow"], "seconds": 120.0, "cautions": ""})
    card = step_card_html(row, 3)
    assert "<svg" in card and "spl-drawing" in card
    assert f'aria-label="{esc(alt_text("bird_dog"))}"' in card and "Line drawing of Bird-dog" in card
    rest = step_card_html(pd.Series({**row.to_dict(), "kind": "rest", "exercise_id": "", "name": "Rest"}), 3)
    assert "<svg" not in rest
