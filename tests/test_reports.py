"""Report runner: validation before any kernel, papermill execution, self-contained HTML, PDF, atomic writes.

Kernel runs are expensive (~2.5 s each on 2 cores), so executed reports are shared through
module-scoped fixtures: one tiny test template run, one personal plan, one red-flag plan and
one scenario comparison.
"""
from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from spinelib import reports
from spinelib.errors import InputError
from spinelib.reports import ReportError

HERE = Path(__file__).resolve().parent
TINY = HERE / "data" / "tiny_template.ipynb"
TEMPLATES = Path(reports.templates_dir())
CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                    reason="no /usr/bin/chromium (CI never skips: it installs chromium)")
ARTIFACTS = HERE.parent / "test-artifacts"

ANA = {"name": "Ana Test", "report_date": "2026-11-24", "minutes_per_day": 15, "days_per_week": 7,
       "equipment": ["mat"], "irritability": "moderate", "load_stage": 2, "goals": ["sitting"],
       "red_flags": {q: "no" for q in __import__("spinelib").RED_FLAG_QUESTIONS}, "weeks": 8, "people": 500,
       "seed": 3}
RED = {"name": "Dana Test", "report_date": "2026-11-24", "red_flags": {"night_pain": "yes", "weight_loss": "yes"}}


def _no_kernel(monkeypatch):
    """Any attempt to start a kernel fails the test."""
    import papermill

    def boom(*a, **k):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(papermill, "execute_notebook", boom)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


def _pdf_text(path: Path) -> tuple[int, str]:
    from pypdf import PdfReader

    r = PdfReader(str(path))
    return len(r.pages), "\n".join(p.extract_text() or "" for p in r.pages)


# ----- shared executed reports --------------------------------------------------------------
# Each report runs once per test session, even under pytest-xdist (-n 2): the first worker to
# need it runs it under a file lock in a folder shared by the session's workers, the others read it.
def _shared_root(tmp_path_factory) -> Path:
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    base = tmp_path_factory.getbasetemp()
    root = base.parent / f"spinelib-reports-{run}" if run else base / "spinelib-reports"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _shared_report(tmp_path_factory, key, template, params, **kw) -> reports.ReportResult:
    import fcntl

    root = _shared_root(tmp_path_factory)
    done = root / f"{key}.json"
    with open(root / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            res = reports.run_report(template, params, root / key / f"{key}.html", **kw)
            done.write_text(json.dumps({k: str(getattr(res, k)) if getattr(res, k) else None
                                        for k in ("html", "pdf", "notebook")}))
        paths = json.loads(done.read_text())
    return reports.ReportResult(**{k: Path(v) if v else None for k, v in paths.items()})


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return _shared_report(tmp_path_factory, "tiny", TINY, {"name": "Zed", "count": 4}, pdf=CHROMIUM.exists(),
                          keep_notebook=True)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    return _shared_report(tmp_path_factory, "ana", "personal-plan", ANA, pdf=CHROMIUM.exists(), keep_notebook=True)


@pytest.fixture(scope="module")
def red(tmp_path_factory):
    return _shared_report(tmp_path_factory, "dana", "personal-plan", RED, pdf=CHROMIUM.exists())


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    params = {"scenario_a": "gentle_daily", "scenario_b": "weekend_warrior", "people": 1000, "weeks": 12, "seed": 5}
    return _shared_report(tmp_path_factory, "cmp", "scenario-comparison", params, pdf=CHROMIUM.exists())


# ----- templates as committed ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["personal_plan.ipynb", "scenario_comparison.ipynb"])
def test_template_is_clean(name):
    "templates: one literal-only parameters cell, no outputs, kernelspec python3"
    nb = nbformat.read(TEMPLATES / name, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for stmt in ast.parse(tagged[0].source).body:
        assert isinstance(stmt, ast.Assign), ast.dump(stmt)
        ast.literal_eval(stmt.value)  # only literals: derived values live in the next cells
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None
            if c is not tagged[0]:
                assert len(c.source.splitlines()) <= 9, c.source  # short cells that call spinelib


def test_template_parameter_names():
    "templates: papermill.inspect_notebook finds the declared parameters"
    assert list(reports.template_parameters("personal-plan")) == [
        "name", "report_date", "minutes_per_day", "days_per_week", "equipment", "positions", "irritability",
        "load_stage", "goals", "red_flags", "weeks", "people", "seed"]
    assert list(reports.template_parameters("scenario_comparison")) == [
        "scenario_a", "scenario_b", "people", "weeks", "seed", "title"]


def test_template_lookup():
    "templates: names with - or _ resolve to the same file; unknown names are refused"
    assert reports.template_path("personal-plan") == reports.template_path("personal_plan")
    with pytest.raises(InputError, match="template"):
        reports.template_path("nope")


# ----- validation before any kernel ----------------------------------------------------------
@pytest.mark.parametrize("params, field, allowed", [
    ({"minutes_per_dya": 15}, "minutes_per_dya", "a parameter of personal-plan"),
    ({"minutes_per_day": "fifteen"}, "minutes_per_day", "5 to 60"),
    ({"minutes_per_day": 90}, "minutes_per_day", "5 to 60"),
    ({"weeks": 0}, "weeks", "1 to 52"),
    ({"people": 10}, "people", "100 to 20000"),
    ({"irritability": "extreme"}, "irritability", "low, moderate, high"),
    ({"red_flags": {"night_pain": "maybe"}}, "red_flags.night_pain", "yes or no"),
    ({"equipment": ["sofa"]}, "equipment", "mat"),
    ({"report_date": "24/11/2026"}, "report_date", "YYYY-MM-DD"),
])
def test_bad_parameters_fail_before_a_kernel(monkeypatch, tmp_path, params, field, allowed):
    "validation: unknown name, wrong type, out of range -> one-line InputError naming field and range, no kernel"
    _no_kernel(monkeypatch)
    with pytest.raises(InputError) as exc:
        reports.run_report("personal-plan", params, tmp_path / "x.html")
    msg = str(exc.value)
    assert msg.startswith(field + ":") and allowed in msg and "\n" not in msg
    assert not list(tmp_path.iterdir())


def test_generic_types_from_template_defaults(monkeypatch):
    "validation: a template without rules is type-checked from its defaults"
    _no_kernel(monkeypatch)
    assert reports.validate_parameters(TINY, {"count": 2, "scale": 1, "labels": ("x",)}) == {
        "count": 2, "scale": 1.0, "labels": ["x"]}
    for bad in ({"count": "2"}, {"count": True}, {"fail": "no"}, {"labels": "a"}):
        with pytest.raises(InputError):
            reports.validate_parameters(TINY, bad)


def test_validation_normalises_profile_fields():
    "validation: profile fields come back in the Profile's normal form"
    clean = reports.validate_parameters("personal-plan", {"equipment": "band, mat", "red_flags": {"night_pain": "no"}})
    assert clean == {"equipment": ["mat", "band"], "red_flags": {"night_pain": False}}


def test_describe_parameters():
    "help-params: every parameter has a default and an allowed range"
    d = reports.describe_parameters("personal-plan").set_index("name")
    assert d.loc["minutes_per_day", "allowed"] == "a whole number of minutes from 5 to 60"
    assert d.loc["minutes_per_day", "default"] == "15"


# ----- the tiny template: runner mechanics ----------------------------------------------------
def test_tiny_html_is_self_contained(tiny):
    "html: no traceback, no input code, embedded PNG, nothing from the network"
    page = tiny.html.read_text(encoding="utf-8")
    assert "Tiny report for Zed" in page
    assert "Traceback" not in page and "plt.subplots" not in page and "import matplotlib" not in page
    assert 'src="data:image/png;base64,' in page
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert "Content-Security-Policy" in page and "@media print" in page
    reports.check_self_contained(page)


def test_check_self_contained_rejects_network():
    "html: a script, stylesheet, font or image from the network is refused"
    for bad in ('<script src="https://cdn.x/require.js"></script>', '<link rel="stylesheet" href="https://f/x.css">',
                "<style>@import url(https://fonts.googleapis.com/css)</style>", '<img src="http://x/y.png">',
                "<style>body{background:url(//x/y.png)}</style>"):
        with pytest.raises(ReportError):
            reports.check_self_contained(bad)
    reports.check_self_contained('<img src="data:image/png;base64,AAAA"><a href="https://doi.org/x">doi</a>')


def test_keep_notebook(tiny):
    "keep_notebook: the executed notebook sits beside the HTML, with the injected parameters"
    nb = nbformat.read(tiny.notebook, as_version=4)
    assert tiny.notebook == tiny.html.with_suffix(".ipynb")
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "count = 4" in injected[0].source
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


@needs_chromium
def test_tiny_pdf(tiny):
    "pdf: Chromium prints one page holding the report text"
    pages, text = _pdf_text(tiny.pdf)
    assert pages == 1 and "Tiny report for Zed" in text
    assert _leftovers(tiny.pdf.parent) == []


def test_failing_cell_is_one_line_and_keeps_earlier_report(tmp_path):
    "failure: a cell that raises -> one-line ReportError, the earlier report is untouched, no temp file"
    out = tmp_path / "r.html"
    out.write_text("EARLIER")
    with pytest.raises(ReportError) as exc:
        reports.run_report(TINY, {"fail": True}, out)
    assert "RuntimeError: asked to fail" in str(exc.value) and "\n" not in str(exc.value)
    assert out.read_text() == "EARLIER" and _leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["render", "pdf", "rename"])
def test_interrupted_run_leaves_no_partial_file(monkeypatch, tmp_path, tiny, where):
    "atomic: an interruption while rendering, printing or renaming keeps the earlier report and leaves no temp file"
    executed = nbformat.read(tiny.notebook, as_version=4)
    monkeypatch.setattr(reports, "execute_template", lambda *a, **k: executed)
    out = tmp_path / "r.html"
    out.write_text("EARLIER HTML")
    out.with_suffix(".pdf").write_bytes(b"EARLIER PDF")
    if where == "render":
        def half(*a, **k):
            raise KeyboardInterrupt("simulated interruption mid-render")
        monkeypatch.setattr(reports, "render_html", half)
    elif where == "pdf":
        def crash(html_path, pdf_path, **k):
            Path(pdf_path).write_bytes(b"%PDF-1.4 half")
            raise ReportError("Chromium crashed")
        monkeypatch.setattr(reports, "html_to_pdf", crash)
    else:
        def flaky(src, dst):
            raise OSError("disk full")
        monkeypatch.setattr(reports.os, "replace", flaky)
    with pytest.raises((KeyboardInterrupt, ReportError, OSError)):
        reports.run_report(TINY, {"count": 2}, out, pdf=where == "pdf")
    assert out.read_text() == "EARLIER HTML"
    assert out.with_suffix(".pdf").read_bytes() == b"EARLIER PDF"
    assert _leftovers(tmp_path) == []


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


def test_batch_validates_every_row_before_any_kernel(monkeypatch, tmp_path):
    "batch: all rows invalid -> every row reported, summary written, no kernel"
    _no_kernel(monkeypatch)
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
    for needle in ("gentle_daily", "weekend_warrior", "Side by side over time", "Outcomes with 95% intervals",
                   "What the comparison says", "Not medical advice"):
        assert needle in text, needle
    assert page.count('src="data:image/png;base64,') >= 2
    assert "Traceback" not in page
    reports.check_self_contained(page)


@needs_chromium
def test_pdfs_pages_and_text(plan, red, comparison):
    "pdf: red-flag report 1 page; comparison 3 pages; plan 4-8 pages (its length follows the catalogue and evidence)"
    n, text = _pdf_text(red.pdf)
    assert n == 1 and "See a clinician" in text and "Your day plan" not in text
    n, text = _pdf_text(plan.pdf)
    assert 4 <= n <= 8, n
    for needle in ("Personal plan: Ana Test", "Your day plan", "Five-insight audit", "Evidence cited"):
        assert needle in text, needle
    n, text = _pdf_text(comparison.pdf)
    assert n == 3, n
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


# ----- report helpers without a kernel ------------------------------------------------------
def test_compare_outcomes_and_summary():
    "comparison: a shift beyond chance is real, a tie is not; lower pain/flares wins; all-NaN outcomes are left out"
    import numpy as np
    import pandas as pd

    from spinelib import report_figures as rf

    rng = np.random.default_rng(0)
    n = 2000
    a = pd.DataFrame({"pain_change": rng.normal(-20, 10, n), "flares": rng.poisson(2, n).astype(float),
                      "adherence": np.full(n, np.nan), "habit": rng.uniform(0, 1, n)})
    b = a.copy()
    b["pain_change"] = a["pain_change"] - 5  # B better on pain
    b["flares"] = a["flares"] + rng.normal(0, 0.01, n)  # no real difference
    cmp = rf.compare_outcomes(a, b).set_index("outcome")
    assert "adherence" not in cmp.index
    assert cmp.loc["pain_change", "real"] and abs(cmp.loc["pain_change", "diff"] + 5) < 1e-9
    assert cmp.loc["pain_change", "diff_lo"] < -5 < cmp.loc["pain_change", "diff_hi"]
    assert not cmp.loc["flares", "real"] and not cmp.loc["habit", "real"]
    text = rf.plain_summary(cmp.reset_index(), "A", "B", n).data
    assert "in favour of **B**" in text and "cannot be told apart" in text


def test_scenario_labels_and_descriptions():
    "comparison: labels and descriptions for names and settings"
    from spinelib import report_figures as rf

    assert rf.scenario_label("gentle_daily", "A") == "gentle_daily"
    assert rf.scenario_label({"base": "supervised"}, "A") == "supervised (custom)"
    assert rf.scenario_label({"base": "supervised", "label": "Clinic"}, "A") == "Clinic"
    assert rf.describe_scenario("weekend_warrior").startswith("weekend_warrior: one 90-minute")


def test_scenario_settings_validation(monkeypatch):
    "validation: scenario settings are checked by the simulator's Params, before any kernel"
    _no_kernel(monkeypatch)
    ok = reports.validate_parameters("scenario-comparison", {"scenario_b": {"base": "gentle_daily", "label": "G"}})
    assert ok == {"scenario_b": {"base": "gentle_daily", "label": "G"}}
    for bad, field in (({"scenario_a": "nope"}, "scenario_a:"), ({"scenario_a": {"base": "nope"}}, "scenario_a.base:"),
                       ({"scenario_a": {"base": "gentle_daily", "colour": 1}}, "scenario_a.colour:"),
                       ({"scenario_a": {"base": "gentle_daily", "params": {"zz": 1}}}, "scenario_a.params:"),
                       ({"people": 50}, "people:")):
        with pytest.raises(InputError) as exc:
            reports.validate_parameters("scenario-comparison", bad)
        assert str(exc.value).startswith(field), str(exc.value)


def test_template_lookup_prefers_installed_package(monkeypatch, tmp_path):
    "templates: spinelib/templates inside an installed wheel first, else the checkout's reports/templates"
    pkg = tmp_path / "spinelib"
    (pkg / "templates").mkdir(parents=True)
    (pkg / "data" / "examples").mkdir(parents=True)
    monkeypatch.setattr(reports.resources, "files", lambda name: pkg)
    assert reports.templates_dir() == TEMPLATES  # no template in the package folder yet: the checkout
    (pkg / "templates" / "personal_plan.ipynb").write_text("{}")
    assert reports.templates_dir() == pkg / "templates"
    assert reports.examples_dir() == pkg / "data" / "examples"


def test_example_sets_cover_the_issue():
    "examples: personal plans incl. a red-flag-positive client, and a scenario comparison; all valid"
    from spinelib import screen_red_flags

    sets = reports.example_sets()
    plans = [s for s in sets if s["template"] == "personal-plan"]
    assert len(plans) >= 3 and any(s["template"] == "scenario-comparison" for s in sets)
    assert any(screen_red_flags(s["parameters"].get("red_flags")).referral for s in plans)
    for s in sets:
        reports.validate_parameters(s["template"], s["parameters"])
