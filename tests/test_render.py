"""Render: the one HTML/Markdown rendering of a routine, its week and its audit."""
from __future__ import annotations

from spinelib import audit, build_routine
from spinelib.render import audit_html, routine_html, routine_markdown, week_display


def test_routine_renderings_are_the_routine_methods():
    "render: Routine.to_html/to_markdown are the render functions; slot titles and cues are there"
    r = build_routine({"minutes_per_day": 15})
    assert r.to_html() == routine_html(r) and r.to_markdown() == routine_markdown(r)
    assert "Morning stabilizers" in routine_html(r) and r.items[0].cues[0].split("'")[0] in routine_html(r)


def test_week_display_reads_as_a_person_would():
    "render: the week shows session or rest, minutes with units in the headers, blank on rest days"
    r = build_routine({"minutes_per_day": 15, "days_per_week": 3})
    wk = week_display(r)
    assert list(wk.columns)[:2] == ["Day", "Session"] and "Total (min)" in wk.columns
    assert (wk["Session"] == "session").sum() == 3 and (wk.loc[wk["Session"] == "rest", "Total (min)"] == "").all()


def test_audit_html_escapes_and_marks_each_status():
    "render: every audit row has a status class and mark; text from the table is escaped"
    table = audit(build_routine({"minutes_per_day": 15}))
    table.loc[0, "reason"] = "<script>alert(1)</script>"
    table.loc[1, "status"] = "fail"
    page = audit_html(table)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count('class="status-') == 5 and "status-fail" in page and "&#10008;" in page
    assert "<th>Evidence</th>" in page and "<th>Evidence</th>" not in audit_html(table, evidence=False)


def test_routine_html_adds_a_picture_column_only_when_asked():
    "render: routine_html(figure=...) puts each exercise's figure first in its row; without it the table is unchanged"
    from spinelib.builder import build_routine
    r = build_routine({"minutes_per_day": 15})
    plain = routine_html(r)
    with_pics = routine_html(r, figure=lambda i: f"<i>{i}</i>")
    assert "<th>Picture</th>" not in plain and with_pics.count("<th>Picture</th>") == plain.count("<table")
    assert all(f"<i>{it.exercise_id}</i>" in with_pics for it in r.items)


def test_css_string_cannot_break_out():
    "render: css_string escapes quotes, angle brackets, slashes and backslashes into CSS hex escapes"
    from spinelib.render import css_string
    s = css_string('a"b</style>\\c 😀')
    assert s.startswith('"') and s.endswith('"') and '"' not in s[1:-1] and "<" not in s and "/" not in s[1:-1]
    assert "\\1f600 " in s
