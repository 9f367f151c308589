"""Report runner: papermill execution, atomic writes, batches, the real templates end to end, examples."""
from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest

from spinelib import reports
from spinelib.errors import InputError
from spinelib.reports import ReportError, runner

HERE = Path(__file__).resolve().parent
TINY = HERE.parent / "data" / "tiny_template.ipynb"
CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                    reason="no /usr/bin/chromium (CI never skips: it installs chromium)")
ARTIFACTS = HERE.parents[1] / "test-artifacts"


# ----- the tiny template: runner mechanics ----------------------------------------------------
def test_keep_notebook(tiny):
    "keep_notebook: the executed notebook sits beside the HTML, with the injected parameters"
    nb = nbformat.read(tiny.notebook, as_version=4)
    assert tiny.notebook == tiny.html.with_suffix(".ipynb")
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "count = 4" in injected[0].source
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_failing_cell_is_one_line_and_keeps_earlier_report(tmp_path, leftovers):
    "failure: a cell that raises -> one-line ReportError, the earlier report is untouched, no temp file"
    out = tmp_path / "r.html"
    out.write_text("EARLIER")
    with pytest.raises(ReportError) as exc:
        reports.run_report(TINY, {"fail": True}, out)
    assert "RuntimeError: asked to fail" in str(exc.value) and "\n" not in str(exc.value)
    assert out.read_text() == "EARLIER" and leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["render", "pdf", "rename"])
def test_interrupted_run_leaves_no_partial_file(monkeypatch, tmp_path, tiny, leftovers, where):
    "atomic: an interruption while rendering, printing or renaming keeps the earlier report and leaves no temp file"
    executed = nbformat.read(tiny.notebook, as_version=4)
    monkeypatch.setattr(runner, "execute_template", lambda *a, **k: executed)
    out = tmp_path / "r.html"
    out.write_text("EARLIER HTML")
    out.with_suffix(".pdf").write_bytes(b"EARLIER PDF")
    if where == "render":
        def half(*a, **k):
            raise KeyboardInterrupt("simulated interruption mid-render")
        monkeypatch.setattr(runner, "render_html", half)
    elif where == "pdf":
        def crash(html_path, pdf_path, **k):
            Path(pdf_path).write_bytes(b"%PDF-1.4 half")
            raise ReportError("Chromium crashed")
        monkeypatch.setattr(runner, "html_to_pdf", crash)
    else:
        def flaky(src, dst):
            raise OSError("disk full")
        monkeypatch.setattr(runner.os, "replace", flaky)
    with pytest.raises((KeyboardInterrupt, ReportError, OSError)):
        reports.run_report(TINY, {"count": 2}, out, pdf=where == "pdf")
    assert out.read_text() == "EARLIER HTML"
    assert out.with_suffix(".pdf").read_bytes() == b"EARLIER PDF"
    assert leftovers(tmp_path) == []


def test_output_must_be_html(no_kernel, tmp_path):
    "output: a path that does not end in .html is refused before any kernel"
    with pytest.raises(InputError, match="output: must be a path ending in .html"):
        reports.run_report(TINY, {}, tmp_path / "x.pdf")


def test_report_title():
    "title: the template's title and who it is for; a path's stem when it is no shipped template"
    assert runner.report_title("personal-plan", {"name": "Ana"}) == "Personal plan: Ana"
    assert runner.report_title("scenario-comparison", {"title": "A vs B"}) == "Scenario comparison: A vs B"
    assert runner.report_title(TINY, {}) == "tiny_template"


# ----- batch helpers ------------------------------------------------------------------------
def test_safe_output_name():
    "batch names: slugs, unique, never a path"
    used: set = set()
    assert [reports.safe_output_name(n, i, used) for i, n in enumerate(["Ana", "ana", "ANA!", "", "Zoë Ñ"], 1)] == [
        "ana", "ana-2", "ana-3", "row-4", "zoe-n"]
    for bad in ("../../etc/x", "a/b", "a\\b", ".hidden", "..", "x/../../y"):
        with pytest.raises(InputError, match="plain name"):
            reports.safe_output_name(bad, 1, used)


def test_read_batch_rows(tmp_path):
    "batch rows: text cells become typed parameters; red_flags.<id> columns gather; unknown columns refused"
    csv = tmp_path / "c.csv"
    csv.write_text("name,minutes_per_day,equipment,red_flags.night_pain,weeks\nAna,15,mat;band,no,\n")
    rows = reports.read_batch_rows("personal-plan", csv)
    assert rows == [{"name": "Ana", "params": {"name": "Ana", "minutes_per_day": 15, "equipment": ["mat", "band"],
                                               "red_flags": {"night_pain": "no"}}}]
    csv.write_text("name,minutes,weeks\nAna,15,3\n")
    with pytest.raises(InputError, match="column minutes"):
        reports.read_batch_rows("personal-plan", csv)


def test_read_batch_rows_types_from_defaults(tmp_path):
    "batch rows: bools, floats, YAML lists and mappings from text; text that does not convert is passed on"
    csv = tmp_path / "c.csv"
    csv.write_text('who,name,count,scale,fail,labels\nA,Zed,x,2.5,yes,"[p, q]"\nB,Ann,3,big,maybe,"u; v"\n')
    rows = reports.read_batch_rows(TINY, csv, name_column="who")
    assert [r["params"] for r in rows] == [
        {"name": "Zed", "count": "x", "scale": 2.5, "fail": True, "labels": ["p", "q"]},
        {"name": "Ann", "count": 3, "scale": "big", "fail": "maybe", "labels": ["u", "v"]}]
    assert [r["name"] for r in rows] == ["A", "B"]
    csv.write_text("name,count\nZed,1\n")
    with pytest.raises(InputError, match="name column: must be a column of the CSV: name, count"):
        reports.read_batch_rows(TINY, csv, name_column="who")


def test_batch_validates_every_row_before_any_kernel(no_kernel, tmp_path):
    "batch: all rows invalid -> every row reported, summary written, no kernel"
    csv = tmp_path / "c.csv"
    csv.write_text("name,minutes_per_day\nAna,99\n../../etc/x,15\nBen,x\n")
    seen = []
    res = reports.run_batch("personal-plan", csv, tmp_path / "out", progress=False,
                            on_invalid=lambda r, m: seen.append((r, m)))
    assert [r for r, _ in seen] == [1, 2, 3]
    assert seen[0][1].startswith("minutes_per_day:") and seen[1][1].startswith("name: must be a plain name")
    assert list(res.summary["status"]) == ["invalid"] * 3 and not res.ok
    assert res.summary_path.read_text().splitlines()[0] == "row,status,output,seconds,message"
    assert not (tmp_path / "etc").exists()


# ----- the real templates end to end ---------------------------------------------------------
def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_personal_plan_end_to_end(plan):
    "personal plan: header, screen, day plan with cues and dosage, week, ladder, audit, projection, evidence, note"
    page = plan.html.read_text(encoding="utf-8")
    text = _text(page)
    for needle in ("Personal plan: Ana Test", "2026-11-24", "Red-flag screen Clear.", "Your day plan",
                   "Morning stabilizers", "Mid-day mobility reset", "Evening calming routine", "Week schedule",
                   "Progression ladder", "Five-insight audit", "Projection for people like you", "Evidence cited",
                   "Not medical advice"):
        assert needle in text, needle
    assert '<table class="plan">' in page
    assert page.count('src="data:image/png;base64,') >= 1
    assert "Traceback" not in page and "spinelib.Profile(" not in page and "build_routine" not in page
    reports.check_self_contained(page)


def test_red_flag_report_holds_no_plan(red):
    "personal plan: a red-flag-positive client gets the referral message only, no plan and no routine tables"
    page = red.html.read_text(encoding="utf-8")
    text = _text(page)
    assert "See a clinician before starting" in text and "constant pain at night" in text
    assert "Not medical advice" in text
    for absent in ('class="plan"', "Your day plan", "Week schedule", "Progression ladder", "Five-insight audit",
                   "Projection", "data:image/png"):
        assert absent not in page, absent


def test_scenario_comparison_end_to_end(comparison):
    "scenario comparison: side-by-side plots, outcomes with 95% intervals, plain-language summary"
    page = comparison.html.read_text(encoding="utf-8")
    text = _text(page)
    assert "gentle_daily" not in text and "weekend_warrior" not in text  # scenarios by name, never by id
    for needle in ("Gentle daily", "Weekend warrior", "Side by side over time", "Outcomes with 95% intervals",
                   "What the comparison says", "Not medical advice"):
        assert needle in text, needle
    assert page.count('src="data:image/png;base64,') >= 2
    assert "Traceback" not in page
    reports.check_self_contained(page)


@needs_chromium
def test_pdfs_pages_and_text(plan, red, comparison, pdf_text):
    "pdf: red-flag report 1 page; comparison 2 pages (the disclaimer under its header, no page of its own); plan 4-8 pages"
    n, text = pdf_text(red.pdf)
    assert n == 1 and "See a clinician" in text and "Your day plan" not in text
    n, text = pdf_text(plan.pdf)
    assert 4 <= n <= 8, n
    for needle in ("Personal plan: Ana Test", "Your day plan", "Five-insight audit", "Evidence cited"):
        assert needle in text, needle
    n, text = pdf_text(comparison.pdf)
    assert n == 2, n
    assert text.index("Not medical advice") < text.index("Outcomes with 95% intervals")
    assert "Outcomes with 95% intervals" in text


@needs_chromium
def test_browser_opens_report_offline(plan, playwright):
    "browser: headless Chromium opens the HTML with the network blocked, finds the plan table and the plots"
    # `playwright` is pytest-playwright's session fixture (a second sync_playwright() in the same
    # process would fail once the UI tests have started theirs); never a downloaded browser.
    attempted = []

    def block(route):
        if not route.request.url.startswith(("file:", "data:")):
            attempted.append(route.request.url)
            return route.abort()
        return route.continue_()

    browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                         args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                               "--disable-component-update", "--disable-sync", "--no-first-run"])
    try:
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.route("**/*", block)
        page.goto(plan.html.as_uri())
        page.wait_for_load_state("load")
        assert page.locator("table.plan").count() == 3  # morning, mid-day, evening
        assert page.locator("table.plan").first.is_visible()
        imgs = page.locator('img[src^="data:image/png;base64,"]')
        assert imgs.count() >= 1
        assert imgs.first.evaluate("i => i.complete && i.naturalWidth > 100")
        assert page.get_by_role("heading", name="Your day plan").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "personal-plan.png"), full_page=True)
        assert attempted == []  # the report asked for nothing outside itself
        with pytest.raises(Exception):  # and the block really catches network requests
            page.goto("http://spinelib.invalid/probe")
        assert attempted == ["http://spinelib.invalid/probe"]
    finally:
        browser.close()


# ----- examples ------------------------------------------------------------------------------
def test_example_sets_cover_the_issue():
    "examples: personal plans incl. a red-flag-positive client, a scenario comparison and a progress report; all valid"
    from spinelib import screen_red_flags

    sets = reports.example_sets()
    plans = [s for s in sets if s["template"] == "personal-plan"]
    assert len(plans) >= 3 and any(s["template"] == "scenario-comparison" for s in sets)
    assert any(s["template"] == "progress-report" for s in sets)
    assert any(screen_red_flags(s["parameters"].get("red_flags")).referral for s in plans)
    for s in sets:
        reports.validate_parameters(s["template"], s["parameters"])
