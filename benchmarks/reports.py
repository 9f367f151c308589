"""Benchmark the report runner, measured in one run on this machine.

Prints:
1. one personal plan through ``spinelib.run_report`` (kernel start, execution, HTML render, write);
2. a batch of 20 personal plans through ``spinelib.run_batch(..., jobs=2)`` (papermill's Python
   API in a pool of 2 worker processes);
3. the same 20 as a loop of ``papermill`` CLI calls (execution only, no HTML: this favours the
   CLI loop);
with the ratio of (3) to (2). Targets on a 2-core machine: one report <= 4 s; batch of 20 <= 40 s
and >= 2x faster than the CLI loop.

Usage: ``python benchmarks/reports.py [--n 20] [--jobs 2]``
"""
from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IRRITABILITY = ("low", "moderate", "high")


def clients(n: int) -> list[dict]:
    return [{"name": f"Client {i + 1:02d}", "minutes_per_day": 10 + (i % 4) * 5, "days_per_week": 5 + i % 3,
             "irritability": IRRITABILITY[i % 3], "load_stage": 1 + i % 3, "weeks": 8, "seed": i} for i in range(n)]


def cpu() -> float:
    """CPU seconds used so far by this process and its finished descendants (kernels, workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="reports in the batch (default 20)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes for the batch (default 2)")
    args = ap.parse_args(argv)

    from spinelib import reports  # noqa: E402  (import time is not part of the measurements)
    import papermill  # noqa: F401

    template = reports.template_path("personal-plan")
    rows = clients(args.n)
    papermill_cli = Path(sys.executable).with_name("papermill")
    with tempfile.TemporaryDirectory(prefix="spinelib-bench-") as tmp:
        tmp = Path(tmp)

        load0 = os.getloadavg()[0]
        c0, t0 = cpu(), time.perf_counter()
        reports.run_report("personal-plan", rows[0], tmp / "one.html")
        one, one_cpu = time.perf_counter() - t0, cpu() - c0

        table = tmp / "clients.csv"
        with open(table, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        c0, t0 = cpu(), time.perf_counter()
        res = reports.run_batch("personal-plan", table, tmp / "batch", jobs=args.jobs, progress=False)
        batch, batch_cpu = time.perf_counter() - t0, cpu() - c0
        if not res.ok:
            print(res.failed.to_string(), file=sys.stderr)
            return 1

        c0, t0 = cpu(), time.perf_counter()
        for i, r in enumerate(rows):
            cmd = [str(papermill_cli), str(template), str(tmp / f"cli-{i}.ipynb"), "--log-level", "ERROR",
                   "--no-progress-bar"]
            for k, v in r.items():
                cmd += ["-p", k, str(v)]
            subprocess.run(cmd, check=True, capture_output=True, cwd=tmp)
        cli, cli_cpu = time.perf_counter() - t0, cpu() - c0
        load1 = os.getloadavg()[0]

    ratio = cli / batch
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; 1-min load average {load0:.1f} at start, "
          f"{load1:.1f} at end (other work on the machine slows every figure)")
    print(f"{'measure':<52} {'seconds':>8}  target")
    print(f"{'one personal plan (kernel start included)':<52} {one:8.2f}  <= 4 s  {'OK' if one <= 4 else 'MISSED'}")
    print(f"{f'batch of {args.n}, --jobs {args.jobs} (papermill API + HTML)':<52} {batch:8.2f}  <= 40 s "
          f"{'OK' if batch <= 40 else 'MISSED'}")
    print(f"{f'{args.n} x papermill CLI (execution only)':<52} {cli:8.2f}")
    print(f"{'CLI loop / batch':<52} {ratio:8.2f}x >= 2x  {'OK' if ratio >= 2 else 'MISSED'}")
    print(f"per report: batch {batch / args.n:.2f} s wall, CLI {cli / args.n:.2f} s wall")
    print(f"CPU seconds per report (kernels included, load-independent): single {one_cpu:.2f}, "
          f"batch {batch_cpu / args.n:.2f}, CLI {cli_cpu / args.n:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
