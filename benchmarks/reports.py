"""Benchmark report batches, measured side by side in one run on this machine.

Personal plans for made-up clients (the template's default cohort of 1,000 simulated people),
through three paths:

a. a loop of ``papermill`` CLI calls (execution only, no HTML: this favours the CLI loop);
b. the cold path, what ``run_report`` does for each report: a new kernel per report
   (``execute_template``), the HTML page (``render_html``), and a new Chromium per PDF
   (``html_to_pdf``); 2 worker processes;
c. the warm path: a :class:`~spinelib.reports.warm.ReportSession` per worker process (one kept
   kernel, reset to a clean namespace before each report, and one Chromium for all its PDFs);
   2 worker processes, fed by this script until ``run_batch`` uses sessions itself.

Each of (b) and (c) runs HTML only and with PDF. Printed: reports per second, the time of each
step per report (validation, kernel reset, execute, export = HTML page, PDF, write), CPU
seconds per report, the peak memory of the process tree (this process and every process under
it: workers, kernels, Chromium; PSS and the sum of RSS, sampled every second),
and whether the warm pages are byte for byte the cold ones. With ``--memory-reports 1000`` a
last warm batch (HTML only) prints the tree's memory after each tenth of the reports, to show
whether it stays flat. Targets of the issue, on 2 cores: HTML only >= 2 reports/s, with PDF
>= 1 report/s. Figures only, no asserts; other work on the machine slows every figure (the
load average is printed).

Usage: ``python benchmarks/reports.py [--reports 100] [--cli-reports 10] [--jobs 2] [--memory-reports 0]
[--max-reports 100] [--skip-cold]``
"""
from __future__ import annotations

import argparse
import multiprocessing
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
        return now

    def restart(self) -> None:
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


# ----- workers (module level: spawned processes import this file) ---------------------------------
def _cold_worker(jobs, results, pdf: bool) -> None:
    """Path (b): what run_report does per report, step by step: a new kernel, the page, a new Chromium."""
    from spinelib.atomic import atomic_write
    from spinelib.reports.pages import html_to_pdf, render_html, report_title
    from spinelib.reports.runner import execute_template

    for row, params, out in iter(jobs.get, None):
        out = Path(out)
        try:
            t0 = time.perf_counter()
            nb = execute_template(TEMPLATE, params)
            t1 = time.perf_counter()
            page = render_html(nb, title=report_title(TEMPLATE, params))
            t2 = time.perf_counter()
            atomic_write(out, page)
            t3 = time.perf_counter()
            if pdf:
                html_to_pdf(out, out.with_suffix(".pdf"))
            t4 = time.perf_counter()
            results.put((row, "ok", {"execute": t1 - t0, "export": t2 - t1, "write": t3 - t2, "pdf": t4 - t3}))
        except Exception as exc:
            results.put((row, "failed", f"{type(exc).__name__}: {exc}"))


def _warm_worker(jobs, results, pdf: bool, max_reports: int) -> None:
    """Path (c): one ReportSession (a warm kernel and one Chromium) for all the reports of this worker."""
    from spinelib.atomic import atomic_write
    from spinelib.reports.warm import ReportSession

    with ReportSession(max_reports=max_reports) as session:
        for row, params, out in iter(jobs.get, None):
            out = Path(out)
            try:
                rep = session.render(TEMPLATE, params, pdf=pdf, validate=False)
                t0 = time.perf_counter()
                atomic_write(out, rep.page)
                if pdf:
                    atomic_write(out.with_suffix(".pdf"), rep.pdf)
                secs = {k: v for k, v in rep.seconds.items() if k in STEPS}
                results.put((row, "ok", {**secs, "write": time.perf_counter() - t0}))
            except Exception as exc:
                results.put((row, "failed", f"{type(exc).__name__}: {exc}"))


def run_pool(worker, args: tuple, work: list[tuple], workers: int, checkpoints=(), memory=None) -> dict:
    """Feed ``work`` to ``workers`` spawned processes running ``worker``; wall time, steps, failures."""
    ctx = multiprocessing.get_context("spawn")
    jobs, results = ctx.Queue(), ctx.Queue()
    for item in work:
        jobs.put(item)
    for _ in range(workers):
        jobs.put(None)
    c0, t0 = cpu(), time.perf_counter()
    procs = [ctx.Process(target=worker, args=(jobs, results, *args)) for _ in range(workers)]
    for p in procs:
        p.start()
    steps: dict[str, list] = {}
    failed, marks = [], {}
    import queue

    for n in range(1, len(work) + 1):
        while True:
            try:
                row, status, value = results.get(timeout=5)
                break
            except queue.Empty:
                if not any(p.is_alive() for p in procs):
                    row, status, value = -1, "failed", "every worker ended before all reports were done"
                    break
        if row == -1:
            failed.append((row, value))
            break
        if status == "ok":
            for k, v in value.items():
                steps.setdefault(k, []).append(v)
        else:
            failed.append((row, value))
        if n in checkpoints and memory is not None:
            marks[n] = memory.sample()
    wall = time.perf_counter() - t0
    for p in procs:
        p.join()
    return {"wall": wall, "cpu": cpu() - c0, "steps": steps, "failed": failed, "marks": marks}


def _mean(xs) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=100, help="personal plans per batch (default 100)")
    ap.add_argument("--cli-reports", type=int, default=10, help="papermill CLI calls in the loop (default 10)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--max-reports", type=int, default=100, help="reports per warm kernel before it is replaced")
    ap.add_argument("--memory-reports", type=int, default=0,
                    help="reports in a last warm HTML-only batch that prints the memory as it goes (e.g. 1000)")
    ap.add_argument("--skip-cold", action="store_true", help="skip the cold path (b)")
    args = ap.parse_args(argv)

    import psutil  # noqa: F401  (a test dependency: the memory figures need it)

    from spinelib.reports import template_path, validate_parameters

    rows = clients(max(args.reports, args.cli_reports, args.memory_reports))
    load0 = os.getloadavg()
    # validation happens in the calling process before any kernel starts (both paths)
    validate_parameters(TEMPLATE, rows[0])  # the first call imports what validation needs
    t0 = time.perf_counter()
    valid = [validate_parameters(TEMPLATE, r) for r in rows]
    validate = (time.perf_counter() - t0) / len(rows)
    papermill_cli = Path(sys.executable).with_name("papermill")
    table = []  # (label, reports, result)
    with tempfile.TemporaryDirectory(prefix="spinelib-bench-") as tmp, TreeMemory() as mem:
        tmp = Path(tmp)

        def batch(label, worker, extra, n, folder, checkpoints=()):
            (tmp / folder).mkdir()
            work = [(i, valid[i], str(tmp / folder / f"c{i:04d}.html")) for i in range(n)]
            mem.restart()
            res = run_pool(worker, extra, work, args.jobs, checkpoints=checkpoints, memory=mem)
            res["peak"] = dict(mem.peak)
            table.append((label, n, res))
            print(f"  done: {label}: {n / res['wall']:.2f} reports/s", file=sys.stderr, flush=True)
            return res

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
            batch("b. cold: kernel per report, HTML", _cold_worker, (False,), n, "cold-html")
            batch("b. cold: kernel per report, + Chromium per PDF", _cold_worker, (True,), n, "cold-pdf")
        batch("c. warm: session per worker, HTML", _warm_worker, (False, args.max_reports), n, "warm-html")
        batch("c. warm: session per worker, + one Chromium", _warm_worker, (True, args.max_reports), n, "warm-pdf")
        same = None
        if not args.skip_cold:
            same = sum((tmp / "cold-html" / f"c{i:04d}.html").read_bytes()
                       == (tmp / "warm-html" / f"c{i:04d}.html").read_bytes() for i in range(n))
        memory = None
        if args.memory_reports:
            m = args.memory_reports
            marks = sorted({max(1, m * k // 10) for k in range(1, 11)} | {min(100, m)})
            memory = batch("c. warm, HTML, memory run", _warm_worker, (False, args.max_reports), m, "memory",
                           checkpoints=set(marks))
    load1 = os.getloadavg()

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; load average (1, 5, 15 min) "
          f"{load0[0]:.1f} {load0[1]:.1f} {load0[2]:.1f} at start, {load1[0]:.1f} {load1[1]:.1f} {load1[2]:.1f} "
          f"at end; {args.jobs} workers")
    print(f"validation (in the calling process, before any kernel): {validate * 1000:.1f} ms per report")
    print("peak memory of the process tree: PSS (shared pages divided among their processes) and the sum of RSS")
    head = (f"{'path':<48} {'n':>5} {'wall s':>8} {'rep/s':>6} {'s/rep':>6} {'CPU s/rep':>9} {'PSS MB':>7} "
            f"{'RSS MB':>7}  failed")
    print(head)
    print("-" * len(head))
    for label, count, res in table:
        print(f"{label:<48} {count:>5} {res['wall']:8.1f} {count / res['wall']:6.2f} {res['wall'] / count:6.2f} "
              f"{res['cpu'] / count:9.2f} {res['peak']['pss'] / 2**20:7.0f} {res['peak']['rss'] / 2**20:7.0f}  "
              f"{len(res['failed'])}")
    print("\nmean seconds per report and step, in a worker (validation above; 'start': starting a warm kernel, "
          "spread over its reports; 'reset': cleaning it between reports; the cold path starts its kernel in 'execute'):")
    print(f"{'path':<48} " + " ".join(f"{s:>8}" for s in STEPS[1:]))
    for label, _, res in table:
        if res["steps"]:
            print(f"{label:<48} " + " ".join(f"{_mean(res['steps'].get(s, [])):8.3f}" for s in STEPS[1:]))
    rate = {label: count / res["wall"] for label, count, res in table}
    warm_html = rate["c. warm: session per worker, HTML"]
    warm_pdf = rate["c. warm: session per worker, + one Chromium"]
    print("\ntargets (2 cores): HTML only >= 2 reports/s: "
          f"{warm_html:.2f} {'OK' if warm_html >= 2 else 'MISSED'}; with PDF >= 1 report/s: "
          f"{warm_pdf:.2f} {'OK' if warm_pdf >= 1 else 'MISSED'}")
    cli = rate["a. papermill CLI loop (execution only)"]
    print(f"ratios (reports/s): warm HTML / CLI loop {warm_html / cli:.1f}x", end="")
    if not args.skip_cold:
        print(f"; warm HTML / cold HTML {warm_html / rate['b. cold: kernel per report, HTML']:.1f}x; "
              f"warm PDF / cold PDF {warm_pdf / rate['b. cold: kernel per report, + Chromium per PDF']:.1f}x")
        print(f"warm pages byte-identical to the cold pages of the same rows: {same}/{n}")
    else:
        print()
    for label, _, res in table:
        for row, msg in res["failed"][:3]:
            print(f"FAILED {label} row {row}: {msg}")
    if memory is not None:
        print("\nmemory of the process tree during the memory run after N reports, MB (PSS / sum of RSS):")
        print("  " + ", ".join(f"{k}: {v['pss'] / 2**20:.0f}/{v['rss'] / 2**20:.0f}"
                               for k, v in sorted(memory["marks"].items())))
        print(f"  peak {memory['peak']['pss'] / 2**20:.0f} MB PSS, {memory['peak']['rss'] / 2**20:.0f} MB RSS; "
              f"kernels replaced every {args.max_reports} reports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
