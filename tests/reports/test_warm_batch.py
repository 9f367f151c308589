"""Batches on warm kernels: ``run_batch`` keeps one kernel (and one Chromium) per worker, and it shows only in speed.

The same rows through ``run_batch(warm=True)`` (the default) and ``warm=False`` (a new kernel per
report) give byte-identical pages; a failing row fails alone and the next row runs on a new
kernel; nothing (kernel, browser, worker, temporary folder) outlives the batch.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from spinelib.reports import runner

from .conftest import TINY

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                    reason="no /usr/bin/chromium (CI never skips: it installs chromium)")


def _descendants() -> dict[int, str]:
    """This process's live descendants: pid -> command line."""
    import psutil

    out = {}
    for p in psutil.Process().children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                out[p.pid] = " ".join(p.cmdline())[:120]
        except psutil.Error:
            pass
    return out


@pytest.fixture()
def left_behind():
    """left_behind(): the processes started since the test began that are still running (e.g. not the browser
    driver another test of this worker keeps for the session)."""
    before = set(_descendants())
    return lambda: sorted(cmd for pid, cmd in _descendants().items() if pid not in before)


def _table(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "clients.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


ROWS = [{"name": f"Client {i}", "count": 2 + i % 3, "scale": 1 + i / 4} for i in range(6)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_warm_batch_pages_equal_cold_and_kernels_are_reused(tmp_path, jobs, left_behind):
    "warm vs a kernel per report: same bytes; kernels started once per worker (timings), then reset; none left"
    table = _table(tmp_path, ROWS)
    warm = runner.run_batch(TINY, table, tmp_path / "warm", jobs=jobs, progress=False)
    cold = runner.run_batch(TINY, table, tmp_path / "cold", jobs=jobs, progress=False, warm=False)
    assert warm.ok and cold.ok, (warm.failed, cold.failed)
    for i in range(len(ROWS)):
        name = f"client-{i}.html"
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes(), name
    t = warm.timings
    assert list(t.columns) == ["row", *runner.STEP_COLUMNS] and list(t["row"]) == list(range(1, len(ROWS) + 1))
    started = int((t["start"] > 0).sum())
    assert 1 <= started <= jobs  # one kernel per worker, each started for its first report only
    assert int((t["reset"] > 0).sum()) == len(ROWS) - started
    assert (t["execute"] > 0).all() and (t["export"] > 0).all() and (t["write"] > 0).all() and (t["pdf"] == 0).all()
    assert (t["validate"] > 0).all()
    assert (cold.timings["start"] == 0).all() and (cold.timings["reset"] == 0).all()
    assert left_behind() == []


def test_warm_batch_failing_row_fails_alone(tmp_path, left_behind):
    "a row whose notebook raises fails with the cold line; the rows after it run on a new kernel"
    rows = [dict(r) for r in ROWS[:4]]
    for r in rows:
        r["fail"] = False
    rows[1]["fail"] = True
    res = runner.run_batch(TINY, _table(tmp_path, rows), tmp_path / "out", jobs=1, progress=False)
    s = res.summary.set_index("row")
    assert list(s["status"]) == ["ok", "failed", "ok", "ok"]
    assert s.loc[2, "message"] == "tiny_template: cell 5 raised RuntimeError: asked to fail"
    t = res.timings.set_index("row")
    assert t.loc[1, "start"] > 0 and t.loc[3, "start"] > 0  # the failed row's kernel was not reused
    assert t.loc[4, "start"] == 0 and t.loc[4, "reset"] > 0
    assert not (tmp_path / "out" / "client-1.html").exists()
    assert left_behind() == []


@needs_chromium
def test_warm_batch_pdfs_one_browser_same_text(tmp_path, pdf_text, left_behind):
    "PDFs of a warm batch (one Chromium per worker) hold the same pages and text as a new browser per report"
    table = _table(tmp_path, ROWS[:3])
    warm = runner.run_batch(TINY, table, tmp_path / "warm", jobs=1, pdf=True, progress=False)
    cold = runner.run_batch(TINY, table, tmp_path / "cold", jobs=1, pdf=True, progress=False, warm=False)
    assert warm.ok and cold.ok
    for i in range(3):
        name = f"client-{i}.pdf"
        assert pdf_text(tmp_path / "warm" / name) == pdf_text(tmp_path / "cold" / name)
    assert (warm.timings["pdf"] > 0).all()
    assert left_behind() == []


def test_build_examples_on_warm_kernels_matches_cold(tmp_path, left_behind):
    "the shipped examples (both templates) on warm kernels: the same HTML as on a kernel each"
    warm = runner.build_examples(tmp_path / "warm", jobs=2, pdf=False, progress=False)
    cold = runner.build_examples(tmp_path / "cold", jobs=2, pdf=False, progress=False, warm=False)
    assert (warm["status"] == "ok").all() and (cold["status"] == "ok").all()
    names = sorted(p.name for p in (tmp_path / "warm").glob("*.html"))
    assert names == sorted(p.name for p in (tmp_path / "cold").glob("*.html")) and len(names) == len(warm)
    for name in names:
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes(), name
    assert left_behind() == []
