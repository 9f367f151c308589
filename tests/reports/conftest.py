"""Shared pieces of the report tests: executed reports, a kernel guard, PDF and temp-file helpers.

Kernel runs are expensive (~2.5 s each on 2 cores), so executed reports are shared through
module-scoped fixtures: one tiny test template run, one personal plan, one red-flag plan and
one scenario comparison. Each runs once per test session, even under pytest-xdist (-n 2).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import spinelib
from spinelib import reports

HERE = Path(__file__).resolve().parent
TINY = HERE.parent / "data" / "tiny_template.ipynb"
CHROMIUM = Path("/usr/bin/chromium")

ANA = {"name": "Ana Test", "report_date": "2026-11-24", "minutes_per_day": 15, "days_per_week": 7,
       "equipment": ["mat"], "irritability": "moderate", "load_stage": 2, "goals": ["sitting"],
       "red_flags": {q: "no" for q in spinelib.RED_FLAG_QUESTIONS}, "weeks": 8, "people": 500,
       "seed": 3}
RED = {"name": "Dana Test", "report_date": "2026-11-24", "red_flags": {"night_pain": "yes", "weight_loss": "yes"}}


@pytest.fixture()
def no_kernel(monkeypatch):
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


@pytest.fixture()
def leftovers():
    """leftovers(folder): the temporary (.part) files left in a folder."""
    return _leftovers


@pytest.fixture()
def pdf_text():
    """pdf_text(path): (number of pages, text) of a PDF."""
    return _pdf_text


# ----- shared executed reports --------------------------------------------------------------
# The first worker to need a report runs it under a file lock in a folder shared by the
# session's workers, the others read it.
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
