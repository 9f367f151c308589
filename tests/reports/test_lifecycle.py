"""Process lifecycle of real ``spinelib`` commands: Ctrl-C, SIGTERM, a killed worker, a killed main process, a dead kernel.

Each command runs as a subprocess with its own ``TMPDIR``. Every process it starts (workers,
kernels, Chromium) inherits that variable, so after each scenario the tests look for any
process on the machine whose environment names it (there must be none) and for anything left
in that folder (it must be empty), besides ``.part`` files in the output folder.

A "gate" template makes the timing deterministic: its kernel writes its process id to the file
``started`` and then waits until the file ``gate`` exists, so a signal always arrives while
kernels are running. No assertion is about seconds; waits are bounded loops, as safety nets.
"""
from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

PY = sys.executable
ROOT = Path(__file__).resolve().parents[2]
SAFETY = 300  # seconds: a bound for each wait, never an expectation


def gate_template(folder: Path) -> Path:
    """A template whose kernel writes its pid to ``started``, waits for ``gate``, and may end its own process."""
    nb = new_notebook(cells=[
        new_code_cell('name = "x"  # who\nstarted = ""  # file the kernel writes its pid to\n'
                      'gate = ""  # file to wait for\ndie = False  # end the kernel process', metadata={"tags": ["parameters"]}),
        new_code_cell("import os, pathlib, time\nif started:\n    pathlib.Path(started).write_text(str(os.getpid()))\n"
                      "while gate and not os.path.exists(gate):\n    time.sleep(0.05)\nif die:\n    os._exit(3)"),
        new_code_cell('from IPython.display import HTML, display\ndisplay(HTML(f"<h1>Gate report for {name}</h1>"))'),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "gate.ipynb"
    nbformat.write(nb, path)
    return path


def wait_for(check, what: str, proc: subprocess.Popen | None = None):
    """Poll ``check()`` until it is true (bounded by SAFETY); fail early if ``proc`` ended."""
    end = time.monotonic() + SAFETY
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the command ended (exit {proc.returncode}) before {what}: {err[-2000:]}")
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what}")


class Scene:
    """One command's world: a TMPDIR of its own, an output folder, a place for gate and started files."""

    def __init__(self, tmp_path: Path):
        self.root = tmp_path
        self.tmp = tmp_path / "tmp"
        self.tmp.mkdir()
        self.out = tmp_path / "out"
        self.template = gate_template(tmp_path)
        self.gate = tmp_path / "gate"

    def started(self, name: str) -> Path:
        return self.root / f"started-{name}"

    def csv(self, rows: list[dict]) -> Path:
        path = self.root / "clients.csv"
        with open(path, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["name", "started", "gate", "die"])
            w.writeheader()
            for r in rows:
                w.writerow({"started": "", "gate": "", "die": "", **r})
        return path

    def row(self, name: str, gated: bool = True, **kw) -> dict:
        return {"name": name, "started": str(self.started(name)), "gate": str(self.gate) if gated else "", **kw}

    def start(self, *args) -> subprocess.Popen:
        env = {**os.environ, "TMPDIR": str(self.tmp)}
        return subprocess.Popen([PY, "-m", "spinelib", *map(str, args)], env=env, cwd=self.root, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def batch(self, table: Path, *extra) -> subprocess.Popen:
        return self.start("batch", self.template, table, "--out-dir", self.out, "--no-progress", *extra)

    def processes(self) -> list[psutil.Process]:
        """Live processes (not zombies) started by this scene's command: their environment names its TMPDIR."""
        found = []
        for p in psutil.process_iter():
            try:
                if p.status() != psutil.STATUS_ZOMBIE and p.environ().get("TMPDIR", "").startswith(str(self.tmp)):
                    found.append(p)
            except (psutil.Error, OSError):
                continue
        return found

    def assert_clean(self) -> None:
        """No process of the command is left (bounded wait for orphans to go), nor any temporary file."""
        left = []
        end = time.monotonic() + SAFETY
        while time.monotonic() < end:
            left = self.processes()
            if not left:
                break
            time.sleep(0.1)
        assert not left, [" ".join(p.cmdline())[:200] for p in left]
        assert sorted(p.name for p in self.tmp.iterdir()) == []
        if self.out.exists():
            assert not [p.name for p in self.out.iterdir() if ".part" in p.name or p.name.startswith(".spinelib-probe")]

    def summary(self) -> list[dict]:
        with open(self.out / "gate-summary.csv") as fh:
            return list(csv.DictReader(fh))


@pytest.fixture()
def scene(tmp_path):
    s = Scene(tmp_path)
    yield s
    for p in s.processes():  # never leave a stray process behind, even when a test failed
        p.kill()


def _one_line(err: str) -> str:
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize("signum, code, jobs", [(signal.SIGINT, 130, 2), (signal.SIGTERM, 143, 2), (signal.SIGINT, 130, 1)])
def test_signal_stops_batch_and_writes_summary(scene, signum, code, jobs):
    "batch: SIGINT/SIGTERM after the first report -> workers and kernels stop, summary written, exit 130/143, nothing left"
    table = scene.csv([scene.row("Ana", gated=False, started=""), scene.row("Ben"), scene.row("Cleo"),
                       scene.row("Dan"), scene.row("Eve")])
    proc = scene.batch(table, "--jobs", str(jobs))
    wait_for(lambda: (scene.out / "ana.html").exists() and any(scene.started(n).exists() for n in ("Ben", "Cleo")),
             "the first report and a running kernel", proc)
    kernels = [int(scene.started(n).read_text()) for n in ("Ben", "Cleo") if scene.started(n).exists()]
    t0 = time.perf_counter()
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=SAFETY)
    stopped = time.perf_counter() - t0
    assert proc.returncode == code, err
    line = _one_line(err)
    assert line.startswith(f"error: interrupted by {signal.Signals(signum).name}: 1 of 5 reports written"), line
    assert [(r["row"], r["status"]) for r in scene.summary()] == [
        ("1", "ok"), ("2", "interrupted"), ("3", "interrupted"), ("4", "interrupted"), ("5", "interrupted")]
    assert sorted(p.name for p in scene.out.glob("*.html")) == ["ana.html"]
    assert not any(psutil.pid_exists(k) and psutil.Process(k).status() != psutil.STATUS_ZOMBIE for k in kernels)
    scene.assert_clean()
    print(f"\n{signal.Signals(signum).name} (--jobs {jobs}): the batch stopped {stopped:.2f} s after the signal")


def test_killed_worker_fails_only_its_row(scene):
    "batch: SIGKILL of the worker running row 2 -> row 2 failed (one line), the other rows are written, nothing left"
    table = scene.csv([scene.row("Ana", gated=False), scene.row("Ben"), scene.row("Cleo", gated=False),
                       scene.row("Dan", gated=False)])
    proc = scene.batch(table, "--jobs", "2")
    kernel = int(wait_for(lambda: scene.started("Ben").exists() and scene.started("Ben").read_text(),
                          "row 2's kernel", proc))
    worker = psutil.Process(kernel).parent()
    assert "spinelib.executor" in " ".join(worker.cmdline())
    worker.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=SAFETY)
    assert proc.returncode == 1, err
    assert [(r["row"], r["status"]) for r in scene.summary()] == [("1", "ok"), ("2", "failed"), ("3", "ok"),
                                                                  ("4", "ok")]
    message = scene.summary()[1]["message"]
    assert message == "the worker process died (killed by SIGKILL) while running it"
    assert f"row 2: failed: {message}" in err
    assert sorted(p.name for p in scene.out.glob("*.html")) == ["ana.html", "cleo.html", "dan.html"]
    assert "3 of 4 reports written" in out
    scene.assert_clean()


def test_killed_main_process_takes_its_workers_along(scene):
    "batch: SIGKILL of the main process -> its workers and their kernels end by themselves, their temp folders go"
    table = scene.csv([scene.row("Ana"), scene.row("Ben"), scene.row("Cleo")])
    proc = scene.batch(table, "--jobs", "2")
    wait_for(lambda: scene.started("Ana").exists() and scene.started("Ben").exists(), "two running kernels", proc)
    assert len(scene.processes()) >= 5  # main, 2 workers, 2 kernels
    t0 = time.perf_counter()
    proc.kill()
    proc.communicate(timeout=SAFETY)
    scene.assert_clean()  # waits (bounded) for the orphans to notice
    print(f"\nSIGKILL of the main process: its workers and kernels were gone {time.perf_counter() - t0:.2f} s later")
    assert not list(scene.out.glob("*.html"))


def test_report_with_dead_kernel_is_one_line(scene):
    "report: a cell that ends the kernel's process -> one line, exit 1, no traceback, no file, nothing left"
    out = scene.root / "r" / "dead.html"
    proc = scene.start("report", scene.template, "-p", "die", "True", "-o", out)
    _, err = proc.communicate(timeout=SAFETY)
    assert proc.returncode == 1, err
    assert _one_line(err) == "error: gate: the kernel died while running the notebook (a cell ended its process, or it was killed)"
    assert not out.exists() and not [p for p in out.parent.iterdir()]
    scene.assert_clean()


def test_report_with_killed_kernel_is_one_line(scene):
    "report: SIGKILL of the kernel mid-run -> one line, exit 1, no file, nothing left"
    out = scene.root / "killed.html"
    proc = scene.start("report", scene.template, "-r", "started", scene.started("k"), "-r", "gate", scene.gate,
                       "-o", out)
    kernel = int(wait_for(lambda: scene.started("k").exists() and scene.started("k").read_text(), "the kernel", proc))
    os.kill(kernel, signal.SIGKILL)
    _, err = proc.communicate(timeout=SAFETY)
    assert proc.returncode == 1, err
    assert _one_line(err).startswith("error: gate: the kernel died")
    assert not out.exists()
    scene.assert_clean()


def test_report_sigterm_stops_its_kernel(scene):
    "report: SIGTERM mid-run -> one line, exit 143, the kernel is killed, its files removed"
    out = scene.root / "term.html"
    proc = scene.start("report", scene.template, "-r", "started", scene.started("k"), "-r", "gate", scene.gate,
                       "-o", out)
    wait_for(lambda: scene.started("k").exists() and scene.started("k").read_text(), "the kernel", proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=SAFETY)
    assert proc.returncode == 143 and _one_line(err) == "error: interrupted by SIGTERM", err
    assert not out.exists()
    scene.assert_clean()
