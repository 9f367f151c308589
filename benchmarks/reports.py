"""Benchmark report batches, measured side by side in one run on this machine.

Personal plans for made-up clients (the template's default cohort of 1,000 simulated people),
through three paths:

a. a loop of ``papermill`` CLI calls (execution only, no HTML: this favours the CLI loop);
b. ``run_batch(..., warm=False)``: the runner as it was before warm kernels, a new kernel per
   report and a new Chromium per PDF (``spinelib batch --fresh-kernels``); 2 worker processes;
c. ``run_batch(...)``, what ``spinelib batch`` does: each of the 2 worker processes keeps one
   warm kernel, reset to a clean namespace before each report, and one Chromium for its PDFs.

Each of (b) and (c) runs HTML only and with PDF. Printed: reports per second, the mean time of
each step per report from the batch's own timings (validation in the calling process, kernel
start and reset, execute, export = HTML page, PDF, write), CPU seconds per report, the peak
memory of the process tree (this process and every process under it: workers, kernels,
Chromium; PSS and the sum of RSS, sampled every second), and whether the warm pages are byte
for byte the cold ones. With ``--memory-reports 1000`` a last batch (c, HTML only) prints the
tree's memory in each tenth of its run, to show whether it stays flat. Targets of the issue, on
2 cores: HTML only >= 2 reports/s, with PDF >= 1 report/s. Figures only, no asserts; other work
on the machine slows every figure (the load average is printed).

Usage: ``python benchmarks/reports.py [--reports 100] [--cli-reports 10] [--jobs 2] [--memory-reports 0]
[--skip-cold]``
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

IRRITABILITY = ("low", "moderate", "high")
TEMPLATE = "personal-plan"
STEPS = ("validate", "start", "reset", "execute", "export", "pdf", "write")


def clients(n: int) -> list[dict]:
    return [{"name": f"Client {i + 1:04d}", "report_date": "2026-11-24", "minutes_per_day": 10 + (i % 4) * 5,
             "days_per_week": 5 + i % 3, "irritability": IRRITABILITY[i % 3], "load_stage": 1 + i % 3, "weeks": 8,
             "seed": i} for i in range(n)]


def cpu() -> float:
    """CPU seconds used so far by this process and its finished descendants (workers, kernels, browsers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class TreeMemory:
    """Samples the memory of this process and all its descendants in a thread; keeps the peaks.

    ``rss``: the sum of resident set sizes (counts memory shared between processes, e.g. by
    Chromium's, once per process); ``pss``: the proportional set size, shared pages divided among
    the processes that share them (Linux), the better figure for "how much memory does it take".
    """

    def __init__(self, every: float = 1.0):
        import psutil

        self.me = psutil.Process()
        self.every = every
        self.peak = {"rss": 0, "pss": 0}
        self.now = {"rss": 0, "pss": 0}
        self.series: list[tuple[float, int, int]] = []  # (time, pss, rss) of every sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> dict:
        import psutil

        now = {"rss": 0, "pss": 0}
        for p in [self.me, *self.me.children(recursive=True)]:
            try:
                info = p.memory_full_info()
                now["rss"] += info.rss
                now["pss"] += getattr(info, "pss", info.rss)
            except psutil.Error:
                pass
        self.now = now
        self.peak = {k: max(self.peak[k], v) for k, v in now.items()}
        self.series.append((time.perf_counter(), now["pss"], now["rss"]))
        return now

    def restart(self) -> None:
        self.series = []
        self.peak = self.sample()

    def _run(self):
        while not self._stop.wait(self.every):
            self.sample()

    def __enter__(self):
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _mean(xs) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=100, help="personal plans per batch (default 100)")
    ap.add_argument("--cli-reports", type=int, default=10, help="papermill CLI calls in the loop (default 10)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--memory-reports", type=int, default=0,
                    help="reports in a last warm HTML-only batch that prints the memory as it goes (e.g. 1000)")
    ap.add_argument("--skip-cold", action="store_true", help="skip the cold path (b)")
    args = ap.parse_args(argv)

    import pandas as pd
    import psutil  # noqa: F401  (a test dependency: the memory figures need it)

    from spinelib.reports import run_batch, template_path, validate_parameters

    rows = clients(max(args.reports, args.cli_reports, args.memory_reports))
    load0 = os.getloadavg()
    validate_parameters(TEMPLATE, rows[0])  # the first call imports what validation needs
    papermill_cli = Path(sys.executable).with_name("papermill")
    table = []  # (label, reports, result)
    with tempfile.TemporaryDirectory(prefix="spinelib-bench-") as tmp, TreeMemory() as mem:
        tmp = Path(tmp)

        def batch(label, n, folder, *, pdf, warm):
            csv = tmp / f"{folder}.csv"
            pd.DataFrame(rows[:n]).to_csv(csv, index=False)
            mem.restart()
            c0, t0 = cpu(), time.perf_counter()
            res = run_batch(TEMPLATE, csv, tmp / folder, jobs=args.jobs, pdf=pdf, warm=warm, progress=False)
            wall = time.perf_counter() - t0
            steps = {k: list(res.timings[k]) for k in STEPS}
            failed = [(r.row, r.message) for r in res.failed.itertuples()]
            out = {"wall": wall, "cpu": cpu() - c0, "steps": steps, "failed": failed, "peak": dict(mem.peak),
                   "series": list(mem.series), "t0": t0}
            table.append((label, n, out))
            print(f"  done: {label}: {n / wall:.2f} reports/s", file=sys.stderr, flush=True)
            return out

        # (a) papermill CLI loop, execution only
        c0, t1 = cpu(), time.perf_counter()
        mem.restart()
        for i in range(args.cli_reports):
            cmd = [str(papermill_cli), str(template_path(TEMPLATE)), str(tmp / f"cli-{i}.ipynb"), "--log-level", "ERROR",
                   "--no-progress-bar"]
            for k, v in rows[i].items():
                cmd += ["-p", k, str(v)]
            subprocess.run(cmd, check=True, capture_output=True, cwd=tmp)
        table.append(("a. papermill CLI loop (execution only)", args.cli_reports,
                      {"wall": time.perf_counter() - t1, "cpu": cpu() - c0, "steps": {}, "failed": [],
                       "peak": dict(mem.peak)}))
        print("  done: CLI loop", file=sys.stderr, flush=True)

        n = args.reports
        if not args.skip_cold:
            batch("b. run_batch, kernel per report, HTML", n, "cold-html", pdf=False, warm=False)
            batch("b. run_batch, kernel per report, + PDF", n, "cold-pdf", pdf=True, warm=False)
        batch("c. run_batch, warm kernels, HTML", n, "warm-html", pdf=False, warm=True)
        batch("c. run_batch, warm kernels, + PDF", n, "warm-pdf", pdf=True, warm=True)
        same = None
        if not args.skip_cold:
            names = [p.name for p in (tmp / "cold-html").glob("*.html")]
            same = sum((tmp / "cold-html" / nm).read_bytes() == (tmp / "warm-html" / nm).read_bytes() for nm in names)
        memory = None
        if args.memory_reports:
            memory = batch("c. warm, HTML, memory run", args.memory_reports, "memory", pdf=False, warm=True)
    load1 = os.getloadavg()

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; load average (1, 5, 15 min) "
          f"{load0[0]:.1f} {load0[1]:.1f} {load0[2]:.1f} at start, {load1[0]:.1f} {load1[1]:.1f} {load1[2]:.1f} "
          f"at end; {args.jobs} workers")
    print("peak memory of the process tree: PSS (shared pages divided among their processes) and the sum of RSS")
    head = (f"{'path':<48} {'n':>5} {'wall s':>8} {'rep/s':>6} {'s/rep':>6} {'CPU s/rep':>9} {'PSS MB':>7} "
            f"{'RSS MB':>7}  failed")
    print(head)
    print("-" * len(head))
    for label, count, res in table:
        if not count:
            continue
        print(f"{label:<48} {count:>5} {res['wall']:8.1f} {count / res['wall']:6.2f} {res['wall'] / count:6.2f} "
              f"{res['cpu'] / count:9.2f} {res['peak']['pss'] / 2**20:7.0f} {res['peak']['rss'] / 2**20:7.0f}  "
              f"{len(res['failed'])}")
    print("\nmean seconds per report and step (BatchResult.timings; 'validate' in the calling process before any "
          "kernel, 'start' a warm kernel's start spread over its reports, 'reset' cleaning it between reports, "
          "'write' in the calling process; the cold path starts its kernel inside 'execute'):")
    print(f"{'path':<48} " + " ".join(f"{s:>8}" for s in STEPS))
    for label, _, res in table:
        if res["steps"]:
            print(f"{label:<48} " + " ".join(f"{_mean(res['steps'].get(s, [])):8.3f}" for s in STEPS))
    rate = {label: count / res["wall"] for label, count, res in table if count}
    warm_html = rate["c. run_batch, warm kernels, HTML"]
    warm_pdf = rate["c. run_batch, warm kernels, + PDF"]
    print("\ntargets (2 cores): HTML only >= 2 reports/s: "
          f"{warm_html:.2f} {'OK' if warm_html >= 2 else 'MISSED'}; with PDF >= 1 report/s: "
          f"{warm_pdf:.2f} {'OK' if warm_pdf >= 1 else 'MISSED'}")
    cli = rate.get("a. papermill CLI loop (execution only)")
    print(f"ratios (reports/s): warm HTML / CLI loop {warm_html / cli:.1f}x" if cli else "ratios: (no CLI loop run)", end="")
    if not args.skip_cold:
        print(f"; warm HTML / kernel-per-report HTML {warm_html / rate['b. run_batch, kernel per report, HTML']:.1f}x; "
              f"warm PDF / kernel-per-report PDF {warm_pdf / rate['b. run_batch, kernel per report, + PDF']:.1f}x")
        print(f"warm pages byte-identical to the kernel-per-report pages of the same rows: {same}/{n}")
    else:
        print()
    for label, _, res in table:
        for row, msg in res["failed"][:3]:
            print(f"FAILED {label} row {row}: {msg}")
    if memory is not None:
        series, t0, wall = memory["series"], memory["t0"], memory["wall"]
        tenths = []
        for k in range(10):
            lo, hi = t0 + wall * k / 10, t0 + wall * (k + 1) / 10
            pss = [p for t, p, _ in series if lo <= t <= hi]
            tenths.append(max(pss) if pss else 0)
        print(f"\nmemory run ({args.memory_reports} reports): peak PSS of the process tree in each tenth of the run, MB:")
        print("  " + ", ".join(f"{v / 2**20:.0f}" for v in tenths))
        first, last = tenths[0] or 1, tenths[-1]
        print(f"  peak {memory['peak']['pss'] / 2**20:.0f} MB PSS, {memory['peak']['rss'] / 2**20:.0f} MB RSS; "
              f"last tenth / first tenth {last / first:.2f}x (kernels are replaced every 100 reports)")
    return 0


if __name__ == "__main__":
    from spinelib.executor import Interrupted, interruptible

    try:
        with interruptible():  # Ctrl-C or SIGTERM: workers stop and the temporary folder is removed
            code = main()
    except Interrupted as exc:
        print(f"interrupted by {exc.signame}", file=sys.stderr)
        code = exc.exit_code
    sys.exit(code)
