"""The progress report template: registered, declares its parameters, renders a log to offline HTML."""
from __future__ import annotations

import datetime as dt

import spinelib
from spinelib import reports
from spinelib.journal import Journal, fill_demo


def test_registered_with_its_parameters():
    "progress report: registered and declares name, journal, shared, report_date, weeks, people, demo_days"
    assert "progress-report" in reports.TEMPLATES
    assert list(reports.template_parameters("progress-report")) == [
        "name", "journal", "shared", "report_date", "weeks", "people", "demo_days"]


def test_renders_a_real_journal(tmp_path):
    "progress report: a person's SQLite journal renders to HTML with the streak, measures, cohort figure and evidence"
    j = Journal(tmp_path / "ann.sqlite", person="Ann", today=dt.date(2026, 11, 30))
    fill_demo(j, 56, seed=3)
    j.set_plan(spinelib.build_routine({"minutes_per_day": 20, "days_per_week": 7}), start=dt.date(2026, 10, 6))
    j.close()
    out = reports.run_report("progress-report", {"name": "Ann", "journal": str(tmp_path / "ann.sqlite"),
                                                 "report_date": "2026-11-30", "people": 200},
                             tmp_path / "ann.html", timeout=300)
    html = out.html.read_text()
    assert "Progress report: Ann" in html and ("in a row" in html or "Welcome back" in html)
    assert "minimal important difference" in html and "<img" in html and "P8" in html
    assert "simulated people on your routine" in html
    assert "Traceback" not in html and str(tmp_path) not in html.split("parameters")[0]


def test_one_report_per_client_from_a_shared_database(tmp_path):
    "progress report: a clinic's shared database gives one report per client through the batch runner"
    db = tmp_path / "clinic.sqlite"
    for who, seed in (("Ann", 1), ("Bob", 2)):
        j = Journal(db, person=who, shared=True, today=dt.date(2026, 11, 30))
        fill_demo(j, 28, seed=seed)
        j.close()
    table = tmp_path / "clients.csv"
    table.write_text(f"name,journal,shared,report_date,people\nAnn,{db},True,2026-11-30,150\n"
                     f"Bob,{db},True,2026-11-30,150\n")
    res = reports.run_batch("progress-report", table, tmp_path / "out", jobs=1, progress=False, warm=False)
    pages = sorted((tmp_path / "out").glob("*.html"))
    assert len(pages) == 2, res
    ann, bob = (p.read_text() for p in pages)
    assert "Progress report: Ann" in ann and "Progress report: Bob" in bob
