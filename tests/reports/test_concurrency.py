"""Safe concurrency: an unwritable folder is refused before any kernel, one run at a time per folder, --resume.

A second run into a folder that another run holds waits 3 s and then refuses with one line
naming the folder (``--wait``: it waits as long as it takes). Tests never depend on timing:
the first run is held inside its kernel by a "gate" file until the test opens it.
"""
from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_notebook

from spinelib import reports
from spinelib.atomic import folder_lock
from spinelib.errors import InputError
from spinelib.reports import cli, runner

HERE = Path(__file__).resolve().parent
TINY = HERE.parent / "data" / "tiny_template.ipynb"
PY = sys.executable
SAFETY = 300  # seconds: a bound for each wait, never an expectation


def _csv(path: Path, header: str, *rows: str) -> Path:
    path.write_text(header + "\n" + "".join(r + "\n" for r in rows))
    return path


# ----- unwritable folders -------------------------------------------------------------------
@pytest.fixture()
def blocked(tmp_path):
    """A regular file where a folder should be (tests run as root: permissions would not stop them)."""
    f = tmp_path / "file"
    f.write_text("not a folder")
    return f


def test_unwritable_out_dir_is_refused_before_any_kernel(no_kernel, tmp_path, blocked):
    "batch: an output folder under a file, or a file itself -> one-line InputError naming it, no kernel"
    table = _csv(tmp_path / "c.csv", "name,count", "Ana,2")
    with pytest.raises(InputError) as exc:
        reports.run_batch(TINY, table, blocked / "out", progress=False)
    assert str(exc.value) == f"--out-dir: must be a folder that can be written to ({blocked / 'out'}: Not a directory)"
    with pytest.raises(InputError, match=r"--out-dir: must be a folder that can be written to \(.*: a file is in the way\)"):
        reports.run_batch(TINY, table, blocked, progress=False)
    with pytest.raises(InputError, match="--summary: must be a folder that can be written to"):
        reports.run_batch(TINY, table, tmp_path / "out", summary_path=blocked / "s.csv", progress=False)
    assert not (tmp_path / "out" / "ana.html").exists()


@pytest.mark.parametrize("command", ["batch", "report", "examples"])
def test_unwritable_folder_cli_is_one_line(no_kernel, tmp_path, blocked, command):
    "cli: batch --out-dir, report -o, examples --out-dir under a file -> one line, exit 2, before any kernel"
    table = _csv(tmp_path / "c.csv", "name,count", "Ana,2")
    args = {"batch": ["batch", str(TINY), str(table), "--out-dir", str(blocked / "out")],
            "report": ["report", str(TINY), "-o", str(blocked / "x.html")],
            "examples": ["examples", "--out-dir", str(blocked / "out"), "--no-pdf", "--no-progress"]}[command]
    r = CliRunner().invoke(cli.main, args)
    assert r.exit_code == 2, r.output
    field = "output" if command == "report" else "--out-dir"
    assert r.output.startswith(f"error: {field}: must be a folder that can be written to ({blocked}")
    assert len(r.output.strip().splitlines()) == 1 and "Traceback" not in r.output


# ----- one run per folder -------------------------------------------------------------------
def test_locked_folder_is_refused_with_one_line(no_kernel, tmp_path):
    "lock: a folder held by another run -> one line naming the folder (exit 2), nothing written, no kernel"
    out = tmp_path / "out"
    out.mkdir()
    table = _csv(tmp_path / "c.csv", "name,count", "Ana,2")
    with folder_lock(out, "--out-dir"):
        with pytest.raises(InputError) as exc:
            reports.run_batch(TINY, table, out, progress=False, lock_wait=0)
        assert str(out) in str(exc.value) and "in use by another run" in str(exc.value)
        r = CliRunner().invoke(cli.main, ["batch", str(TINY), str(table), "--out-dir", str(out)])
    assert r.exit_code == 2, r.output
    assert r.output.strip() == (f"error: --out-dir: must be a folder no other spinelib run is writing to ({out} is in "
                                "use by another run: wait for it to finish, or ask to wait with --wait)")
    assert sorted(p.name for p in out.iterdir()) == [".spinelib.lock"]


def _gate_template(folder: Path) -> Path:
    nb = new_notebook(cells=[
        new_code_cell('name = "x"\nstarted = ""\ngate = ""', metadata={"tags": ["parameters"]}),
        new_code_cell("import os, pathlib, time\nif started:\n    pathlib.Path(started).write_text(str(os.getpid()))\n"
                      "while gate and not os.path.exists(gate):\n    time.sleep(0.05)"),
        new_code_cell('from IPython.display import HTML, display\ndisplay(HTML(f"<h1>Report for {name}</h1>"))'),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "gate.ipynb")
    return folder / "gate.ipynb"


def _wait_for(check, what, proc):
    end = time.monotonic() + SAFETY
    while time.monotonic() < end:
        if check():
            return
        if proc.poll() is not None:
            pytest.fail(f"the first batch ended (exit {proc.returncode}) before {what}: {proc.communicate()[1][-2000:]}")
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what}")


def test_two_batches_into_one_folder(tmp_path):
    "lock: while batch A runs, batch B into the same folder refuses (one line), or with --wait runs after A; A's reports survive"
    template = _gate_template(tmp_path)
    out, gate, started = tmp_path / "out", tmp_path / "gate", tmp_path / "started"
    table_a = _csv(tmp_path / "a.csv", "name,started,gate", f"Ana,{started},{gate}")
    table_b = _csv(tmp_path / "b.csv", "name", "Ben")

    def batch(table, *extra, stderr=subprocess.PIPE):
        return subprocess.Popen([PY, "-m", "spinelib", "batch", str(template), str(table), "--out-dir", str(out),
                                 "--jobs", "1", "--no-progress", "--summary", str(tmp_path / f"{table.stem}.csv"),
                                 *extra], stdout=subprocess.PIPE, stderr=stderr, text=True)

    a = batch(table_a)
    try:
        _wait_for(started.exists, "its kernel to start", a)
        b = batch(table_b)
        _, err = b.communicate(timeout=SAFETY)
        assert b.returncode == 2, err
        assert err.strip() == (f"error: --out-dir: must be a folder no other spinelib run is writing to ({out} is in "
                               "use by another run: wait for it to finish, or ask to wait with --wait)")
        with open(tmp_path / "c-err.txt", "w") as log:
            c = batch(table_b, "--wait", stderr=log)
            _wait_for(lambda: "waiting for another spinelib run" in (tmp_path / "c-err.txt").read_text(),
                      "batch C to say it waits", a)
            assert c.poll() is None and not (out / "ben.html").exists()
            gate.write_text("open")
            assert a.wait(timeout=SAFETY) == 0, a.communicate()[1]
            assert c.wait(timeout=SAFETY) == 0, (tmp_path / "c-err.txt").read_text()
    finally:
        gate.write_text("open")
        for p in (a,):
            if p.poll() is None:
                p.kill()
    assert (tmp_path / "c-err.txt").read_text().strip() == f"waiting for another spinelib run to finish with {out} ..."
    assert sorted(p.name for p in out.glob("*.html")) == ["ana.html", "ben.html"]
    assert "Report for Ana" in (out / "ana.html").read_text() and "Report for Ben" in (out / "ben.html").read_text()
    with open(tmp_path / "a.csv") as fh:
        assert [r["status"] for r in csv.DictReader(fh)] == ["ok"]
    with open(tmp_path / "b.csv") as fh:
        assert [r["status"] for r in csv.DictReader(fh)] == ["ok"]


# ----- resume -------------------------------------------------------------------------------
def test_report_stamp_follows_parameters_and_template(tmp_path):
    "stamp: same parameters and template -> same stamp; another value or an edited template -> another"
    copy = tmp_path / "t.ipynb"
    copy.write_bytes(TINY.read_bytes())
    a = runner.report_stamp(copy, {"name": "Ana", "count": 2})
    assert a == runner.report_stamp(copy, {"count": 2, "name": "Ana"})
    assert a != runner.report_stamp(copy, {"name": "Ana", "count": 3})
    nb = nbformat.read(copy, as_version=4)
    nb.cells[0].source += " (edited)"
    nbformat.write(nb, copy)
    os.utime(copy, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert a != runner.report_stamp(copy, {"name": "Ana", "count": 2})


def test_resume_skips_reports_made_from_the_same_parameters(tmp_path):
    "resume: rows whose report carries the same stamp are skipped and counted; a changed row is run again"
    out = tmp_path / "out"
    table = _csv(tmp_path / "c.csv", "name,count", "Ana,2", "Ben,3", "Cleo,1")
    first = reports.run_batch(TINY, table, out, jobs=1, progress=False)
    assert list(first.summary["status"]) == ["ok"] * 3
    assert runner.page_stamp(out / "ana.html") == runner.report_stamp(TINY, {"name": "Ana", "count": 2})
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.glob("*.html")}
    _csv(table, "name,count", "Ana,2", "Ben,4", "Cleo,1")
    r = CliRunner().invoke(cli.main, ["batch", str(TINY), str(table), "--out-dir", str(out), "--jobs", "1",
                                      "--resume", "--no-progress"])
    assert r.exit_code == 0, r.output
    assert f"3 of 3 reports written to {out} (2 skipped: already written from the same parameters)" in r.output
    with open(out / "tiny_template-summary.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert [(x["row"], x["status"]) for x in rows] == [("1", "skipped"), ("2", "ok"), ("3", "skipped")]
    assert rows[0]["output"].endswith("ana.html")
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.glob("*.html")}
    assert after["ana.html"] == before["ana.html"] and after["cleo.html"] == before["cleo.html"]
    assert after["ben.html"] != before["ben.html"] and "<td>3</td><td>6</td>" in after["ben.html"][1].decode()
