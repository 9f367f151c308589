"""Hostile strings in every field of every report template: refused by the field's rule (one line), or shown
literally through the one escaping path (spinelib.render.esc / md_esc / plot_text) in HTML, Markdown and figures.
Three real reports check the whole page: escaped text, every section, no script, self-contained."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from spinelib import RED_FLAG_QUESTIONS, reports, simulate
from spinelib.errors import InputError
from spinelib.render import esc, md_esc, plot_text
from spinelib.reports import blocks as rf
from spinelib.reports import cli

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "close table": "</table><h1>x",
    "comment": "<!--",
    "cdata end": "]]>",
    "template": "{{7*7}}",
    "math": "$$\\x$$",
    "md link": "[x](javascript:alert(1))",
    "md bold": "**bold**",
    "long": "x" * 10_000,
    "rtl override": "abc\u202edef",
    "nul": "a\x00b",
}
# the fields whose values are free text; every other field has a vocabulary, a number range or a date
TEXT_FIELDS = {("personal-plan", "name"), ("scenario-comparison", "title"), ("scenario-comparison", "label"),
               ("progress-report", "name"), ("progress-report", "journal")}


def _fields():
    """(template, field, parameters with the hostile value in that field) for every field of both templates."""
    pp = ["name", "report_date", "minutes_per_day", "days_per_week", "equipment", "positions", "irritability",
          "load_stage", "goals", "weeks", "people", "seed"]
    for f in pp:
        yield "personal-plan", f, lambda h, f=f: {f: h}
    yield "personal-plan", "red_flags key", lambda h: {"red_flags": {h: "yes"}}
    yield "personal-plan", "red_flags answer", lambda h: {"red_flags": {"night_pain": h}}
    yield "personal-plan", "equipment item", lambda h: {"equipment": ["mat", h]}
    for f in ("scenario_a", "scenario_b", "people", "weeks", "seed", "title"):
        yield "scenario-comparison", f, lambda h, f=f: {f: h}
    yield "scenario-comparison", "label", lambda h: {"scenario_a": {"base": "gentle_daily", "label": h}}
    yield "scenario-comparison", "base", lambda h: {"scenario_a": {"base": h}}
    yield "scenario-comparison", "params key", lambda h: {"scenario_b": {"base": "gentle_daily", "params": {h: 1}}}
    yield "scenario-comparison", "params value", lambda h: {"scenario_b": {"base": "gentle_daily",
                                                                            "params": {"sitting_hours": h}}}
    # every declared parameter of every other registered template (a new template is covered as it is added)
    for key in reports.TEMPLATES:
        if key in ("personal-plan", "scenario-comparison"):
            continue
        for f in reports.template_parameters(key):
            yield key, f, lambda h, f=f: {f: h}


def test_hostile_fields_cover_every_declared_parameter():
    "the field list reaches every parameter every registered template declares"
    covered = {(t, f.split()[0]) for t, f, _ in FIELDS}
    for key in reports.TEMPLATES:
        for f in reports.template_parameters(key):
            assert (key, f) in covered or (key == "personal-plan" and f == "red_flags"), (key, f)


FIELDS = list(_fields())


def assert_inert(page: str, hostile: str) -> None:
    """No markup from ``hostile`` is live in an HTML fragment or page."""
    low = page.lower()
    assert "<script" not in low and "<!--" not in page and "</table><h1>" not in page
    assert 'href="javascript' not in low and "<strong>bold</strong>" not in page and "\x00" not in page
    assert "\u202e" not in page
    if "{{7*7}}" in hostile:  # shown as written, never evaluated as a template
        assert "{{7*7}}" in page


# ----- every field: refused by its rule, or clean text -------------------------------------------
@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("template, field, make", FIELDS, ids=[f"{t}:{f}" for t, f, _ in FIELDS])
def test_every_field_refuses_or_cleans_hostile_text(no_kernel, template, field, make, kind):
    "validation: each hostile string in each field is refused (one line naming the field) or accepted as plain text"
    hostile = HOSTILE[kind]
    try:
        clean = reports.validate_parameters(template, make(hostile))
    except InputError as exc:
        msg = str(exc)
        assert "\n" not in msg and len(msg) < 500, msg
        head = field.split()[0]
        assert msg.startswith((head, "scenario_a", "scenario_b", "red_flags", "equipment")), msg
        return
    assert (template, field) in TEXT_FIELDS, f"{field} accepted {hostile!r}: {clean}"
    assert kind not in ("long", "rtl override", "nul"), f"{field} accepted {kind}"


@pytest.mark.parametrize("kind", ["long", "rtl override", "nul"])
def test_text_fields_refuse_long_text_and_control_characters(no_kernel, kind):
    "text fields: 10,000 characters, direction overrides and NUL are refused, naming the field"
    h = HOSTILE[kind]
    for template, params, field in (("personal-plan", {"name": h}, "name"),
                                    ("scenario-comparison", {"title": h}, "title"),
                                    ("scenario-comparison", {"scenario_a": {"base": "gentle_daily", "label": h}},
                                     "scenario_a.label")):
        with pytest.raises(InputError) as exc:
            reports.validate_parameters(template, params)
        assert str(exc.value).startswith(f"{field}: must be text")


# ----- every block: the one escaping path ----------------------------------------------------------
def _markdown_html(md) -> str:
    from nbconvert.filters.markdown import markdown2html

    return markdown2html(md.data)


def _comparison_frame():
    rng = np.random.default_rng(0)
    a = pd.DataFrame({"pain_change": rng.normal(-20, 10, 400), "adherence": rng.uniform(0.3, 0.9, 400),
                      "flares": rng.poisson(2, 400).astype(float)})
    return a, a.assign(pain_change=a["pain_change"] - 8)


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_blocks_show_hostile_text_literally(kind):
    "blocks: names, titles, labels, dates, parameter names and values, red-flag keys, descriptions are escaped"
    h = HOSTILE[kind]
    params = {"name": h, h: h, "equipment": [h, "mat"], "goals": (h,), "red_flags": {h: True, "night_pain": False},
              "scenario_a": rf.describe_scenario({"base": "gentle_daily", "label": h, "params": {h: h}})}
    for page in (rf.header(h, h, h, params).data, rf.header("Personal plan", rf.person_name(h), "2026-01-01", {}).data,
                 rf.section(h, intro=h, anchor=h).data, rf.table(pd.DataFrame({h: [h, 1.5]})),
                 rf.outcome_table(rf.compare_outcomes(*_comparison_frame()), h, h + "2").data):
        assert_inert(page, h)
        if kind in ("script", "close table"):
            assert esc(h) in page
    cmp = rf.compare_outcomes(*_comparison_frame())
    md = rf.plain_summary(cmp, h, "B", 400)
    assert md_esc(h) in md.data
    rendered = _markdown_html(md)
    assert_inert(rendered, h)
    assert "<li>" in rendered and "<strong>" in rendered  # the summary's own Markdown still works


@pytest.mark.parametrize("label", [HOSTILE["math"], "$x", "_hidden", "a\x00b", "\\frac{1}{0}$"])
def test_figures_draw_hostile_labels_literally(label):
    "figures: a label with $...$ (mathtext), a leading _ (hidden in legends) or NUL still draws, shown literally"
    import matplotlib.pyplot as plt

    cmp = rf.compare_outcomes(*_comparison_frame())
    fig = rf.outcome_figure(cmp, label, "B")
    fig.savefig(io.BytesIO(), format="png")
    assert plot_text(label) in [t.get_text() for ax in fig.axes for t in ax.get_xticklabels()]
    plt.close(fig)
    res = simulate("gentle_daily", people=100, days=14, seed=1)
    fig = rf.scenario_bands(res, res, label, "B")
    fig.savefig(io.BytesIO(), format="png")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [plot_text(label), "B"]
    plt.close(fig)


def test_the_one_escaping_path():
    "render: esc, md_esc and plot_text are the one path; controls become U+FFFD, never silently dropped"
    assert esc("<a href='x'>&</a>") == "&lt;a href=&#x27;x&#x27;&gt;&amp;&lt;/a&gt;"
    assert esc("a\x00b\u202ec") == "a\ufffdb\ufffdc" and esc(None) == "" and esc(3) == "3"
    assert md_esc("# title\n- item | x") == "\\# title - item \\| x"
    assert md_esc("1. one") == "1\\. one" and md_esc("<!--") == "&lt;!--"
    assert plot_text("$5 and $6") == "\\$5 and \\$6" and plot_text("_x") == "\u200b_x"


# ----- real reports: the whole page ----------------------------------------------------------------
PLAN_SECTIONS = ('<header class="report-header">', 'id="red-flags"', 'id="day-plan"', 'id="week"', 'id="ladder"',
                 'id="audit"', 'id="projection"', "Evidence cited", 'class="note"')
COMPARISON_SECTIONS = ('<header class="report-header">', "Side by side over time", 'id="outcomes"',
                       "What the comparison says", 'class="note"')


def _intact(page: str, sections, images: int) -> None:
    reports.check_self_contained(page)
    assert "<script" not in page.lower() and "<!--" not in page and "Traceback" not in page
    for s in sections:
        assert page.count(s) == 1, s
    assert page.count('src="data:image/png;base64,') == images
    assert page.rstrip().endswith("</html>") and page.count("<table") == page.count("</table>")


def test_personal_plan_with_a_hostile_name(tmp_path):
    "real report: a hostile (valid) name is escaped in the title and header; every section is there"
    name = "<script>alert(1)</script></table><h1>x<!--]]>{{7*7}}$$\\x$$"
    out = tmp_path / "p.html"
    res = reports.run_report("personal-plan", {"name": name, "report_date": "2026-01-02", "people": 200, "weeks": 2,
                                               "red_flags": {q: "no" for q in RED_FLAG_QUESTIONS}}, out)
    page = res.html.read_text(encoding="utf-8")
    _intact(page, PLAN_SECTIONS, images=1)
    assert f"<h1>Personal plan: {esc(name)}</h1>" in page and f"<title>Personal plan: {esc(name)}</title>" in page


def test_scenario_comparison_with_hostile_labels_and_title_from_the_command_line(tmp_path, monkeypatch):
    "real report (CLI, -y): hostile labels and title are escaped in the header, table, summary and figures"
    label_a, label_b = "[x](javascript:alert(1)) **bold** <!--", "$$\\x$$ {{7*7}} </table><h1>x ]]>"
    title = "<script>alert(1)</script> _under_ `code`"
    params = {"scenario_a": {"base": "gentle_daily", "label": label_a},
              "scenario_b": {"base": "weekend_warrior", "label": label_b, "params": {"sitting_hours": 8.5}},
              "title": title, "people": 200, "weeks": 2}
    out = tmp_path / "c.html"
    r = CliRunner().invoke(cli.main, ["report", "scenario-comparison", "-y", yaml.safe_dump(params), "-o", str(out)])
    assert r.exit_code == 0 and r.output.startswith(f"wrote {out}"), r.output
    page = out.read_text(encoding="utf-8")
    _intact(page, COMPARISON_SECTIONS, images=2)
    assert f"<h1>{esc(title)}</h1>" in page
    assert f"<th>{esc(label_a)}</th>" in page and f"<th>{esc(label_b)}</th>" in page
    assert "<strong>bold</strong>" not in page and 'href="javascript' not in page
    summary = page[page.index("What the comparison says"):]
    assert "**bold**" in summary and "$$\\x$$" in summary and "{{7*7}}" in summary  # shown literally
    assert "sitting_hours=8.5" in page


def test_template_run_directly_still_escapes(tmp_path):
    "real report, no validation (as papermill would run it): NUL, direction override and markup stay inert"
    name = "a\x00b\u202e<script>alert(1)</script>"
    res = reports.run_report("personal-plan", {"name": name, "report_date": "<!--", "people": 100, "weeks": 1},
                             tmp_path / "d.html", validate=False)
    page = res.html.read_text(encoding="utf-8")
    _intact(page, PLAN_SECTIONS, images=1)
    body = page[page.index("<main"):]  # (the <title> is the runner's: html.escape there, controls kept)
    assert "\x00" not in body and "\u202e" not in body
    assert "Personal plan: a\ufffdb\ufffd&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page
    assert "Prepared &lt;!-- with spinelib" in page
    import nbformat  # a blank name run directly says so: the template passes it through rf.person_name

    nb = nbformat.read(reports.template_path("personal-plan"), as_version=4)
    assert any('rf.header("Personal plan", rf.person_name(name),' in c.source for c in nb.cells)


def test_progress_report_names_are_journal_names(tmp_path):
    "progress report: the name is a journal name (refused before any kernel otherwise); an apostrophe is escaped"
    with pytest.raises(InputError, match=r"^name: must be a name of 1 to 80 letters"):
        reports.validate_parameters("progress-report", {"name": "<script>alert(1)</script>"})
    name = "Ann O'Neil-Ünal"
    res = reports.run_report("progress-report", {"name": name, "report_date": "2026-01-02", "demo_days": 21,
                                                 "weeks": 2, "people": 100}, tmp_path / "g.html")
    page = res.html.read_text(encoding="utf-8")
    assert f"<title>Progress report: {esc(name)}</title>" in page
    assert f"<h1>Progress report: {esc(name)}</h1>" in page  # escaped once, and reads as the name
    assert page.count("data:image/png") == 1  # the you-and-the-model figure, once
    assert page.count("<table") == page.count("</table>")
    reports.check_self_contained(page)
